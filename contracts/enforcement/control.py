"""网络查控·控制 — freezing or seizing a holding, renewing, releasing and deducting; each order
goes to the bureau that holds the property, which applies or refuses it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import Field, model_validator

from contracts.base import Command, Contract, Notice, OrgCode, Reply
from contracts.enforcement.parties import Yuan
from contracts.enforcement.query import Holding
from contracts.ids import CaseNumber
from contracts.registry import register


class Measure(StrEnum):
    """控制措施."""

    FREEZE = "freeze"  # 冻结 (money, equity, securities …)
    SEIZE = "seize"  # 查封 (real estate, vehicles)


class Action(StrEnum):
    """What a control order asks the bureau to do."""

    FREEZE = "freeze"  # 冻结
    SEIZE = "seize"  # 查封
    RENEW = "renew"  # 续冻 / 续封
    RELEASE = "release"  # 解冻 / 解封
    DEDUCT = "deduct"  # 扣划
    RELEASE_EXCESS = "release_excess"  # 解除超标的部分: release what exceeds the amount due


class ReleaseGround(StrEnum):
    """解除查封、扣押、冻结的情形 — 查封规定 (2020) 第二十八条第一款 (一)–(六)."""

    THIRD_PARTY_PROPERTY = "third_party_property"  # (一) 查封、扣押、冻结案外人财产
    WITHDRAWN = "withdrawn"  # (二) 申请执行人撤回执行申请或者放弃债权
    UNSOLD_NOT_TAKEN = "unsold_not_taken"  # (三) 流拍或变卖不成，债权人不同意接受抵债
    DEBT_PAID = "debt_paid"  # (四) 债务已经清偿
    SECURITY_CONSENTED = "security_consented"  # (五) 被执行人提供担保且申请执行人同意解除
    OTHER = "other"  # (六) 人民法院认为应当解除的其他情形
    BANKRUPTCY_ACCEPTED = "bankruptcy_accepted"  # 企业破产法 第十九条: 受理破产申请后解除保全


class DeductionChannel(StrEnum):
    """扣划方式 — online only where the bureau is technically ready and has agreed (网络查询冻结
    存款规定 第九条); otherwise over the counter."""

    ONLINE = "online"  # 网络扣划
    COUNTER = "counter"  # 临柜扣划


class CourtDocuments(Contract):
    """法律文书 — the ruling and the notice of assistance an order rests on, with the reference of
    the electronic seal on them (网络查询冻结存款规定 第三条、第四条)."""

    ruling_number: str = Field(min_length=1, max_length=100)
    """裁定书文号, e.g. （2026）豫0482执1234号之一."""
    assistance_notice_number: str = Field(min_length=1, max_length=100)
    """协助执行通知书文号."""
    seal_reference: str = Field(min_length=1, max_length=200)
    """电子签章 — the reference of the court's electronic seal on the documents, by which the
    bureau verifies them."""


class Outcome(StrEnum):
    """What a bureau reports of an order: at once (applied, queued, refused), or later of a
    queued freeze or seizure (took effect, lapsed)."""

    APPLIED = "applied"  # 已执行
    QUEUED = "queued"  # 轮候: another authority's order comes first
    REFUSED = "refused"  # 拒绝, with a reason
    TOOK_EFFECT = "took_effect"  # 轮候生效: the measure before it ended; with `effective_on`
    LAPSED = "lapsed"  # 轮候失效: the property was disposed of in full (法发〔2004〕5号 第二十条)


class ControlStatus(StrEnum):
    """What the court is told of a control (控制情况)."""

    APPLIED = "applied"  # 已冻结 / 已查封
    QUEUED = "queued"  # 轮候
    TOOK_EFFECT = "took_effect"  # 轮候生效, its term counted from the registry's date
    REFUSED = "refused"  # an order refused, with the bureau's reason
    RENEWED = "renewed"  # 续冻 / 续封 done
    EXPIRING = "expiring"  # near its last day: renew before then
    LAPSED = "lapsed"  # expired without renewal, or a queue lapsed as the property was disposed of
    RELEASED = "released"  # 解除
    DEDUCTED = "deducted"  # 扣划 done
    EXCESS_RELEASED = "excess_released"  # the excess released (解除超标的部分)


class ShareUnit(StrEnum):
    """What a quantity of equity counts."""

    SHARES = "shares"  # 股份数: shares of a company limited by shares
    CAPITAL = "capital_contribution"  # 出资额: yuan of registered capital contributed


class EquityShare(Contract):
    """股权冻结的比例或数量 — the part of the debtor's stake frozen, by ratio or by quantity, when
    the value of the equity cannot be determined, at the applicant's request (强制执行股权规定
    第五条). Exactly one of `ratio` and `quantity`."""

    ratio: Decimal | None = Field(default=None, gt=0, le=1, max_digits=7, decimal_places=6)
    """The share of the debtor's stake frozen, e.g. 0.3 for 30 % of it."""
    quantity: Decimal | None = Field(default=None, gt=0, max_digits=18, decimal_places=2)
    """The number of shares, or the yuan of capital contribution, frozen."""
    unit: ShareUnit | None = None
    """What `quantity` counts; none with a ratio."""
    on_applicant_request: bool = False
    """The applicant asked for this ratio or quantity (第五条: 根据申请执行人申请的比例或者数量);
    a share is refused without it."""

    @model_validator(mode="after")
    def _one_of(self) -> EquityShare:
        if (self.ratio is None) == (self.quantity is None):
            raise ValueError("name either a ratio or a quantity of the stake")
        if (self.quantity is None) != (self.unit is None):
            raise ValueError(
                "a quantity names its unit (shares, capital_contribution); a ratio none"
            )
        return self


