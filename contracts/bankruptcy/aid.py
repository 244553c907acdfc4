"""破产费用保障资金 — expense aid for cases without assets (无产可破): the administrator applies
with the fee part and the costs; a panel of the court hearing the case checks it, the higher
court's panel reviews it, the finance bureau decides, and disburses. Caps per jurisdiction and a
yearly budget are data (`deploy/bankruptcy/expense_aid.yaml`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from contracts.bankruptcy.parties import Text, Yuan
from contracts.base import Command, Event, Notice, OrgCode, Reply
from contracts.ids import CaseNumber
from contracts.registry import register


@register
class ApplyExpenseAid(Command):
    """申请破产费用保障资金 — the administrator applies: the estate cannot pay the costs and
    nobody advances them."""

    TYPE = "bankruptcy.command.apply_expense_aid.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    application_id: UUID
    """Id of the application: the review and the decision name it."""
    applied_on: date
    """申请日期."""
    fee_part: Yuan
    """管理人报酬部分 — the part for the administrator's fee, in yuan."""
    costs: Yuan
    """破产费用部分 — the costs (notices, seals, travel, archive searches, audits), in yuan."""
    estate_value: Yuan
    """债务人财产 — what the estate holds that can pay costs, in yuan."""
    advance_offered: bool = False
    """有人垫付 — a creditor or other party offers to advance the costs."""
    complex_case: bool = False
    """复杂案件 — the higher cap for complex cases applies, where the jurisdiction has one."""
    reason: Text
    """理由 — why the estate cannot pay."""


@register
class ExpenseAidRequested(Event):
    """援助资金已申请."""

    TYPE = "bankruptcy.event.expense_aid_requested.v1"
    application_id: UUID
    """The application."""
    applied_on: date
    """申请日期."""
    fee_part: Yuan
    """管理人报酬部分."""
    costs: Yuan
    """破产费用部分."""
    estate_value: Yuan
    """债务人财产."""
    complex_case: bool
    """复杂案件."""
    fund: str
    """保障资金 — the id of the fund whose caps and budget apply (`deploy/bankruptcy/expense_aid.yaml`)."""
    budget_year: int
    """预算年度 — the year whose budget the amount would come from."""


class ReviewStage(StrEnum):
    """审核环节, in order."""

    INITIAL = "initial"  # 初审: a panel of the court hearing the case
    HIGHER = "higher"  # 复审: the higher court's review panel


@register
class ReviewExpenseAid(Command):
    """审核 — a court's panel reviewed the application: the court hearing the case first, then
    the higher court."""

    TYPE = "bankruptcy.command.review_expense_aid.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    application_id: UUID
    """The application."""
    stage: ReviewStage
    """initial · higher."""
    reviewed_on: date
    """审核日期."""
    passed: bool
    """通过 — false ends the application, rejected."""
    opinion: Text
    """审核意见."""


@register
class ExpenseAidReviewed(Event):
    """援助资金申请已审核."""

    TYPE = "bankruptcy.event.expense_aid_reviewed.v1"
    application_id: UUID
    """The application."""
    stage: ReviewStage
    """initial · higher."""
    reviewed_on: date
    """审核日期."""
    passed: bool
    """通过."""
    opinion: str
    """审核意见."""
    reviewer: OrgCode
    """审核法院."""


@register
class ExpenseAidDecision(Reply):
    """财政审批 — the finance bureau approves an amount (at most what was asked) or rejects."""

    TYPE = "bankruptcy.reply.expense_aid_decision.v1"
    application_id: UUID
    """The application."""
    decided_on: date
    """审批日期."""
    approved: bool
    """批准."""
    amount: Yuan
    """批准金额 — zero when rejected."""
    fee_part: Yuan
    """其中管理人报酬 — zero when rejected."""
    opinion: Text
    """审批意见."""


@register
class ExpenseAidApproved(Event):
    """援助资金已批准."""

    TYPE = "bankruptcy.event.expense_aid_approved.v1"
    application_id: UUID
    """The application."""
    decided_on: date
    """审批日期."""
    amount: Yuan
    """批准金额."""
    fee_part: Yuan
    """其中管理人报酬."""
    budget_year: int
    """预算年度."""
    opinion: str
    """审批意见."""


@register
class ExpenseAidRejected(Event):
    """援助资金已驳回 — by a review panel or by the finance bureau."""

    TYPE = "bankruptcy.event.expense_aid_rejected.v1"
    application_id: UUID
    """The application."""
    decided_on: date
    """日期."""
    rejected_by: OrgCode
    """The court panel or the finance bureau."""
    opinion: str
    """理由."""


@register
class DisburseExpenseAid(Command):
    """拨付 — the finance bureau paid the approved amount (to the court's account for the case)."""

    TYPE = "bankruptcy.command.disburse_expense_aid.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    application_id: UUID
    """The application."""
    disbursed_on: date
    """拨付日期."""
    amount: Yuan
    """拨付金额 — the approved amount."""


@register
class ExpenseAidDisbursed(Event):
    """援助资金已拨付."""

    TYPE = "bankruptcy.event.expense_aid_disbursed.v1"
    application_id: UUID
    """The application."""
    disbursed_on: date
    """拨付日期."""
    amount: Yuan
    """拨付金额."""


@register
class ExpenseAidDecisionRequested(Notice):
    """提请财政审批 — the finance bureau is asked to decide an application both court panels
    passed: what it needs to decide, nothing more."""

    TYPE = "bankruptcy.notice.expense_aid_decision_requested.v1"
    application_id: UUID
    """The application: the decision names it."""
    case_number: CaseNumber
    """案号."""
    fee_part: Yuan
    """管理人报酬部分."""
    costs: Yuan
    """破产费用部分."""
    budget_year: int
    """预算年度."""
    remaining_budget: Yuan
    """年度预算余额 — what the year's budget has left before this application."""
