"""专题协调会商与跟踪问效 — coordination meetings and their follow-up: a unit requests a meeting
through the joint office for a key case, key problem or major risk; the office convenes the units
concerned; the meeting is held; the office issues a memo 会议备忘 whose every item has an owner
unit and person (落实到岗、到人) and a due date; owners report progress and claim completion; the
office accepts it. An item past its due date is overdue once per period and escalated to the
leading group (洛阳 府院联动 机制, the seed; RISK.md)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.bankruptcy.parties import Text
from contracts.base import Command, Contract, Event, Notice, OrgCode
from contracts.ids import CaseNumber
from contracts.registry import register


class Matter(StrEnum):
    """会商事由 — what the meeting is for."""

    KEY_CASE = "key_case"  # 重点案件
    KEY_PROBLEM = "key_problem"  # 重点问题
    MAJOR_RISK = "major_risk"  # 重大风险隐患
    BANKRUPTCY_TASK = "bankruptcy_task"  # 破产协调事项受阻 (from the bankruptcy service)


@register
class RequestCoordinationMeeting(Command):
    """提请会商 — a unit asks the joint office of its jurisdiction for a coordination meeting."""

    TYPE = "risk.command.request_coordination_meeting.v1"
    meeting_id: UUID
    """会商编号 — chosen by the requesting unit; every later message names it."""
    matter: Matter
    """会商事由: key_case · key_problem · major_risk."""
    reference: str = Field(default="", max_length=200)
    """所涉案件或事项 — a case number or an item's name, empty where none."""
    agenda: Text
    """议题 — what the units are to resolve."""
    units: tuple[OrgCode, ...] = Field(min_length=1, max_length=50)
    """需参会的单位 — the units concerned."""
    requested_on: date
    """提请日期."""


@register
class CoordinationMeetingRequested(Event):
    """已提请会商 — a request is with the joint office."""

    TYPE = "risk.event.coordination_meeting_requested.v1"
    meeting_id: UUID
    """会商编号."""
    matter: Matter
    """会商事由."""
    reference: str
    """所涉案件或事项."""
    agenda: str
    """议题."""
    units: tuple[OrgCode, ...]
    """需参会的单位."""
    requested_by: OrgCode
    """提请单位."""
    requested_on: date
    """提请日期."""
    joint_office: OrgCode
    """联席办 — the office that convenes it."""
    leading_group: OrgCode | None
    """领导小组 — to whom memo items escalate; none while the registry knows none there."""
    bankruptcy_task: UUID | None = None
    """破产协调事项 — the blocked task, for a request from the bankruptcy service."""
    case_number: CaseNumber | None = None
    """案号 — the bankruptcy case, for a request from the bankruptcy service."""


@register
class ConveneMeeting(Command):
    """召集会商 — the joint office convenes the meeting with the units concerned."""

    TYPE = "risk.command.convene_meeting.v1"
    meeting_id: UUID
    """会商编号."""
    convened_on: date
    """通知日期."""
    meets_on: date
    """会商日期."""
    attendees: tuple[OrgCode, ...] = Field(min_length=1, max_length=50)
    """参会单位."""


@register
class MeetingConvened(Event):
    """已召集会商."""

    TYPE = "risk.event.meeting_convened.v1"
    meeting_id: UUID
    """会商编号."""
    convened_on: date
    """通知日期."""
    meets_on: date
    """会商日期."""
    attendees: tuple[OrgCode, ...]
    """参会单位."""


@register
class HoldMeeting(Command):
    """会商已召开 — the joint office records the meeting held and its resolution plan."""

    TYPE = "risk.command.hold_meeting.v1"
    meeting_id: UUID
    """会商编号."""
    held_on: date
    """召开日期."""
    resolution: Text
    """化解方案 — what the units agreed."""


@register
class MeetingHeld(Event):
    """会商已召开."""

    TYPE = "risk.event.meeting_held.v1"
    meeting_id: UUID
    """会商编号."""
    held_on: date
    """召开日期."""
    resolution: str
    """化解方案."""


class MemoItemSpec(Contract):
    """备忘事项 — one thing to be done: owned by a unit and a person, with a due date."""

    item_id: UUID
    """事项编号 — later messages name it."""
    task: Text
    """事项内容."""
    owner_unit: OrgCode
    """责任单位 (落实到岗)."""
    owner_person: str = Field(min_length=1, max_length=100)
    """责任人 (落实到人) — name and post."""
    due_on: date
    """办结期限."""


