"""查询 — what the workbench and the exports read: frozen rows from the read models.

Every function takes the pool and the reporting schema. Current state comes from the `readmodel`
table that `readmodels.catch_up` keeps; "as of" a past moment folds the observed events that
occurred up to it, with the same pure fold (`services.reporting.domain.readmodel`). What depends
on "now" (due soon, overdue) is decided when read, by `readmodel.status`.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

import asyncpg

from contracts.reporting.reports import Period
from services.reporting import readmodels
from services.reporting.domain import readmodel
from services.reporting.domain.obligations import SHANGHAI, period_end, period_start

DUE_SOON_DAYS = 7
"""临期: due within this many days [U] — local practice; callers may pass their own."""


@dataclass(frozen=True)
class Item:
    """台账事项 — a ledger entry, memo item, linkage item, bankruptcy task, risk case or organ
    judgment case, with its status on the day asked about."""

    kind: str
    id: str
    unit: str
    key_item: str
    title: str
    due: date | None
    status: str
    """open 未到期, due_soon 临期, overdue 逾期, checked_off 已销号."""
    state: str
    opened_on: date | None
    checked_off_on: date | None
    overdue_since: date | None
    stock: str | None
    """existing 存量 / new 增量, where the event says so."""
    case_number: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class OverdueEntry:
    """逾期清单 — one overdue event or notice of any context."""

    event_id: str
    type: str
    context: str
    unit: str
    item: str
    due: date | None
    since: datetime
    case_number: str


@dataclass(frozen=True)
class BureauResponse:
    """反馈用时 — one bureau's answers to property queries (`query`), sanction notices
    (`sanction`) or lift notices (`lift`) started in the period."""

    kind: str
    bureau: str
    asked: int
    answered: int
    median_days: float | None
    p90_days: float | None
    within_deadline_share: float | None
    """Answered by the due moment ÷ asked with a due moment, in %."""


@dataclass(frozen=True)
class TimelineEntry:
    position: int
    occurred_at: datetime
    type: str
    context: str
    organization: str
    case_number: str
    event_id: str
    correlation_id: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class Meeting:
    """专题协调会商 — requested, convened, held, its memo."""

    id: str
    matter: str
    reference: str
    agenda: str
    units: tuple[str, ...]
    requested_on: date | None
    meets_on: date | None
    held_on: date | None
    memo_number: str
    memo_items: int
    case_number: str


@dataclass(frozen=True)
class BankruptcyCase:
    case_number: str
    court: str
    debtor: str
    state: str
    accepted_on: date | None
    terminated_on: date | None
    tasks: int
    tasks_done: int


@dataclass(frozen=True)
class IndicatorPoint:
    """指标 — the latest snapshot of an indicator for a scope and period."""

    indicator: str
    scope: str
    period: str
    as_of: datetime
    values: Mapping[str, float | None]
    sha256: str
    count: int
    event_id: str


@dataclass(frozen=True)
class Assessment:
    """考核结果."""

    unit: str
    period: str
    score: float | None
    verdict: str
    basis: tuple[str, ...]
    parts: tuple[Mapping[str, Any], ...]
    event_id: str


@dataclass(frozen=True)
class ReportStatus:
    """报送情况 — a unit's report for a period."""

    unit: str
    period: str
    due: date | None
    submitted_at: datetime | None
    on_time: bool | None
    returned: bool
    overdue: bool


# ---- reading rows -------------------------------------------------------------------------------


def _q(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


async def _rows(
    pool: asyncpg.Pool, schema: str, kind: str, as_of: datetime | None = None, **equal: str
) -> list[readmodel.Row]:
    """Rows of a kind, current or as of a past moment, whose columns equal `equal`."""
    if as_of is not None:
        folded = readmodel.fold(await readmodels.observed(pool, schema, as_of=as_of))
        found = []
        for key, row in sorted(folded.items()):
            unit, key_item, case_number = readmodel.columns(key, row)
            have = {"unit": unit, "key_item": key_item, "case_number": case_number}
            if key[0] == kind and all(have[c] == v for c, v in equal.items()):
                found.append(row)
        return found
    where = ["kind = $1"] + [f"{c} = ${n}" for n, c in enumerate(equal, start=2)]
    sql = f"SELECT data::text FROM {_q(schema)}.readmodel WHERE {' AND '.join(where)} ORDER BY key"
    return [json.loads(r[0]) for r in await pool.fetch(sql, kind, *equal.values())]


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _moment(value: Any) -> datetime | None:
    """A stored moment; a bare date (a due day) is the end of that day in Asia/Shanghai."""
    if not value:
        return None
    text = str(value)
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time.max, SHANGHAI)
    return datetime.fromisoformat(text)


