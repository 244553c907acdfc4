"""消息登记 — every message type by its one name, parsing at the edge, and upcasting old versions.

`parse_message` validates raw bytes into a typed message and, when it cannot, raises
`InvalidMessageError` listing each field with its reason (`data.debtors.0.id_number: …`).
Before any parser sees them, raw bytes meet the limits of `contracts.limits` (`check_raw`, which
any component that parses untrusted bytes can call), and what an error says is bounded: it never
echoes the input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from contracts import limits
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
    """A message that cannot be accepted, with every field at fault and the reason (bounded)."""

    def __init__(self, errors: list[FieldError], message_type: str | None = None) -> None:
        self.errors, self.message_type = bounded(errors), message_type
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in self.errors))


def bounded(errors: list[FieldError]) -> list[FieldError]:
    """At most `MAX_PROBLEMS` errors, each field and reason cut to its limit and safe to store:
    a list of ten thousand bad items, or a key of a megabyte, is not echoed back."""
    shown = [
        FieldError(
            limits.shown(e.field, limits.MAX_FIELD_CHARS),
            limits.shown(e.reason, limits.MAX_REASON_CHARS),
        )
        for e in errors[: limits.MAX_PROBLEMS]
    ]
    if len(errors) > limits.MAX_PROBLEMS:
        more = len(errors) - limits.MAX_PROBLEMS
        shown.append(FieldError("$", f"and {more} more problem(s) not listed"))
    return shown or [FieldError("$", "refused")]


def check_raw(data: bytes) -> None:
    """Refuse bytes that no parser should see: over the size, nesting, number or character
    limits of `contracts.limits`, or not UTF-8. Raises `InvalidMessageError` (field `$`)."""
    if found := limits.problems(data):
        raise InvalidMessageError([FieldError("$", reason) for reason in found])


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


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on a repeated key (first or last wins), so the service, the journal and the
    # sender's own tools could each read a different message from the same bytes: refuse it.
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _DuplicateKeyError(
                f"the key {limits.shown(key, 64)!r} appears twice in one object"
            )
        seen.add(key)
    return obj


def _not_a_number(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _load(raw: bytes | str | dict[str, Any]) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        data = raw.encode("utf-8") if isinstance(raw, str) else raw
    except UnicodeEncodeError as e:
        raise InvalidMessageError([FieldError("$", "not UTF-8: a lone surrogate")]) from e
    check_raw(data)
    try:
        text = data.decode("utf-8")
        obj = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_not_a_number)
    except _DuplicateKeyError as e:
        raise InvalidMessageError([FieldError("$", str(e))]) from e
    # The limits make RecursionError and the long-integer ValueError impossible; they are caught
    # all the same, so no parser error ever escapes as anything but a refusal.
    except (ValueError, RecursionError) as e:
        raise InvalidMessageError([FieldError("$", f"not JSON: {_first_line(e)}")]) from e
    if not isinstance(obj, dict):
        raise InvalidMessageError([FieldError("$", "must be a JSON object")])
    return obj


def _first_line(e: BaseException) -> str:
    return str(e).split("\n", 1)[0]


def upcast(obj: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored message of an old version up to the current one."""
    seen = 0
    while (
        isinstance(env := obj.get("envelope"), dict)
        and isinstance(env.get("type"), str)
        and env["type"] in UPCASTERS
        and seen < 100
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
    if env is None:
        raise InvalidMessageError([FieldError("envelope", "Field required")])
    if not isinstance(env, dict):
        raise InvalidMessageError([FieldError("envelope", "must be a JSON object")])
    try:
        Envelope.model_validate(env)
    except ValidationError as e:
        claimed = env.get("type")
        raise InvalidMessageError(
            _errors(e, "envelope."), claimed if isinstance(claimed, str) else None
        ) from e
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