@register
class FreezeProperty(Command):
    """冻结 / 查封 — a court orders a holding it found frozen or seized."""

    TYPE = "enforcement.command.freeze_property.v1"
    case_number: CaseNumber
    """案号."""
    bureau: OrgCode
    """The bureau holding the property (from the query result)."""
    holding: Holding
    """The holding, with the bureau's reference."""
    measure: Measure
    """Freeze (money, equity, securities) or seize (real estate, vehicles)."""
    amount: Yuan
    """The amount this control secures: the cap for money, the value attributed otherwise. A
    deposit freeze names a specific amount, more than nothing: only it is frozen, the rest of the
    account stays in use (法发〔2019〕35号 第4条). With a `share`, 0: equity of unknown value is
    not valued."""
    term_days: int = Field(ge=1, le=3 * 366)
    """期限 — days; at most the statutory term of the kind (民诉法解释 第四百八十五条: deposits
    and other money 1 year, movables 2, real estate and other property rights such as equity and
    securities 3; see `contracts.enforcement.terms`)."""
    excess_reason: str | None = Field(default=None, max_length=1000)
    """Why the case's total frozen may exceed the amount to be enforced by more than the
    tolerance (查封规定 第十九条: not obviously excessive 不得明显超标的额), e.g. indivisible
    property and no other (第十九条第二款)."""
    prior_claims: Yuan | None = None
    """Claims ranking before the court's on this holding (mortgages, construction-price
    priority …): the holding secures only its value net of them."""
    only_home: bool = False
    """The debtor's and dependants' only home (生活所必需的居住房屋): it may be seized but not
    auctioned, sold or taken in payment (查封规定 第四条); real estate only."""
    documents: CourtDocuments | None = None
    """The ruling and notice of assistance, with their electronic seal (网络查询冻结存款规定
    第三条、第四条); passed to the bureau with the order."""
    share: EquityShare | None = None
    """Equity only, its value unknown (`holding.value` absent): the ratio or quantity of the
    stake frozen at the applicant's request (强制执行股权规定 第五条), passed to the bureau with the
    order; `amount` is then 0 and the over-seizure test does not count it."""


@register
class RenewControl(Command):
    """续冻 — renew a control before it expires."""

    TYPE = "enforcement.command.renew_control.v1"
    case_number: CaseNumber
    """案号."""
    control_id: UUID
    """The control to renew."""
    term_days: int = Field(ge=1, le=3 * 366)
    """The new term, from the day after the old last day; at most the statutory term."""
    documents: CourtDocuments | None = None
    """The ruling and notice of assistance, with their electronic seal (网络查询冻结存款规定
    第三条、第四条); passed to the bureau with the order."""


@register
class ReleaseControl(Command):
    """解冻 / 解封 — release a control."""

    TYPE = "enforcement.command.release_control.v1"
    case_number: CaseNumber
    """案号."""
    control_id: UUID
    """The control to release."""
    ground: ReleaseGround
    """Which of the statutory release grounds (查封规定 第二十八条)."""
    reason: str = Field(min_length=1, max_length=1000)
    """In words: what happened, e.g. 被执行人已全部履行."""
    documents: CourtDocuments | None = None
    """The ruling and notice of assistance, with their electronic seal (网络查询冻结存款规定
    第三条、第四条); passed to the bureau with the order."""


