"""限制消费的例外 — what a restricted person may do all the same, with the court's approval:
spending needed for living or business (法释〔2015〕17号 第八条), an officer's spending from their own
funds (第三条第二款), and the temporary lifting of the flight and high-speed-rail restriction for an
emergency, for at most one month (法发〔2019〕35号). The bureaus enforcing the items concerned are
told, with the period."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field, field_validator

from contracts.base import Command, Event, Notice, OrgCode
from contracts.enforcement.measures import Whom
from contracts.enforcement.sanctions import Bound
from contracts.ids import CaseNumber
from contracts.registry import register


class ExemptionBasis(StrEnum):
    """Why the court allows a restricted spending."""

    LIVING_OR_BUSINESS = "living_or_business"  # 第八条: 因生活或者经营必需
    PERSONAL_FUNDS = "personal_funds"  # 第三条第二款: an officer pays from their own funds
    EMERGENCY_TRAVEL = "emergency_travel"  # 法发〔2019〕35号: 暂时解除乘坐飞机、高铁限制, ≤ 1 month


class Emergency(StrEnum):
    """The emergencies 法发〔2019〕35号 lists for a temporary lifting of the travel restriction."""

    SERIOUS_ILLNESS = "serious_illness"  # 本人或近亲属重大疾病就医
    FUNERAL = "funeral"  # 近亲属丧葬
    OFFICIAL_DUTY = "official_duty"  # 本人执行或配合执行公务
    FOREIGN_AFFAIRS = "foreign_affairs"  # 参加外事活动
    IMPORTANT_EXAM = "important_exam"  # 参加重要考试


def _items(items: list[int]) -> list[int]:
    if bad := [i for i in items if i not in range(1, 10)]:
        raise ValueError(f"restriction items are 1–9, not {bad}")
    if len(set(items)) != len(items):
        raise ValueError("an item is named twice")
    return sorted(items)


@register
class GrantRestrictionExemption(Command):
    """准许 — the court allows a person bound by a consumption restriction order some of the
    restricted spending for a period: for living or business (第八条), from an officer's own funds
    (第三条第二款), or a temporary lifting of flights and high-speed rail for an emergency
    (法发〔2019〕35号, at most one month, approved by the president)."""

    TYPE = "enforcement.command.grant_restriction_exemption.v1"
    case_number: CaseNumber
    """案号."""
    sanction_id: UUID
    """The consumption restriction order."""
    basis: ExemptionBasis
    """living_or_business · personal_funds · emergency_travel."""
    whom: Whom
    """Which of the parties the order binds is allowed: for personal_funds an officer
    (legal_representative, actual_controller); for emergency_travel a natural person."""
    items: list[int] = Field(min_length=1, max_length=9)
    """The restricted items (1–9) allowed; among the order's items; for emergency_travel only 1
    (flights …) and 9 (high-speed rail)."""
    from_on: date
    """First day allowed: not before today (approval comes first, 第八条 获批准后方可进行)."""
    until: date
    """Last day allowed; for emergency_travel at most one month from `from_on`."""
    emergency: Emergency | None = None
    """For emergency_travel: which emergency."""
    reason: str = Field(min_length=1, max_length=1000)
    """What the spending is and why it is needed, in words."""
    approved_by: str = Field(min_length=1, max_length=100)
    """Who approved: the president (院长) for an emergency travel lifting."""

    @field_validator("items")
    @classmethod
    def _checked(cls, items: list[int]) -> list[int]:
        return _items(items)


@register
class RestrictionExempted(Event):
    """已准许 — restricted spending allowed to a bound party for a period."""

    TYPE = "enforcement.event.restriction_exempted.v1"
    exemption_id: UUID
    """The exemption (the court's command id)."""
    sanction_id: UUID
    """The consumption restriction order."""
    basis: ExemptionBasis
    """living_or_business · personal_funds · emergency_travel."""
    bound: Bound
    """The party allowed, and its role in the order."""
    items: list[int]
    """The items allowed."""
    from_on: date
    """First day allowed."""
    until: date
    """Last day allowed."""
    emergency: Emergency | None = None
    """The emergency, for a temporary travel lifting."""
    approved_by: str
    """Who approved."""


@register
class ExemptionNotice(Notice):
    """限制消费例外通知 — a bureau enforcing an allowed item is told not to stop the party for that
    item in the period; from the day after `until` the restriction applies again."""

    TYPE = "enforcement.notice.restriction_exemption.v1"
    exemption_id: UUID
    """The exemption."""
    bureau: OrgCode
    """The bureau addressed."""
    sanction_id: UUID
    """The consumption restriction order."""
    case_number: CaseNumber
    """案号."""
    executing_court: OrgCode
    """执行法院."""
    basis: ExemptionBasis
    """living_or_business · personal_funds · emergency_travel."""
    bound: Bound
    """The party allowed."""
    measures: list[str] = Field(min_length=1)
    """The measure ids (catalogue) of the bureau that the exemption suspends."""
    from_on: date
    """First day allowed."""
    until: date
    """Last day allowed."""
