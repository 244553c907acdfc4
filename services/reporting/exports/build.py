"""From a request (which export, which month, whose) to a document and its bytes, reading the
reporting read models. The command line (`fuyuan export`) and the workbench's download routes
both come through here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import asyncpg

from contracts.catalog import PAYLOADS
from contracts.organizations.registry import Registry
from contracts.reporting.indicators import IndicatorCatalogue, load_indicators
from contracts.reporting.reports import Period, ReportBody, ReportSubmitted
from services.reporting import readmodels, views
from services.reporting.exports import delimited, labels, printable, workbook
from services.reporting.exports.layouts import Heading, Names, ledgers, monthly, scores
from services.reporting.exports.sheet import SHANGHAI, Document


class Export(StrEnum):
    LEDGER = "ledger"  # 台账
    OVERDUE = "overdue"  # 逾期清单
    REPORT = "report"  # 月报
    ASSESSMENT = "assessment"  # 考核
    INDICATORS = "indicators"  # 数据指标
    RESPONSES = "responses"  # 反馈用时


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    HTML = "html"


MEDIA_TYPES = {
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.CSV: "text/csv; charset=utf-8",
    Format.HTML: "text/html; charset=utf-8",
}
WRITERS: dict[Format, Callable[[Document], bytes]] = {
    Format.XLSX: workbook.write,
    Format.CSV: delimited.write,
    Format.HTML: printable.write,
}
AS_OF_EXPORTS = frozenset({Export.LEDGER, Export.OVERDUE})
"""The read models keep history for these; the others hold the latest value only."""


class ExportError(ValueError):
    """A request that cannot be answered, naming its field."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class Request:
    export: Export
    period: Period
    unit: str | None = None
    key_item: str | None = None
    indicator: str | None = None
    as_of: date | None = None
    """数据截至: through the end of this day in Asia/Shanghai; now when None."""

    def filename(self, fmt: Format) -> str:
        """An ASCII file name for a download: `ledger-2026-11-GOV410482.xlsx`."""
        parts = [self.export.value, str(self.period), self.unit, self.key_item, self.indicator]
        stem = "-".join(p for p in parts if p)
        return (
            "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in stem)
            + f".{fmt.value}"
        )

    def check(self, catalogue: IndicatorCatalogue) -> None:
        if self.as_of is not None and self.export not in AS_OF_EXPORTS:
            known = ", ".join(sorted(AS_OF_EXPORTS))
            raise ExportError("as_of", f"only the {known} exports can be read as of a day")
        if self.export is Export.REPORT and not self.unit:
            raise ExportError("unit", "the monthly report is one unit's: name the unit")
        if self.indicator is not None and self.indicator not in {
            i.id for i in catalogue.indicators
        }:
            raise ExportError("indicator", f"{self.indicator!r} is not in the catalogue")


def parse_period(text: str) -> Period:
    """`2026-11` → the period; an ExportError naming `period` otherwise."""
    year, _, month = text.partition("-")
    try:
        return Period(year=int(year), month=int(month))
    except ValueError:
        raise ExportError("period", f"{text!r} is not a month written YYYY-MM") from None


def end_of_day(day: date) -> datetime:
    """The last moment of the day in Asia/Shanghai."""
    start = datetime.combine(day + timedelta(days=1), datetime.min.time(), SHANGHAI)
    return start - timedelta(microseconds=1)


def registry_names(registry: Registry | None = None) -> Names:
    """Code → the registry's Chinese name; the code itself when the registry does not know it."""
    known = {org.code: org.name for org in (registry or Registry.load())}
    return lambda code: known.get(code, code)


def catalogue() -> IndicatorCatalogue:
    return load_indicators(PAYLOADS)


def write(document: Document, fmt: Format) -> bytes:
    return WRITERS[fmt](document)


