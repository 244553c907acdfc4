"""领导小组会议 — the leading group meets every six months (a setting: the seed's 每半年); the joint
office records each meeting; six months after the last without another, the leading group and
the office are told, once per due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from contracts.base import Payload
from contracts.risk import leading_group as m
from services.risk.domain.actors import Actor
from services.risk.domain.errors import NotTheOfficeError
from services.risk.domain.linkage import Out, not_after
from services.risk.domain.periods import add_months, midnight


@dataclass(frozen=True)
class LeadingGroupMeetings:
    joint_office: str = ""
    last_held_on: date | None = None
    due_on: date | None = None
    told: tuple[date, ...] = ()
    """The due dates the overdue notice went out for."""


def evolve(state: LeadingGroupMeetings, e: Payload) -> LeadingGroupMeetings:
    match e:
        case m.LeadingGroupMeetingHeld():
            last = max(filter(None, (state.last_held_on, e.held_on)))
            due = max(filter(None, (state.due_on, e.next_due_on)))
            return LeadingGroupMeetings(e.joint_office, last, due, state.told)
        case m.LeadingGroupMeetingOverdue():
            return LeadingGroupMeetings(
                state.joint_office, state.last_held_on, state.due_on, (*state.told, e.due_on)
            )
    return state


def decide_meeting(
    cmd: m.RecordLeadingGroupMeeting,
    state: LeadingGroupMeetings,
    *,
    by: Actor,
    now: datetime,
    joint_office: str,
    months: int,
) -> list[Out]:
    if by.code != joint_office:
        raise NotTheOfficeError("only a joint office records its leading group's meetings")
    not_after(cmd.held_on, now, "held_on")
    event = m.LeadingGroupMeetingHeld(
        joint_office=joint_office,
        held_on=cmd.held_on,
        summary=cmd.summary,
        next_due_on=add_months(cmd.held_on, months),
    )
    return [(event, by.code)]


def next_due(state: LeadingGroupMeetings) -> datetime | None:
    if state.due_on is None or state.due_on in state.told:
        return None
    return midnight(state.due_on + timedelta(days=1))


def decide_overdue(
    state: LeadingGroupMeetings, now: datetime, leading_group: str | None
) -> list[Out]:
    due = next_due(state)
    if due is None or now < due or state.due_on is None or state.last_held_on is None:
        return []
    notice = m.LeadingGroupMeetingOverdue(last_held_on=state.last_held_on, due_on=state.due_on)
    return [
        (notice, org) for org in dict.fromkeys(filter(None, (leading_group, state.joint_office)))
    ]
