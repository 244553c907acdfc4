"""法定期限 — the statutory clocks of the procedure, and the notice that one passed."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from contracts.base import Notice
from contracts.ids import CaseNumber
from contracts.registry import register


class Clock(StrEnum):
    """法定期限 — a clock the service counts from the facts (docs/BANKRUPTCY.md)."""

    PETITION_RULING = "petition_ruling"  # 裁定是否受理: 15 d, creditor 5+7+10 d, +15 d (第十条)
    REFERRAL_RULING = "referral_ruling"  # 执转破 审查: configured ([U])
    ANNOUNCEMENT = "announcement"  # 通知并公告: 25 d after acceptance (第十四条)
    FIRST_MEETING = "first_meeting"  # 第一次债权人会议: 15 d after the claims deadline (第六十二条)
    REORGANIZATION_PLAN = "reorganization_plan"  # 重整计划草案: 6 (+3) months (第七十九条)
    PLAN_VOTE = "plan_vote"  # 表决会议: 30 d after the plan is filed (第八十四条)
    DEREGISTRATION = "deregistration"  # 注销登记: 10 d after termination (第一百二十一条)


@register
class ProcedureOverdue(Notice):
    """法定期限已届满 — the court and the joint office of its jurisdiction are told, once per
    clock, that a step the law times did not happen by its last day."""

    TYPE = "bankruptcy.notice.procedure_overdue.v1"
    case_number: CaseNumber
    """案号 — the 破申 or 破 number the clock runs in."""
    clock: Clock
    """Which clock: petition_ruling · referral_ruling · announcement · first_meeting ·
    reorganization_plan · plan_vote · deregistration."""
    started_on: date
    """The day of the fact the clock counts from (filing, acceptance, the claims deadline …)."""
    due_on: date
    """The last day the law allowed."""
    source: str
    """法律依据 — the article that sets the clock, e.g. 企业破产法 第十四条."""