@register
class IssueMemo(Command):
    """印发会议备忘 — the joint office issues the memo of a held meeting."""

    TYPE = "risk.command.issue_memo.v1"
    meeting_id: UUID
    """会商编号."""
    memo_number: str = Field(min_length=1, max_length=100)
    """备忘编号, e.g. 联席办备忘〔2026〕3号."""
    issued_on: date
    """印发日期."""
    items: tuple[MemoItemSpec, ...] = Field(min_length=1, max_length=100)
    """备忘事项 — each with its owner unit and person and a due date."""


@register
class MemoIssued(Event):
    """会议备忘已印发 — circulated to the leading group and the units."""

    TYPE = "risk.event.memo_issued.v1"
    meeting_id: UUID
    """会商编号."""
    memo_number: str
    """备忘编号."""
    issued_on: date
    """印发日期."""
    items: tuple[MemoItemSpec, ...]
    """备忘事项."""


@register
class ReportProgress(Command):
    """报送进展 — the owner unit reports progress on its memo item (第一时间)."""

    TYPE = "risk.command.report_progress.v1"
    meeting_id: UUID
    """会商编号."""
    item_id: UUID
    """事项编号."""
    reported_on: date
    """报送日期."""
    progress: Text
    """进展情况."""


@register
class MemoItemProgressReported(Event):
    """进展已报送."""

    TYPE = "risk.event.memo_item_progress_reported.v1"
    meeting_id: UUID
    """会商编号."""
    item_id: UUID
    """事项编号."""
    reported_on: date
    """报送日期."""
    progress: str
    """进展情况."""


@register
class ClaimCompletion(Command):
    """申请办结 — the owner unit says its memo item is done, with the evidence."""

    TYPE = "risk.command.claim_completion.v1"
    meeting_id: UUID
    """会商编号."""
    item_id: UUID
    """事项编号."""
    claimed_on: date
    """申请日期."""
    evidence: Text
    """办结依据 — what shows it done."""


@register
class MemoItemCompletionClaimed(Event):
    """已申请办结."""

    TYPE = "risk.event.memo_item_completion_claimed.v1"
    meeting_id: UUID
    """会商编号."""
    item_id: UUID
    """事项编号."""
    claimed_on: date
    """申请日期."""
    evidence: str
    """办结依据."""


@register
class AcceptCompletion(Command):
    """确认办结 — the joint office accepts a claimed completion (or returns it, with reasons)."""

    TYPE = "risk.command.accept_completion.v1"
    meeting_id: UUID
    """会商编号."""
    item_id: UUID
    """事项编号."""
    decided_on: date
    """确认日期."""
    accepted: bool
    """确认 (true) or 退回 (false): a returned item is open again."""
    remarks: str = Field(default="", max_length=2000)
    """意见 — required when returning."""


@register
class MemoItemAccepted(Event):
    """已办结 — the office accepted the item done."""

    TYPE = "risk.event.memo_item_accepted.v1"
    meeting_id: UUID
    """会商编号."""
    item_id: UUID
    """事项编号."""
    accepted_on: date
    """确认日期."""


@register
class MemoItemReturned(Event):
    """办结申请已退回 — the office found the claim not borne out; the item is open again."""

    TYPE = "risk.event.memo_item_returned.v1"
    meeting_id: UUID
    """会商编号."""
    item_id: UUID
    """事项编号."""
    returned_on: date
    """退回日期."""
    remarks: str
    """意见."""


@register
class MemoItemOverdue(Event):
    """已逾期 — an open memo item past its due date, once per period (the period is a setting:
    the seeds' reporting is monthly, [U])."""

    TYPE = "risk.event.memo_item_overdue.v1"
    meeting_id: UUID
    """会商编号."""
    item_id: UUID
    """事项编号."""
    owner_unit: OrgCode
    """责任单位."""
    due_on: date
    """办结期限."""
    period: int = Field(ge=0)
    """逾期期次 — 0 for the first period after the due date, 1 for the next …"""
    found_on: date
    """发现日期."""


@register
class MemoItemEscalated(Notice):
    """逾期督办 — the leading group (and the owner unit) are told a memo item is overdue; sent
    once per overdue period."""

    TYPE = "risk.notice.memo_item_escalated.v1"
    meeting_id: UUID
    """会商编号."""
    item_id: UUID
    """事项编号."""
    task: str
    """事项内容."""
    owner_unit: OrgCode
    """责任单位."""
    owner_person: str
    """责任人."""
    due_on: date
    """办结期限."""
    period: int
    """逾期期次."""
