"""指标与考核 — the commands that compute indicator snapshots and assess units.

The joint office (or the reporting service's own schedule, acting as the office) asks for the
indicators of a period and scope (`ComputeIndicators` → one `IndicatorComputed` per catalogue
indicator) and for the assessment of the units of a closed period (`AssessUnits` → one
`UnitAssessed` per unit). Both read the events observed up to `as_of`, so asking again with the
same `as_of` gives the same values and digests.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from contracts.base import Command, OrgCode
from contracts.registry import register
from contracts.reporting.reports import Period


@register
class ComputeIndicators(Command):
    """生成指标 — every catalogue indicator for a period and scope."""

    TYPE = "reporting.command.compute_indicators.v1"
    period: Period
    """The month computed."""
    scope: str = Field(default="*", min_length=1, max_length=64, pattern=r"^(\*|[0-9A-Za-z_-]+)$")
    """A unit's code, or `*` for every unit."""
    as_of: AwareDatetime | None = None
    """Read only events that occurred by then; the end of the period when absent."""


@register
class AssessUnits(Command):
    """考核 — the units of a closed period, each scored from its indicator snapshots."""

    TYPE = "reporting.command.assess_units.v1"
    period: Period
    """The month assessed; it must be closed (past its month-end in Asia/Shanghai)."""
    units: tuple[OrgCode, ...] = Field(default=(), max_length=500)
    """The units assessed; when empty, every unit the period's indicator events name."""
    as_of: AwareDatetime | None = None
    """Read only events that occurred by then; the end of the period when absent."""
