"""控制 — freeze, seize, renew, release, deduct; prudence and statutory terms; expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from contracts.base import Payload
from contracts.enforcement import (
    Action,
    ControlApplied,
    ControlExpiring,
    ControlLapsed,
    ControlOrder,
    ControlOrdered,
    ControlOutcome,
    ControlQueued,
    ControlRefused,
    ControlReleased,
    ControlRenewed,
    ControlReport,
    ControlStatus,
    DeductFunds,
    ExcessReleased,
    ExcessReleaseOrdered,
    ExcessReleaseOverdue,
    FreezeProperty,
    FundsDeducted,
    LapseReason,
    Outcome,
    QueuedControlTookEffect,
    ReleaseControl,
    ReleaseExcess,
    RenewControl,
)
from contracts.organizations import PLATFORM_CODE
from services.enforcement.domain import terms
from services.enforcement.domain.case import Case, Control, ControlState, Order
from services.enforcement.domain.errors import (
    ControlStateError,
    EffectiveDateError,
    ExcessTooLargeError,
    NotQueuedError,
    OutcomeNotForOrderError,
    OverFreezeError,
    RulingDateError,
    TermTooLongError,
    UnknownControlError,
    UnknownOrderError,
    WrongBureauError,
)
from services.enforcement.domain.query import Out, check_case_court
from services.enforcement.domain.workdays import days_period_end

EXCESS_RELEASE_DAYS = 7
"""The excess is released within seven days of the ruling taking effect (强制执行股权规定 第五条),
unless the court sets another term."""


def freeze_is_proportionate(
    case: Case, secures: Decimal, reason: str | None, tolerance: Decimal = Decimal(0)
) -> bool:
    """查封规定 第十九条: not obviously excessive (不得明显超标的额). The case's total secured —
    controls in effect or in flight, at their value net of prior claims — may exceed the amount
    to be enforced by `tolerance` (a share: interest for late performance and costs grow the
    amount after filing), or by more when the court states why (indivisible property …)."""
    if reason and reason.strip():
        return True
    return case.secured() + secures <= case.amount * (1 + tolerance)


def _order(
    case: Case,
    c: Control,
    order_id: UUID,
    action: Action,
    amount: Decimal,
    until: date | None,
    account: str | None = None,
) -> list[Out]:
    court = case.executing_court or ""
    ordered = ControlOrdered(
        control_id=c.control_id,
        order_id=order_id,
        action=action,
        bureau=c.bureau,
        holding=c.holding,
        amount=amount,
        until=until,
        **_first(c, order_id),
    )
    order = ControlOrder(
        order_id=order_id,
        control_id=c.control_id,
        action=action,
        case_number=case.case_number or "",
        executing_court=court,
        holding=c.holding,
        amount=amount,
        until=until,
        court_account=account,
    )
    return [(ordered, court), (order, c.bureau)]


def _first(c: Control, order_id: UUID) -> dict[str, object]:
    """What only the first order of a control records: prior claims and the term asked for."""
    if order_id != c.control_id:
        return {}
    return {"prior_claims": c.prior_claims, "term_days": c.term_days}


def decide_freeze(
    cmd: FreezeProperty,
    case: Case,
    *,
    court: str,
    control_id: UUID,
    now: datetime,
    tolerance: Decimal = Decimal(0),
) -> list[Out]:
    check_case_court(case, court)
    kind, start = cmd.holding.kind, now.date()
    if not terms.within_term(kind, start, cmd.term_days):
        raise TermTooLongError(
            f"{kind} may be held at most {terms.TERM_YEARS[kind]} year(s): "
            f"until {terms.latest_until(kind, start)}"
        )
    c = Control(
        control_id,
        cmd.bureau,
        cmd.holding,
        cmd.amount,
        ControlState.REQUESTED,
        None,
        prior_claims=cmd.prior_claims,
        term_days=cmd.term_days,
    )
    if not freeze_is_proportionate(case, c.secures(), cmd.excess_reason, tolerance):
        raise OverFreezeError(
            f"secured {case.secured()} + {c.secures()} would exceed the {case.amount} to be "
            f"enforced by more than {tolerance:.0%}; state excess_reason if it must "
            "(慎用查封冻结, 查封规定 第十九条)"
        )
    return _order(
        case,
        c,
        control_id,
        Action(cmd.measure.value),
        cmd.amount,
        terms.until(start, cmd.term_days),
    )


def _control(case: Case, control_id: UUID, allowed: set[ControlState]) -> Control:
    c = case.controls.get(control_id)
    if c is None:
        raise UnknownControlError(f"no control {control_id} in this case")
    if c.status not in allowed or c.pending:
        raise ControlStateError(
            f"control {control_id} is {c.status.value}"
            + (" with an order pending" if c.pending else "")
        )
    return c


def decide_renew(
    cmd: RenewControl, case: Case, *, court: str, order_id: UUID, now: datetime
) -> list[Out]:
    check_case_court(case, court)
    c = _control(case, cmd.control_id, {ControlState.APPLIED})
    start = terms.renewal_start(c.until) if c.until else now.date()
    if not terms.within_term(c.holding.kind, start, cmd.term_days):
        raise TermTooLongError(
            f"a renewal of {c.holding.kind} may run at most "
            f"{terms.TERM_YEARS[c.holding.kind]} year(s)"
        )
    return _order(case, c, order_id, Action.RENEW, c.amount, terms.until(start, cmd.term_days))


def decide_release(cmd: ReleaseControl, case: Case, *, court: str, order_id: UUID) -> list[Out]:
    check_case_court(case, court)
    c = _control(case, cmd.control_id, {ControlState.APPLIED, ControlState.QUEUED})
    return _order(case, c, order_id, Action.RELEASE, c.amount, c.until)


def decide_deduct(cmd: DeductFunds, case: Case, *, court: str, order_id: UUID) -> list[Out]:
    check_case_court(case, court)
    c = _control(case, cmd.control_id, {ControlState.APPLIED})
    if c.holding.kind not in terms.MONEY:
        raise ControlStateError(f"{c.holding.kind} cannot be deducted; it must be sold first")
    if cmd.amount > c.amount:
        raise OverFreezeError(f"{cmd.amount} is more than the {c.amount} frozen")
    return _order(case, c, order_id, Action.DEDUCT, cmd.amount, c.until, cmd.court_account)


def release_by(cmd: ReleaseExcess) -> date:
    """The last day of a release of the excess: the court's term, else seven days, from the day
    the ruling took effect; a last day on a rest day moves to the next working day (民事诉讼法
    第八十五条)."""
    return days_period_end(cmd.ruling_effective_on, cmd.release_within_days or EXCESS_RELEASE_DAYS)


def decide_release_excess(
    cmd: ReleaseExcess, case: Case, *, court: str, order_id: UUID, now: datetime
) -> list[Out]:
    """解除超标的部分 — an order to the bureau to release what exceeds what the control must
    secure, recorded with its last day (查封规定 第十九条; 强制执行股权规定 第五条)."""
    check_case_court(case, court)
    c = _control(case, cmd.control_id, {ControlState.APPLIED})
    if cmd.amount >= c.amount:
        raise ExcessTooLargeError(
            f"{cmd.amount} is not less than the {c.amount} the control secures: release all of "
            "it with ReleaseControl"
        )
    if cmd.ruling_effective_on > now.date():
        raise RulingDateError(f"the ruling cannot take effect after today ({now.date()})")
    ordered = ExcessReleaseOrdered(
        control_id=c.control_id,
        order_id=order_id,
        amount=cmd.amount,
        ruling_effective_on=cmd.ruling_effective_on,
        release_by=release_by(cmd),
    )
    order = ControlOrder(
        order_id=order_id,
        control_id=c.control_id,
        action=Action.RELEASE_EXCESS,
        case_number=case.case_number or "",
        executing_court=court,
        holding=c.holding,
        amount=cmd.amount,
        until=c.until,
        documents=cmd.documents,
    )
    return [(ordered, court), (order, c.bureau)]


def _queued(case: Case, order_id: UUID) -> Control:
    for c in case.controls.values():
        if c.status is ControlState.QUEUED and c.queued_order == order_id:
            return c
    raise NotQueuedError(f"no queued order {order_id} in this case")


def _pending(case: Case, order_id: UUID) -> tuple[Control, Order]:
    for c in case.controls.values():
        if order_id in c.pending:
            return c, c.pending[order_id]
    raise UnknownOrderError(f"no pending order {order_id} in this case")


def decide_outcome(
    reply: ControlOutcome, case: Case, *, bureau: str, now: datetime | None = None
) -> list[Out]:
    """The bureau's answer to an order — or, for a queued freeze or seizure, its later report
    that the control took effect or lapsed — recorded as its fact and told to the court."""
    later = reply.outcome in (Outcome.TOOK_EFFECT, Outcome.LAPSED)
    if later:
        c, order = _queued(case, reply.order_id), None
    else:
        c, order = _pending(case, reply.order_id)
    if c.bureau != bureau:
        raise WrongBureauError(f"order {reply.order_id} went to {c.bureau}, not {bureau}")
    if reply.outcome is Outcome.TOOK_EFFECT:
        return _took_effect(reply, case, c, now)
    if reply.outcome is Outcome.LAPSED:
        lapsed = ControlLapsed(
            control_id=c.control_id,
            order_id=reply.order_id,
            reason=LapseReason.DISPOSED,
            detail=reply.reason,
        )
        detail = reply.reason or "轮候失效: the property was disposed of in full"
        return _tell(case, c, lapsed, ControlStatus.LAPSED, bureau, None, detail)
    assert order is not None
    return _answered(reply, case, c, order, bureau)


def _took_effect(reply: ControlOutcome, case: Case, c: Control, now: datetime | None) -> list[Out]:
    """轮候生效: the term runs from the registry's date, capped at the statutory term."""
    day = reply.effective_on
    if day is None:
        raise EffectiveDateError("state effective_on, the day the registry records it in effect")
    if now is not None and day > now.date():
        raise EffectiveDateError(f"{day} is after today ({now.date()})")
    until = c.until
    if c.term_days is not None:
        until = min(terms.until(day, c.term_days), terms.latest_until(c.holding.kind, day))
    took = QueuedControlTookEffect(
        control_id=c.control_id,
        order_id=reply.order_id,
        effective_on=day,
        until=until,
        bureau_reference=reply.bureau_reference,
    )
    detail = f"轮候生效 on {day}: the measure before it ended; its term runs to {until}"
    return _tell(case, c, took, ControlStatus.TOOK_EFFECT, c.bureau, until, detail)


