"""The bankruptcy service's own settings, read once."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.bankruptcy.domain.rules import REFERRAL_RULING_DAYS


class BankruptcySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FUYUAN_BANKRUPTCY_", extra="ignore", frozen=True)

    referral_days: int = Field(default=REFERRAL_RULING_DAYS, ge=1, le=180)
    """执转破: days the receiving court takes to decide on a referral from enforcement, after
    which the court and the joint office are told. No statute read sets it ([U],
    docs/BANKRUPTCY.md): a policy setting."""
    deadline_tick: float = Field(default=30.0, gt=0)
    """Seconds between looks for passed statutory clocks and late coordination tasks."""
    projection_interval: float = Field(default=1.0, gt=0)
    """Seconds between two catch-ups of the projections (the case numbers, the cases due, the
    expense aid approved); a deadline tick and a lookup of an unknown number catch up first."""
