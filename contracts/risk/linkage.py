"""联动事项 — linkage items: a member unit submits an item with its content and the units it
needs; the joint office 联席办 reviews it and puts it to the leading group 领导小组; the leading
group approves or rejects it; the approved item is carried out, reported and closed. No
implementation fact is accepted before the approval (洛阳 府院联动 机制, the seed; RISK.md)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from contracts.bankruptcy.parties import Text
from contracts.base import Command, Event, OrgCode
from contracts.registry import register

Title = Field(min_length=1, max_length=200)


@register
class SubmitLinkageItem(Command):
    """提交联动事项 — a member unit (department, court, procuratorate) submits an item to the
    joint office of its jurisdiction."""

    TYPE = "risk.command.submit_linkage_item.v1"
    item_id: UUID
    """事项编号 — chosen by the submitting unit; every later message names it."""
    title: str = Title
    """事项名称."""
    content: Text
    """事项内容 — what is to be done together, and why."""
    needs: tuple[OrgCode, ...] = Field(min_length=1, max_length=50)
    """需联动的单位 — the units whose action the item needs (not the submitter)."""
    submitted_on: date
    """提交日期."""


@register
class LinkageItemSubmitted(Event):
    """联动事项已提交 — the item is with the joint office (source: the seed, RISK.md)."""

    TYPE = "risk.event.linkage_item_submitted.v1"
    item_id: UUID
    """事项编号."""
    title: str
    """事项名称."""
    content: str
    """事项内容."""
    needs: tuple[OrgCode, ...]
    """需联动的单位."""
    submitted_by: OrgCode
    """提交单位."""
    submitted_on: date
    """提交日期."""
    joint_office: OrgCode
    """联席办 — the office of the submitter's jurisdiction, which reviews it."""
    leading_group: OrgCode | None
    """领导小组 — who decides; none while the registry knows no leading group there."""


@register
class ReviewLinkageItem(Command):
    """审核 — the joint office reviews the item and puts it to the leading group."""

    TYPE = "risk.command.review_linkage_item.v1"
    item_id: UUID
    """事项编号."""
    reviewed_on: date
    """审核日期."""
    opinion: Text
    """审核意见 — what the office proposes to the leading group."""


@register
class LinkageItemReviewed(Event):
    """联动事项已审核并提请领导小组 — reviewed by the office and put to the leading group."""

    TYPE = "risk.event.linkage_item_reviewed.v1"
    item_id: UUID
    """事项编号."""
    reviewed_on: date
    """审核日期."""
    opinion: str
    """审核意见."""


@register
class DecideLinkageItem(Command):
    """领导小组决定 — the leading group approves or rejects a reviewed item."""

    TYPE = "risk.command.decide_linkage_item.v1"
    item_id: UUID
    """事项编号."""
    decided_on: date
    """决定日期."""
    approved: bool
    """同意 (true) or 不同意 (false)."""
    reasons: Text
    """理由 — required either way."""


@register
class LinkageItemApproved(Event):
    """联动事项已经领导小组同意 — from now on the item may be carried out."""

    TYPE = "risk.event.linkage_item_approved.v1"
    item_id: UUID
    """事项编号."""
    decided_on: date
    """决定日期."""
    reasons: str
    """理由."""


@register
class LinkageItemRejected(Event):
    """联动事项未获同意 — the leading group rejected it; the item ends here."""

    TYPE = "risk.event.linkage_item_rejected.v1"
    item_id: UUID
    """事项编号."""
    decided_on: date
    """决定日期."""
    reasons: str
    """理由."""


@register
class RecordImplementation(Command):
    """落实 — the submitter or a unit the item needs records what it did on an approved item."""

    TYPE = "risk.command.record_implementation.v1"
    item_id: UUID
    """事项编号."""
    done_on: date
    """落实日期."""
    action: Text
    """落实情况 — what was done."""


@register
class LinkageItemImplemented(Event):
    """联动事项已落实（部分） — one unit's implementation fact; only after the approval."""

    TYPE = "risk.event.linkage_item_implemented.v1"
    item_id: UUID
    """事项编号."""
    done_on: date
    """落实日期."""
    action: str
    """落实情况."""


@register
class ReportLinkageItem(Command):
    """报告 — the submitter reports the item carried out, to the office."""

    TYPE = "risk.command.report_linkage_item.v1"
    item_id: UUID
    """事项编号."""
    reported_on: date
    """报告日期."""
    summary: Text
    """落实结果."""


@register
class LinkageItemReported(Event):
    """联动事项落实情况已报告."""

    TYPE = "risk.event.linkage_item_reported.v1"
    item_id: UUID
    """事项编号."""
    reported_on: date
    """报告日期."""
    summary: str
    """落实结果."""


@register
class CloseLinkageItem(Command):
    """办结 — the joint office closes a reported item."""

    TYPE = "risk.command.close_linkage_item.v1"
    item_id: UUID
    """事项编号."""
    closed_on: date
    """办结日期."""


@register
class LinkageItemClosed(Event):
    """联动事项已办结."""

    TYPE = "risk.event.linkage_item_closed.v1"
    item_id: UUID
    """事项编号."""
    closed_on: date
    """办结日期."""