def _answered(
    reply: ControlOutcome, case: Case, c: Control, order: Order, bureau: str
) -> list[Out]:
    action, oid, ref = Action(order.action), reply.order_id, reply.bureau_reference
    cid, detail = c.control_id, reply.reason or reply.bureau_reference
    fact: Payload
    if reply.outcome is Outcome.REFUSED:
        fact = ControlRefused(control_id=cid, order_id=oid, action=action, reason=reply.reason)
        return _tell(case, c, fact, ControlStatus.REFUSED, bureau, c.until, detail)
    if action not in (Action.FREEZE, Action.SEIZE) and reply.outcome is Outcome.QUEUED:
        raise OutcomeNotForOrderError(f"a {action.value} order is applied or refused, not queued")
    if reply.outcome is Outcome.QUEUED:
        fact = ControlQueued(
            control_id=cid,
            order_id=oid,
            until=order.until,
            bureau_reference=ref,
            reason=reply.reason,
        )
        return _tell(case, c, fact, ControlStatus.QUEUED, bureau, order.until, detail)
    match action:
        case Action.FREEZE | Action.SEIZE:
            fact = ControlApplied(
                control_id=cid, order_id=oid, until=order.until, bureau_reference=ref
            )
            return _tell(case, c, fact, ControlStatus.APPLIED, bureau, order.until, detail)
        case Action.RENEW:
            until = order.until or c.until
            assert until is not None  # a renewal order always names its last day
            fact = ControlRenewed(control_id=cid, order_id=oid, until=until, bureau_reference=ref)
            return _tell(case, c, fact, ControlStatus.RENEWED, bureau, until, detail)
        case Action.RELEASE:
            fact = ControlReleased(control_id=cid, order_id=oid, bureau_reference=ref)
            return _tell(case, c, fact, ControlStatus.RELEASED, bureau, c.until, detail)
        case Action.DEDUCT:
            remaining = c.amount - order.amount
            fact = FundsDeducted(
                control_id=cid,
                order_id=oid,
                remaining=remaining,
                amount=order.amount,
                bureau_reference=ref,
            )
            return _tell(case, c, fact, ControlStatus.DEDUCTED, bureau, c.until, detail)
    remaining = c.amount - order.amount  # Action.RELEASE_EXCESS
    fact = ExcessReleased(control_id=cid, order_id=oid, remaining=remaining, bureau_reference=ref)
    return _tell(case, c, fact, ControlStatus.EXCESS_RELEASED, bureau, c.until, detail)