def _item(row: readmodel.Row, today: date, soon_days: int) -> Item:
    return Item(
        kind=row.get("kind", ""),
        id=row.get("id", ""),
        unit=row.get("unit", ""),
        key_item=row.get("key_item", ""),
        title=row.get("title", ""),
        due=_day(row.get("due")),
        status=readmodel.status(row, today, soon_days),
        state=row.get("state", ""),
        opened_on=_day(row.get("opened_on")),
        checked_off_on=_day(row.get("checked_off_on")),
        overdue_since=_day(row.get("overdue_since")),
        stock=row.get("stock"),
        case_number=row.get("case_number") or "",
        sources=tuple(row.get("sources", ())),
    )


async def _items(
    pool: asyncpg.Pool,
    schema: str,
    kinds: Sequence[str] | None,
    today: date,
    equal: Mapping[str, str],
    as_of: datetime | None = None,
    soon_days: int = DUE_SOON_DAYS,
) -> list[Item]:
    rows = await _rows(pool, schema, "item", as_of, **equal)
    items = [_item(r, today, soon_days) for r in rows]
    return [i for i in items if kinds is None or i.kind in kinds]


# ---- the queries --------------------------------------------------------------------------------


async def due_items(
    pool: asyncpg.Pool, schema: str, unit: str, now: datetime, soon_days: int = DUE_SOON_DAYS
) -> list[Item]:
    """A unit's open items due soon or overdue on `now`'s day, the earliest due first."""
    items = await _items(pool, schema, None, _today(now), {"unit": unit}, soon_days=soon_days)
    pending = [i for i in items if i.status in (readmodel.DUE_SOON, readmodel.OVERDUE)]
    return sorted(pending, key=lambda i: (i.due or date.max, i.kind, i.id))


async def ledger(
    pool: asyncpg.Pool,
    schema: str,
    key_item: str | None = None,
    unit: str | None = None,
    as_of: datetime | None = None,
    now: datetime | None = None,
    soon_days: int = DUE_SOON_DAYS,
) -> list[Item]:
    """台账 — every item, per key item and/or unit; status on `as_of` (or `now`) when given."""
    equal = {k: v for k, v in (("key_item", key_item), ("unit", unit)) if v is not None}
    return await _items(pool, schema, None, _today(as_of or now), equal, as_of, soon_days)


async def memo_items(
    pool: asyncpg.Pool, schema: str, unit: str | None = None, now: datetime | None = None
) -> list[Item]:
    """备忘事项, with their status on `now`'s day (today when absent)."""
    return await _kind_items(pool, schema, "memo_item", unit, now)


async def linkage_items(
    pool: asyncpg.Pool, schema: str, unit: str | None = None, now: datetime | None = None
) -> list[Item]:
    """联动事项."""
    return await _kind_items(pool, schema, "linkage_item", unit, now)


async def risk_cases(
    pool: asyncpg.Pool, schema: str, unit: str | None = None, now: datetime | None = None
) -> list[Item]:
    """重大风险: the risk cases, each with its lead unit."""
    return await _kind_items(pool, schema, "risk_case", unit, now)


async def bankruptcy_tasks(
    pool: asyncpg.Pool, schema: str, case_number: str, now: datetime | None = None
) -> list[Item]:
    """破产协调事项 of a case."""
    equal = {"case_number": case_number}
    return await _items(pool, schema, ("coordination_task",), _today(now), equal)


def _today(now: datetime | None) -> date:
    return (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI).date()


async def _kind_items(
    pool: asyncpg.Pool, schema: str, kind: str, unit: str | None, now: datetime | None
) -> list[Item]:
    equal = {"unit": unit} if unit is not None else {}
    return await _items(pool, schema, (kind,), _today(now), equal)


async def overdue(
    pool: asyncpg.Pool, schema: str, as_of: datetime | None = None
) -> list[OverdueEntry]:
    """逾期清单 across services, the oldest first."""
    rows = await _rows(pool, schema, "overdue", as_of)
    entries = [
        OverdueEntry(
            event_id=r["sources"][0],
            type=r["type"],
            context=r["context"],
            unit=r["unit"],
            item=r["item"],
            due=_day(r.get("due")),
            since=datetime.fromisoformat(r["since"]),
            case_number=r.get("case_number") or "",
        )
        for r in rows
    ]
    return sorted(entries, key=lambda e: (e.since, e.event_id))


async def bureau_response_times(
    pool: asyncpg.Pool, schema: str, period: Period
) -> list[BureauResponse]:
    """Per bureau and kind, over queries and sanctions started in the period."""
    start, end = period_start(period), period_end(period)
    spans: dict[tuple[str, str], list[tuple[float | None, bool | None]]] = {}
    for row in await _rows(pool, schema, "response"):
        began = _moment(row.get("started_at"))
        if began is None or not start <= began < end:
            continue
        due = _moment(row.get("due"))
        for bureau in row["asked"]:
            answered = _moment(row["answers"].get(bureau))
            days = None if answered is None else (answered - began).total_seconds() / 86400
            kept = None if due is None else (answered is not None and answered <= due)
            spans.setdefault((row["kind"], bureau), []).append((days, kept))
    return [_response(kind, bureau, spans[kind, bureau]) for kind, bureau in sorted(spans)]


