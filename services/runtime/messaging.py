"""Making messages: envelopes that follow their cause, and rejections that lose nothing."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import datetime
from typing import Any

from contracts.base import Payload
from contracts.envelope import Envelope, Message
from contracts.registry import FieldError, peek_envelope
from contracts.rejections import FieldProblem, MessageRejectedBase
from contracts.subjects import split, subject
from services.runtime.eventstore import NewEvent
from services.runtime.observability import trace_headers

PLATFORM = "FUYUAN"
"""The organization code the system itself acts as (deadlines, rejections)."""


def follow(
    cause: Envelope | None, payload: Payload, *, organization: str, now: datetime,
    case_number: str | None = None, officer: str | None = None,
) -> Message[Any]:  # fmt: skip
    """A message caused by `cause` (or the first of a new flow): same correlation id."""
    event_id = uuid.uuid4()
    env = Envelope(
        event_id=event_id, type=payload.TYPE, occurred_at=now, organization=organization,
        officer=officer, correlation_id=cause.correlation_id if cause else event_id,
        causation_id=cause.event_id if cause else None,
        case_number=case_number if case_number is not None else (cause and cause.case_number),
    )  # fmt: skip
    return Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]


def outgoing(message: Message[Any], org: str) -> NewEvent:
    """A message to append, on the subject of `org`, carrying the current trace context."""
    return NewEvent(message, subject(message.envelope.type, org), trace_headers())


def _received_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(data).decode()


def rejection(
    cls: type[MessageRejectedBase], data: bytes, subject_name: str,
    errors: list[FieldError], now: datetime,
) -> Message[Any]:  # fmt: skip
    """The rejection of a received message, addressed back to the subject's organization."""
    env = peek_envelope(data)
    payload = cls(
        rejected_event_id=env.event_id if env else None,
        rejected_type=env.type if env else split(subject_name)[0],
        subject=subject_name,
        problems=[FieldProblem(field=e.field, reason=e.reason) for e in errors],
        received_sha256=hashlib.sha256(data).hexdigest(), received=_received_text(data),
    )  # fmt: skip
    return follow(env, payload, organization=PLATFORM, now=now)
