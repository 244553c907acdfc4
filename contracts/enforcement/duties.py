"""删除期限 — the court's duty to delete, revoke or correct a listing within three working days of
the day its ground arose (法释〔2017〕7号 第九条、第十条), tracked from that day, and escalated when
it passes; and the court's fifteen days to decide an applicant's request to list a debtor
(第五条), escalated the same way."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.base import Command, Event, Notice
from contracts.enforcement.parties import Party
from contracts.ids import CaseNumber
from contracts.registry import register


class ListingDuty(StrEnum):
    """What the court must do with a listing, within three working days."""

    DELETE = "delete"  # 删除: a mandatory deletion ground arose (第十条第一款), or the term ended
    REVOKE = "revoke"  # 撤销: the party should never have been listed (第九条)
    CORRECT = "correct"  # 更正: the listing's data are inaccurate (第九条)


@register
class RecordListingDuty(Command):
    """记录应当删除、撤销或更正的事由 — the court records that a ground to delete, revoke or
    correct a listing arose and when; the service counts the three working days from then and
    tells the court and the joint office if the listing is still not dealt with after them."""

    TYPE = "enforcement.command.record_listing_duty.v1"
    case_number: CaseNumber
    """案号."""
    sanction_id: UUID
    """The listing."""
    duty: ListingDuty
    """delete · revoke · correct."""
    ground: str | None = Field(default=None, max_length=64)
    """For `delete`: the mandatory deletion ground (catalogue `deletion_grounds`, not a
    discretionary one) that applies to this listing, e.g. `performed`; none otherwise."""
    ground_arose_on: date
    """The day the ground arose (the debtor performed, the court learnt of the error …)."""
    detail: str = Field(min_length=1, max_length=2000)
    """What happened, in words."""


@register
class ListingDutyArose(Event):
    """应当删除 / 撤销 / 更正 — a duty to act on a listing arose; it is due by `due_by`."""

    TYPE = "enforcement.event.listing_duty_arose.v1"
    sanction_id: UUID
    """The listing."""
    duty: ListingDuty
    """delete · revoke · correct."""
    ground: str | None = None
    """The deletion ground, for `delete` and `revoke`."""
    arose_on: date
    """The day the ground arose."""
    due_by: date | None
    """The last day: three working days after `arose_on`, on the official holiday calendar
    (none in an event the service recorded before provisional last days were: then the year's
    calendar was not known)."""
    due_by_provisional: bool = False
    """True when `due_by` reaches into a year whose official holiday calendar was not known yet:
    it is then the earliest the law's last day can be (each day of that year counted as a working
    day), never after it."""
    detail: str = ""
    """What happened, in words."""


@register
class ListingDutyOverdue(Notice):
    """逾期未删除 / 未撤销 / 未更正 — the court, and the joint office of its jurisdiction, are told
    that a listing was not deleted, revoked or corrected by the last day the law allows; once per
    duty. For the ground the service itself noticed (no property found twice after 终本) the court
    may have had a valid property lead: it then records why it keeps the listing."""

    TYPE = "enforcement.notice.listing_duty_overdue.v1"
    sanction_id: UUID
    """The listing."""
    case_number: CaseNumber
    """案号."""
    duty: ListingDuty
    """delete · revoke · correct."""
    ground: str | None
    """The deletion ground, if any."""
    arose_on: date
    """The day the ground arose."""
    due_by: date
    """The last day the law allowed."""
    due_by_provisional: bool = False
    """True when `due_by` was the earliest the last day could be, its year's holiday calendar
    not known when the duty arose: the notice may then come a day or two early, never late."""


@register
class RecordListingRequest(Command):
    """收到纳入失信名单申请 — the court records that an applicant asked it to list a debtor, and
    the day the request was received: the court decides within fifteen days of it (法释〔2017〕7号
    第五条: "人民法院应当自收到申请之日起十五日内审查并作出决定"), by listing the debtor
    (`ListDishonestDebtor` with `on_applicant_request`) or refusing the request
    (`RefuseListingRequest`)."""

    TYPE = "enforcement.command.record_listing_request.v1"
    case_number: CaseNumber
    """案号."""
    debtor: Party
    """被执行人 the applicant asks to have listed: a debtor of the case."""
    applicant: Party
    """申请执行人 who asks: an applicant of the case."""
    received_on: date
    """收到申请之日 — the fifteen days run from the day after it."""
    detail: str = Field(min_length=1, max_length=2000)
    """What the applicant says the debtor did (第一条's grounds), in words."""


@register
class ListingRequested(Event):
    """已收到纳入申请 — an applicant's request to list a debtor was received; the court decides it
    by `decide_by`."""

    TYPE = "enforcement.event.listing_requested.v1"
    request_id: UUID
    """This request (the court's command id); a refusal names it."""
    debtor: Party
    """The debtor the applicant asks to have listed."""
    applicant: Party
    """The applicant who asks."""
    received_on: date
    """The day the request was received."""
    decide_by: date
    """The last day to decide: fifteen calendar days after `received_on` (十五日, 期间: the day
    received is not counted)."""
    detail: str = ""
    """What the applicant says the debtor did."""


@register
class RefuseListingRequest(Command):
    """不予纳入 — the court decides not to list the debtor an applicant asked to have listed, with
    its reasons (第五条: the decision either way is due within fifteen days of the request). Listing the debtor is the other decision: `ListDishonestDebtor` with
    `on_applicant_request`."""

    TYPE = "enforcement.command.refuse_listing_request.v1"
    case_number: CaseNumber
    """案号."""
    request_id: UUID
    """The request refused (`ListingRequested.request_id`)."""
    decision_number: str = Field(min_length=1, max_length=100)
    """The refusal's document number."""
    decided_on: date
    """The day the court decided; not after today, not before the request was received."""
    reasons: str = Field(min_length=1, max_length=2000)
    """Why the debtor is not listed (no ground of 第一条 applies, an exclusion of 第三条 …)."""


@register
class ListingRequestRefused(Event):
    """已驳回纳入申请 — the court refused the applicant's request to list the debtor."""

    TYPE = "enforcement.event.listing_request_refused.v1"
    request_id: UUID
    """The request."""
    decision_number: str
    """The refusal's document number."""
    decided_on: date
    """The day the court decided."""
    reasons: str
    """Why the debtor is not listed."""
    late: bool = False
    """Decided after the fifteen days."""


@register
class ListingRequestOverdue(Notice):
    """纳入申请逾期未决 — the court, and the joint office of its jurisdiction, are told that an
    applicant's request to list a debtor was neither granted (the debtor listed at the applicant's
    request) nor refused within the fifteen days; once per request."""

    TYPE = "enforcement.notice.listing_request_overdue.v1"
    request_id: UUID
    """The request."""
    case_number: CaseNumber
    """案号."""
    received_on: date
    """The day it was received."""
    decide_by: date
    """The last day the law allowed for the decision."""
