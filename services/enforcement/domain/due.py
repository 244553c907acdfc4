"""到期 — when the deadline runner should next look at a case: the earliest moment at which one
of its deadline decisions writes something. Each area answers with its own `next_due`, built on
the same threshold function as its decision, so a rule is written once; the due-cases projection
keeps this per case."""

from __future__ import annotations

from datetime import datetime

from services.enforcement.domain import (
    control,
    duties,
    objections,
    publication,
    query,
    requery,
    sanctions,
)
from services.enforcement.domain.case import Case


def next_due(case: Case, on_report: frozenset[str] = frozenset()) -> datetime | None:
    """The minimum over the areas: queries past respond_by, re-queries after 终本, controls
    near or past their last day, sanction notices unanswered, terms ended, listing duties
    overdue, applicants' requests to list undecided, grace periods ended, objections unanswered. `on_report`: the measures a bureau acts
    on only when reported (never escalated)."""
    times = [
        query.next_due(case),
        requery.next_due(case),
        control.next_due(case),
        sanctions.next_due(case, on_report),
        duties.next_due(case),
        duties.request_next_due(case),
        publication.next_due(case),
        objections.next_due(case),
    ]
    return min((t for t in times if t is not None), default=None)