@register
class DeductFunds(Command):
    """扣划 — transfer frozen money to the court's account."""

    TYPE = "enforcement.command.deduct_funds.v1"
    case_number: CaseNumber
    """案号."""
    control_id: UUID
    """The freeze whose money is transferred."""
    amount: Yuan
    """How much; at most the frozen amount."""
    court_account: str = Field(min_length=4, max_length=64)
    """The court's enforcement account (执行款专户)."""
    channel: DeductionChannel = DeductionChannel.ONLINE
    """online (网络扣划, where the bureau is ready and has agreed) or counter (临柜)."""
    from_income: bool = False
    """The money is the debtor's income (wages, pension …): living expenses are kept back."""
    living_expenses: Yuan | None = None
    """For a deduction from income: what is kept for the debtor and dependants' living (生活必需
    费用, at least the local minimum living standard, 查封规定 第三条第（二）项)."""
    documents: CourtDocuments | None = None
    """The ruling and notice of assistance, with their electronic seal (网络查询冻结存款规定
    第三条、第四条); passed to the bureau with the order."""


@register
class ReleaseExcess(Command):
    """解除超标的查封 — release the part of a control that exceeds what it must secure, after a
    ruling found it excessive (查封规定 第十九条; for equity within seven days of the ruling taking
    effect, 强制执行股权规定 第五条)."""

    TYPE = "enforcement.command.release_excess.v1"
    case_number: CaseNumber
    """案号."""
    control_id: UUID
    """The control to reduce."""
    amount: Yuan = Field(gt=0)
    """The excess to release, in yuan; less than the control's amount (release all of it with
    `ReleaseControl`)."""
    ruling_effective_on: date
    """The day the ruling that found the excess took effect (裁定生效之日)."""
    release_within_days: int | None = Field(default=None, ge=1, le=90)
    """The term the court sets for the release, in days from the ruling; seven when not stated."""
    reason: str = Field(min_length=1, max_length=1000)
    """In words, e.g. 股权价值明显超出执行标的额."""
    documents: CourtDocuments | None = None
    """The ruling and notice of assistance, with their electronic seal."""


@register
class ControlOrder(Notice):
    """控制通知 — a bureau is told to freeze, seize, renew, release or deduct."""

    TYPE = "enforcement.notice.control_order.v1"
    order_id: UUID
    """This order; the bureau's outcome names it."""
    control_id: UUID
    """The control the order belongs to (the same for its renewals and release)."""
    action: Action
    """What to do."""
    case_number: CaseNumber
    """案号."""
    executing_court: OrgCode
    """执行法院."""
    holding: Holding
    """The holding, with the bureau's own reference."""
    amount: Yuan
    """Amount to freeze or deduct, in yuan. For a deposit it is the cap: only this amount is
    frozen, the rest of the account keeps moving (`rest_usable`)."""
    until: date | None = None
    """Last day of the control (freeze, seize, renew)."""
    rest_usable: bool = False
    """A deposit freeze: only `amount` is frozen; the funds beyond it and the account stay in
    use (法发〔2019〕35号 第4条: 不得影响冻结之外资金的流转和账户的使用)."""
    share: EquityShare | None = None
    """An equity freeze by ratio or quantity (强制执行股权规定 第五条): the part of the stake
    frozen; `amount` is then 0."""
    court_account: str | None = None
    """For a deduction: the court's account."""
    channel: DeductionChannel | None = None
    """For a deduction: online or over the counter."""
    sale_barred: bool = False
    """The debtor's only home: seize, but never auction, sell or take in payment (查封规定
    第四条)."""
    ground: ReleaseGround | None = None
    """For a release the service orders itself: its ground (bankruptcy_accepted, 企业破产法
    第十九条)."""
    documents: CourtDocuments | None = None
    """The ruling and notice of assistance with their electronic seal, when the court sent them."""


@register
class ControlOutcome(Reply):
    """控制回执 — the bureau applied, queued or refused an order."""

    TYPE = "enforcement.reply.control_outcome.v1"
    order_id: UUID
    """The order answered."""
    outcome: Outcome
    """Applied, queued (轮候) or refused; later, for a queued freeze or seizure, took effect (the
    measure before it ended) or lapsed (the property was disposed of in full)."""
    effective_on: date | None = None
    """For took effect: the day the registry records the queued measure as in effect (轮候生效
    之日); its term is counted from it."""
    bureau_reference: str | None = Field(default=None, max_length=200)
    """The bureau's own reference for the control (文书号 / 冻结编号)."""
    reason: str | None = Field(default=None, max_length=1000)
    """Why it was refused or queued."""


@register
class ControlReport(Notice):
    """控制情况 — the court is told what became of its order (or that a control expires or
    lapsed)."""

    TYPE = "enforcement.notice.control_report.v1"
    control_id: UUID
    """The control."""
    case_number: CaseNumber
    """案号."""
    status: ControlStatus
    """What became of the control."""
    bureau: OrgCode
    """The bureau."""
    until: date | None = None
    """Last day of the control."""
    detail: str | None = None
    """A reason, a bureau reference or a warning."""
