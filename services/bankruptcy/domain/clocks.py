"""法定期限 — the statutory clocks, each written once: the periods of the law (used by the
deciders for the dates their facts carry), which clocks run for a case, the decision that turns a
passed clock into one overdue notice to the court and the joint office, and `next_due`, the first
moment that decision would write. Periods are calendar periods whose last day moves past a rest
day (`periods`); see docs/BANKRUPTCY.md for each source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from contracts.bankruptcy.deadlines import Clock, ProcedureOverdue
from contracts.bankruptcy.parties import PetitionerKind
from contracts.bankruptcy.procedure import LIQUIDATION_ENDS, TerminationGround
from services.bankruptcy.domain.case import ACCEPTED, BankruptcyCase, Stage
from services.bankruptcy.domain.periods import add_days, days_from, midnight, months_from
from services.bankruptcy.domain.rules import Out

SOURCES = {
    Clock.PETITION_RULING: "企业破产法 第十条",
    Clock.REFERRAL_RULING: "最高人民法院关于执行案件移送破产审查若干问题的指导意见（期限待核实）",
    Clock.ANNOUNCEMENT: "企业破产法 第十四条",
    Clock.FIRST_MEETING: "企业破产法 第六十二条",
    Clock.REORGANIZATION_PLAN: "企业破产法 第七十九条",
    Clock.PLAN_VOTE: "企业破产法 第八十四条",
    Clock.DEREGISTRATION: "企业破产法 第一百二十一条",
}

# --- the periods of the law --------------------------------------------------------------------


def ruling_due(filed_on: date, petitioner: PetitionerKind) -> date:
    """第十条: on a creditor's petition the debtor is told within 5 days, may object within 7,
    and the ruling follows within 10 after that (at the latest 22 days on); otherwise 15 days."""
    return days_from(filed_on, 5 + 7 + 10 if petitioner is PetitionerKind.CREDITOR else 15)


RULING_EXTENSION_DAYS = 15
"""第十条第三款: fifteen more days with the higher court's approval."""


def appeal_by(served_on: date) -> date:
    """第十二条: appeal within 10 days of service."""
    return days_from(served_on, 10)


def announce_by(accepted_on: date) -> date:
    """第十四条: notify the known creditors and announce within 25 days of acceptance."""
    return days_from(accepted_on, 25)


def claims_window(announced_on: date) -> tuple[date, date]:
    """第四十五条: the claims deadline lies 30 days to three months after the announcement. The
    three months end on a working day (a rest day moves them on); the thirty days are a minimum, not
    a last day, so a deadline on their 30th day is allowed whatever day it is."""
    return add_days(announced_on, 30), months_from(announced_on, 3)


def first_meeting_by(claims_deadline: date) -> date:
    """第六十二条: the first creditors' meeting within 15 days after the claims deadline."""
    return days_from(claims_deadline, 15)


def plan_due(ordered_on: date, extended: bool) -> date:
    """第七十九条: the plan within six months of the reorganization order, three more for cause."""
    return months_from(ordered_on, 9 if extended else 6)


def vote_by(filed_on: date) -> date:
    """第八十四条: the meeting votes within 30 days of receiving the plan."""
    return days_from(filed_on, 30)


def deregister_by(terminated_on: date, ground: TerminationGround) -> date | None:
    """第一百二十一条: deregister within 10 days after a liquidation ends; a company that goes on
    after a plan, an agreement or full payment is not deregistered."""
    return days_from(terminated_on, 10) if ground in LIQUIDATION_ENDS else None


# --- the clocks of a case ----------------------------------------------------------------------


@dataclass(frozen=True)
class Running:
    """A clock that runs: started by a fact, not yet met by the step it waits for."""

    clock: Clock
    started_on: date
    due_on: date

    def overdue_from(self) -> date:
        """The first day the step is late: the day after the last day."""
        return self.due_on + timedelta(days=1)


def running(case: BankruptcyCase) -> list[Running]:
    """Every clock running for the case, whether passed or not."""
    found = [_ruling(case), _announcement(case), _first_meeting(case)]
    found += [_plan(case), _vote(case), _deregistration(case)]
    return [r for r in found if r is not None]


def _ruling(case: BankruptcyCase) -> Running | None:
    if case.stage is not Stage.PETITIONED or case.ruling_due is None or case.filed_on is None:
        return None
    clock = Clock.REFERRAL_RULING if case.referred_from else Clock.PETITION_RULING
    return Running(clock, case.filed_on, case.ruling_due)


def _announcement(case: BankruptcyCase) -> Running | None:
    if case.stage not in ACCEPTED or case.accepted_on is None or case.announced_on:
        return None
    return Running(Clock.ANNOUNCEMENT, case.accepted_on, announce_by(case.accepted_on))


def _first_meeting(case: BankruptcyCase) -> Running | None:
    if case.stage not in ACCEPTED or case.claims_deadline is None or case.meetings:
        return None
    deadline = case.claims_deadline
    return Running(Clock.FIRST_MEETING, deadline, first_meeting_by(deadline))


def _plan(case: BankruptcyCase) -> Running | None:
    ordered = case.reorganization_on
    if case.stage is not Stage.REORGANIZATION or ordered is None or case.plan_filed_on:
        return None
    return Running(Clock.REORGANIZATION_PLAN, ordered, plan_due(ordered, case.plan_extended))


def _vote(case: BankruptcyCase) -> Running | None:
    filed = case.plan_filed_on
    if case.stage is not Stage.REORGANIZATION or filed is None or case.plan_settled:
        return None
    if any(held >= filed for held in case.meetings):
        return None
    return Running(Clock.PLAN_VOTE, filed, vote_by(filed))


def _deregistration(case: BankruptcyCase) -> Running | None:
    if case.stage is not Stage.TERMINATED or case.deregister_by is None:
        return None
    return Running(
        Clock.DEREGISTRATION, case.terminated_on or case.deregister_by, case.deregister_by
    )


def passed(case: BankruptcyCase, today: date) -> list[Running]:
    """The clocks past their last day and not yet reported."""
    return [r for r in running(case) if r.clock not in case.escalated and today >= r.overdue_from()]


def next_due(case: BankruptcyCase) -> datetime | None:
    """The first moment `decide_overdue` writes for the case, or None."""
    days = [r.overdue_from() for r in running(case) if r.clock not in case.escalated]
    return midnight(min(days)) if days else None


def decide_overdue(case: BankruptcyCase, now: datetime, joint_office: str) -> list[Out]:
    """Tell the court and the joint office, once per clock, that a timed step is late."""
    out: list[Out] = []
    for r in passed(case, now.date()):
        late = ProcedureOverdue(
            case_number=case.number or "",
            clock=r.clock,
            started_on=r.started_on,
            due_on=r.due_on,
            source=SOURCES[r.clock],
        )
        out += [(late, case.court or ""), (late, joint_office)]
    return out
