"""The reporting service's own settings, read once."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReportingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FUYUAN_REPORTING_", extra="ignore", frozen=True)

    deadline_tick: float = Field(default=30.0, gt=0)
    """Seconds between looks for reminders and overdue reports."""
    projection_interval: float = Field(default=1.0, gt=0)
    """Seconds between two catch-ups of the notice projection; a deadline tick catches up
    first."""
    periods_back: int = Field(default=1, ge=0, le=24)
    """Months before the current one the deadline runner still looks at (a town's report is
    due on the month's last day, so it becomes overdue in the next month): a report of an
    earlier month left unrecorded as overdue (the service was down that long) is not chased."""
    since: str = Field(default="", pattern=r"^([0-9]{4}-(0[1-9]|1[0-2]))?$")
    """The first period (`YYYY-MM`) reports are owed for: nothing is chased for a month
    before the platform was in use. Empty: no bound but `periods_back`."""
    observe_batch: int = Field(default=128, ge=1, le=1000)
    """Messages the observer keeps in one transaction."""
