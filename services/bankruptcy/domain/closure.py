"""结案 — the coordination case closes only when the court has terminated the proceedings and
every task is completed or waived with a reason."""

from __future__ import annotations

from datetime import datetime

from contracts.bankruptcy.tasks import CoordinationCaseClosed
from contracts.organizations.kinds import PLATFORM_CODE
from services.bankruptcy.domain.case import BankruptcyCase, Stage
from services.bankruptcy.domain.evolve import evolve
from services.bankruptcy.domain.rules import Out

ENDED = frozenset({Stage.TERMINATED, Stage.DEREGISTERED})


def closable(case: BankruptcyCase) -> bool:
    """Terminated, every task done, not closed yet."""
    return (
        case.closed_on is None
        and case.stage in ENDED
        and all(task.done for task in case.tasks.values())
    )


def with_closure(case: BankruptcyCase, out: list[Out], now: datetime) -> list[Out]:
    """`out`, followed by the closure when the case after it can close."""
    after = case
    for fact, _ in out:
        after = evolve(after, fact)
    if not closable(after):
        return out
    tasks = after.tasks.values()
    closed = CoordinationCaseClosed(
        closed_on=now.date(),
        tasks_completed=sum(1 for x in tasks if x.completed_on is not None),
        tasks_waived=sum(1 for x in tasks if x.waived_on is not None),
    )
    return [*out, (closed, PLATFORM_CODE)]
