"""到期 — when the deadline runner should next look at a key item's work, a risk case or a
special-item case: the earliest moment its overdue decision writes, each built on the same
threshold as its decision."""

from __future__ import annotations

from datetime import datetime

from services.risk.domain import key_items, risk_cases, special
from services.risk.domain.item_rules import Out


def next_due(
    work: key_items.KeyItemWork | None = None,
    case: risk_cases.RiskCase | None = None,
    gov: special.GovJudgmentCase | None = None,
) -> datetime | None:
    times = [
        key_items.next_due(work) if work else None,
        risk_cases.next_due(case),
        special.next_due(gov),
    ]
    return min((t for t in times if t is not None), default=None)


def decide_deadlines(
    now: datetime,
    office: str,
    work: key_items.KeyItemWork | None = None,
    case: risk_cases.RiskCase | None = None,
    gov: special.GovJudgmentCase | None = None,
) -> list[Out]:
    """Everything overdue at `now`, each once."""
    return [
        *(key_items.decide_overdue(work, now, office) if work else []),
        *risk_cases.decide_overdue(case, now, office),
        *special.decide_overdue(gov, now, office),
    ]