def _response(
    kind: str, bureau: str, spans: Sequence[tuple[float | None, bool | None]]
) -> BureauResponse:
    days = sorted(d for d, _ in spans if d is not None)
    judged = [k for _, k in spans if k is not None]
    return BureauResponse(
        kind=kind,
        bureau=bureau,
        asked=len(spans),
        answered=len(days),
        median_days=round(statistics.median(days), 2) if days else None,
        p90_days=round(days[math.ceil(0.9 * len(days)) - 1], 2) if days else None,
        within_deadline_share=round(100 * sum(judged) / len(judged), 2) if judged else None,
    )


async def timeline(pool: asyncpg.Pool, schema: str, case_number: str) -> list[TimelineEntry]:
    """Every observed event of the case number or of a correlation it appears in, in order."""
    return [
        TimelineEntry(
            position=e.position,
            occurred_at=e.occurred_at,
            type=e.type,
            context=e.context,
            organization=e.organization,
            case_number=e.case_number,
            event_id=e.event_id,
            correlation_id=e.correlation_id,
            body=e.body,
        )
        for e in await readmodels.case_events(pool, schema, case_number)
    ]


async def meetings(pool: asyncpg.Pool, schema: str) -> list[Meeting]:
    return [
        Meeting(
            id=r["id"],
            matter=r.get("matter", ""),
            reference=r.get("reference", ""),
            agenda=r.get("agenda", ""),
            units=tuple(r.get("units", ())),
            requested_on=_day(r.get("requested_on")),
            meets_on=_day(r.get("meets_on")),
            held_on=_day(r.get("held_on")),
            memo_number=r.get("memo_number", ""),
            memo_items=int(r.get("memo_items", 0)),
            case_number=r.get("case_number") or "",
        )
        for r in await _rows(pool, schema, "meeting")
    ]


async def bankruptcy_cases(pool: asyncpg.Pool, schema: str) -> list[BankruptcyCase]:
    return [
        BankruptcyCase(
            case_number=r["case_number"],
            court=r.get("court") or "",
            debtor=r.get("debtor") or "",
            state=r.get("state", ""),
            accepted_on=_day(r.get("petition_accepted")),
            terminated_on=_day(r.get("proceedings_terminated")),
            tasks=int(r.get("tasks", 0)),
            tasks_done=int(r.get("tasks_done", 0)),
        )
        for r in await _rows(pool, schema, "bankruptcy_case")
    ]


async def indicator_series(
    pool: asyncpg.Pool, schema: str, indicator: str, scope: str | None = None
) -> list[IndicatorPoint]:
    """The latest snapshot of the indicator per scope and period, by period."""
    points = [
        IndicatorPoint(
            indicator=r["indicator"],
            scope=r["scope"],
            period=r["period"],
            as_of=datetime.fromisoformat(r["as_of"]),
            values=r["values"],
            sha256=r["inputs"]["sha256"],
            count=int(r["inputs"]["count"]),
            event_id=r["event_id"],
        )
        for r in await _rows(pool, schema, "indicator")
        if r["indicator"] == indicator and scope in (None, r["scope"])
    ]
    return sorted(points, key=lambda p: (p.period, p.scope))


async def assessments(
    pool: asyncpg.Pool, schema: str, period: Period | None = None
) -> list[Assessment]:
    """The latest assessment per unit and period; the best score first within a period."""
    found = [
        Assessment(
            unit=r["unit"],
            period=r["period"],
            score=r.get("score"),
            verdict=r.get("verdict", "none"),
            basis=tuple(r.get("basis", ())),
            parts=tuple(r.get("parts", ())),
            event_id=r["event_id"],
        )
        for r in await _rows(pool, schema, "assessment")
        if period is None or r["period"] == str(period)
    ]
    return sorted(found, key=lambda a: (a.period, -(a.score or -1.0), a.unit))


async def reports(
    pool: asyncpg.Pool, schema: str, period: Period | None = None
) -> list[ReportStatus]:
    """报送情况 per unit and period."""
    return [
        ReportStatus(
            unit=r["unit"],
            period=r["period"],
            due=_day(r.get("due")),
            submitted_at=_moment(r.get("submitted_at")),
            on_time=r.get("on_time"),
            returned=bool(r.get("returned")),
            overdue=bool(r.get("overdue")),
        )
        for r in await _rows(pool, schema, "report")
        if period is None or r["period"] == str(period)
    ]
