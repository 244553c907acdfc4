"""破产程序, as a property: over random sequences of the court's steps, the administrator's and
the bureaus' answers and the passing of time — with the deadline runner waking at `next_due` —
only the stages the law allows are reached, every statutory clock that passes gives exactly one
overdue notice (to the court and the joint office), a task is escalated at most once, and the
coordination case closes only when terminated with every task done."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.bankruptcy import procedure as p
from contracts.bankruptcy import tasks as t
from contracts.bankruptcy.administrator import ReportDeregistration, RequestCoordination
from contracts.bankruptcy.deadlines import Clock, ProcedureOverdue
from contracts.bankruptcy.parties import PetitionerKind, Procedure
from contracts.base import Command
from services.bankruptcy.domain import (
    BankruptcyCase,
    BankruptcyError,
    Stage,
    clocks,
    decide_deadlines,
    decide_step,
    evolve,
    next_due,
)
from services.bankruptcy.domain import tasks as task_rules
from services.bankruptcy.domain.closure import ENDED
from services.bankruptcy.domain.procedure import LAWFUL, decide_deregistration
from services.bankruptcy.domain.rules import Out
from tests.unit import test_bankruptcy_builders as b
from tests.unit.test_bankruptcy_builders import (
    ADMIN,
    APPEAL,
    COURT,
    HIGHER,
    JOINT_OFFICE,
    PETITION,
)

START = date(2026, 1, 5)
G = p.TerminationGround


@dataclass
class World:
    case: BankruptcyCase = field(default_factory=BankruptcyCase)
    today: date = START
    overdue: list[tuple[ProcedureOverdue, date]] = field(default_factory=list)
    escalated: Counter = field(default_factory=Counter)
    closed: int = 0
    before_appeal: Stage | None = None
    before_dismissal: Stage | None = None

    def record(self, out: list[Out], on: date) -> None:
        seen: set[int] = set()
        for fact, _ in out:
            if id(fact) in seen:
                continue
            seen.add(id(fact))
            if isinstance(fact, ProcedureOverdue):
                self.overdue.append((fact, on))
            if isinstance(fact, t.CoordinationTaskOverdue):
                self.escalated[fact.task_id] += 1
            if isinstance(fact, t.CoordinationCaseClosed):
                self.closed += 1
                assert self.case.stage in ENDED
                assert all(x.done for x in self.case.tasks.values())
            self.case = evolve(self.case, fact)


def number(w: World) -> str:
    return w.case.number or PETITION


Maker = Callable[[World, int], tuple[Command, str] | None]


def court(cmd: Command) -> tuple[Command, str]:
    return cmd, COURT


def _ground(w: World, n: int) -> G:
    return list(G)[n % len(G)]


MAKERS: list[Maker] = [
    lambda w, n: court(b.petition(list(PetitionerKind)[n % 2])),
    lambda w, n: court(
        p.ReferEnforcementToBankruptcy(
            case_number=PETITION,
            referred_on=w.today,
            enforcement_case_number="（2025）豫0482执1234号",
            debtor=b.DEBTOR,
            consent_by="creditor",
        )
    ),
    lambda w, n: court(
        p.ExtendRulingPeriod(case_number=number(w), approved_on=w.today, reason="x")
    ),
    lambda w, n: court(b.accept(list(Procedure)[n % 3], on=w.today)),
    lambda w, n: court(
        p.RejectPetition(case_number=number(w), ruled_on=w.today, served_on=w.today, reason="x")
    ),
    lambda w, n: court(
        p.DismissPetition(case_number=number(w), ruled_on=w.today, served_on=w.today, reason="x")
    ),
    lambda w, n: court(
        p.FileAppeal(case_number=number(w), appeal_case_number=APPEAL, filed_on=w.today)
    ),
    lambda w, n: (
        p.DecideAppeal(
            case_number=number(w),
            appeal_case_number=APPEAL,
            decided_on=w.today,
            outcome="reversed" if n % 2 else "upheld",
        ),
        HIGHER,
    ),
    lambda w, n: court(p.NotifyCreditors(case_number=number(w), announced_on=w.today)),
    lambda w, n: court(
        p.SetClaimsDeadline(
            case_number=number(w),
            claims_deadline=(w.case.announced_on or w.today) + timedelta(days=30 + n % 70),
        )
    ),
    lambda w, n: court(
        p.RecordCreditorsMeeting(case_number=number(w), held_on=w.today, summary="x")
    ),
    lambda w, n: court(p.OrderReorganization(case_number=number(w), ordered_on=w.today)),
    lambda w, n: court(p.OrderSettlement(case_number=number(w), ordered_on=w.today)),
    lambda w, n: court(p.ExtendPlanPeriod(case_number=number(w), ruled_on=w.today, reason="x")),
    lambda w, n: court(p.RecordPlanFiling(case_number=number(w), filed_on=w.today)),
    lambda w, n: court(p.ApproveReorganizationPlan(case_number=number(w), approved_on=w.today)),
    lambda w, n: court(
        p.TerminateReorganization(
            case_number=number(w), ruled_on=w.today, ground="plan_not_adopted"
        )
    ),
    lambda w, n: court(p.ApproveSettlement(case_number=number(w), approved_on=w.today)),
    lambda w, n: court(p.TerminateSettlement(case_number=number(w), ruled_on=w.today, reason="x")),
    lambda w, n: court(p.DeclareBankrupt(case_number=number(w), declared_on=w.today)),
    lambda w, n: court(
        p.RecordDistribution(
            case_number=number(w), made_on=w.today, amount="100.00", final=bool(n % 2)
        )
    ),
    lambda w, n: court(
        p.TerminateProceedings(case_number=number(w), terminated_on=w.today, ground=_ground(w, n))
    ),
    lambda w, n: (
        ReportDeregistration(case_number=number(w), deregistered_on=w.today, authority="x"),
        ADMIN,
    ),
    lambda w, n: court(p.DischargeAdministrator(case_number=number(w), discharged_on=w.today)),
]
TASK_MOVES = ("acknowledge", "complete", "waive", "request")


def expected_stage(w: World, before: Stage, cmd: Command) -> Stage:
    """The stage the law says a lawful step leads to — written here independently of the
    domain's evolve."""
    same = {
        p.ExtendRulingPeriod,
        p.NotifyCreditors,
        p.SetClaimsDeadline,
        p.RecordCreditorsMeeting,
        p.ExtendPlanPeriod,
        p.RecordPlanFiling,
        p.RecordDistribution,
        p.DischargeAdministrator,
    }
    if type(cmd) in same:
        return before
    match cmd:
        case p.AcceptPetition():
            return {"liquidation": Stage.LIQUIDATION, "reorganization": Stage.REORGANIZATION}.get(
                cmd.procedure, Stage.SETTLEMENT
            )
        case p.DecideAppeal() if cmd.outcome == "upheld":
            return w.before_appeal or Stage.REJECTED
        case p.DecideAppeal():
            return (
                Stage.PETITIONED
                if w.before_appeal is Stage.REJECTED
                else (w.before_dismissal or Stage.NONE)
            )
    return {
        p.FileBankruptcyPetition: Stage.PETITIONED,
        p.ReferEnforcementToBankruptcy: Stage.PETITIONED,
        p.RejectPetition: Stage.REJECTED,
        p.DismissPetition: Stage.DISMISSED,
        p.FileAppeal: Stage.APPEALED,
        p.OrderReorganization: Stage.REORGANIZATION,
        p.OrderSettlement: Stage.SETTLEMENT,
        p.ApproveReorganizationPlan: Stage.PLAN_APPROVED,
        p.TerminateReorganization: Stage.REORGANIZATION_FAILED,
        p.ApproveSettlement: Stage.SETTLEMENT_APPROVED,
        p.TerminateSettlement: Stage.SETTLEMENT_FAILED,
        p.DeclareBankrupt: Stage.DECLARED,
        p.TerminateProceedings: Stage.TERMINATED,
        ReportDeregistration: Stage.DEREGISTERED,
    }[type(cmd)]


