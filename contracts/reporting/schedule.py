"""报送时限 — the configurable part of reporting obligations (`deploy/reporting/obligations.yaml`):
the lead units' day of the month and the reminder days before a due date. Both are local
practice ([U]): data, validated when loaded, every problem named by field."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, field_validator

from contracts.bankruptcy.data import (
    DataError,
    EntryId,
    Source,
    Text,
    Version,
    load,
    source_problems,
)
from contracts.base import Contract


class ObligationSchedule(Contract):
    version: Version
    source_documents: dict[EntryId, Text]
    source: Source
    lead_day: int = Field(ge=1, le=31)
    """牵头单位报送日 — the day of the month (the 25th in the seeds); in a shorter month, its
    last day. A holiday does not move it."""
    reminder_days: tuple[int, ...] = Field(max_length=10)
    """Days before the due date a reminder goes out, e.g. [3, 1]."""

    @field_validator("reminder_days")
    @classmethod
    def _distinct(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        if any(d < 0 or d > 31 for d in days):
            raise ValueError("each reminder day is between 0 and 31")
        if len(set(days)) != len(days):
            raise ValueError("a reminder day appears twice")
        return days

    def problems(self) -> list[str]:
        return list(source_problems("schedule", self.source, self.source_documents))


def load_schedule(path: Path | None = None) -> ObligationSchedule:
    where = path or Path(
        os.environ.get("FUYUAN_REPORTING_SCHEDULE")
        or Path(os.environ.get("FUYUAN_HOME") or Path(__file__).resolve().parents[2])
        / "deploy"
        / "reporting"
        / "obligations.yaml"
    )
    schedule = load(ObligationSchedule, where)
    if problems := schedule.problems():
        raise DataError(problems, str(where))
    return schedule
