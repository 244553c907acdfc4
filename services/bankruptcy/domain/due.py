"""到期 — when the deadline runner should next look at a case: the earliest moment one of its
deadline decisions writes (a statutory clock passed, a task late), each built on the same
threshold functions as its decision."""

from __future__ import annotations

from datetime import datetime

from services.bankruptcy.domain import clocks, tasks
from services.bankruptcy.domain.case import BankruptcyCase
from services.bankruptcy.domain.rules import Out


def next_due(case: BankruptcyCase) -> datetime | None:
    """The minimum of the procedure's clocks and the tasks' escalations."""
    times = [clocks.next_due(case), tasks.next_due(case)]
    return min((t for t in times if t is not None), default=None)


def decide_deadlines(case: BankruptcyCase, now: datetime, joint_office: str) -> list[Out]:
    """Everything due at `now`: overdue clocks to the court and the joint office, late tasks to
    the joint office; each once."""
    return [
        *clocks.decide_overdue(case, now, joint_office),
        *tasks.decide_escalation(case, now, joint_office),
    ]
