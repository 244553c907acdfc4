"""网络查控·查询 — online property query: a court asks once, every bureau that holds that kind of
property in the right jurisdiction is asked, the answers are gathered into one result."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.base import Command, Contract, Notice, OrgCode, Reply
from contracts.enforcement.parties import Party
from contracts.ids import CaseNumber
from contracts.organizations import Capability
from contracts.registry import register


class PropertyKind(StrEnum):
    """财产类别 — the kinds of property the query-and-control network reaches."""

    REAL_ESTATE = "real_estate"  # 不动产
    VEHICLE = "vehicle"  # 车辆
    EQUITY = "equity"  # 股权
    DEPOSIT = "deposit"  # 存款
    FINANCIAL_PRODUCT = "financial_product"  # 理财
    SECURITIES = "securities"  # 证券: shares, bonds and fund units in a securities account
    SECURITIES_CASH = "securities_cash"  # 证券交易结算资金: the cash in a securities account
    PROVIDENT_FUND = "provident_fund"  # 公积金
    ONLINE_FUNDS = "online_funds"  # 网络资金
    SHIP = "ship"  # 船舶: a registered vessel (海事 registration)
    INSURANCE = "insurance"  # 保险: the cash value (现金价值) of a policy the debtor holds


ALL_KINDS = tuple(PropertyKind)

HELD_BY: Mapping[PropertyKind, Capability] = {
    **{kind: Capability(kind.value) for kind in PropertyKind if kind.value in set(Capability)},
    PropertyKind.SECURITIES_CASH: Capability.SECURITIES,
}
"""Property kind → the capability of the bureau that holds it (and is asked and ordered): the
securities firm holds both the securities and the settlement cash of an account."""


class ExemptProperty(StrEnum):
    """不得查封、扣押、冻结的财产 — 查封规定 第三条 (一)–(八)."""

    NECESSITIES = "necessities"  # (一) 生活所必需的衣服、家具、炊具、餐具及其他家庭生活必需的物品
    LIVING_EXPENSES = "living_expenses"  # (二) 所必需的生活费用 (最低生活保障标准)
    EDUCATION = "education"  # (三) 完成义务教育所必需的物品
    UNPUBLISHED_WORKS = "unpublished_works"  # (四) 未公开的发明或者未发表的著作
    MEDICAL_AIDS = "medical_aids"  # (五) 身体缺陷所必需的辅助工具、医疗物品
    MEDALS = "medals"  # (六) 勋章及其他荣誉表彰的物品
    TREATY_EXEMPT = "treaty_exempt"  # (七) 条约、协定规定免于查封、扣押、冻结的财产
    BY_LAW = "by_law"  # (八) 法律或者司法解释规定的其他不得查封的财产 (e.g. 社会保险基金)


class Holding(Contract):
    """财产 — one holding a bureau found, with the bureau's own reference to it."""

    kind: PropertyKind
    """What kind of property it is."""
    reference: str = Field(min_length=1, max_length=200)
    """The bureau's reference: certificate or parcel number, plate, account number, company and
    stake, securities account … — what a control order names."""
    description: str = Field(default="", max_length=500)
    """In words: address and area, make and model, bank branch, company name …"""
    value: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)
    """Balance for money (余额), assessed or declared value otherwise, in yuan, where known."""
    encumbered: bool = False
    """Already frozen or seized by another authority (a control order would be queued 轮候)."""
    exempt: ExemptProperty | None = None
    """Property that may not be seized, frozen or detained (查封规定 第三条) and why, where the
    bureau knows it (a social-security card account, a minimum-living-allowance account …); a
    freeze of it is refused."""


@register
class QueryProperty(Command):
    """财产查询 — a court asks for the property of one debtor of one of its cases."""

    TYPE = "enforcement.command.query_property.v1"
    case_number: CaseNumber
    """案号 — the enforcement case; the sending court must be its executing court."""
    debtor: Party
    """被执行人 — the debtor queried; must be a debtor of the case."""
    kinds: list[PropertyKind] = Field(default_factory=lambda: list(ALL_KINDS), min_length=1)
    """Kinds asked for; all kinds by default."""


@register
class PropertyQueryNotice(Notice):
    """查询通知 — one bureau is asked what it holds of a debtor, with a deadline."""

    TYPE = "enforcement.notice.property_query.v1"
    query_id: UUID
    """The query this notice belongs to; the answer names it."""
    case_number: CaseNumber
    """案号."""
    executing_court: OrgCode
    """执行法院 — the asking court."""
    debtor: Party
    """被执行人."""
    kinds: list[PropertyKind] = Field(min_length=1)
    """The kinds this bureau is asked for (those it handles)."""
    respond_by: AwareDatetime
    """答复期限 — the answer is due by then."""


@register
class PropertyAnswer(Reply):
    """查询答复 — a bureau's answer: what it holds of the debtor (possibly nothing)."""

    TYPE = "enforcement.reply.property_answer.v1"
    query_id: UUID
    """The query answered."""
    holdings: list[Holding] = Field(default_factory=list, max_length=500)
    """What was found; empty when nothing was."""


class BureauHoldings(Contract):
    """One bureau's part of the result."""

    bureau: OrgCode
    """The bureau that answered."""
    holdings: list[Holding]
    """What it found."""


@register
class PropertyResult(Notice):
    """查询结果 — the gathered result, sent to the court when every bureau answered or the
    deadline passed."""

    TYPE = "enforcement.notice.property_result.v1"
    query_id: UUID
    """The query."""
    case_number: CaseNumber
    """案号."""
    debtor: Party
    """被执行人."""
    answers: list[BureauHoldings]
    """Holdings by bureau, for every bureau that answered."""
    unanswered: list[OrgCode]
    """Bureaus that did not answer by the deadline (未答复)."""
    complete: bool
    """Whether every bureau asked has answered."""
    completed_at: AwareDatetime
    """When the result was closed."""
    from_cache: bool = False
    """True when a repeated query was answered with a recent result instead of asking again."""
    newly_found: list[BureauHoldings] = Field(default_factory=list)
    """For a re-query after 终本: holdings no earlier query of this debtor had found."""
    requery: int | None = None
    """For a re-query after 终本: which one (1 = six months after closing)."""
