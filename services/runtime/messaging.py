"""Making messages: envelopes that follow their cause, and bounded rejections."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from contracts import limits
from contracts.base import TYPE_PATTERN, OrgCode, Payload
from contracts.envelope import Envelope, Message
from contracts.registry import FieldError, bounded, peek_envelope
from contracts.rejections import FieldProblem, MessageRejectedBase
from contracts.subjects import split, subject
from services.runtime.eventstore import NewEvent
from services.runtime.observability import trace_headers

PLATFORM = "FUYUAN"
"""The organization code the system itself acts as (deadlines, rejections)."""


def follow(
    cause: Envelope | None,
    payload: Payload,
    *,
    organization: str,
    now: datetime,
    case_number: str | None = None,
    officer: str | None = None,
) -> Message[Any]:
    """A message caused by `cause` (or the first of a new flow): same correlation id."""
    event_id = uuid.uuid4()
    env = Envelope(
        event_id=event_id,
        type=payload.TYPE,
        occurred_at=now,
        organization=organization,
        officer=officer,
        correlation_id=cause.correlation_id if cause else event_id,
        causation_id=cause.event_id if cause else None,
        case_number=case_number if case_number is not None else (cause and cause.case_number),
    )
    return Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]


def outgoing(message: Message[Any], org: str) -> NewEvent:
    """A message to append, on the subject of `org`, carrying the current trace context."""
    return NewEvent(message, subject(message.envelope.type, org), trace_headers())


_ORG_CODE: TypeAdapter[str] = TypeAdapter(OrgCode)


def sender_of(subject_name: str) -> str | None:
    """The organization a subject names in its last token, if that is an organization code a
    rejection can be addressed to (ASCII capitals and digits); None otherwise."""
    org = split(subject_name)[1]
    try:
        return _ORG_CODE.validate_python(org)
    except ValidationError:
        return None


def rejection(
    cls: type[MessageRejectedBase],
    data: bytes,
    subject_name: str,
    errors: list[FieldError],
    now: datetime,
) -> Message[Any]:
    """The rejection of a received message: a digest, the size and an excerpt of what was
    received, never the whole, so it stays a few KiB whatever arrived."""
    env = peek_envelope(data)
    subject_type = split(subject_name)[0]
    payload = cls(
        rejected_event_id=env.event_id if env else None,
        rejected_type=env.type if env else _type_or_none(subject_type),
        subject=limits.shown(subject_name, limits.MAX_SUBJECT_CHARS),
        problems=[FieldProblem(field=e.field, reason=e.reason) for e in bounded(errors)],
        received_sha256=hashlib.sha256(data).hexdigest(),
        received_size=len(data),
        received_excerpt=limits.excerpt(data),
    )
    return follow(env, payload, organization=PLATFORM, now=now)


def _type_or_none(text: str) -> str | None:
    return text if TYPE_PATTERN.match(text) else None
