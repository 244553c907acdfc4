"""失信联合惩戒 — dishonest-debtor listings, consumption restrictions, the notices every bureau
gets to apply its measures, their acknowledgements, and the lifting of it all."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import AwareDatetime, Field, field_validator

from contracts.base import Command, Contract, Event, Notice, OrgCode, Reply
from contracts.enforcement.measures import EndOutcome, Whom
from contracts.enforcement.parties import Party, Person
from contracts.ids import CaseNumber, CreditCode, ResidentId
from contracts.registry import register


class Performance(StrEnum):
    """履行情况."""

    NONE = "none"  # 全部未履行
    PARTIAL = "partial"  # 部分未履行


class SanctionKind(StrEnum):
    LISTING = "listing"  # 纳入失信被执行人名单
    CONSUMPTION_RESTRICTION = "consumption_restriction"  # 限制消费令


class AckOutcome(StrEnum):
    APPLIED = "applied"  # 已实施
    REFUSED = "refused"  # 拒绝, with a reason
    LIFTED = "lifted"  # 已解除


class RepairKind(StrEnum):
    """信用承诺 / 信用修复."""

    COMMITMENT = "commitment"  # 信用承诺: the debtor undertakes to perform
    REPAIR = "repair"  # 信用修复: the repair is completed


class ExecutionBasis(Contract):
    """执行依据 — the title being enforced."""

    issuing_body: str = Field(min_length=1, max_length=200)
    """作出执行依据单位, e.g. 汝州市人民法院."""
    document_number: str = Field(min_length=1, max_length=100)
    """执行依据文号, e.g. （2021）豫0482民初1234号."""


class Bound(Contract):
    """Someone a sanction binds: the debtor, or an organization's legal representative or
    actual controller (法定代表人、实际控制人)."""

    whom: Whom
    """Which role the party has in this sanction."""
    party: Party
    """The party, with its id."""


@register
class ListDishonestDebtor(Command):
    """纳入失信被执行人名单 — a court lists a judgment debtor as dishonest, with the fields the
    published list carries."""

    TYPE = "enforcement.command.list_dishonest_debtor.v1"
    case_number: CaseNumber
    """案号."""
    debtor: Party
    """被执行人: for a person name and ID number (sex and age follow from it), for an
    organization its credit code and legal representative."""
    legal_representative: Person | None = None
    """法定代表人 of an organization debtor, with ID number, if measures bind them."""
    actual_controller: Person | None = None
    """实际控制人 of an organization debtor, if known."""
    filed_on: date
    """立案时间."""
    basis: ExecutionBasis
    """执行依据."""
    obligations: str = Field(min_length=1, max_length=2000)
    """生效法律文书确定的义务."""
    performance: Performance
    """被执行人的履行情况: 全部未履行 / 部分未履行."""
    grounds: list[str] = Field(min_length=1, max_length=6)
    """失信被执行人行为具体情形: ids of the six statutory grounds (measures catalogue)."""
    extension_years: int = Field(default=0, ge=0, le=3)
    """Years added to the 2-year term (1–3), only for obstruction by violence or threats in a
    serious case, or for several dishonest acts (第二条); never on an open-ended listing."""
    extension_reason: str | None = Field(default=None, max_length=1000)
    """Why the term is extended; required when it is."""
    decision_number: str = Field(min_length=1, max_length=100)
    """决定书文号 — the listing is made by a decision (第五条), e.g. （2026）豫0482执1234号之二."""
    decided_on: date
    """决定日期 — the listing takes effect on the day it is decided, and its term runs from
    then: last day = decided_on + 2 years (+ extension) − 1 day."""
    signed_by: str = Field(min_length=1, max_length=100)
    """签发人 — the court president who signed the decision (院长签发)."""
    on_applicant_request: bool = False
    """依申请 — listed at the applicant's request; refused within six months of a deletion at
    the applicant's own request (第十条)."""
    frozen_property_reason: str | None = Field(default=None, max_length=1000)
    """Why a debtor is listed for refusing while able (第一条第（一）项) although the property
    already frozen covers the debt (第三条 excludes it otherwise)."""
    grace_months: int | None = Field(default=None, ge=0, le=3)
    """宽限期 — months (1–3) before it takes effect and is published, the bureaus told then
    (法发〔2019〕35号); 0 for none; absent: the service's setting (`FUYUAN_ENFORCEMENT_GRACE_MONTHS`,
    none by default)."""


