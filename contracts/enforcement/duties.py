"""删除期限 — the court's duty to delete, revoke or correct a listing within three working days of
the day its ground arose (法释〔2017〕7号 第九条、第十条), tracked from that day, and escalated when
it passes."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.base import Command, Event, Notice
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
    """The last day: three working days after `arose_on`, on the official holiday calendar;
    none when the service raised the duty itself in a year whose calendar is not known yet."""
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
