"""专题协调会商与跟踪问效 — a meeting's life (requested → convened → held → memo issued), its memo
items (open → completion claimed → accepted, or returned and open again), overdue once per period
and escalated, and the accountability and commendation that cite its items."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from contracts.bankruptcy import tasks as bankruptcy_tasks
from contracts.base import Payload
from contracts.risk import accountability as acc
from contracts.risk import meetings as m
from services.risk.domain.actors import Actor
from services.risk.domain.errors import (
    AlreadyRecordedError,
    BasisError,
    DueDateError,
    DuplicateMemoItemError,
    MeetingExistsError,
    MeetingStageError,
    MemoItemStateError,
    NotTheOfficeError,
    NotTheOwnerError,
    RemarksRequiredError,
    UnknownMeetingError,
    UnknownMemoItemError,
    WrongUnitError,
)
from services.risk.domain.linkage import Out, not_after
from services.risk.domain.periods import midnight


class Stage(StrEnum):
    NONE = "none"
    REQUESTED = "requested"
    CONVENED = "convened"
    HELD = "held"
    MEMO_ISSUED = "memo_issued"


class ItemState(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"  # 已申请办结
    ACCEPTED = "accepted"  # 已办结


@dataclass(frozen=True)
class MemoItem:
    spec: m.MemoItemSpec
    state: ItemState = ItemState.OPEN
    overdue: tuple[int, ...] = ()
    """The overdue periods recorded, in order."""
    accountable: tuple[int, ...] = ()
    """The overdue periods accountability was raised on."""
    commended: bool = False


@dataclass(frozen=True)
class Meeting:
    stage: Stage = Stage.NONE
    meeting_id: UUID | None = None
    requested_by: str = ""
    joint_office: str = ""
    leading_group: str | None = None
    items: Mapping[UUID, MemoItem] = field(default_factory=dict)


def _item(meeting: Meeting, item_id: UUID, **change: object) -> Meeting:
    items = dict(meeting.items)
    items[item_id] = dataclasses.replace(items[item_id], **change)  # type: ignore[arg-type]
    return dataclasses.replace(meeting, items=items)


def evolve(meeting: Meeting, e: Payload) -> Meeting:
    match e:
        case m.CoordinationMeetingRequested():
            return Meeting(
                Stage.REQUESTED, e.meeting_id, e.requested_by, e.joint_office, e.leading_group
            )
        case m.MeetingConvened():
            return dataclasses.replace(meeting, stage=Stage.CONVENED)
        case m.MeetingHeld():
            return dataclasses.replace(meeting, stage=Stage.HELD)
        case m.MemoIssued():
            items = {i.item_id: MemoItem(i) for i in e.items}
            return dataclasses.replace(meeting, stage=Stage.MEMO_ISSUED, items=items)
        case m.MemoItemCompletionClaimed():
            return _item(meeting, e.item_id, state=ItemState.CLAIMED)
        case m.MemoItemAccepted():
            return _item(meeting, e.item_id, state=ItemState.ACCEPTED)
        case m.MemoItemReturned():
            return _item(meeting, e.item_id, state=ItemState.OPEN)
        case m.MemoItemOverdue():
            overdue = (*meeting.items[e.item_id].overdue, e.period)
            return _item(meeting, e.item_id, overdue=overdue)
        case acc.AccountabilityRaised() if e.basis.item_id is not None:
            done = (*meeting.items[e.basis.item_id].accountable, e.overdue_period)
            return _item(meeting, e.basis.item_id, accountable=done)
        case acc.CommendationGranted() if e.basis.item_id is not None:
            return _item(meeting, e.basis.item_id, commended=True)
    return meeting


# --- the meeting ----------------------------------------------------------------------------


def _known(meeting: Meeting) -> None:
    if meeting.stage is Stage.NONE:
        raise UnknownMeetingError("no meeting has this id")


def _office(meeting: Meeting, by: Actor) -> None:
    if by.code != meeting.joint_office:
        raise NotTheOfficeError(
            f"{by.code} is not the joint office: only {meeting.joint_office} acts on this meeting"
        )


def _at(meeting: Meeting, stage: Stage, step: str) -> None:
    if meeting.stage is not stage:
        raise MeetingStageError(
            f"cannot {step}: the meeting is {meeting.stage.value}, not {stage.value}"
        )


def decide_request(
    cmd: m.RequestCoordinationMeeting,
    meeting: Meeting,
    *,
    by: Actor,
    now: datetime,
    joint_office: str,
    leading_group: str | None,
) -> list[Out]:
    if meeting.stage is not Stage.NONE:
        raise MeetingExistsError("a meeting with this id exists already")
    not_after(cmd.requested_on, now, "requested_on")
    event = m.CoordinationMeetingRequested(
        meeting_id=cmd.meeting_id,
        matter=cmd.matter,
        reference=cmd.reference,
        agenda=cmd.agenda,
        units=cmd.units,
        requested_by=by.code,
        requested_on=cmd.requested_on,
        joint_office=joint_office,
        leading_group=leading_group,
    )
    return [(event, by.code)]


def decide_convene(
    cmd: m.ConveneMeeting, meeting: Meeting, *, by: Actor, now: datetime
) -> list[Out]:
    _known(meeting)
    _office(meeting, by)
    _at(meeting, Stage.REQUESTED, "convene")
    not_after(cmd.convened_on, now, "convened_on")
    event = m.MeetingConvened(
        meeting_id=cmd.meeting_id,
        convened_on=cmd.convened_on,
        meets_on=cmd.meets_on,
        attendees=cmd.attendees,
    )
    return [(event, by.code)]


def decide_hold(cmd: m.HoldMeeting, meeting: Meeting, *, by: Actor, now: datetime) -> list[Out]:
    _known(meeting)
    _office(meeting, by)
    _at(meeting, Stage.CONVENED, "record the meeting held")
    not_after(cmd.held_on, now, "held_on")
    event = m.MeetingHeld(meeting_id=cmd.meeting_id, held_on=cmd.held_on, resolution=cmd.resolution)
    return [(event, by.code)]


def decide_memo(cmd: m.IssueMemo, meeting: Meeting, *, by: Actor, now: datetime) -> list[Out]:
    _known(meeting)
    _office(meeting, by)
    _at(meeting, Stage.HELD, "issue the memo")
    not_after(cmd.issued_on, now, "issued_on")
    seen: set[UUID] = set()
    for n, spec in enumerate(cmd.items):
        if spec.item_id in seen:
            raise DuplicateMemoItemError(
                f"item {spec.item_id} appears twice", f"data.items.{n}.item_id"
            )
        seen.add(spec.item_id)
        if spec.due_on <= cmd.issued_on:
            raise DueDateError(
                f"due on {spec.due_on}, not after the memo's issue on {cmd.issued_on}",
                f"data.items.{n}.due_on",
            )
    event = m.MemoIssued(
        meeting_id=cmd.meeting_id,
        memo_number=cmd.memo_number,
        issued_on=cmd.issued_on,
        items=cmd.items,
    )
    return [(event, by.code)]


# --- memo items -----------------------------------------------------------------------------


def memo_item(meeting: Meeting, item_id: UUID, field_name: str = "data.item_id") -> MemoItem:
    _known(meeting)
    try:
        return meeting.items[item_id]
    except KeyError:
        raise UnknownMemoItemError(
            f"the meeting's memo has no item {item_id}", field_name
        ) from None


def _owned(item: MemoItem, by: Actor) -> None:
    if by.code != item.spec.owner_unit:
        raise NotTheOwnerError(f"{by.code} does not own the item: {item.spec.owner_unit} does")


def decide_progress(
    cmd: m.ReportProgress, meeting: Meeting, *, by: Actor, now: datetime
) -> list[Out]:
    item = memo_item(meeting, cmd.item_id)
    _owned(item, by)
    if item.state is ItemState.ACCEPTED:
        raise MemoItemStateError("the item is accepted done: no more progress to report")
    not_after(cmd.reported_on, now, "reported_on")
    event = m.MemoItemProgressReported(
        meeting_id=cmd.meeting_id,
        item_id=cmd.item_id,
        reported_on=cmd.reported_on,
        progress=cmd.progress,
    )
    return [(event, by.code)]


def decide_claim(
    cmd: m.ClaimCompletion, meeting: Meeting, *, by: Actor, now: datetime
) -> list[Out]:
    item = memo_item(meeting, cmd.item_id)
    _owned(item, by)
    if item.state is not ItemState.OPEN:
        raise MemoItemStateError(f"the item is {item.state.value}: only an open item is claimed")
    not_after(cmd.claimed_on, now, "claimed_on")
    event = m.MemoItemCompletionClaimed(
        meeting_id=cmd.meeting_id,
        item_id=cmd.item_id,
        claimed_on=cmd.claimed_on,
        evidence=cmd.evidence,
    )
    return [(event, by.code)]


def decide_acceptance(
    cmd: m.AcceptCompletion, meeting: Meeting, *, by: Actor, now: datetime
) -> list[Out]:
    item = memo_item(meeting, cmd.item_id)
    _office(meeting, by)
    if item.state is not ItemState.CLAIMED:
        raise MemoItemStateError(
            f"the item is {item.state.value}: the office accepts only a claimed completion"
        )
    not_after(cmd.decided_on, now, "decided_on")
    if cmd.accepted:
        event: Payload = m.MemoItemAccepted(
            meeting_id=cmd.meeting_id, item_id=cmd.item_id, accepted_on=cmd.decided_on
        )
    else:
        if not cmd.remarks.strip():
            raise RemarksRequiredError("a returned claim says why it is not borne out")
        event = m.MemoItemReturned(
            meeting_id=cmd.meeting_id,
            item_id=cmd.item_id,
            returned_on=cmd.decided_on,
            remarks=cmd.remarks,
        )
    return [(event, by.code)]


# --- overdue once per period ------------------------------------------------------------------


def overdue_period(due_on: date, today: date, period_days: int) -> int | None:
    """Which overdue period `today` falls in: 0 from the day after the due date, 1 a period
    later …; None before."""
    late = (today - due_on).days - 1
    return None if late < 0 else late // period_days


def period_starts(due_on: date, period: int, period_days: int) -> date:
    """The first day of an overdue period: the threshold `overdue_period` counts from."""
    return due_on + timedelta(days=1 + period * period_days)


def _late(item: MemoItem) -> bool:
    return item.state is not ItemState.ACCEPTED


def item_next_due(item: MemoItem, period_days: int) -> datetime | None:
    if not _late(item):
        return None
    following = item.overdue[-1] + 1 if item.overdue else 0
    return midnight(period_starts(item.spec.due_on, following, period_days))


def next_due(meeting: Meeting, period_days: int) -> datetime | None:
    """The first moment `decide_overdue` writes for the meeting, or None."""
    times = [item_next_due(i, period_days) for i in meeting.items.values()]
    return min((t for t in times if t is not None), default=None)


def decide_overdue(meeting: Meeting, now: datetime, period_days: int) -> list[Out]:
    """Each open or claimed item past its due date: overdue once in the period `now` falls in
    (recorded by the joint office) and escalated to the leading group and the owner unit."""
    outs: list[Out] = []
    if meeting.meeting_id is None:
        return outs
    for item_id, item in meeting.items.items():
        period = overdue_period(item.spec.due_on, now.date(), period_days)
        if not _late(item) or period is None or (item.overdue and item.overdue[-1] >= period):
            continue
        spec = item.spec
        event = m.MemoItemOverdue(
            meeting_id=meeting.meeting_id,
            item_id=item_id,
            owner_unit=spec.owner_unit,
            due_on=spec.due_on,
            period=period,
            found_on=now.date(),
        )
        notice = m.MemoItemEscalated(
            meeting_id=event.meeting_id,
            item_id=item_id,
            task=spec.task,
            owner_unit=spec.owner_unit,
            owner_person=spec.owner_person,
            due_on=spec.due_on,
            period=period,
        )
        to = [meeting.leading_group or meeting.joint_office, spec.owner_unit]
        outs += [(event, meeting.joint_office), *((notice, org) for org in dict.fromkeys(to))]
    return outs


# --- accountability and commendation --------------------------------------------------------


def _cited(basis: acc.Basis, kind: acc.BasisKind, rests_on: str) -> UUID:
    """The memo item a basis of `kind` cites."""
    if basis.kind is not kind or basis.item_id is None:
        raise BasisError(f"{rests_on} ({kind.value})")
    return basis.item_id


def decide_accountability(
    cmd: acc.RaiseAccountability, meeting: Meeting, *, by: Actor, now: datetime
) -> list[Out]:
    """Only on an overdue item, citing it, against its owner; once per overdue period. (On a
    failed reconciliation: `key_items.decide_accountability`.)"""
    item_id = _cited(cmd.basis, acc.BasisKind.OVERDUE_MEMO_ITEM, "this route rests on a memo item")
    item = memo_item(meeting, item_id, "data.basis.item_id")
    _office(meeting, by)
    if not item.overdue:
        raise BasisError("the item cited was never overdue: accountability rests on one that was")
    if cmd.unit != item.spec.owner_unit:
        raise WrongUnitError(f"the item cited is owned by {item.spec.owner_unit}, not {cmd.unit}")
    period = item.overdue[-1]
    if period in item.accountable:
        raise AlreadyRecordedError(f"accountability was raised for overdue period {period}")
    not_after(cmd.decided_on, now, "decided_on")
    event = acc.AccountabilityRaised(
        record_id=cmd.record_id,
        basis=cmd.basis,
        overdue_period=period,
        unit=cmd.unit,
        ground=cmd.ground,
        measures=cmd.measures,
        decided_on=cmd.decided_on,
    )
    return [(event, by.code)]


def decide_commendation(
    cmd: acc.GrantCommendation, meeting: Meeting, *, by: Actor, now: datetime
) -> list[Out]:
    """Only on an item accepted done, citing it, for its owner; once per item."""
    rests_on = "commendation rests on a memo item accepted done"
    item_id = _cited(cmd.basis, acc.BasisKind.ACCEPTED_MEMO_ITEM, rests_on)
    item = memo_item(meeting, item_id, "data.basis.item_id")
    _office(meeting, by)
    if item.state is not ItemState.ACCEPTED:
        raise BasisError(f"the item cited is {item.state.value}, not accepted done")
    if cmd.unit != item.spec.owner_unit:
        raise WrongUnitError(f"the item cited is owned by {item.spec.owner_unit}, not {cmd.unit}")
    if item.commended:
        raise AlreadyRecordedError("the item's owner was commended for it already")
    not_after(cmd.granted_on, now, "granted_on")
    event = acc.CommendationGranted(
        record_id=cmd.record_id,
        basis=cmd.basis,
        unit=cmd.unit,
        reasons=cmd.reasons,
        granted_on=cmd.granted_on,
    )
    return [(event, by.code)]


def decide_bankruptcy_request(
    notice: bankruptcy_tasks.CoordinationMeetingRequested,
    meeting: Meeting,
    *,
    meeting_id: UUID,
    now: datetime,
    joint_office: str,
    leading_group: str | None,
) -> list[Out]:
    """A blocked bankruptcy task becomes a meeting request by the blocked unit, once."""
    if meeting.stage is not Stage.NONE:
        return []
    event = m.CoordinationMeetingRequested(
        meeting_id=meeting_id,
        matter=m.Matter.BANKRUPTCY_TASK,
        reference=str(notice.case_number),
        agenda=f"{notice.topic}: {notice.obstacle}"[:2000],
        units=notice.needs or (notice.lead,),
        requested_by=notice.lead,
        requested_on=now.date(),
        joint_office=joint_office,
        leading_group=leading_group,
        bankruptcy_task=notice.task_id,
        case_number=notice.case_number,
    )
    return [(event, notice.lead)]
