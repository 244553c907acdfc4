"""协助执行异议 — a bureau objects in writing to a control order; the court answers in writing
within fifteen days (网络查询冻结存款规定 第六条: "人民法院应当在十五日内书面答复"). Still
unanswered after them, the court and the joint office are told, once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from contracts.enforcement.objections import (
    AnswerObjection,
    ControlObjected,
    ObjectionAnswered,
    ObjectionAnswerNotice,
    ObjectionAnswerOverdue,
    ObjectionNotice,
    ObjectToControl,
)
from services.enforcement.domain import errors
from services.enforcement.domain.case import Case
from services.enforcement.domain.objection_state import Objection
from services.enforcement.domain.query import Out, check_case_court, midnight
from services.enforcement.domain.workdays import days_period_end

ANSWER_WITHIN_DAYS = 15
"""十五日: counted in calendar days from the day after the objection arrived (期间); a last day on a
rest day moves to the next working day (民事诉讼法 第八十五条, `days_period_end`)."""


def decide_objection(
    reply: ObjectToControl, case: Case, *, bureau: str, objection_id: UUID, now: datetime
) -> list[Out]:
    """Record the objection and tell the court by when to answer."""
    c = case.controls.get(reply.control_id)
    if c is None:
        raise errors.UnknownControlError(f"no control {reply.control_id} in this case")
    if c.bureau != bureau:
        raise errors.WrongBureauError(f"control {reply.control_id} is held by {c.bureau}")
    if [o for o in case.objections.values() if o.control_id == c.control_id and not o.answered]:
        raise errors.ObjectionOpenError("an objection to this control awaits the court's answer")
    answer_by = days_period_end(now.date(), ANSWER_WITHIN_DAYS)
    objected = ControlObjected(
        objection_id=objection_id,
        control_id=c.control_id,
        order_id=reply.order_id,
        bureau=bureau,
        document_number=reply.document_number,
        reason=reply.reason,
        received_on=now.date(),
        answer_by=answer_by,
    )
    told = ObjectionNotice(
        objection_id=objection_id,
        case_number=case.case_number or "",
        control_id=c.control_id,
        bureau=bureau,
        reason=reply.reason,
        answer_by=answer_by,
    )
    return [(objected, bureau), (told, case.executing_court or "")]


def decide_answer_objection(
    cmd: AnswerObjection, case: Case, *, court: str, now: datetime
) -> list[Out]:
    """The court's written answer, recorded and sent to the bureau."""
    check_case_court(case, court)
    o = case.objections.get(cmd.objection_id)
    if o is None:
        raise errors.UnknownObjectionError(f"no objection {cmd.objection_id} in this case")
    if o.answered:
        raise errors.ObjectionAnsweredError(f"objection {cmd.objection_id} is answered already")
    answered = ObjectionAnswered(
        objection_id=o.objection_id,
        upheld=cmd.upheld,
        answer=cmd.answer,
        document_number=cmd.document_number,
        answered_on=now.date(),
        late=now.date() > o.answer_by,
    )
    told = ObjectionAnswerNotice(
        objection_id=o.objection_id,
        case_number=case.case_number or "",
        control_id=o.control_id,
        upheld=cmd.upheld,
        answer=cmd.answer,
        document_number=cmd.document_number,
    )
    return [(answered, court), (told, o.bureau)]


def overdue_from(o: Objection) -> date | None:
    """The first day the objection is overdue (the day after its fifteen days), while it is
    unanswered and not yet escalated."""
    return None if o.answered or o.escalated else o.answer_by + timedelta(days=1)


def next_due(case: Case) -> datetime | None:
    """The first moment `decide_objection_overdue` escalates one of the case's objections."""
    days = [d for o in case.objections.values() if (d := overdue_from(o))]
    return midnight(min(days)) if days else None


def decide_objection_overdue(case: Case, now: datetime, joint_office: str) -> list[Out]:
    """Tell the court and the joint office, once, of every objection unanswered after its
    fifteen days."""
    court, out = case.executing_court or "", list[Out]()
    for o in sorted(case.objections.values(), key=lambda o: str(o.objection_id)):
        first = overdue_from(o)
        if first is None or now.date() < first:
            continue
        late = ObjectionAnswerOverdue(
            objection_id=o.objection_id,
            case_number=case.case_number or "",
            control_id=o.control_id,
            bureau=o.bureau,
            answer_by=o.answer_by,
        )
        out += [(late, court), (late, joint_office)]
    return out
