"""协调事项 — coordination tasks: a topic of the catalogue assigned to a bureau, its answers, and
escalation to the joint office (联席办).

A task is generated from the topic catalogue (`deploy/bankruptcy/topics.yaml`) on acceptance, on
an approved reorganization plan, on termination, or on an ad hoc request. The lead unit receives
a notice with only what it needs to act; co-units receive the same notice marked as such. The
lead acknowledges, reports progress, completes with evidence, or says it is blocked — which asks
the joint office for a coordination meeting. An unacknowledged or late task is escalated to the
joint office once.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.bankruptcy.parties import Text
from contracts.base import Command, Contract, Event, Notice, OrgCode, Reply
from contracts.ids import CaseNumber, CreditCode
from contracts.registry import register


class Trigger(StrEnum):
    """What generated the task."""

    ACCEPTANCE = "acceptance"  # 裁定受理
    PLAN_APPROVED = "plan_approved"  # 批准重整计划
    TERMINATION = "termination"  # 终结破产程序
    AD_HOC = "ad_hoc"  # 管理人或法院提请


class Role(StrEnum):
    """The addressee's part in a task."""

    LEAD = "lead"  # 牵头单位: acknowledges, reports and completes
    CO_UNIT = "co_unit"  # 配合单位: told, answers through the lead


class TaskSpec(Contract):
    """One task as assigned: the topic's entry, its units and its days."""

    task_id: UUID
    """Id of the task."""
    topic: str = Field(min_length=1, max_length=64)
    """议题 — a topic id of the catalogue, e.g. `livelihood_employees`."""
    item: str = Field(min_length=1, max_length=64)
    """事项 — the item of the topic, e.g. `wage_arrears_list`."""
    lead: OrgCode
    """牵头单位 — the code of the unit that answers for the task."""
    lead_kind: str = Field(min_length=1, max_length=64)
    """牵头单位类别 — the kind the catalogue names (a unit kind); when the jurisdiction has no
    such unit, the joint office leads in its place."""
    co_units: tuple[OrgCode, ...] = ()
    """配合单位 — codes of the co-units."""
    request: Text
    """事项内容 — what is asked, in words."""
    legal_basis: str = Field(default="", max_length=500)
    """法律依据 — the article or policy the task rests on, empty where none."""
    acknowledge_by: date | None
    """签收期限 — working days after assignment (configured, [U]); none when the year's holiday
    calendar is not known yet."""
    due_on: date
    """办结期限 — the last day to complete the task."""


@register
class CoordinationTaskAssigned(Event):
    """协调事项已交办."""

    TYPE = "bankruptcy.event.coordination_task_assigned.v1"
    task: TaskSpec
    """The task."""
    trigger: Trigger
    """acceptance · plan_approved · termination · ad_hoc."""
    requested_by: OrgCode
    """提请单位 — the court, or the administrator for an ad hoc request."""
    assigned_on: date
    """交办日期."""
    catalogue_version: str
    """目录版本 — the topic catalogue version the task came from."""


@register
class CoordinationTaskNotice(Notice):
    """协调事项交办通知 — what a bureau needs to act on a task: the company, the administrator's
    contact, the request and the days; nothing more."""

    TYPE = "bankruptcy.notice.coordination_task.v1"
    task_id: UUID
    """Id of the task: the bureau's answers name it."""
    case_number: CaseNumber
    """案号 — the 破 number."""
    role: Role
    """lead (answers for the task) · co_unit (works with the lead)."""
    topic: str
    """议题."""
    item: str
    """事项."""
    debtor_name: str
    """债务人名称."""
    debtor_credit_code: CreditCode
    """统一社会信用代码."""
    accepted_on: date
    """受理日期 — e.g. the day tax claims are computed to (国家税务总局公告2019年第48号)."""
    administrator_name: str
    """管理人."""
    administrator_contact: str
    """管理人联系方式."""
    request: str
    """事项内容."""
    legal_basis: str
    """法律依据."""
    lead: OrgCode
    """牵头单位."""
    lead_kind: str
    """牵头单位类别 — the kind the catalogue names; when it is not the lead's own (the
    jurisdiction has no such unit), the joint office holds the task for that unit."""
    co_units: tuple[OrgCode, ...]
    """配合单位."""
    acknowledge_by: date | None
    """签收期限."""
    due_on: date
    """办结期限."""


@register
class TaskAcknowledgement(Reply):
    """签收 — the lead unit has the task and names who handles it."""

    TYPE = "bankruptcy.reply.task_acknowledgement.v1"
    task_id: UUID
    """The task."""
    acknowledged_on: date
    """签收日期."""
    handler: str = Field(min_length=1, max_length=100)
    """承办人 — who handles it: a name or a staff number, with a telephone."""


@register
class CoordinationTaskAcknowledged(Event):
    """已签收."""

    TYPE = "bankruptcy.event.coordination_task_acknowledged.v1"
    task_id: UUID
    """The task."""
    acknowledged_on: date
    """签收日期."""
    handler: str
    """承办人."""


