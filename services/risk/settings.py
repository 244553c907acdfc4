"""The risk service's own settings, read once."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class RiskSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FUYUAN_RISK_", extra="ignore", frozen=True)

    overdue_period_days: int = Field(default=30, ge=1, le=366)
    """Days of one overdue period: a memo item past its due date is overdue once per period and
    escalated each time. The seeds ask for monthly reports (towns at month-end, lead units by
    the 25th) and name no period for chasing ([U], docs/RISK.md): a policy setting."""
    leading_group_months: int = Field(default=6, ge=1, le=24)
    """Months between two meetings of the leading group (洛阳: every six months, the seed)."""
    deadline_tick: float = Field(default=30.0, gt=0)
    """Seconds between looks for overdue memo items and leading-group meetings."""
    projection_interval: float = Field(default=1.0, gt=0)
    """Seconds between two catch-ups of the due projection; a deadline tick catches up first."""
