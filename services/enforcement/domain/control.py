"""控制 — freeze, seize, renew, release, deduct; prudence and statutory terms; expiry."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from contracts.enforcement import (
    Action,
    ControlOrder,
    ControlOutcome,
    ControlRecorded,
    ControlReport,
    DeductFunds,
    FreezeProperty,
    Outcome,
    ReleaseControl,
    RenewControl,
)
from contracts.organizations import PLATFORM_CODE
from services.enforcement.domain import terms
from services.enforcement.domain.case import Case, Control
from services.enforcement.domain.errors import (
    ControlStateError,
    OverFreezeError,
    TermTooLongError,
    UnknownControlError,
    UnknownOrderError,
    WrongBureauError,
)
from services.enforcement.domain.query import Out, check_case_court

DONE = {Action.RELEASE: "released", Action.DEDUCT: "deducted"}


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
    recorded = ControlRecorded(
        control_id=c.control_id,
        order_id=order_id,
        status="requested",
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
    return [(recorded, court), (order, c.bureau)]


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
        "requested",
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


def _control(case: Case, control_id: UUID, allowed: set[str]) -> Control:
    c = case.controls.get(control_id)
    if c is None:
        raise UnknownControlError(f"no control {control_id} in this case")
    if c.status not in allowed or c.pending:
        raise ControlStateError(
            f"control {control_id} is {c.status}" + (" with an order pending" if c.pending else "")
        )
    return c


def decide_renew(
    cmd: RenewControl, case: Case, *, court: str, order_id: UUID, now: datetime
) -> list[Out]:
    check_case_court(case, court)
    c = _control(case, cmd.control_id, {"applied"})
    start = terms.renewal_start(c.until) if c.until else now.date()
    if not terms.within_term(c.holding.kind, start, cmd.term_days):
        raise TermTooLongError(
            f"a renewal of {c.holding.kind} may run at most "
            f"{terms.TERM_YEARS[c.holding.kind]} year(s)"
        )
    return _order(case, c, order_id, Action.RENEW, c.amount, terms.until(start, cmd.term_days))


def decide_release(cmd: ReleaseControl, case: Case, *, court: str, order_id: UUID) -> list[Out]:
    check_case_court(case, court)
    c = _control(case, cmd.control_id, {"applied", "queued"})
    return _order(case, c, order_id, Action.RELEASE, c.amount, c.until)


def decide_deduct(cmd: DeductFunds, case: Case, *, court: str, order_id: UUID) -> list[Out]:
    check_case_court(case, court)
    c = _control(case, cmd.control_id, {"applied"})
    if c.holding.kind not in terms.MONEY:
        raise ControlStateError(f"{c.holding.kind} cannot be deducted; it must be sold first")
    if cmd.amount > c.amount:
        raise OverFreezeError(f"{cmd.amount} is more than the {c.amount} frozen")
    return _order(case, c, order_id, Action.DEDUCT, cmd.amount, c.until, cmd.court_account)


def decide_outcome(reply: ControlOutcome, case: Case, *, bureau: str) -> list[Out]:
    found = [
        (c, c.pending[reply.order_id])
        for c in case.controls.values()
        if reply.order_id in c.pending
    ]
    if not found:
        raise UnknownOrderError(f"no pending order {reply.order_id} in this case")
    c, order = found[0]
    if c.bureau != bureau:
        raise WrongBureauError(f"order {reply.order_id} went to {c.bureau}, not {bureau}")
    action = Action(order.action)
    status = _status(action, reply.outcome)
    amount = c.amount - order.amount if status == "deducted" else c.amount
    until = order.until if status in ("applied", "queued") else c.until
    detail = reply.reason or reply.bureau_reference
    return _report(case, c, status, amount, until, detail, bureau, reply.order_id, action)


def _status(action: Action, outcome: Outcome) -> str:
    if outcome is Outcome.APPLIED:
        return DONE.get(action, "applied")
    return "queued" if outcome is Outcome.QUEUED else "refused"


def _report(
    case: Case,
    c: Control,
    status: str,
    amount: Decimal,
    until: date | None,
    detail: str | None,
    actor: str,
    order_id: UUID | None = None,
    action: Action | None = None,
) -> list[Out]:
    court = case.executing_court or ""
    recorded = ControlRecorded(
        control_id=c.control_id,
        order_id=order_id,
        status=status,
        action=action,
        bureau=c.bureau,
        holding=c.holding,
        amount=amount,
        until=until,
        detail=detail,
    )
    report = ControlReport(
        control_id=c.control_id,
        case_number=case.case_number or "",
        status=status,
        bureau=c.bureau,
        until=until,
        detail=detail,
    )
    return [(recorded, actor), (report, court)]


def decide_expiry(case: Case, today: date) -> list[Out]:
    """Warn the court ahead of expiry; record a lapse the day after the last day."""
    out: list[Out] = []
    for c in case.controls.values():
        due = _expiry_due(c)
        if due is None or today < due or c.until is None:
            continue
        if terms.has_lapsed(c.until, today):
            out += _report(
                case, c, "lapsed", c.amount, c.until, "expired without renewal", PLATFORM_CODE
            )
        elif terms.is_expiring(c.until, today) and not c.warned:
            out += _report(
                case,
                c,
                "expiring",
                c.amount,
                c.until,
                f"expires on {c.until}: renew before then (续冻)",
                PLATFORM_CODE,
            )
    return out


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _expiry_due(c: Control) -> date | None:
    """The first day `decide_expiry` acts on this control: the warning, then the lapse."""
    if c.status != "applied" or c.until is None or c.pending:
        return None
    return terms.lapses_on(c.until) if c.warned else terms.warn_on(c.until)


def next_due(case: Case) -> datetime | None:
    """The earliest moment (midnight UTC of the day) at which a deadline decision on the case's
    controls would write something, or None: a deadline projection keeps it per case."""
    days = [d for c in case.controls.values() if (d := _expiry_due(c)) is not None]
    return _midnight(min(days)) if days else None


def decide_promotion(case: Case, control_id: UUID, today: date | None = None) -> list[Out]:
    """轮候生效 — a queued control takes effect: the control before it on the holding ended. Given
    `today`, its term runs from then (the registries count a queued measure's term from the day it
    takes effect), capped at the statutory term; without it the term asked for at the order
    stands."""
    c = case.controls.get(control_id)
    if c is None or c.status != "queued":
        return []
    until, detail = c.until, "轮候生效: the earlier control on this holding ended"
    if today is not None and c.term_days is not None:
        until = min(terms.until(today, c.term_days), terms.latest_until(c.holding.kind, today))
        detail += f"; its term runs from {today} to {until}"
    return _report(case, c, "applied", c.amount, until, detail, PLATFORM_CODE)
