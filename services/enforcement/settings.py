"""The enforcement service's own settings, read once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EnforcementSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FUYUAN_ENFORCEMENT_", extra="ignore", frozen=True)

    respond_within: timedelta = Field(default=timedelta(hours=72))
    """How long a bureau has to answer a property query (答复期限)."""
    cache_window: timedelta = Field(default=timedelta(hours=1))
    """A repeated query of the same debtor within this window gets the result in hand."""
    ack_within: timedelta = Field(default=timedelta(days=7))
    """How long a bureau has to acknowledge a sanction notice or confirm a lift (回执期限)."""
    over_seizure_tolerance: Decimal = Field(default=Decimal("0.2"), ge=0, le=10)
    """How far, as a share of the amount to be enforced, what a case holds may exceed it before
    a freeze counts as obviously excessive (明显超标的, 查封规定 第十九条) and needs a stated
    reason. The law names no figure: this is a policy setting, 0.2 = 20 %."""
    grace_months: int = Field(default=0, ge=0, le=3)
    """宽限期 — months (1–3) a listing or restriction waits before it takes effect and the bureaus
    are told, when the court's command does not say (`grace_months`). Basis: 法发〔2019〕35号
    (善意文明执行意见) lets the court give one to three months before publication; 0, the
    default, gives none: the grace period is the court's choice case by case."""
    require_court_documents: bool = Field(default=False)
    """Refuse a freeze, renewal, release or deduction that does not carry its ruling, notice of
    assistance and electronic seal (`documents`, 网络查询冻结存款规定 第三条、第四条). The law
    requires them; off by default only until every court's system sends them (the simulated
    courts do): then turn it on."""
    deadline_tick: float = Field(default=30.0, gt=0)
    """Seconds between looks for overdue queries and expiring controls."""
    projection_interval: float = Field(default=1.0, gt=0)
    """Seconds between two catch-ups of the projections (`due_cases`, `sanction_parties`,
    `debtor_cases`); a deadline tick, a status question and a bankruptcy acceptance also catch up
    first."""