def run_deadlines(w: World, until: datetime) -> None:
    """The deadline runner: wakes at each `next_due` up to `until`; something is due then, and
    nothing a moment before."""
    while (due := next_due(w.case)) is not None and due <= until:
        assert decide_deadlines(w.case, due - timedelta(microseconds=1), JOINT_OFFICE) == []
        out = decide_deadlines(w.case, due, JOINT_OFFICE)
        assert out, f"next_due {due} but nothing is due"
        w.record(out, due.date())


def passed_clocks(case: BankruptcyCase, today: date) -> set[Clock]:
    return {r.clock for r in clocks.running(case) if r.due_on < today}


def court_step(w: World, maker: int, n: int) -> None:
    cmd, by = MAKERS[maker](w, n)  # type: ignore[misc]
    before = w.case.stage
    now = datetime.combine(w.today, time(9), tzinfo=UTC)
    try:
        if isinstance(cmd, ReportDeregistration):
            out = decide_deregistration(cmd, w.case, by=by, now=now)
        else:
            out = decide_step(cmd, w.case, by=by, now=now, rules=b.RULES)
    except BankruptcyError:
        return
    assert before in LAWFUL[type(cmd)], f"{type(cmd).__name__} accepted while {before}"
    want = expected_stage(w, before, cmd)
    if isinstance(cmd, p.FileAppeal):
        w.before_appeal = before
    if isinstance(cmd, p.DismissPetition):
        w.before_dismissal = before
    w.record(out, w.today)
    assert w.case.stage is want, f"{type(cmd).__name__} from {before} gave {w.case.stage}"


