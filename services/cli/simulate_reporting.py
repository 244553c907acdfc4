"""Simulated monthly reporting 月报 for `make run`: the lead units of the key items and the
towns and streets submit their reports, the joint office returns one for more and it comes back,
and the office issues an ad-hoc notice that obliges a unit with no regular report.

The plan of one run, one message a step: last month's reports of about half the units, late
(their due dates have passed, so the service records them late — the others stay overdue);
this month's of most units (on time until the 25th for lead units, until month-end for towns);
the first lead unit's report returned by its joint office and submitted again; a notice naming
the tax bureau of the county, which then submits. When the plan is done, nothing more is sent
(`next_message` gives None). Every sender publishes only what `contracts/reporting/roles.py`
allows its kind; its reports name indicators of the catalogue."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from contracts.envelope import Message
from contracts.organizations import OrgKind, Registry
from contracts.registry import PAYLOADS
from contracts.reporting.indicators import load_indicators
from contracts.reporting.reports import (
    ConcreteCase,
    IndicatorValue,
    IssueReportingNotice,
    Period,
    ReportBody,
    ReturnReport,
    SubmitReport,
)
from contracts.risk.key_items import KeyItemCatalogue
from services.cli.simulate_risk import message
from services.reporting.domain.obligations import SHANGHAI
from services.reporting.handlers import Units

LATE_SHARE = 0.5
"""Share of the units that submit last month's report (late); the others stay overdue."""
CURRENT_SHARE = 0.8
"""Share of the units that submit this month's report."""
NOTICE_UNIT = "TX410482"
"""The county tax bureau: no regular report, obliged by the office's ad-hoc notice."""
NOTICE_OFFICE = "JO410482"
CASES = (
    ("问题楼盘交房", "协调住建、自然资源部门为 120 户办理交房并启动不动产登记"),
    ("涉企执行案件清理", "联合查控一批长期未结执行案件，执行到位 360 万元"),
    ("行政争议实质化解", "组织行政机关负责人出庭应诉并促成 3 件案件调解撤诉"),
)


def period_of(moment: datetime) -> Period:
    local = moment.astimezone(SHANGHAI)
    return Period(year=local.year, month=local.month)


def before(period: Period) -> Period:
    months = period.year * 12 + period.month - 2
    return Period(year=months // 12, month=months % 12 + 1)


class Reporting:
    """The plan of one run; `next_message` gives its next step, or None when it is done."""

    def __init__(self, rng: random.Random, registry: Registry | None = None) -> None:
        self.rng = rng
        self.registry = registry or Registry.load()
        self.units = Units.of(self.registry, KeyItemCatalogue.load())
        catalogue = load_indicators(PAYLOADS)
        self.version, self.indicators = catalogue.version, [i.id for i in catalogue.indicators]
        self.steps: list[tuple[str, Any]] | None = None

    def body(self) -> ReportBody:
        chosen = self.rng.sample(self.indicators, 2)
        title, account = self.rng.choice(CASES)
        return ReportBody(
            progress="本月按照府院联动工作要点推进重点事项，台账事项按期对账销号",
            problems="个别事项协调难度大，部门间数据共享仍需加强",
            next_steps="下月集中推进逾期事项，完善信息共享机制",
            indicators=tuple(
                IndicatorValue(
                    indicator=i,
                    value=round(self.rng.uniform(60, 100), 1),
                    catalogue_version=self.version,
                )
                for i in chosen
            ),
            cases=(ConcreteCase(title=title, account=account),),
        )

    def office_of(self, unit: str) -> str:
        place = self.registry.get(unit).jurisdiction
        return self.registry.of_kind(OrgKind.JOINT_OFFICE, place)[0].code

    def submit(self, unit: str, period: Period) -> tuple[str, Any]:
        return unit, SubmitReport(report_id=uuid.uuid4(), period=period, body=self.body())

    def plan(self, now: datetime) -> list[tuple[str, Any]]:
        current = period_of(now)
        units = self.units.scheduled()
        late = [u for u in units if self.rng.random() < LATE_SHARE]
        steps = [self.submit(u, before(current)) for u in late]
        lead = sorted(self.units.lead)[0]
        first = self.submit(lead, current)
        returned = ReturnReport(
            report_id=first[1].report_id,
            unit=lead,
            period=current,
            reason="请补充具体事例和数据来源",
        )
        steps += [first, (self.office_of(lead), returned), self.submit(lead, current)]
        notice = IssueReportingNotice(
            notice_id=uuid.uuid4(),
            period=current,
            units=(NOTICE_UNIT,),
            due_on=(now.astimezone(SHANGHAI) + timedelta(days=3)).date(),
            subject="法治政府建设专项工作情况报送",
        )
        steps += [(NOTICE_OFFICE, notice), self.submit(NOTICE_UNIT, current)]
        others = [u for u in units if u != lead and self.rng.random() < CURRENT_SHARE]
        return steps + [self.submit(u, current) for u in others]

    def next_message(self, now: datetime) -> Message[Any] | None:
        if self.steps is None:
            self.steps = self.plan(now)
        if not self.steps:
            return None
        sender, payload = self.steps.pop(0)
        return message(self.registry.get(sender), payload, now)