@register
class RestrictConsumption(Command):
    """限制消费令 — a court restricts a debtor's (and an organization's legal representative's
    and actual controller's) spending in the nine restricted kinds."""

    TYPE = "enforcement.command.restrict_consumption.v1"
    case_number: CaseNumber
    """案号."""
    debtor: Party
    """被执行人."""
    legal_representative: Person | None = None
    """法定代表人, bound too when the debtor is an organization."""
    actual_controller: Person | None = None
    """实际控制人, bound too when known."""
    order_number: str = Field(min_length=1, max_length=100)
    """The order's document number."""
    ordered_on: date
    """发令日期 — the order takes effect on the day it is made."""
    until: date | None = None
    """限制期间 — the last day of the period the order states; none for "until the obligations
    are performed" (至履行完毕之日止). A listing needs a restriction at least as long."""
    items: list[int] = Field(min_length=1, max_length=9)
    """限制项目 — which of the nine restricted kinds of spending (1–9, 法释〔2015〕17号 第三条
    第一款) the order names; only the bureaus enforcing those are told."""
    signed_by: str = Field(min_length=1, max_length=100)
    """签发人 — the court president who signed the order (院长签发, 第五条)."""
    grace_months: int | None = Field(default=None, ge=0, le=3)
    """宽限期 — months (1–3) before it takes effect and is published, the bureaus told then
    (法发〔2019〕35号); 0 for none; absent: the service's setting (`FUYUAN_ENFORCEMENT_GRACE_MONTHS`,
    none by default)."""

    @field_validator("items")
    @classmethod
    def _items(cls, items: list[int]) -> list[int]:
        if bad := [i for i in items if i not in range(1, 10)]:
            raise ValueError(f"restriction items are 1–9, not {bad}")
        if len(set(items)) != len(items):
            raise ValueError("an item is named twice")
        return sorted(items)


@register
class LiftSanction(Command):
    """删除 / 屏蔽 — the court ends a listing or a consumption restriction."""

    TYPE = "enforcement.command.lift_sanction.v1"
    case_number: CaseNumber
    """案号."""
    sanction_id: UUID
    """The listing or restriction (its event id)."""
    ground: str
    """For a listing a deletion ground id (catalogue `deletion_grounds`: performed, term
    expired, early deletion, error corrected …); for a consumption restriction a lifting ground id
    (catalogue `lifting_grounds`: security provided, applicant consent, performed …)."""
    shield: bool = False
    """屏蔽 (hidden, e.g. while a settlement is performed) rather than 删除."""
    ground_arose_on: date | None = None
    """The day the ground arose, when it is a duty: deletion or revocation is then due within
    three working days (第九条、第十条), on the official holiday calendar."""


@register
class CorrectListing(Command):
    """更正失信信息 — the court corrects listing data that was recorded or published
    inaccurately (法释〔2017〕7号 第九条: within three working days). The listing stays in force;
    a listing that should never have been made is revoked instead (`LiftSanction` on
    `error_corrected`)."""

    TYPE = "enforcement.command.correct_listing.v1"
    case_number: CaseNumber
    """案号."""
    sanction_id: UUID
    """The listing."""
    correction: str = Field(min_length=1, max_length=2000)
    """What was inaccurate, and what it is now."""
    ground_arose_on: date | None = None
    """The day the inaccuracy came to the court's notice: the correction is due within three
    working days of it."""


@register
class ListingCorrected(Event):
    """已更正 — the listing's data was corrected."""

    TYPE = "enforcement.event.listing_corrected.v1"
    sanction_id: UUID
    """The listing."""
    correction: str
    """What was inaccurate, and what it is now."""
    corrected_on: date
    """From when the corrected data stands."""
    due_by: date | None = None
    """The last day the law allowed for it, when the court said when the inaccuracy arose."""
    due_by_provisional: bool = False
    """True when `due_by` reaches into a year whose official holiday calendar was not known yet:
    it is then the earliest the law's last day can be (each day of that year counted as a working
    day), never after it."""


