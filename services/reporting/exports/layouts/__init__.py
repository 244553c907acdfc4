"""One function per export: the read models (`services.reporting.views`) as a `Document`.

Pure: every input, the generation time included, comes in as an argument. `names` turns an
organization code into the name a clerk knows (the registry's Chinese name; the code itself
when the registry does not know it). `ledgers`: 台账 and 逾期清单; `monthly`: 月报; `scores`:
指标, 考核, 反馈用时.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from contracts.reporting.reports import Period
from services.reporting.exports.sheet import Document, Sheet, month_title

Names = Callable[[str], str]


@dataclass(frozen=True)
class Heading:
    """What every title block says: whose, for which month, when made, as of when, from what."""

    unit: str
    period: Period
    generated_at: datetime
    as_of: datetime | None = None
    source: str = ""

    def document(self, title: str, sheets: Sequence[Sheet]) -> Document:
        return Document(
            title=f"{title}（{month_title(str(self.period))}）",
            unit=self.unit,
            period=month_title(str(self.period)),
            generated_at=self.generated_at,
            sheets=tuple(sheets),
            as_of=self.as_of,
            source=self.source,
        )


def same(code: str) -> str:
    """The code itself, where no registry is at hand."""
    return code
