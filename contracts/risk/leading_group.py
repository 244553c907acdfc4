"""领导小组会议 — the leading group meets every six months (洛阳: 每半年召开一次, the seed) to hear
the work and deploy the next; the joint office records each meeting, and when six months pass
without one, the leading group and the office are told, once per due date."""

from __future__ import annotations

from datetime import date

from contracts.bankruptcy.parties import Text
from contracts.base import Command, Event, Notice, OrgCode
from contracts.registry import register


@register
class RecordLeadingGroupMeeting(Command):
    """领导小组会议已召开 — recorded by the joint office of the jurisdiction."""

    TYPE = "risk.command.record_leading_group_meeting.v1"
    held_on: date
    """召开日期."""
    summary: Text
    """会议内容 — the work heard and the tasks deployed."""


@register
class LeadingGroupMeetingHeld(Event):
    """领导小组会议已召开."""

    TYPE = "risk.event.leading_group_meeting_held.v1"
    joint_office: OrgCode
    """联席办 — whose jurisdiction's leading group met."""
    held_on: date
    """召开日期."""
    summary: str
    """会议内容."""
    next_due_on: date
    """下次会议期限 — six months on (a setting)."""


@register
class LeadingGroupMeetingOverdue(Notice):
    """领导小组会议逾期 — six months passed since the last meeting without another."""

    TYPE = "risk.notice.leading_group_meeting_overdue.v1"
    last_held_on: date
    """上次会议日期."""
    due_on: date
    """会议期限."""