@register
class RecordCreditRepair(Command):
    """信用承诺 / 信用修复 — the debtor's credit commitment or completed repair, recorded with
    the listing's history."""

    TYPE = "enforcement.command.record_credit_repair.v1"
    case_number: CaseNumber
    """案号."""
    sanction_id: UUID
    """The listing."""
    repair_kind: RepairKind
    """`commitment` (信用承诺) or `repair` (信用修复)."""
    statement: str = Field(min_length=1, max_length=2000)
    """What was committed or repaired."""


@register
class SanctionImposed(Event):
    """已纳入 / 已限制 — a listing or consumption restriction took effect."""

    TYPE = "enforcement.event.sanction_imposed.v1"
    sanction_id: UUID
    """Id of the listing or restriction (the court's command id)."""
    sanction_kind: SanctionKind
    """Listing or consumption restriction."""
    case_number: CaseNumber
    """案号."""
    bound: list[Bound]
    """Everyone it binds."""
    effective_on: date
    """From when."""
    until: date | None
    """Last day of a listing's term; None for a restriction (until lifted)."""
    detail: ListDishonestDebtor | RestrictConsumption
    """The court's command, as published."""


class MeasureFor(Contract):
    """One measure a bureau applies, and to whom."""

    measure: str
    """Measure id (catalogue)."""
    whom: list[Whom]
    """The roles (`person`, `organization`, `legal_representative`, `actual_controller`) it
    applies to."""


@register
class SanctionNotice(Notice):
    """联合惩戒通知 — a bureau is told to apply its measures, with only the fields they need."""

    TYPE = "enforcement.notice.sanction.v1"
    notice_id: UUID
    """This notice; the acknowledgement names it."""
    bureau: OrgCode
    """The bureau addressed."""
    sanction_id: UUID
    """The listing or restriction."""
    sanction_kind: SanctionKind
    """Listing or consumption restriction."""
    case_number: CaseNumber
    """案号."""
    executing_court: OrgCode
    """执行法院."""
    measures: list[MeasureFor] = Field(min_length=1)
    """What this bureau applies."""
    bound: list[Bound] = Field(min_length=1)
    """Only those of the bound parties the bureau's measures reach."""
    effective_on: date
    """From when."""
    until: date | None
    """Until when (a listing's term); None for a restriction."""
    acknowledge_by: AwareDatetime
    """The acknowledgement is due by then; later it is overdue and escalated."""


@register
class LiftNotice(Notice):
    """解除通知 — a bureau is told to lift what it applied (sent to every bureau notified,
    whether or not it acknowledged)."""

    TYPE = "enforcement.notice.sanction_lift.v1"
    notice_id: UUID
    """This notice; the confirmation names it."""
    bureau: OrgCode
    """The bureau addressed."""
    sanction_id: UUID
    """The listing or restriction lifted."""
    case_number: CaseNumber
    """案号."""
    ground: str
    """Deletion ground id."""
    effective_on: date
    """From when the measures no longer apply."""
    outcome: EndOutcome = EndOutcome.DELETE
    """删除 · 撤销 · 解除: the wording the bureau uses."""
    confirm_by: AwareDatetime
    """The confirmation is due by then."""


@register
class SanctionAck(Reply):
    """回执 — a bureau applied or refused a sanction notice, or confirms a lift."""

    TYPE = "enforcement.reply.sanction_ack.v1"
    notice_id: UUID
    """The notice answered."""
    outcome: AckOutcome
    """applied · refused · lifted."""
    bureau_reference: str | None = Field(default=None, max_length=200)
    """The bureau's own record number."""
    reason: str | None = Field(default=None, max_length=1000)
    """Why it refused."""


@register
class SanctionAcknowledged(Event):
    """A bureau's acknowledgement or lift confirmation was recorded."""

    TYPE = "enforcement.event.sanction_acknowledged.v1"
    sanction_id: UUID
    """The listing or restriction."""
    notice_id: UUID
    """The notice answered."""
    outcome: AckOutcome
    """applied · refused · lifted."""
    bureau_reference: str | None = None
    """The bureau's record number."""
    reason: str | None = None
    """Why it refused."""


