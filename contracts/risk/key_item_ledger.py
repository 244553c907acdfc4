"""一问题、一专班、一方案、一台账 — the work on a key problem item: its task force, its plan
versions, its ledger entries (存量 or 增量) with milestones scheduled backward from the deadline,
the lead unit's claim that an entry is done, the joint office's reconciliation of that claim
against the evidence (对账), and the check-off (销号), which needs a reconciliation that matched.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from contracts.base import Command, Contract, Event, OrgCode
from contracts.registry import register


class Person(Contract):
    """人员 — a named officer and post ("落实到岗、到人")."""

    name: str = Field(min_length=1, max_length=100)
    """姓名."""
    post: str = Field(min_length=1, max_length=100)
    """职务."""


class Stock(StrEnum):
    """存量 or 增量: an old case on the ledger when the plan was adopted, or a new one since."""

    EXISTING = "existing"  # 存量
    NEW = "new"  # 增量


class MilestoneDate(Contract):
    """节点 — a milestone of an entry and its day (倒排工期)."""

    id: str
    """The catalogue's milestone id."""
    due_on: date
    """The day it is due."""


@register
class FormTaskForce(Command):
    """成立专班 — the lead unit forms the item's task force."""

    TYPE = "risk.command.form_task_force.v1"
    item: str = Field(min_length=1, max_length=64)
    """重点问题事项 id of the catalogue."""
    head: Person
    """专班负责人."""
    members: list[Person] = Field(min_length=1, max_length=100)
    """专班成员."""
    formed_on: date
    """成立日期."""


@register
class TaskForceFormed(Event):
    """专班已成立."""

    TYPE = "risk.event.task_force_formed.v1"
    item: str
    """Item id."""
    lead: OrgCode
    """牵头单位."""
    head: Person
    """专班负责人."""
    members: list[Person]
    """专班成员."""
    formed_on: date
    """成立日期."""


@register
class AdoptPlan(Command):
    """制定方案 — the lead unit adopts a version of the item's plan; versions count up from 1."""

    TYPE = "risk.command.adopt_plan.v1"
    item: str = Field(min_length=1, max_length=64)
    """Item id."""
    version: int = Field(ge=1, le=1000)
    """方案版本: the next one."""
    title: str = Field(min_length=1, max_length=300)
    """方案名称."""
    adopted_on: date
    """制定日期."""


@register
class KeyItemPlanAdopted(Event):
    """方案已制定."""

    TYPE = "risk.event.key_item_plan_adopted.v1"
    item: str
    """Item id."""
    version: int
    """方案版本."""
    title: str
    """方案名称."""
    adopted_on: date
    """制定日期."""


@register
class AddLedgerEntry(Command):
    """列入台账 — the lead unit or the joint office puts a case or task on the item's ledger."""

    TYPE = "risk.command.add_ledger_entry.v1"
    item: str = Field(min_length=1, max_length=64)
    """Item id."""
    entry_id: UUID
    """The entry's id, chosen by the sender."""
    target: str = Field(min_length=1, max_length=500)
    """What is to be resolved: a case number, a project, a task."""
    stock: Stock
    """存量 (dated on or before the first plan) or 增量 (after it)."""
    arose_on: date
    """The day the case or problem arose."""
    deadline: date
    """办结期限 — the day it must be checked off."""


@register
class LedgerEntryAdded(Event):
    """已列入台账 — with its milestones, counted back from the deadline."""

    TYPE = "risk.event.ledger_entry_added.v1"
    item: str
    """Item id."""
    entry_id: UUID
    """Entry id."""
    lead: OrgCode
    """牵头单位 — who claims it done."""
    target: str
    """What is to be resolved."""
    stock: Stock
    """存量 / 增量."""
    arose_on: date
    """The day it arose."""
    deadline: date
    """办结期限."""
    milestones: list[MilestoneDate]
    """倒排工期: each milestone's day."""
    added_on: date
    """The day it was added."""


@register
class ClaimEntryCompletion(Command):
    """报请销号 — the lead unit says the entry is done, with the evidence."""

    TYPE = "risk.command.claim_entry_completion.v1"
    item: str = Field(min_length=1, max_length=64)
    """Item id."""
    entry_id: UUID
    """Entry id."""
    claimed_on: date
    """报请日期."""
    evidence: list[str] = Field(min_length=1, max_length=50)
    """佐证材料: document numbers or file references."""


@register
class LedgerEntryCompletionClaimed(Event):
    """已报请销号."""

    TYPE = "risk.event.ledger_entry_completion_claimed.v1"
    item: str
    """Item id."""
    entry_id: UUID
    """Entry id."""
    claimed_on: date
    """报请日期."""
    evidence: list[str]
    """佐证材料."""


@register
class ReconcileEntry(Command):
    """对账 — the joint office checks the lead unit's claim against the evidence."""

    TYPE = "risk.command.reconcile_entry.v1"
    item: str = Field(min_length=1, max_length=64)
    """Item id."""
    entry_id: UUID
    """Entry id."""
    reconciled_on: date
    """对账日期."""
    matched: bool
    """Whether the evidence bears the claim out."""
    finding: str = Field(min_length=1, max_length=1000)
    """对账意见 — what was found."""


@register
class LedgerEntryReconciled(Event):
    """已对账 — the claim is borne out; the entry may be checked off."""

    TYPE = "risk.event.ledger_entry_reconciled.v1"
    item: str
    """Item id."""
    entry_id: UUID
    """Entry id."""
    reconciled_on: date
    """对账日期."""
    finding: str
    """对账意见."""


@register
class LedgerReconciliationFailed(Event):
    """对账未通过 — the evidence does not bear the claim out; the entry stays open, and this
    fact is one accountability may cite."""

    TYPE = "risk.event.ledger_reconciliation_failed.v1"
    item: str
    """Item id."""
    entry_id: UUID
    """Entry id."""
    lead: OrgCode
    """牵头单位 whose claim failed."""
    reconciled_on: date
    """对账日期."""
    finding: str
    """对账意见."""


@register
class CloseEntry(Command):
    """销号 — the joint office checks the entry off after a reconciliation that matched."""

    TYPE = "risk.command.close_entry.v1"
    item: str = Field(min_length=1, max_length=64)
    """Item id."""
    entry_id: UUID
    """Entry id."""
    closed_on: date
    """销号日期."""


@register
class LedgerEntryClosed(Event):
    """已销号."""

    TYPE = "risk.event.ledger_entry_closed.v1"
    item: str
    """Item id."""
    entry_id: UUID
    """Entry id."""
    closed_on: date
    """销号日期."""
    late: bool
    """Whether it was checked off after its deadline."""


@register
class LedgerEntryOverdue(Event):
    """已逾期 — an entry not checked off by its deadline; once."""

    TYPE = "risk.event.ledger_entry_overdue.v1"
    item: str
    """Item id."""
    entry_id: UUID
    """Entry id."""
    lead: OrgCode
    """牵头单位."""
    deadline: date
    """办结期限 passed."""
