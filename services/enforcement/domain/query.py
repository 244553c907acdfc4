"""查询 — fan a court's query out to the bureaus, gather the answers, close on the deadline.

Deciders return `(payload, organization)` pairs: the organization is the subject's last token
(the acting organization of an event, the receiver of a notice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from contracts.base import Payload
from contracts.enforcement import (
    HELD_BY,
    BureauAsked,
    BureauHoldings,
    Holding,
    PropertyAnswer,
    PropertyAnswerRecorded,
    PropertyKind,
    PropertyQueryNotice,
    PropertyQueryStarted,
    PropertyResult,
    QueryProperty,
    party_id,
)
from services.enforcement.domain.aftercare import decide_applicant_notice, decide_deletion_due
from services.enforcement.domain.case import Case, Query
from services.enforcement.domain.errors import (
    BureauNotAskedError,
    CaseNotRegisteredError,
    DuplicateAnswerError,
    NotADebtorError,
    NotTheExecutingCourtError,
    ResultClosedError,
    UnknownQueryError,
)

Out = tuple[Payload, str]
Routing = dict[str, tuple[PropertyKind, ...]]
"""Bureau code → the kinds it is asked for (from the organization registry)."""


def check_case_court(case: Case, court: str) -> None:
    if not case.registered:
        raise CaseNotRegisteredError("the case is not registered with the service (立案 first)")
    if case.executing_court != court:
        raise NotTheExecutingCourtError(f"{court} is not the executing court of the case")


def recent_result(
    case: Case, debtor_id: str, kinds: set[PropertyKind], now: datetime, window: timedelta
) -> Query | None:
    """A completed query of the same debtor covering these kinds, recent enough to reuse."""
    fresh = [
        q
        for q in case.queries.values()
        if q.completed_at
        and now - q.completed_at <= window
        and party_id(q.debtor) == debtor_id
        and kinds <= set(q.kinds)
    ]
    return max(fresh, key=lambda q: q.completed_at or now, default=None)


def _known_before(case: Case, q: Query) -> set[tuple[str, str]]:
    """(bureau, reference) of everything earlier queries of the same debtor found."""
    debtor = party_id(q.debtor)
    return {
        (b, h.reference)
        for other in case.queries.values()
        if other.query_id != q.query_id
        and party_id(other.debtor) == debtor
        and other.respond_by <= q.respond_by
        for b, hs in other.answers.items()
        for h in hs
    }


def newly_found(case: Case, q: Query) -> list[BureauHoldings]:
    known = _known_before(case, q)
    fresh = [
        BureauHoldings(bureau=b, holdings=[h for h in hs if (b, h.reference) not in known])
        for b, hs in sorted(q.answers.items())
    ]
    return [f for f in fresh if f.holdings]


def result(
    case: Case,
    q: Query,
    now: datetime,
    kinds: set[PropertyKind] | None = None,
    query_id: UUID | None = None,
    from_cache: bool = False,
) -> PropertyResult:
    wanted = kinds or set(q.kinds)
    answers = [
        BureauHoldings(bureau=b, holdings=[h for h in hs if h.kind in wanted])
        for b, hs in sorted(q.answers.items())
    ]
    return PropertyResult(
        newly_found=newly_found(case, q) if q.requery else [],
        requery=q.requery,
        query_id=query_id or q.query_id,
        case_number=case.case_number or "",
        debtor=q.debtor,
        answers=answers,
        unanswered=q.unanswered,
        complete=not q.unanswered,
        completed_at=q.completed_at if from_cache and q.completed_at else now,
        from_cache=from_cache,
    )


def decide_query(
    cmd: QueryProperty,
    case: Case,
    *,
    court: str,
    query_id: UUID,
    routing: Routing,
    now: datetime,
    respond_within: timedelta,
    cache_window: timedelta,
) -> list[Out]:
    check_case_court(case, court)
    debtor = case.debtor(party_id(cmd.debtor))
    if debtor is None:
        raise NotADebtorError("the party queried is not a debtor of this case")
    cached = recent_result(case, party_id(debtor), set(cmd.kinds), now, cache_window)
    if cached:
        return [(result(case, cached, now, set(cmd.kinds), query_id, from_cache=True), court)]
    started = PropertyQueryStarted(
        query_id=query_id,
        case_number=cmd.case_number,
        debtor=debtor,
        kinds=cmd.kinds,
        asked=[BureauAsked(bureau=b, kinds=list(k)) for b, k in sorted(routing.items())],
        respond_by=now + respond_within,
    )
    out: list[Out] = [(started, court)]
    out += [
        (
            PropertyQueryNotice(
                query_id=query_id,
                case_number=cmd.case_number,
                executing_court=court,
                debtor=debtor,
                kinds=list(kinds),
                respond_by=started.respond_by,
            ),
            bureau,
        )
        for bureau, kinds in sorted(routing.items())
    ]
    if not routing:
        q = Query(query_id, debtor, tuple(cmd.kinds), {}, started.respond_by)
        out.append((result(case, q, now), court))
    return out


@dataclass(frozen=True)
class NotTaken:
    """不予采纳 — a holding of an answer that is not recorded, the field and why (the bureau is
    told, in a rejection naming the field, while the rest of its answer is recorded)."""

    field: str
    reason: str


def split_answer(
    reply: PropertyAnswer, q: Query, bureau: str
) -> tuple[list[Holding], list[NotTaken]]:
    """The holdings taken (of a kind the bureau was asked for in this query) and, for each
    other one, the field `data.holdings.<i>.kind` and why it is not taken."""
    asked = q.asked.get(bureau, ())
    taken = [h for h in reply.holdings if h.kind in asked]
    refused = [
        NotTaken(f"data.holdings.{i}.kind", _not_asked(h.kind, q, bureau))
        for i, h in enumerate(reply.holdings)
        if h.kind not in asked
    ]
    return taken, refused


def _not_asked(kind: PropertyKind, q: Query, bureau: str) -> str:
    if kind in q.kinds:
        why = f"{bureau} was not asked for {kind} (the {HELD_BY[kind]} bureaus hold it)"
    else:
        why = f"the court did not ask for {kind} in this query"
    asked = ", ".join(q.asked.get(bureau, ())) or "nothing"
    return f"not taken: {why}; asked of {bureau}: {asked}; the other holdings were recorded"


def not_taken(reply: PropertyAnswer, case: Case, *, bureau: str) -> list[NotTaken]:
    """What of an answer `decide_answer` accepted is not recorded, and why."""
    q = case.queries.get(reply.query_id)
    return split_answer(reply, q, bureau)[1] if q is not None else []


def decide_answer(reply: PropertyAnswer, case: Case, *, bureau: str, now: datetime) -> list[Out]:
    q = case.queries.get(reply.query_id)
    if q is None:
        raise UnknownQueryError(f"no query {reply.query_id} in this case")
    if bureau not in q.asked:
        raise BureauNotAskedError(f"{bureau} was not asked in query {reply.query_id}")
    if q.completed_at is not None:
        raise ResultClosedError(f"the result of query {reply.query_id} is already closed")
    if bureau in q.answers:
        raise DuplicateAnswerError(f"{bureau} already answered query {reply.query_id}")
    holdings, _ = split_answer(reply, q, bureau)
    recorded = PropertyAnswerRecorded(query_id=q.query_id, bureau=bureau, holdings=holdings)
    out: list[Out] = [(recorded, bureau)]
    if len(q.answers) + 1 == len(q.asked):
        done = Query(
            q.query_id,
            q.debtor,
            q.kinds,
            q.asked,
            q.respond_by,
            {**q.answers, bureau: tuple(holdings)},
            requery=q.requery,
        )
        out += _to_court(case, result(case, done, now), now)
    return out


def _to_court(case: Case, closed: PropertyResult, now: datetime) -> list[Out]:
    """The result to the court; after 终本 its copy for the applicant, and a deletion due if it
    is the second empty one."""
    court = case.executing_court or ""
    told = [*decide_applicant_notice(case, closed), *decide_deletion_due(case, closed, now)]
    return [(closed, court), *((t, court) for t in told)]


def midnight(day: date) -> datetime:
    """The first moment of `day` on the service's clock (UTC): a deadline counted in days falls
    due then, and the deadline decisions compare `now` against it."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def close_due(q: Query) -> datetime | None:
    """When the deadline closes the query: its respond_by, while no result is out."""
    return q.respond_by if q.completed_at is None else None


def is_overdue(q: Query, now: datetime) -> bool:
    due = close_due(q)
    return due is not None and now >= due


def next_due(case: Case) -> datetime | None:
    """The first moment `decide_deadline` closes one of the case's queries, or None."""
    return min((d for q in case.queries.values() if (d := close_due(q))), default=None)


def decide_deadline(case: Case, now: datetime) -> list[Out]:
    """Close every overdue query: the court gets what arrived, the silent bureaus named."""
    return [
        out
        for q in case.queries.values()
        if is_overdue(q, now)
        for out in _to_court(case, result(case, q, now), now)
    ]
