"""报送 — reporting obligations: the office's ad-hoc notices, units' monthly submissions, returns
for more, reminders and overdue reports.

The reporting service (`services/reporting`) takes the commands — a lead unit or a town submits
its own report, the joint office issues notices and returns reports — and records the events;
a message it refuses is answered with `MessageRejected` (`contracts.reporting.rejections`).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.bankruptcy.data import Text
from contracts.base import Command, Contract, Event, OrgCode
from contracts.registry import register


class UnitClass(StrEnum):
    """Who reports and so by when."""

    LEAD_UNIT = "lead_unit"  # 牵头单位: by the 25th of each month
    TOWN = "town"  # 乡镇 / 街道: by month-end


class Period(Contract):
    """报送期 — a calendar month."""

    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class IndicatorValue(Contract):
    """数据指标 — a value of a catalogue indicator, with the catalogue version it was read from."""

    indicator: str = Field(min_length=1, max_length=64)
    value: float
    catalogue_version: str = Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class ConcreteCase(Contract):
    """具体事例 — a case that shows the work."""

    title: Text
    account: Text
    reference: str = Field(default="", max_length=200)
    """A case number or item id, when there is one."""


class ReportBody(Contract):
    """The sections a submission carries: progress, problems, next steps, at least one
    indicator value and at least one concrete case (数据指标、具体事例 are mandatory)."""

    progress: Text
    problems: Text
    next_steps: Text
    indicators: tuple[IndicatorValue, ...] = Field(min_length=1)
    cases: tuple[ConcreteCase, ...] = Field(min_length=1)


@register
class IssueReportingNotice(Command):
    """另行报送通知 — the office names a period, a scope (units) and a due date that replaces
    the regular one for them."""

    TYPE = "reporting.command.issue_reporting_notice.v1"
    notice_id: UUID
    period: Period
    units: tuple[OrgCode, ...] = Field(min_length=1)
    due_on: date
    subject: Text


@register
class SubmitReport(Command):
    """报送 — a unit submits its report for a period, as itself."""

    TYPE = "reporting.command.submit_report.v1"
    report_id: UUID
    period: Period
    body: ReportBody


@register
class ReturnReport(Command):
    """退回补充 — the office asks for more."""

    TYPE = "reporting.command.return_report.v1"
    report_id: UUID
    unit: OrgCode
    """The unit that submitted the report."""
    period: Period
    """The period the report is for."""
    reason: Text


@register
class ReportingNoticeIssued(Event):
    TYPE = "reporting.event.reporting_notice_issued.v1"
    notice_id: UUID
    period: Period
    units: tuple[OrgCode, ...] = Field(min_length=1)
    due_on: date
    subject: Text


@register
class ReportSubmitted(Event):
    """已报送 — on time or late against the due date in force, in Asia/Shanghai."""

    TYPE = "reporting.event.report_submitted.v1"
    report_id: UUID
    unit: OrgCode
    period: Period
    due_on: date
    submitted_at: AwareDatetime
    on_time: bool
    body: ReportBody


@register
class ReportReturned(Event):
    TYPE = "reporting.event.report_returned.v1"
    report_id: UUID
    unit: OrgCode
    period: Period
    reason: Text
    returned_at: AwareDatetime


@register
class ReportReminded(Event):
    """提醒报送 — a reminder, a configured number of days before the due date."""

    TYPE = "reporting.event.report_reminded.v1"
    unit: OrgCode
    period: Period
    due_on: date
    days_before: int = Field(ge=0)


@register
class ReportOverdue(Event):
    """逾期未报 — the due date passed without a submission; recorded once per unit and period."""

    TYPE = "reporting.event.report_overdue.v1"
    unit: OrgCode
    period: Period
    due_on: date
    noted_at: AwareDatetime


class InputRange(Contract):
    """The events a snapshot read: their positions and a SHA-256 over them."""

    first_position: int | None
    last_position: int | None
    count: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


@register
class IndicatorComputed(Event):
    """指标已生成 — an indicator's value for a period and scope, with what it was read from, so
    anyone can recompute it. `values` maps a group (a bureau; "" for the whole scope) to the
    value, or None when there was nothing to count."""

    TYPE = "reporting.event.indicator_computed.v1"
    indicator: str = Field(min_length=1, max_length=64)
    catalogue_version: str
    period: Period
    scope: str = Field(min_length=1, max_length=64)
    """A unit's code, or `*` for every unit."""
    as_of: AwareDatetime
    values: dict[str, float | None]
    inputs: InputRange


class Verdict(StrEnum):
    NONE = "none"
    COMMENDATION = "commendation"  # 表扬
    ACCOUNTABILITY = "accountability"  # 问责


class ScorePart(Contract):
    indicator: str
    value: float | None
    weight: float
    snapshot_sha256: str


@register
class UnitAssessed(Event):
    """已考核 — a unit's score for a closed period, each part citing the snapshot it used; a
    commendation or accountability cites its basis (scores, snapshots, overdue reports)."""

    TYPE = "reporting.event.unit_assessed.v1"
    unit: OrgCode
    period: Period
    scheme_version: str
    score: float | None
    parts: tuple[ScorePart, ...]
    verdict: Verdict
    basis: tuple[str, ...]
