"""Answers to notices, with envelopes that follow them (same case, same flow, caused by them)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from contracts.bankruptcy.aid import ExpenseAidDecision, ExpenseAidDecisionRequested
from contracts.bankruptcy.tasks import (
    CoordinationTaskNotice,
    Document,
    TaskAcknowledgement,
    TaskBlockage,
    TaskCompletion,
    TaskProgress,
)
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


# ---- bankruptcy: coordination tasks 协调事项 and expense aid 破产费用保障 -------------------------


def _task_reply(
    notice: Message[Any], payload: Payload, org: str, now: datetime, n: int
) -> Message[Any]:
    """A task answer following the notice, with an event id fixed by the notice, the bureau,
    the kind of answer and its number (`n`): made twice, it is dropped as a repeat."""
    msg = reply_to(notice.envelope, payload, org, now)
    event_id = uuid.uuid5(notice.envelope.event_id, f"{org}/{payload.TYPE}/{n}")
    return msg.model_copy(
        update={"envelope": msg.envelope.model_copy(update={"event_id": event_id})}
    )


def acknowledge_task(
    notice: Message[CoordinationTaskNotice], org: str, now: datetime, handler: str, on: date
) -> Message[Any]:
    """签收 — the lead unit takes the task on (`handler`: who handles it); once per task."""
    payload = TaskAcknowledgement(task_id=notice.data.task_id, acknowledged_on=on, handler=handler)
    return _task_reply(notice, payload, org, now, 0)


def progress(
    notice: Message[CoordinationTaskNotice],
    org: str,
    now: datetime,
    text: str,
    on: date,
    n: int = 1,
) -> Message[Any]:
    """进展 — what the lead unit has done so far (the `n`-th report)."""
    payload = TaskProgress(task_id=notice.data.task_id, reported_on=on, progress=text)
    return _task_reply(notice, payload, org, now, n)


def complete(
    notice: Message[CoordinationTaskNotice],
    org: str,
    now: datetime,
    result: str,
    evidence: Sequence[Document],
    on: date,
) -> Message[Any]:
    """办结 — done, with at least one document as evidence."""
    payload = TaskCompletion(
        task_id=notice.data.task_id, completed_on=on, result=result, evidence=tuple(evidence)
    )
    return _task_reply(notice, payload, org, now, 0)


def blocked(
    notice: Message[CoordinationTaskNotice],
    org: str,
    now: datetime,
    obstacle: str,
    needs: Sequence[str],
    on: date,
) -> Message[Any]:
    """受阻 — the lead unit cannot go on without others (`needs`: their codes); the service asks
    the joint office for a coordination meeting."""
    payload = TaskBlockage(
        task_id=notice.data.task_id, reported_on=on, obstacle=obstacle, needs=tuple(needs)
    )
    return _task_reply(notice, payload, org, now, 0)


def decide_aid(
    notice: Message[ExpenseAidDecisionRequested],
    org: str,
    now: datetime,
    *,
    approved: bool,
    amount: Decimal,
    fee_part: Decimal,
    opinion: str,
    on: date,
) -> Message[Any]:
    """财政部门决定 on an expense-aid application: approved with the amount and its fee part
    (within the caps and the budget), or not."""
    payload = ExpenseAidDecision(
        application_id=notice.data.application_id,
        decided_on=on,
        approved=approved,
        amount=amount,
        fee_part=fee_part,
        opinion=opinion,
    )
    return _task_reply(notice, payload, org, now, 0)


def subject_of(msg: Message[Any]) -> str:
    return subject(msg.envelope.type, msg.envelope.organization)