@register
class TaskProgress(Reply):
    """进展 — the lead unit reports what it has done so far (跟踪问效)."""

    TYPE = "bankruptcy.reply.task_progress.v1"
    task_id: UUID
    """The task."""
    reported_on: date
    """报告日期."""
    progress: Text
    """进展情况."""


@register
class CoordinationTaskProgressed(Event):
    """进展已报告."""

    TYPE = "bankruptcy.event.coordination_task_progressed.v1"
    task_id: UUID
    """The task."""
    reported_on: date
    """报告日期."""
    progress: str
    """进展情况."""


class Document(Contract):
    """佐证材料 — a document that shows the task was done."""

    title: str = Field(min_length=1, max_length=200)
    """名称 — e.g. 注销登记通知书."""
    number: str | None = Field(default=None, max_length=100)
    """文号 — the document's number, where it has one."""
    issued_on: date
    """出具日期."""


@register
class TaskCompletion(Reply):
    """办结 — the lead unit completed the task, with evidence (at least one document)."""

    TYPE = "bankruptcy.reply.task_completion.v1"
    task_id: UUID
    """The task."""
    completed_on: date
    """办结日期."""
    result: Text
    """办理结果."""
    evidence: tuple[Document, ...] = Field(min_length=1, max_length=50)
    """佐证材料 — completion needs evidence."""


@register
class CoordinationTaskCompleted(Event):
    """已办结."""

    TYPE = "bankruptcy.event.coordination_task_completed.v1"
    task_id: UUID
    """The task."""
    completed_on: date
    """办结日期."""
    result: str
    """办理结果."""
    evidence: tuple[Document, ...]
    """佐证材料."""


@register
class TaskBlockage(Reply):
    """受阻 — the lead unit cannot go on without others; the joint office is asked for a
    coordination meeting (专题协调会商)."""

    TYPE = "bankruptcy.reply.task_blockage.v1"
    task_id: UUID
    """The task."""
    reported_on: date
    """报告日期."""
    obstacle: Text
    """障碍 — what stands in the way."""
    needs: tuple[OrgCode, ...] = Field(default=(), max_length=20)
    """需协调的单位 — codes of the units whose help is needed, where known."""


@register
class CoordinationTaskBlocked(Event):
    """事项受阻."""

    TYPE = "bankruptcy.event.coordination_task_blocked.v1"
    task_id: UUID
    """The task."""
    reported_on: date
    """报告日期."""
    obstacle: str
    """障碍."""
    needs: tuple[OrgCode, ...]
    """需协调的单位."""


@register
class CoordinationMeetingRequested(Notice):
    """提请协调会商 — the joint office is asked to convene a coordination meeting on a blocked
    task (the proposing unit asks through the office)."""

    TYPE = "bankruptcy.notice.coordination_meeting_requested.v1"
    task_id: UUID
    """The task."""
    case_number: CaseNumber
    """案号."""
    topic: str
    """议题."""
    lead: OrgCode
    """牵头单位 — the unit that is blocked."""
    obstacle: str
    """障碍."""
    needs: tuple[OrgCode, ...]
    """需协调的单位."""


@register
class WaiveTask(Command):
    """免办 — the court or the joint office withdraws a task that need not be done, with the
    reason (e.g. no employees, nothing to take over)."""

    TYPE = "bankruptcy.command.waive_task.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    task_id: UUID
    """The task."""
    waived_on: date
    """日期."""
    reason: Text
    """理由."""


@register
class CoordinationTaskWaived(Event):
    """事项已免办."""

    TYPE = "bankruptcy.event.coordination_task_waived.v1"
    task_id: UUID
    """The task."""
    waived_on: date
    """日期."""
    reason: str
    """理由."""
    waived_by: OrgCode
    """The court or the joint office."""


class Lateness(StrEnum):
    """Why a task was escalated."""

    NOT_ACKNOWLEDGED = "not_acknowledged"  # 逾期未签收
    NOT_COMPLETED = "not_completed"  # 逾期未办结


@register
class CoordinationTaskOverdue(Notice):
    """协调事项已逾期 — the joint office is told, once per task, that a task was not acknowledged
    or not completed in time."""

    TYPE = "bankruptcy.notice.coordination_task_overdue.v1"
    task_id: UUID
    """The task."""
    case_number: CaseNumber
    """案号."""
    topic: str
    """议题."""
    lead: OrgCode
    """牵头单位."""
    lateness: Lateness
    """not_acknowledged · not_completed."""
    due_on: date
    """The day that passed: the acknowledgement's or the completion's."""


@register
class CoordinationCaseClosed(Event):
    """协调案件已结案 — the court terminated the proceedings and every task is completed or
    waived (and the company, where due, deregistered)."""

    TYPE = "bankruptcy.event.coordination_case_closed.v1"
    closed_on: date
    """结案日期."""
    tasks_completed: int = Field(ge=0)
    """办结的事项数."""
    tasks_waived: int = Field(ge=0)
    """免办的事项数."""