def task_step(w: World, move: str, n: int) -> None:
    open_tasks = [x for x in w.case.tasks.values() if not x.done]
    now = datetime.combine(w.today, time(9), tzinfo=UTC)
    try:
        if move == "request":
            cmd = RequestCoordination(
                case_number=number(w), topic="asset_disposal", request="x", requested_on=w.today
            )
            out = task_rules.decide_request(cmd, w.case, by=ADMIN, now=now, rules=b.RULES)
        elif not open_tasks:
            return
        else:
            acked = [x for x in open_tasks if x.acknowledged_on is not None]
            pool = acked if move == "complete" and acked else open_tasks
            x = pool[n % len(pool)]
            tid, lead = x.spec.task_id, x.spec.lead
            if move == "acknowledge":
                r = t.TaskAcknowledgement(task_id=tid, acknowledged_on=w.today, handler="x")
                out = task_rules.decide_acknowledge(r, w.case, by=lead, now=now)
            elif move == "complete":
                doc = t.Document(title="x", issued_on=w.today)
                c = t.TaskCompletion(task_id=tid, completed_on=w.today, result="x", evidence=(doc,))
                out = task_rules.decide_completion(c, w.case, by=lead, now=now)
            else:
                cmd2 = t.WaiveTask(
                    case_number=number(w), task_id=tid, waived_on=w.today, reason="x"
                )
                out = task_rules.decide_waiver(
                    cmd2, w.case, by=JOINT_OFFICE, now=now, joint_office=JOINT_OFFICE
                )
    except BankruptcyError:
        return
    w.record(out, w.today)


MAKER_OF = {type(MAKERS[i](World(), 0)[0]): i for i in range(len(MAKERS))}  # type: ignore[index]
"""Step type → its maker."""

CHOICES = ("lawful", "lawful", "lawful", "any", "task", "task")
"""Mostly steps lawful from where the case stands (so cases go far), also any step (refusals)
and the bureaus' answers."""


def play(w: World, data: st.DataObject, steps: int) -> None:
    for _ in range(steps):
        w.today += timedelta(days=data.draw(st.integers(0, 40), label="days"))
        run_deadlines(w, datetime.combine(w.today, time(9), tzinfo=UTC))
        # the runner ran: every clock past its last day has been reported
        assert passed_clocks(w.case, w.today) <= w.case.escalated
        choice = data.draw(st.sampled_from(CHOICES), label="choice")
        n = data.draw(st.integers(0, 99), label="n")
        if choice == "task":
            task_step(w, data.draw(st.sampled_from(TASK_MOVES), label="move"), n)
            continue
        kinds = [k for k, stages in LAWFUL.items() if w.case.stage in stages]
        if choice == "any" or not kinds:
            kinds = list(LAWFUL)
        court_step(w, MAKER_OF[data.draw(st.sampled_from(kinds), label="step")], n)


@settings(max_examples=300, deadline=None)
@given(st.data(), st.integers(0, 40))
def test_only_lawful_stages_and_one_overdue_notice_per_passed_clock(
    data: st.DataObject, steps: int
) -> None:
    w = World()
    play(w, data, steps)
    run_deadlines(w, datetime(2031, 1, 1, tzinfo=UTC))
    counts = Counter(fact.clock for fact, _ in w.overdue)
    assert all(c == 1 for c in counts.values()), counts
    assert set(counts) == set(w.case.escalated)
    for fact, on in w.overdue:
        assert fact.due_on < on
    assert all(c == 1 for c in w.escalated.values())
    assert w.closed <= 1
    if w.closed:
        assert w.case.closed_on is not None
