"""重大风险 — risk cases the joint office registers and a lead unit carries: problem real-estate
projects (问题楼盘), financial risks and mass disputes; each with its level, lead unit, deadline,
linked court cases, and status changes with their reasons."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.base import Command, Contract, Event, OrgCode
from contracts.ids import CaseNumber, CreditCode
from contracts.registry import register


class RiskKind(StrEnum):
    PROBLEM_PROJECT = "problem_project"  # 问题楼盘
    FINANCIAL = "financial"  # 金融风险
    MASS_DISPUTE = "mass_dispute"  # 群体性纠纷


class RiskLevel(StrEnum):
    MAJOR = "major"  # 重大
    SERIOUS = "serious"  # 较大
    GENERAL = "general"  # 一般


class RiskStatus(StrEnum):
    """A problem project goes listed → work_resumed → delivered → certificates_issued →
    closed; another risk goes listed → contained → resolved → closed."""

    LISTED = "listed"  # 已列入台账
    WORK_RESUMED = "work_resumed"  # 已复工
    DELIVERED = "delivered"  # 已交付
    CERTIFICATES_ISSUED = "certificates_issued"  # 已办证
    CONTAINED = "contained"  # 已稳控
    RESOLVED = "resolved"  # 已化解
    CLOSED = "closed"  # 已销号


class ProblemProject(Contract):
    """问题楼盘."""

    name: str = Field(min_length=1, max_length=200)
    """项目名称."""
    developer: CreditCode
    """开发企业统一社会信用代码."""
    location: str = Field(min_length=1, max_length=300)
    """坐落."""
    units_sold: int = Field(ge=0)
    """已售套数."""
    buyers_affected: int = Field(ge=0)
    """涉及购房人数."""


@register
class RegisterRiskCase(Command):
    """登记重大风险 — the joint office registers a risk and names its lead unit."""

    TYPE = "risk.command.register_risk_case.v1"
    case_id: UUID
    """The risk's id, chosen by the sender."""
    category: RiskKind
    """问题楼盘 · 金融风险 · 群体性纠纷."""
    title: str = Field(min_length=1, max_length=300)
    """名称."""
    level: RiskLevel
    """风险等级."""
    lead: OrgCode
    """牵头单位."""
    deadline: date
    """化解期限."""
    listed_on: date
    """列入台账日期."""
    project: ProblemProject | None = None
    """The project: required for a problem project, absent otherwise."""
    linked_cases: list[CaseNumber] = Field(default_factory=list, max_length=200)
    """关联案件 — enforcement (执) and bankruptcy (破) case numbers."""


@register
class RiskCaseRegistered(Event):
    """重大风险已登记 (问题楼盘: 已列入台账)."""

    TYPE = "risk.event.risk_case_registered.v1"
    case_id: UUID
    """Risk id."""
    joint_office: OrgCode
    """联席办 that registered it and keeps it."""
    category: RiskKind
    """Kind."""
    title: str
    """名称."""
    level: RiskLevel
    """风险等级."""
    lead: OrgCode
    """牵头单位."""
    deadline: date
    """化解期限."""
    listed_on: date
    """列入台账日期."""
    project: ProblemProject | None
    """问题楼盘, for that kind."""
    linked_cases: list[CaseNumber]
    """关联案件."""


@register
class ChangeRiskStatus(Command):
    """变更状态 — the lead unit or the joint office moves the risk on, with the reason."""

    TYPE = "risk.command.change_risk_status.v1"
    case_id: UUID
    """Risk id."""
    status: RiskStatus
    """The next status."""
    changed_on: date
    """The day."""
    reason: str = Field(min_length=1, max_length=1000)
    """Why: what happened."""


@register
class RiskStatusChanged(Event):
    """状态已变更 (已复工、已交付、已办证、已化解 …)."""

    TYPE = "risk.event.risk_status_changed.v1"
    case_id: UUID
    """Risk id."""
    previous: RiskStatus
    """From."""
    status: RiskStatus
    """To."""
    changed_on: date
    """The day."""
    reason: str
    """Why."""


@register
class LinkCaseToRisk(Command):
    """关联案件 — the joint office or a court links a court case to the risk."""

    TYPE = "risk.command.link_case_to_risk.v1"
    case_id: UUID
    """Risk id."""
    case_number: CaseNumber
    """The 执 or 破 case."""


@register
class CaseLinkedToRisk(Event):
    """案件已关联."""

    TYPE = "risk.event.case_linked_to_risk.v1"
    case_id: UUID
    """Risk id."""
    case_number: CaseNumber
    """The linked case."""


@register
class RiskCaseOverdue(Event):
    """已逾期 — a risk not closed by its deadline; once."""

    TYPE = "risk.event.risk_case_overdue.v1"
    case_id: UUID
    """Risk id."""
    lead: OrgCode
    """牵头单位."""
    deadline: date
    """化解期限 passed."""
