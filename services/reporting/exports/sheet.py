"""The neutral table model every writer reads: a document's title block and its sheets.

A cell holds a plain value; the column's kind says how it is shown: `text`, `date` (yyyy-mm-dd),
`datetime` (yyyy-mm-dd HH:MM in Asia/Shanghai), `number`, `percent` (the value is a percentage,
85.5 meaning 85.5%). `shown` is the one place a cell becomes text, so the CSV and the printed
page say the same thing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
NUMBER_HEADER = "序号"

Cell = str | int | float | date | datetime | None


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    NUMBER = "number"
    PERCENT = "percent"


@dataclass(frozen=True)
class Column:
    header: str
    """Chinese header, as printed."""
    kind: Kind = Kind.TEXT
    width: int | None = None
    """Width in Excel characters; fitted to the contents when None."""


@dataclass(frozen=True)
class Sheet:
    title: str
    """The sheet's name in the workbook and its heading on the printed page (≤ 31 characters)."""
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numbered: bool = True
    """A 序号 column first, counting the rows from 1."""
    note: str = ""
    """One line under the heading: a count, a summary."""

    def __post_init__(self) -> None:
        for n, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"{self.title}: row {n} has {len(row)} cells, not {len(self.columns)}"
                )

    @property
    def headers(self) -> tuple[str, ...]:
        own = tuple(c.header for c in self.columns)
        return (NUMBER_HEADER, *own) if self.numbered else own

    @property
    def kinds(self) -> tuple[Kind, ...]:
        own = tuple(c.kind for c in self.columns)
        return (Kind.NUMBER, *own) if self.numbered else own

    def table(self) -> list[tuple[Cell, ...]]:
        """The rows as written, with the 序号 cell when numbered."""
        if not self.numbered:
            return list(self.rows)
        return [(n, *row) for n, row in enumerate(self.rows, start=1)]

    def shown(self) -> list[tuple[str, ...]]:
        """The rows as text, the way CSV and the printed page show them."""
        return [
            tuple(shown(c, k) for c, k in zip(r, self.kinds, strict=True)) for r in self.table()
        ]


@dataclass(frozen=True)
class Document:
    """A whole export: its title block (单位, 期间, 生成时间, 数据截至, 数据来源) and its sheets."""

    title: str
    unit: str
    period: str
    generated_at: datetime
    sheets: tuple[Sheet, ...]
    as_of: datetime | None = None
    """数据截至: the moment the data was read as of; the generation time when None."""
    source: str = ""
    """数据来源: where the data came from (a read-model digest, a snapshot's input range)."""
    signatures: tuple[str, ...] = field(default=("填报人", "审核人", "联系电话"))

    @property
    def subtitle(self) -> str:
        as_of = self.as_of or self.generated_at
        parts = [
            f"填报单位：{self.unit}",
            f"期间：{self.period}",
            f"数据截至：{shown(as_of, Kind.DATETIME)}",
            f"生成时间：{shown(self.generated_at, Kind.DATETIME)}",
        ]
        return "　　".join(parts)


def local(moment: datetime) -> datetime:
    """The moment on the clock in Asia/Shanghai, without a zone (Excel keeps none)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(SHANGHAI).replace(tzinfo=None)


def shown(cell: Cell, kind: Kind) -> str:
    if cell is None or cell == "":
        return ""
    if isinstance(cell, datetime):
        text = local(cell).strftime("%Y-%m-%d %H:%M")
        return text[:10] if kind is Kind.DATE else text
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, int | float):
        return _number(cell) + ("%" if kind is Kind.PERCENT else "")
    return str(cell)


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced view: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def month_title(period: str) -> str:
    """`2026-11` → `2026年11月`."""
    year, _, month = period.partition("-")
    return f"{int(year)}年{int(month)}月" if month else period
