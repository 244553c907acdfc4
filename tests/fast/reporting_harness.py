"""An in-memory reporting service for the fast tier: the real command consumer of
`services.reporting.subscribers`, its intake, the handlers, the notice projection and the
deadline runner, over the memory event store, on a clock the test moves (the observer keeps
rows in PostgreSQL: it is tested against a real server)."""

from __future__ import annotations

import uuid
from datetime import date

from contracts.reporting.reports import (
    ConcreteCase,
    IndicatorValue,
    IssueReportingNotice,
    Period,
    ReportBody,
    ReturnReport,
    SubmitReport,
)
from services.reporting import main, projections, subscribers
from services.reporting.deadlines import Deadlines
from services.reporting.settings import ReportingSettings
from tests.fast.harness import Clock, Delivering, Published
from tests.fast.harness import reference_data as enforcement_reference_data

OFFICE = "JO410482"
"""The county-level joint office (偃师)."""
LEAD = "CT410482"
"""A lead unit of key items there (the court): due by the 25th."""
TOWN = "TG410482001"
"""A town there: due at month-end."""
OTHER_OFFICE = "JO410300"
UNIT = "TX410482"
"""A member unit that owes no regular report (the tax bureau)."""
NOVEMBER = Period(year=2026, month=11)


class ReportingHarness(Delivering):
    """The reporting service as `main.py` composes its commands and deadlines."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__(clock)
        self.settings = ReportingSettings()
        self.projector = projections.on_memory(self.store)
        self.handlers = main.handlers(self.store, enforcement_reference_data()[0])
        self.consumers = subscribers.consumers(
            subscribers.Edges(self.handlers), self.clock, max_attempts=5
        )
        self.deadlines = Deadlines(
            self.store,
            self.clock,
            self.handlers,
            projections.Reads(self.projector),
            self.settings.periods_back,
        )

    async def tick_deadlines(self) -> list[Published]:
        """One tick of the deadline runner at the harness's clock; what it published."""
        await self.deadlines.tick()
        return await self.relay()


def body(indicator: str = "ledger_entries_checked_off") -> ReportBody:
    return ReportBody(
        progress="本月推进三项重点工作",
        problems="个别台账事项进度滞后",
        next_steps="下月完成对账销号",
        indicators=(IndicatorValue(indicator=indicator, value=75.0, catalogue_version="2026-11"),),
        cases=(ConcreteCase(title="某房地产项目化解", account="协调交房 120 户"),),
    )


def submit(
    report_id: uuid.UUID | None = None,
    period: Period = NOVEMBER,
    indicator: str = "ledger_entries_checked_off",
) -> SubmitReport:
    return SubmitReport(report_id=report_id or uuid.uuid4(), period=period, body=body(indicator))


def give_back(report_id: uuid.UUID, unit: str = LEAD, period: Period = NOVEMBER) -> ReturnReport:
    return ReturnReport(report_id=report_id, unit=unit, period=period, reason="请补充具体事例")


def notice(
    units: tuple[str, ...] = (UNIT,), due_on: date = date(2026, 11, 22), period: Period = NOVEMBER
) -> IssueReportingNotice:
    return IssueReportingNotice(
        notice_id=uuid.uuid4(), period=period, units=units, due_on=due_on, subject="专项报送"
    )


def types(out: list[Published]) -> list[str]:
    return [p.type.split(".")[2] for p in out]
