"""破产 contracts — every bankruptcy message type is built, dumped to JSON and parsed back at the
edge unchanged; every field is documented; the types follow `bankruptcy.<kind>.<name>.v1`; and
the context is one of the system's public contexts."""

from __future__ import annotations

import enum
import json
import types
import typing
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

import contracts.bankruptcy  # noqa: F401 - registers the bankruptcy messages
from contracts.bankruptcy import tasks as t
from contracts.base import Payload
from contracts.catalog import CONTEXTS, public
from contracts.registry import PAYLOADS, parse_message
from tests.unit import test_bankruptcy_builders as b

TYPES = sorted(k for k in PAYLOADS if k.startswith("bankruptcy.") and ".rejection." not in k)
"""The bankruptcy messages built here (the rejection is the shared `MessageRejectedBase`)."""

SPEC = t.TaskSpec(
    task_id=uuid.UUID(int=7),
    topic="tax",
    item="tax_claims",
    lead="TXRUZHOU",
    lead_kind="tax",
    request="申报税收债权",
    acknowledge_by=date(2026, 3, 19),
    due_on=date(2026, 4, 15),
)

BY_NAME: dict[str, Any] = {
    "case_number": b.CASE,
    "petition_case_number": b.PETITION,
    "appeal_case_number": b.APPEAL,
    "enforcement_case_number": "（2025）豫0482执1234号",
    "debtor": b.DEBTOR,
    "administrator": b.administrator(),
    "task": SPEC,
    "evidence": (t.Document(title="税收债权申报书", issued_on=date(2026, 4, 1)),),
    "debtor_credit_code": b.DEBTOR.credit_code,
    "co_units": ("PSRUZHOU",),
    "needs": ("PSRUZHOU",),
    "topic": "tax",
    "item": "tax_claims",
    "lead_kind": "tax",
    "ordinal": 2,
    "employees": 120,
    "budget_year": 2026,
}
"""Fields whose value has a shape of its own; the others are filled by their type."""

ORG_FIELDS = {"court", "lead", "requested_by", "reviewer", "rejected_by", "waived_by"}


def _by_type(annotation: Any) -> Any:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return _by_type(next(a for a in args if a is not type(None)))
    if typing.get_origin(annotation) is tuple:
        return ()
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return list(annotation)[-1]
    table: dict[Any, Any] = {
        date: date(2026, 5, 1),
        bool: True,
        int: 3,
        Decimal: Decimal("1234.50"),
        uuid.UUID: uuid.UUID(int=42),
        str: "样例 sample",
    }
    return table[annotation]


def sample(cls: type[BaseModel]) -> dict[str, Any]:
    """A value for every field, optional ones included, so each is seen to round-trip."""
    values = {}
    for name, field in cls.model_fields.items():
        if name in BY_NAME:
            values[name] = BY_NAME[name]
        elif name in ORG_FIELDS:
            values[name] = "CTRUZHOU"
        else:
            values[name] = _by_type(field.annotation)
    return values


def envelope(kind: str) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "occurred_at": datetime(2026, 5, 1, 9, tzinfo=UTC).isoformat(),
        "organization": "CTRUZHOU",
        "correlation_id": str(uuid.uuid4()),
        "case_number": b.CASE,
    }


def test_there_are_bankruptcy_messages_of_every_kind() -> None:
    kinds = {k.split(".")[1] for k in TYPES}
    assert kinds == {"command", "event", "notice", "reply"}
    assert len(TYPES) > 70


@pytest.mark.parametrize("kind", TYPES)
def test_a_message_is_built_dumped_and_parsed_back_unchanged(kind: str) -> None:
    cls = PAYLOADS[kind]
    payload = cls(**sample(cls))
    raw = json.dumps({"envelope": envelope(kind), "data": payload.model_dump(mode="json")})
    message = parse_message(raw.encode(), expected_type=kind)
    assert type(message.data) is cls
    assert message.data == payload
    assert message.data.model_dump(mode="json") == payload.model_dump(mode="json")


@pytest.mark.parametrize("kind", TYPES)
def test_a_message_type_is_named_by_its_context_kind_and_version(kind: str) -> None:
    cls = PAYLOADS[kind]
    assert kind.endswith(".v1") and cls.context() == "bankruptcy"
    assert cls.kind() in ("command", "event", "notice", "reply")
    assert cls.__doc__ and cls.__doc__.strip()


def _documented(cls: type[BaseModel], seen: set[type]) -> list[str]:
    if cls in seen:
        return []
    seen.add(cls)
    missing = []
    for name, field in cls.model_fields.items():
        if not (field.description or "").strip():
            missing.append(f"{cls.__name__}.{name}")
        for inner in _models(field.annotation):
            missing += _documented(inner, seen)
    return missing


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in typing.get_args(annotation) for m in _models(a)]


def test_every_field_is_documented() -> None:
    seen: set[type] = set()
    missing = [m for kind in TYPES for m in _documented(PAYLOADS[kind], seen)]
    assert missing == []


def test_a_missing_field_is_named_at_the_edge() -> None:
    kind = "bankruptcy.reply.task_completion.v1"
    data = {"task_id": str(uuid.UUID(int=7)), "completed_on": "2026-05-01", "result": "已办结"}
    with pytest.raises(ValueError, match=r"data\.evidence"):
        parse_message(json.dumps({"envelope": envelope(kind), "data": data}))


def test_the_bankruptcy_context_is_public() -> None:
    assert "bankruptcy" in CONTEXTS
    assert set(TYPES) <= set(public())
    assert all(issubclass(PAYLOADS[k], Payload) for k in TYPES)
