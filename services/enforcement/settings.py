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
    deadline_tick: float = Field(default=30.0, gt=0)
    """Seconds between looks for overdue queries and expiring controls."""
