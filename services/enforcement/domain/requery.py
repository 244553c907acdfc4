"""终本后续查 — after a case is closed for lack of property (终本), its debtors' property is
queried again every six months for five years; what is newly found goes to the court."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from contracts.enforcement import (
    ALL_KINDS,
    BureauAsked,
    PropertyQueryNotice,
    PropertyQueryStarted,
    party_id,
)
from contracts.organizations import PLATFORM_CODE
from services.enforcement.domain.case import Case, Query
from services.enforcement.domain.query import Out, Routing, midnight, result

EVERY_MONTHS = 6
TIMES = 10
"""Every six months for five years."""
_IDS = uuid.UUID("0c6f8f5e-7a8e-4f3c-9d55-52a1f1c6b0e1")


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(day.year + y, m + 1, d)
        except ValueError:
            continue
    raise ValueError(day)


def scheduled(case: Case) -> tuple[int, date] | None:
    """Which re-query is next and when it is due; None when all ten are done, or the schedule
    stopped (resumed, performed, suspended for bankruptcy, terminated)."""
    if case.closed_on is None or case.requery_stopped is not None:
        return None
    done = max((q.requery or 0 for q in case.queries.values()), default=0)
    if done >= TIMES:
        return None
    return done + 1, add_months(case.closed_on, EVERY_MONTHS * (done + 1))


def next_due(case: Case) -> datetime | None:
    """The first moment `decide_requery` starts the next re-query, or None."""
    due = scheduled(case)
    return midnight(due[1]) if due else None


def decide_requery(
    case: Case, now: datetime, routing: Routing, respond_within: timedelta
) -> list[Out]:
    due, when = scheduled(case), next_due(case)
    if due is None or when is None or now < when:
        return []
    n, court = due[0], case.executing_court or ""
    out: list[Out] = []
    for debtor in case.debtors:
        query_id = uuid.uuid5(_IDS, f"{case.case_number}/{n}/{party_id(debtor)}")
        started = PropertyQueryStarted(
            query_id=query_id,
            case_number=case.case_number or "",
            debtor=debtor,
            kinds=list(ALL_KINDS),
            respond_by=now + respond_within,
            requery=n,
            asked=[BureauAsked(bureau=b, kinds=list(k)) for b, k in sorted(routing.items())],
        )
        out.append((started, PLATFORM_CODE))
        out += [
            (
                PropertyQueryNotice(
                    query_id=query_id,
                    case_number=started.case_number,
                    executing_court=court,
                    debtor=debtor,
                    kinds=list(k),
                    respond_by=started.respond_by,
                ),
                b,
            )
            for b, k in sorted(routing.items())
        ]
        if not routing:
            q = Query(query_id, debtor, ALL_KINDS, {}, started.respond_by, requery=n)
            out.append((result(case, q, now), court))
    return out
