"""破产程序 — the court's steps, accepted only from the stages the law allows them in, each
recording one fact with the dates the clocks need. Acceptance, an approved plan and a liquidation's
termination generate the coordination tasks of the topic catalogue.

Lawful transitions (企业破产法): 申请 → 受理 (清算 | 重整 | 和解) or 不予受理; 受理 → 驳回 before the
declaration (第十二条); 不予受理 / 驳回 → 上诉 (破终); 清算 → 重整 or 和解 before the declaration
(第七十条、第九十五条); 重整 or 和解 fails → 宣告 (第七十九条、第八十八条、第九十九条); an approved plan
or agreement not performed → 宣告 (第九十三条、第一百零四条); 宣告 → 终结 (第一百二十条) → 注销
(第一百二十一条); nothing after 注销 but the administrator's discharge (第一百二十二条).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from contracts.bankruptcy import procedure as p
from contracts.base import Command
from services.bankruptcy.domain import course, petition
from services.bankruptcy.domain.case import BankruptcyCase
from services.bankruptcy.domain.course import decide_deregistration
from services.bankruptcy.domain.rules import Out, Rules
from services.bankruptcy.domain.transitions import GROUND_STAGES, LAWFUL, lawful

Decider = Callable[..., list[Out]]
STEPS: dict[type[Command], tuple[Decider, bool]] = {
    p.FileBankruptcyPetition: (petition.file, False),
    p.ReferEnforcementToBankruptcy: (petition.refer, True),
    p.ExtendRulingPeriod: (petition.extend_ruling, False),
    p.AcceptPetition: (petition.accept, True),
    p.RejectPetition: (petition.reject, False),
    p.DismissPetition: (petition.dismiss, False),
    p.FileAppeal: (petition.appeal, False),
    p.DecideAppeal: (petition.decide_appeal, False),
    p.NotifyCreditors: (course.notify, False),
    p.SetClaimsDeadline: (course.claims, False),
    p.RecordCreditorsMeeting: (course.meeting, False),
    p.OrderReorganization: (course.reorganize, False),
    p.ExtendPlanPeriod: (course.extend_plan, False),
    p.RecordPlanFiling: (course.plan_filed, False),
    p.ApproveReorganizationPlan: (course.approve_plan, True),
    p.TerminateReorganization: (course.end_reorganization, False),
    p.OrderSettlement: (course.settle, False),
    p.ApproveSettlement: (course.approve_settlement, False),
    p.TerminateSettlement: (course.end_settlement, False),
    p.DeclareBankrupt: (course.declare, False),
    p.RecordDistribution: (course.distribute, False),
    p.TerminateProceedings: (course.terminate, True),
    p.DischargeAdministrator: (course.discharge, False),
}
"""The court's steps: each with its decider and whether it needs the rules (it generates tasks
or counts a configured period)."""


def decide_step(
    cmd: Command, case: BankruptcyCase, *, by: str, now: datetime, rules: Rules
) -> list[Out]:
    """Decide one of the court's steps, sent by `by` at `now`."""
    decider, needs_rules = STEPS[type(cmd)]
    args: list[Any] = [cmd, case, by, now]
    return decider(*args, rules) if needs_rules else decider(*args)


__all__ = ["GROUND_STAGES", "LAWFUL", "STEPS", "decide_deregistration", "decide_step", "lawful"]
