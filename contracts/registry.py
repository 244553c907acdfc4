"""消息登记 — every message type by its one name, parsing at the edge, and upcasting old versions.

`parse_message` validates raw bytes into a typed message and, when it cannot, raises
`InvalidMessageError` listing each field with its reason (`data.debtors.0.id_number: …`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from contracts.base import TYPE_PATTERN, Payload
from contracts.envelope import Envelope, Message

P = TypeVar("P", bound=type[Payload])

PAYLOADS: dict[str, type[Payload]] = {}
"""Message type → payload class, for every type the system knows."""

UPCASTERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""Old message type → function turning such a message into the next version's form."""


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


class InvalidMessageError(ValueError):
    """A message that cannot be accepted, with every field at fault and the reason."""

    def __init__(self, errors: list[FieldError], message_type: str | None = None) -> None:
        self.errors, self.message_type = errors, message_type
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in errors))


def register(cls: P) -> P:
    if not TYPE_PATTERN.match(cls.TYPE):
        raise ValueError(f"{cls.__name__}.TYPE {cls.TYPE!r} is not a message type")
    if cls.TYPE in PAYLOADS and PAYLOADS[cls.TYPE] is not cls:
        raise ValueError(f"{cls.TYPE} is registered twice")
    PAYLOADS[cls.TYPE] = cls
    return cls


def upcaster(old_type: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., Any]]:
    def add(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[..., Any]:
        UPCASTERS[old_type] = fn
        return fn

    return add


def _errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"])
        out.append(FieldError(f"{prefix}{loc}" if loc else prefix.rstrip(".") or "$", err["msg"]))
    return out


def _load(raw: bytes | str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        obj = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidMessageError([FieldError("$", f"not JSON: {e}")]) from e
    if not isinstance(obj, dict):
        raise InvalidMessageError([FieldError("$", "must be a JSON object")])
    return obj


def upcast(obj: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored message of an old version up to the current one."""
    seen = 0
    while (
        isinstance(env := obj.get("envelope"), dict) and env.get("type") in UPCASTERS and seen < 100
    ):
        t = env["type"]
        obj, seen = UPCASTERS[t](obj), seen + 1
    return obj


def peek_envelope(raw: bytes | str | dict[str, Any]) -> Envelope | None:
    """The envelope if it is valid, whatever the data: to address a rejection."""
    try:
        env = _load(raw).get("envelope")
        return Envelope.model_validate(env) if isinstance(env, dict) else None
    except (InvalidMessageError, ValidationError):
        return None


def parse_message(
    raw: bytes | str | dict[str, Any], expected_type: str | None = None
) -> Message[Any]:
    obj = upcast(_load(raw))
    env = obj.get("envelope")
    if not isinstance(env, dict):
        raise InvalidMessageError([FieldError("envelope", "Field required")])
    try:
        Envelope.model_validate(env)
    except ValidationError as e:
        raise InvalidMessageError(_errors(e, "envelope."), env.get("type")) from e
    message_type = env["type"]
    if expected_type and message_type != expected_type:
        raise InvalidMessageError(
            [
                FieldError(
                    "envelope.type", f"{message_type} arrived on the subject of {expected_type}"
                )
            ]
        )
    cls = PAYLOADS.get(message_type)
    if cls is None:
        raise InvalidMessageError(
            [FieldError("envelope.type", f"unknown message type {message_type}")]
        )
    try:
        return Message[cls].model_validate(obj)  # type: ignore[valid-type]
    except ValidationError as e:
        raise InvalidMessageError(_errors(e), message_type) from e