async def document(
    pool: asyncpg.Pool,
    schema: str,
    request: Request,
    now: datetime,
    indicators: IndicatorCatalogue,
    names: Names,
) -> Document:
    """The export asked for, as the read models stand (or as of the day asked for)."""
    request.check(indicators)
    as_of = end_of_day(request.as_of) if request.as_of else None
    digest = await readmodels.digest(pool, schema, as_of)
    heading = Heading(
        unit=names(request.unit) if request.unit else labels.ALL_UNITS,
        period=request.period,
        generated_at=now,
        as_of=as_of,
        source=f"数据来源：府院联动读模型（SHA-256 {digest}）",
    )
    return await _BUILDERS[request.export](pool, schema, request, heading, indicators, names)


async def _ledger(
    pool: asyncpg.Pool, schema: str, r: Request, h: Heading, c: IndicatorCatalogue, n: Names
) -> Document:
    items = await views.ledger(pool, schema, r.key_item, r.unit, as_of=h.as_of, now=h.generated_at)
    return ledgers.ledger(items, h, r.key_item, n)


async def _overdue(
    pool: asyncpg.Pool, schema: str, r: Request, h: Heading, c: IndicatorCatalogue, n: Names
) -> Document:
    entries = await views.overdue(pool, schema, as_of=h.as_of)
    mine = [e for e in entries if r.unit is None or r.unit in e.unit.split(",")]
    return ledgers.overdue(mine, h, n)


async def _report(
    pool: asyncpg.Pool, schema: str, r: Request, h: Heading, c: IndicatorCatalogue, n: Names
) -> Document:
    assert r.unit is not None  # Request.check
    found = [s for s in await views.reports(pool, schema, r.period) if s.unit == r.unit]
    body = await submission(pool, schema, r.unit, r.period)
    items = await views.ledger(pool, schema, unit=r.unit, now=h.generated_at)
    return monthly.report(found[0] if found else None, body, items, h, c, n)


async def _indicators(
    pool: asyncpg.Pool, schema: str, r: Request, h: Heading, c: IndicatorCatalogue, n: Names
) -> Document:
    ids = [r.indicator] if r.indicator else [i.id for i in c.indicators]
    points = [
        p
        for i in ids
        for p in await views.indicator_series(pool, schema, i, r.unit)
        if p.period == str(r.period)
    ]
    return scores.indicators(points, h, c, n)


async def _assessment(
    pool: asyncpg.Pool, schema: str, r: Request, h: Heading, c: IndicatorCatalogue, n: Names
) -> Document:
    found = await views.assessments(pool, schema, r.period)
    return scores.assessment([a for a in found if r.unit in (None, a.unit)], h, c, n)


async def _responses(
    pool: asyncpg.Pool, schema: str, r: Request, h: Heading, c: IndicatorCatalogue, n: Names
) -> Document:
    found = await views.bureau_response_times(pool, schema, r.period)
    return scores.responses([b for b in found if r.unit in (None, b.bureau)], h, n)


_BUILDERS = {
    Export.LEDGER: _ledger,
    Export.OVERDUE: _overdue,
    Export.REPORT: _report,
    Export.INDICATORS: _indicators,
    Export.ASSESSMENT: _assessment,
    Export.RESPONSES: _responses,
}


async def submission(
    pool: asyncpg.Pool, schema: str, unit: str, period: Period
) -> ReportBody | None:
    """The sections of the unit's latest submission for the period, read through its contract
    (the `report` read-model row keeps the submission's id and times, not its text)."""
    s = '"' + schema.replace('"', '""') + '"'
    text = await pool.fetchval(
        f"SELECT body::text FROM {s}.observed WHERE type = $1 AND body->>'unit' = $2 "
        "AND (body->'period'->>'year')::int = $3 AND (body->'period'->>'month')::int = $4 "
        "ORDER BY position DESC LIMIT 1",
        ReportSubmitted.TYPE,
        unit,
        period.year,
        period.month,
    )
    return None if text is None else ReportSubmitted.model_validate(json.loads(text)).body
