"""涉党政机关未履行生效判决 — the named special item: each enforcement case against a party or
government organ is assigned to a responsible government with a deadline, and closed on the
evidence of performance or on the enforcement service's own fact that the case was performed
(`enforcement.event.case_concluded.v1` with conclusion `performed`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from contracts.base import Command, Event, OrgCode
from contracts.enforcement.aftercare import Conclusion
from contracts.ids import CaseNumber
from contracts.registry import register


class PerformanceGround(StrEnum):
    EVIDENCE = "evidence"  # 履行凭证, checked by the joint office
    ENFORCEMENT = "enforcement"  # 执行完毕, the enforcement service's fact


@register
class AssignGovJudgmentCase(Command):
    """交办 — the joint office assigns a case to the government responsible for the organ."""

    TYPE = "risk.command.assign_gov_judgment_case.v1"
    case_number: CaseNumber
    """执行案号."""
    debtor_organ: str = Field(min_length=1, max_length=200)
    """被执行的党政机关."""
    responsible_government: OrgCode
    """责任政府."""
    amount: Decimal = Field(ge=0, max_digits=18, decimal_places=2)
    """标的金额 (元)."""
    assigned_on: date
    """交办日期."""
    deadline: date
    """办结期限."""


@register
class GovJudgmentCaseAssigned(Event):
    """已交办."""

    TYPE = "risk.event.gov_judgment_case_assigned.v1"
    case_number: CaseNumber
    """执行案号."""
    joint_office: OrgCode
    """联席办 that assigned it and keeps it."""
    debtor_organ: str
    """被执行的党政机关."""
    responsible_government: OrgCode
    """责任政府."""
    amount: Decimal
    """标的金额."""
    assigned_on: date
    """交办日期."""
    deadline: date
    """办结期限."""


@register
class ReportGovJudgmentPerformed(Command):
    """报送履行 — the responsible government or the joint office records performance, with the
    evidence."""

    TYPE = "risk.command.report_gov_judgment_performed.v1"
    case_number: CaseNumber
    """执行案号."""
    performed_on: date
    """履行日期."""
    evidence: list[str] = Field(min_length=1, max_length=50)
    """履行凭证: payment records, the court's receipt."""


@register
class GovJudgmentPerformed(Event):
    """已履行 — the case is closed, on evidence or on the enforcement service's fact."""

    TYPE = "risk.event.gov_judgment_performed.v1"
    case_number: CaseNumber
    """执行案号."""
    performed_on: date
    """履行日期."""
    ground: PerformanceGround
    """evidence · enforcement."""
    evidence: list[str]
    """The evidence, or the enforcement case's conclusion."""
    late: bool
    """Whether after the deadline."""


@register
class GovJudgmentEnforcementEnded(Event):
    """执行已终结或中止而未履行 — the enforcement case ended otherwise than by performance; the
    special-item case stays open for evidence."""

    TYPE = "risk.event.gov_judgment_enforcement_ended.v1"
    case_number: CaseNumber
    """执行案号."""
    conclusion: Conclusion
    """terminated · bankruptcy_suspended."""
    concluded_on: date
    """The day."""


@register
class GovJudgmentCaseOverdue(Event):
    """已逾期 — not performed by the deadline; once."""

    TYPE = "risk.event.gov_judgment_case_overdue.v1"
    case_number: CaseNumber
    """执行案号."""
    responsible_government: OrgCode
    """责任政府."""
    deadline: date
    """办结期限 passed."""