def _tell(
    case: Case,
    c: Control,
    fact: Payload,
    status: ControlStatus,
    actor: str,
    until: date | None,
    detail: str | None,
) -> list[Out]:
    """The fact, recorded as `actor`'s, and the court told of it."""
    report = ControlReport(
        control_id=c.control_id,
        case_number=case.case_number or "",
        status=status,
        bureau=c.bureau,
        until=until,
        detail=detail,
    )
    return [(fact, actor), (report, case.executing_court or "")]


def _expiry_due(c: Control) -> date | None:
    """The first day `decide_expiry` acts on this control: the warning, then the lapse."""
    if c.status is not ControlState.APPLIED or c.until is None or c.pending:
        return None
    return terms.lapses_on(c.until) if c.warned else terms.warn_on(c.until)


def decide_expiry(case: Case, today: date) -> list[Out]:
    """Warn the court ahead of expiry; record a lapse the day after the last day."""
    out: list[Out] = []
    for c in case.controls.values():
        due = _expiry_due(c)
        if due is None or today < due or c.until is None:
            continue
        if terms.has_lapsed(c.until, today):
            lapsed = ControlLapsed(
                control_id=c.control_id, reason=LapseReason.EXPIRED, until=c.until
            )
            out += _tell(
                case,
                c,
                lapsed,
                ControlStatus.LAPSED,
                PLATFORM_CODE,
                c.until,
                "expired without renewal",
            )
        elif terms.is_expiring(c.until, today):
            expiring = ControlExpiring(control_id=c.control_id, until=c.until)
            detail = f"expires on {c.until}: renew before then (续冻)"
            out += _tell(case, c, expiring, ControlStatus.EXPIRING, PLATFORM_CODE, c.until, detail)
    return out


