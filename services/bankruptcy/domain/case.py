"""破产案件 — what the service knows of one bankruptcy, rebuilt from its stream: where the
procedure stands, the dates the clocks count from, the coordination tasks and expense aid."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from contracts.bankruptcy.aid import ReviewStage
from contracts.bankruptcy.deadlines import Clock
from contracts.bankruptcy.parties import Administrator, Debtor, PetitionerKind, Procedure
from contracts.bankruptcy.procedure import TerminationGround
from contracts.bankruptcy.tasks import TaskSpec, Trigger


class Stage(StrEnum):
    """程序阶段 — where the procedure stands."""

    NONE = "none"  # nothing filed
    PETITIONED = "petitioned"  # 破申: under review
    REJECTED = "rejected"  # 不予受理
    DISMISSED = "dismissed"  # 驳回申请
    APPEALED = "appealed"  # 破终 pending
    LIQUIDATION = "liquidation"  # 受理, 清算 before the declaration
    REORGANIZATION = "reorganization"  # 重整
    SETTLEMENT = "settlement"  # 和解
    PLAN_APPROVED = "plan_approved"  # 重整计划已批准, being performed
    REORGANIZATION_FAILED = "reorganization_failed"  # 重整终止: declaration next
    SETTLEMENT_APPROVED = "settlement_approved"  # 和解协议已认可
    SETTLEMENT_FAILED = "settlement_failed"  # 和解终止: declaration next
    DECLARED = "declared"  # 宣告破产
    TERMINATED = "terminated"  # 终结破产程序
    DEREGISTERED = "deregistered"  # 注销


OPEN = frozenset({Stage.LIQUIDATION, Stage.REORGANIZATION, Stage.SETTLEMENT})
"""Accepted and not yet declared, approved or failed: the stages before the declaration."""

ACCEPTED = OPEN | {
    Stage.PLAN_APPROVED,
    Stage.REORGANIZATION_FAILED,
    Stage.SETTLEMENT_APPROVED,
    Stage.SETTLEMENT_FAILED,
    Stage.DECLARED,
}
"""Stages of an accepted case whose proceedings are not terminated."""

FOLLOWING = {
    Procedure.LIQUIDATION: Stage.LIQUIDATION,
    Procedure.REORGANIZATION: Stage.REORGANIZATION,
    Procedure.SETTLEMENT: Stage.SETTLEMENT,
}


@dataclass(frozen=True)
class Task:
    """协调事项 — one task and its answers so far."""

    spec: TaskSpec
    trigger: Trigger
    assigned_on: date
    acknowledged_on: date | None = None
    progress: int = 0
    blocked: bool = False
    completed_on: date | None = None
    waived_on: date | None = None
    escalated: bool = False

    @property
    def done(self) -> bool:
        """Completed or waived."""
        return self.completed_on is not None or self.waived_on is not None


@dataclass(frozen=True)
class Application:
    """一份援助资金申请."""

    application_id: UUID
    fee_part: Decimal
    costs: Decimal
    fund: str
    budget_year: int
    reviews: tuple[ReviewStage, ...] = ()
    approved: Decimal | None = None
    approved_fee: Decimal | None = None
    rejected: bool = False
    disbursed: bool = False

    @property
    def amount(self) -> Decimal:
        return self.fee_part + self.costs


@dataclass(frozen=True)
class BankruptcyCase:
    stage: Stage = Stage.NONE
    petition_number: str | None = None
    case_number: str | None = None
    """The 破 number once accepted."""
    court: str | None = None
    """Code of the court hearing the case (the 破申, then the 破 case)."""
    debtor: Debtor | None = None
    petitioner: PetitionerKind | None = None
    referred_from: str | None = None
    """The enforcement case referred (执转破), if any."""
    filed_on: date | None = None
    ruling_due: date | None = None
    ruling_extended: bool = False
    ruled_against_on: date | None = None
    appeal_by: date | None = None
    appealed_from: Stage | None = None
    """The stage an appeal was brought from (rejected or dismissed), and where a dismissal
    reversed goes back to."""
    before_dismissal: Stage | None = None
    appeal_number: str | None = None
    appeal_decided: bool = False
    accepted_on: date | None = None
    procedure: Procedure | None = None
    administrator: Administrator | None = None
    announced_on: date | None = None
    claims_deadline: date | None = None
    meetings: tuple[date, ...] = ()
    reorganization_on: date | None = None
    plan_extended: bool = False
    plan_filed_on: date | None = None
    plan_settled: bool = False
    """The plan was approved or the reorganization ended: its vote clock no longer runs."""
    declared_on: date | None = None
    final_distribution: bool = False
    terminated_on: date | None = None
    ground: TerminationGround | None = None
    deregister_by: date | None = None
    deregistered_on: date | None = None
    discharged_on: date | None = None
    employee_claims_on: date | None = None
    escalated: frozenset[Clock] = frozenset()
    tasks: dict[UUID, Task] = field(default_factory=dict)
    applications: dict[UUID, Application] = field(default_factory=dict)
    closed_on: date | None = None

    @property
    def number(self) -> str | None:
        """The number steps name now: the 破 number once accepted, the 破申 number before."""
        return self.case_number or self.petition_number

    def generated(self, trigger: Trigger) -> bool:
        """Whether the tasks of this fact were generated already."""
        return any(t.trigger is trigger for t in self.tasks.values())
