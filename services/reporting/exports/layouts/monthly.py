"""月报 — a unit's monthly report."""

from __future__ import annotations

from collections.abc import Iterable

from contracts.reporting.indicators import IndicatorCatalogue
from contracts.reporting.reports import Period, ReportBody
from services.reporting import views
from services.reporting.exports.layouts import Heading, Names, same
from services.reporting.exports.layouts.ledgers import ledger_sheet
from services.reporting.exports.sheet import Cell, Column, Document, Kind, Sheet, month_title


def report(
    status: views.ReportStatus | None,
    body: ReportBody | None,
    items: Iterable[views.Item],
    heading: Heading,
    catalogue: IndicatorCatalogue,
    names: Names = same,
) -> Document:
    """府院联动工作月报 of a unit: its submission's sections, indicator values and concrete cases,
    its ledger, and whether it was submitted on time."""
    missing = "" if body is not None else "本期尚未报送"
    sheets = [
        _prose("工作进展", body.progress if body else "", missing),
        _prose("存在问题", body.problems if body else "", missing),
        _prose("下一步计划", body.next_steps if body else "", missing),
        _values(body, catalogue, missing),
        _cases(body, missing),
        ledger_sheet(items, heading.period, names),
        _status(status, heading.period, names),
    ]
    return heading.document(f"{heading.unit}府院联动工作月报", sheets)


def _prose(title: str, text: str, note: str) -> Sheet:
    paragraphs = tuple((p.strip(),) for p in text.splitlines() if p.strip())
    return Sheet(title, (Column("内容", width=100),), paragraphs, note=note)


VALUE_COLUMNS = (
    Column("指标编号"),
    Column("指标名称"),
    Column("数值", Kind.NUMBER),
    Column("计量单位"),
    Column("目录版本"),
)


def _values(body: ReportBody | None, catalogue: IndicatorCatalogue, note: str) -> Sheet:
    known = {i.id: i for i in catalogue.indicators}
    rows = tuple(
        (
            v.indicator,
            known[v.indicator].name_zh if v.indicator in known else "",
            v.value,
            known[v.indicator].unit if v.indicator in known else "",
            v.catalogue_version,
        )
        for v in (body.indicators if body else ())
    )
    return Sheet("数据指标", VALUE_COLUMNS, rows, note=note)


CASE_COLUMNS = (Column("事例标题", width=30), Column("事例情况", width=80), Column("案号或编号"))


def _cases(body: ReportBody | None, note: str) -> Sheet:
    rows = tuple((c.title, c.account, c.reference) for c in (body.cases if body else ()))
    return Sheet("具体事例", CASE_COLUMNS, rows, note=note)


STATUS_COLUMNS = (
    Column("报送单位"),
    Column("期间"),
    Column("报送时限", Kind.DATE),
    Column("报送时间", Kind.DATETIME),
    Column("是否按时"),
    Column("是否退回补充"),
    Column("是否逾期未报"),
)


def _status(status: views.ReportStatus | None, period: Period, names: Names) -> Sheet:
    rows: tuple[tuple[Cell, ...], ...] = ()
    if status is not None:
        timely = {True: "按时报送", False: "逾期报送", None: "未报送"}[status.on_time]
        rows = (
            (
                names(status.unit),
                month_title(status.period),
                status.due,
                status.submitted_at,
                timely,
                "是" if status.returned else "否",
                "是" if status.overdue else "否",
            ),
        )
    return Sheet("报送情况", STATUS_COLUMNS, rows, numbered=False)