def _overdue_on(release_by: date) -> date:
    """The first day a release of the excess is overdue."""
    return release_by + timedelta(days=1)


def excess_pending(case: Case) -> bool:
    """Whether a release of the excess is still to be done (and not yet reported overdue)."""
    return any(r.open for c in case.controls.values() for r in c.excess.values())


def decide_excess_overdue(case: Case, today: date, joint_office: str) -> list[Out]:
    """Tell the court and the joint office, once, of every excess not released by its last day
    (强制执行股权规定 第五条)."""
    court, out = case.executing_court or "", list[Out]()
    for c in case.controls.values():
        for r in c.excess.values():
            if not r.open or today < _overdue_on(r.release_by):
                continue
            late = ExcessReleaseOverdue(
                control_id=c.control_id,
                order_id=r.order_id,
                case_number=case.case_number or "",
                bureau=c.bureau,
                amount=r.amount,
                release_by=r.release_by,
            )
            out += [(late, court), (late, joint_office)]
    return out


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def next_due(case: Case) -> datetime | None:
    """The earliest moment (midnight UTC of the day) at which a deadline decision on the case's
    controls (`decide_expiry`, `decide_excess_overdue`) would write something, or None: a
    deadline projection keeps it per case."""
    days = [d for c in case.controls.values() if (d := _expiry_due(c)) is not None]
    days += [
        _overdue_on(r.release_by)
        for c in case.controls.values()
        for r in c.excess.values()
        if r.open
    ]
    return _midnight(min(days)) if days else None
