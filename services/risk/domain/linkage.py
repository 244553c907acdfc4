"""联动事项 — a linkage item's life: submitted → reviewed (put to the leading group) → approved |
rejected → implemented (one fact per unit's action) → reported → closed. Nothing is implemented
before the approval."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from contracts.base import Payload
from contracts.risk import linkage as m
from services.risk.domain.actors import Actor
from services.risk.domain.errors import (
    FutureDateError,
    LinkageItemExistsError,
    LinkageStageError,
    NotApprovedError,
    NotInvolvedError,
    NotTheLeadingGroupError,
    NotTheOfficeError,
    UnknownLinkageItemError,
)

Out = tuple[Payload, str]
"""A fact and its organization: the actor of an event, the receiver of a notice."""


class Stage(StrEnum):
    NONE = "none"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"  # 已提请领导小组
    APPROVED = "approved"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    REPORTED = "reported"
    CLOSED = "closed"


@dataclass(frozen=True)
class LinkageItem:
    stage: Stage = Stage.NONE
    submitted_by: str = ""
    needs: tuple[str, ...] = ()
    joint_office: str = ""
    leading_group: str | None = None
    implementations: int = 0


def evolve(item: LinkageItem, e: Payload) -> LinkageItem:
    match e:
        case m.LinkageItemSubmitted():
            return LinkageItem(
                Stage.SUBMITTED, e.submitted_by, e.needs, e.joint_office, e.leading_group
            )
        case m.LinkageItemReviewed():
            return dataclasses.replace(item, stage=Stage.REVIEWED)
        case m.LinkageItemApproved():
            return dataclasses.replace(item, stage=Stage.APPROVED)
        case m.LinkageItemRejected():
            return dataclasses.replace(item, stage=Stage.REJECTED)
        case m.LinkageItemImplemented():
            n = item.implementations + 1
            return dataclasses.replace(item, stage=Stage.IN_PROGRESS, implementations=n)
        case m.LinkageItemReported():
            return dataclasses.replace(item, stage=Stage.REPORTED)
        case m.LinkageItemClosed():
            return dataclasses.replace(item, stage=Stage.CLOSED)
    return item


def not_after(day: date, now: datetime, field: str) -> None:
    if day > now.date():
        raise FutureDateError(f"{day} is after today ({now.date()})", f"data.{field}")


def _known(item: LinkageItem) -> None:
    if item.stage is Stage.NONE:
        raise UnknownLinkageItemError("no linkage item has this id")


def _office(item: LinkageItem, by: Actor) -> None:
    if by.code != item.joint_office:
        raise NotTheOfficeError(f"only the joint office {item.joint_office} acts on this item")


def _at(item: LinkageItem, *stages: Stage, step: str) -> None:
    if item.stage not in stages:
        wanted = " or ".join(s.value for s in stages)
        raise LinkageStageError(f"cannot {step}: the item is {item.stage.value}, not {wanted}")


def decide_submit(
    cmd: m.SubmitLinkageItem,
    item: LinkageItem,
    *,
    by: Actor,
    now: datetime,
    joint_office: str,
    leading_group: str | None,
) -> list[Out]:
    if item.stage is not Stage.NONE:
        raise LinkageItemExistsError("a linkage item with this id exists already")
    not_after(cmd.submitted_on, now, "submitted_on")
    needs = tuple(dict.fromkeys(u for u in cmd.needs if u != by.code))
    event = m.LinkageItemSubmitted(
        item_id=cmd.item_id,
        title=cmd.title,
        content=cmd.content,
        needs=needs or cmd.needs,
        submitted_by=by.code,
        submitted_on=cmd.submitted_on,
        joint_office=joint_office,
        leading_group=leading_group,
    )
    return [(event, by.code)]


def decide_review(
    cmd: m.ReviewLinkageItem, item: LinkageItem, *, by: Actor, now: datetime
) -> list[Out]:
    _known(item)
    _office(item, by)
    _at(item, Stage.SUBMITTED, step="review")
    not_after(cmd.reviewed_on, now, "reviewed_on")
    event = m.LinkageItemReviewed(
        item_id=cmd.item_id, reviewed_on=cmd.reviewed_on, opinion=cmd.opinion
    )
    return [(event, by.code)]


def decide_decision(
    cmd: m.DecideLinkageItem, item: LinkageItem, *, by: Actor, now: datetime
) -> list[Out]:
    _known(item)
    if item.leading_group is None or by.code != item.leading_group:
        who = item.leading_group or "none is registered for the item's jurisdiction"
        raise NotTheLeadingGroupError(f"only the leading group decides on the item ({who})")
    _at(item, Stage.REVIEWED, step="decide")
    not_after(cmd.decided_on, now, "decided_on")
    kind = m.LinkageItemApproved if cmd.approved else m.LinkageItemRejected
    event = kind(item_id=cmd.item_id, decided_on=cmd.decided_on, reasons=cmd.reasons)
    return [(event, by.code)]


def decide_implementation(
    cmd: m.RecordImplementation, item: LinkageItem, *, by: Actor, now: datetime
) -> list[Out]:
    _known(item)
    if item.stage in (Stage.SUBMITTED, Stage.REVIEWED, Stage.REJECTED):
        raise NotApprovedError(
            f"the item is {item.stage.value}: nothing is carried out before the leading "
            "group's approval"
        )
    _at(item, Stage.APPROVED, Stage.IN_PROGRESS, step="record an implementation")
    if by.code != item.submitted_by and by.code not in item.needs:
        raise NotInvolvedError(f"{by.code} neither submitted the item nor is needed by it")
    not_after(cmd.done_on, now, "done_on")
    event = m.LinkageItemImplemented(item_id=cmd.item_id, done_on=cmd.done_on, action=cmd.action)
    return [(event, by.code)]


def decide_report(
    cmd: m.ReportLinkageItem, item: LinkageItem, *, by: Actor, now: datetime
) -> list[Out]:
    _known(item)
    if by.code != item.submitted_by:
        raise NotInvolvedError(f"only the submitter {item.submitted_by} reports the item")
    _at(item, Stage.IN_PROGRESS, step="report (nothing implemented yet?)")
    not_after(cmd.reported_on, now, "reported_on")
    event = m.LinkageItemReported(
        item_id=cmd.item_id, reported_on=cmd.reported_on, summary=cmd.summary
    )
    return [(event, by.code)]


def decide_close(
    cmd: m.CloseLinkageItem, item: LinkageItem, *, by: Actor, now: datetime
) -> list[Out]:
    _known(item)
    _office(item, by)
    _at(item, Stage.REPORTED, step="close")
    not_after(cmd.closed_on, now, "closed_on")
    return [(m.LinkageItemClosed(item_id=cmd.item_id, closed_on=cmd.closed_on), by.code)]