@register
class SanctionLifted(Event):
    """已删除 / 已屏蔽 — the court ended the listing or restriction; lift notices went out."""

    TYPE = "enforcement.event.sanction_lifted.v1"
    sanction_id: UUID
    """The listing or restriction."""
    ground: str
    """Deletion ground id."""
    shield: bool
    """屏蔽 rather than 删除."""
    effective_on: date
    """From when."""
    outcome: EndOutcome = EndOutcome.DELETE
    """删除 · 撤销 (a listing that should never have been made) · 解除 (a restriction)."""
    due_by: date | None = None
    """The last day the law allowed for it: three working days after the ground arose, when the
    court said when (`ground_arose_on`, or a recorded duty), or after a term's last day."""
    due_by_provisional: bool = False
    """True when `due_by` reaches into a year whose official holiday calendar was not known yet:
    it is then the earliest the law's last day can be (each day of that year counted as a working
    day), never after it."""


@register
class LiftCompleted(Event):
    """解除完毕 — the last bureau confirmed the lift."""

    TYPE = "enforcement.event.lift_completed.v1"
    sanction_id: UUID
    """The listing or restriction."""
    completed_at: AwareDatetime
    """When the last confirmation arrived."""


@register
class CreditRepairRecorded(Event):
    """信用承诺 / 信用修复 recorded with the listing's history."""

    TYPE = "enforcement.event.credit_repair_recorded.v1"
    sanction_id: UUID
    """The listing."""
    repair_kind: RepairKind
    """commitment · repair."""
    statement: str
    """What was committed or repaired."""


@register
class DeletionDue(Notice):
    """应当删除 — the court is told that a deletion ground has arisen on data the service holds:
    after 终本, network queries of the debtor found nothing twice (法释〔2017〕7号 第十条第一款
    第（四）项). The court deletes within three working days unless someone supplied a valid
    property lead; only an open-ended listing takes this ground."""

    TYPE = "enforcement.notice.deletion_due.v1"
    sanction_id: UUID
    """The listing to delete."""
    case_number: CaseNumber
    """案号."""
    ground: str
    """The deletion ground id, e.g. `no_property_found`."""
    arose_on: date
    """The day the ground arose (the second empty query after 终本)."""
    due_by: date | None
    """Three working days later (none in a notice sent before provisional last days were
    recorded: then that year's holiday calendar was not known)."""
    due_by_provisional: bool = False
    """True when `due_by` reaches into a year whose official holiday calendar was not known yet:
    it is then the earliest the law's last day can be (each day of that year counted as a working
    day), never after it."""


class Overdue(Contract):
    """One notice not answered in time."""

    bureau: OrgCode
    """The silent bureau."""
    notice_id: UUID
    """The notice."""
    due: AwareDatetime
    """When its answer was due."""
    lift: bool
    """A lift notice (True) or a sanction notice (False)."""


@register
class OverdueSanctions(Notice):
    """逾期未回执 — the joint office is told which bureaus have not acknowledged, to chase them."""

    TYPE = "enforcement.notice.overdue_sanctions.v1"
    sanction_id: UUID
    """The listing or restriction."""
    case_number: CaseNumber
    """案号."""
    overdue: list[Overdue] = Field(min_length=1)
    """The notices overdue now."""


@register
class AskSanctionStatus(Command):
    """查询惩戒状态 — a bureau asks whether a person or organization is under a measure now."""

    TYPE = "enforcement.command.ask_sanction_status.v1"
    party_id: ResidentId | CreditCode
    """公民身份号码 or 统一社会信用代码 of the party asked about."""
    measure: str | None = None
    """A measure id (catalogue); all measures when absent."""


class InForce(Contract):
    """One measure in force on the party."""

    measure: str
    """Measure id."""
    whom: Whom
    """The party's role in the sanction: person, organization, legal_representative,
    actual_controller."""
    sanction_id: UUID
    """The listing or restriction it comes from."""
    sanction_kind: SanctionKind
    """Listing or consumption restriction."""
    since: date
    """In force since."""
    until: date | None
    """Until (a listing's term), if it has one."""
    case_number: CaseNumber
    """案号."""
    executing_court: OrgCode
    """执行法院."""


@register
class SanctionStatus(Notice):
    """惩戒状态 — the answer: the measures in force on the party now, and since when. The id is
    masked: the asker knows it, no one else who reads the record needs to."""

    TYPE = "enforcement.notice.sanction_status.v1"
    asked: UUID
    """The question answered (its event id)."""
    party: str
    """The party's id, masked (first 6 … last 4)."""
    measure: str | None
    """The measure asked about, if one was."""
    in_force: list[InForce]
    """What is in force now; empty when nothing is."""
    as_of: AwareDatetime
    """When the answer was taken."""
