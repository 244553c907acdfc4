"""台账 and 逾期清单."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from contracts.reporting.reports import Period
from services.reporting import views
from services.reporting.domain import readmodel
from services.reporting.domain.obligations import period_start
from services.reporting.exports import labels
from services.reporting.exports.layouts import Heading, Names, same
from services.reporting.exports.sheet import Column, Document, Kind, Sheet

LEDGER_COLUMNS = (
    Column("事项类别"),
    Column("重点事项"),
    Column("责任单位"),
    Column("事项内容", width=40),
    Column("存量/增量"),
    Column("立项日期", Kind.DATE),
    Column("办理时限", Kind.DATE),
    Column("办理状态"),
    Column("逾期日期", Kind.DATE),
    Column("销号日期", Kind.DATE),
    Column("案号"),
    Column("编号"),
)


def is_stock(item: views.Item, period: Period) -> bool:
    """存量 or 增量, by the read model's one rule."""
    row = {"stock": item.stock, "opened_on": item.opened_on.isoformat() if item.opened_on else None}
    return readmodel.is_stock(row, period_start(period).date())


def ledger_sheet(
    items: Iterable[views.Item], period: Period, names: Names = same, title: str = "台账"
) -> Sheet:
    ordered = sorted(items, key=lambda i: (i.key_item, i.due or date.max, i.kind, i.id))
    rows = tuple(
        (
            labels.ITEM_KINDS.get(i.kind, i.kind),
            i.key_item,
            names(i.unit),
            i.title,
            labels.STOCK[is_stock(i, period)],
            i.opened_on,
            i.due,
            labels.STATUS.get(i.status, i.status),
            i.overdue_since,
            i.checked_off_on,
            i.case_number,
            i.id,
        )
        for i in ordered
    )
    return Sheet(title, LEDGER_COLUMNS, rows, note=_ledger_note(ordered, period))


def _ledger_note(items: Sequence[views.Item], period: Period) -> str:
    stock = sum(is_stock(i, period) for i in items)
    counts = {s: sum(i.status == s for i in items) for s in labels.STATUS}
    done, late, soon = counts["checked_off"], counts["overdue"], counts["due_soon"]
    return (
        f"共 {len(items)} 项（存量 {stock} 项，增量 {len(items) - stock} 项）；"
        f"已销号 {done} 项，已逾期 {late} 项，即将到期 {soon} 项"
    )


def ledger(
    items: Iterable[views.Item],
    heading: Heading,
    key_item: str | None = None,
    names: Names = same,
) -> Document:
    """府院联动重点事项工作台账 — per key item and/or unit."""
    title = "府院联动重点事项工作台账" + (f"·{key_item}" if key_item else "")
    return heading.document(title, [ledger_sheet(items, heading.period, names)])


OVERDUE_COLUMNS = (
    Column("所属业务"),
    Column("逾期类型"),
    Column("责任单位"),
    Column("事项"),
    Column("办理时限", Kind.DATE),
    Column("逾期时间", Kind.DATETIME),
    Column("案号"),
)


def overdue(
    entries: Iterable[views.OverdueEntry], heading: Heading, names: Names = same
) -> Document:
    """府院联动逾期事项清单 — every overdue event or notice of every service."""
    rows = tuple(
        (
            labels.CONTEXTS.get(e.context, e.context),
            labels.event_type(e.type),
            "、".join(names(u) for u in e.unit.split(",") if u),
            e.item,
            e.due,
            e.since,
            e.case_number,
        )
        for e in entries
    )
    sheet = Sheet("逾期清单", OVERDUE_COLUMNS, rows, note=f"共 {len(rows)} 项")
    return heading.document("府院联动逾期事项清单", [sheet])
