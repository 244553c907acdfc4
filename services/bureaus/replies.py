"""Answers to notices, with envelopes that follow them (same case, same flow, caused by them)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from contracts.base import Payload
from contracts.enforcement import ControlOrder, ControlOutcome, Holding, Outcome, PropertyAnswer
from contracts.enforcement.sanctions import AckOutcome, LiftNotice, SanctionAck, SanctionNotice
from contracts.envelope import Envelope, Message
from contracts.subjects import subject


def reply_to(notice: Envelope, payload: Payload, org: str, now: datetime) -> Message[Any]:
    env = Envelope(
        event_id=uuid.uuid4(),
        type=payload.TYPE,
        occurred_at=now,
        organization=org,
        correlation_id=notice.correlation_id,
        causation_id=notice.event_id,
        case_number=notice.case_number,
    )
    return Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]


def answer(notice: Message[Any], holdings: list[Holding], org: str, now: datetime) -> Message[Any]:
    """查询答复 to a property query notice."""
    return reply_to(
        notice.envelope, PropertyAnswer(query_id=notice.data.query_id, holdings=holdings), org, now
    )


def outcome(
    notice: Message[ControlOrder],
    result: Outcome,
    org: str,
    now: datetime,
    reference: str | None = None,
    reason: str | None = None,
) -> Message[Any]:
    """控制回执 to a control order."""
    payload = ControlOutcome(
        order_id=notice.data.order_id, outcome=result, bureau_reference=reference, reason=reason
    )
    return reply_to(notice.envelope, payload, org, now)


def later(
    notice: Message[ControlOrder],
    result: Outcome,
    org: str,
    now: datetime,
    effective_on: date | None = None,
    reason: str | None = None,
) -> Message[Any]:
    """The bureau's later report of a queued order: it took effect on `effective_on` (the measure
    before it ended), or lapsed (the property was disposed of in full). Its event id is fixed by
    the order, as an answer's is, so a report made twice is dropped as a repeat."""
    payload = ControlOutcome(
        order_id=notice.data.order_id, outcome=result, effective_on=effective_on, reason=reason
    )
    msg = reply_to(notice.envelope, payload, org, now)
    event_id = uuid.uuid5(notice.envelope.event_id, f"{org}/{result.value}")
    return msg.model_copy(
        update={"envelope": msg.envelope.model_copy(update={"event_id": event_id})}
    )


ACK_OUTCOMES: dict[str, frozenset[AckOutcome]] = {
    SanctionNotice.TYPE: frozenset({AckOutcome.APPLIED, AckOutcome.REFUSED}),
    LiftNotice.TYPE: frozenset({AckOutcome.LIFTED}),
}
"""The outcomes that answer each sanction notice: a sanction notice is applied or refused, a
lift notice is confirmed lifted (the service rejects any other pairing)."""


def check_ack(notice_type: str, result: AckOutcome) -> None:
    """Raise `ValueError` when `result` does not answer a notice of this type."""
    allowed = ACK_OUTCOMES.get(notice_type)
    if allowed is None:
        raise ValueError(f"{notice_type} is not a sanction or lift notice")
    if result not in allowed:
        expected = " or ".join(sorted(a.value for a in allowed))
        raise ValueError(f"{notice_type} is answered {expected}, not {result.value}")


def acknowledge(
    notice: Message[SanctionNotice] | Message[LiftNotice],
    outcome: AckOutcome | str,
    org: str,
    now: datetime,
    reference: str | None = None,
    reason: str | None = None,
) -> Message[Any]:
    """回执 to a sanction notice (`applied`, or `refused` with a reason) or a lift notice
    (`lifted`), with the bureau's own record number as `reference`."""
    result = AckOutcome(outcome)
    check_ack(notice.envelope.type, result)
    payload = SanctionAck(
        notice_id=notice.data.notice_id, outcome=result, bureau_reference=reference, reason=reason
    )
    return reply_to(notice.envelope, payload, org, now)


def subject_of(msg: Message[Any]) -> str:
    return subject(msg.envelope.type, msg.envelope.organization)
