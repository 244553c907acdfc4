"""单位考核 — a unit's score for a closed period from its indicator snapshots, with the weights
kept as data (`deploy/reporting/assessment.yaml`).

Only a closed period counts: one whose last due date (month-end) has passed in Asia/Shanghai.
The score is the weighted mean of the weighted indicators that have a value (a `lower is
better` percentage counts as 100 − value); indicators with nothing to count are left out and the
weights of the rest carry the score. A score at or above the commendation line earns a
commendation; one below the accountability line, or any report left overdue in the period, calls
for accountability. Either cites its basis: the score and the snapshots, and the overdue reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from contracts.reporting.indicators import AssessmentScheme, Direction, IndicatorCatalogue
from contracts.reporting.reports import (
    IndicatorComputed,
    Period,
    ReportOverdue,
    ScorePart,
    UnitAssessed,
    Verdict,
)
from services.reporting.domain.errors import PeriodNotClosedError, SnapshotMismatchError
from services.reporting.domain.obligations import period_end


def closed(period: Period, now: datetime) -> bool:
    """Past every due date of the period: the month has ended in Asia/Shanghai."""
    return now >= period_end(period)


def assess(
    scheme: AssessmentScheme,
    catalogue: IndicatorCatalogue,
    unit: str,
    period: Period,
    snapshots: Mapping[str, IndicatorComputed],
    overdue_reports: Sequence[ReportOverdue],
    now: datetime,
) -> UnitAssessed:
    if not closed(period, now):
        raise PeriodNotClosedError(f"the period {period} is not closed yet")
    for indicator, snap in snapshots.items():
        if snap.period != period or snap.scope != unit or snap.indicator != indicator:
            raise SnapshotMismatchError(
                f"the snapshot given for {indicator} is of {snap.indicator} "
                f"for {snap.scope} in {snap.period}",
                f"data.snapshots.{indicator}",
            )
    parts: list[ScorePart] = []
    for weight in scheme.weights:
        given = snapshots.get(weight.indicator)
        parts.append(
            ScorePart(
                indicator=weight.indicator,
                value=None if given is None else given.values.get(""),
                weight=weight.weight,
                snapshot_sha256="" if given is None else given.inputs.sha256,
            )
        )
    scored = [p for p in parts if p.value is not None]
    total = sum(p.weight for p in scored)
    score = None
    if total:
        points = sum(p.weight * _points(catalogue, p.indicator, p.value or 0.0) for p in scored)
        score = round(points / total, 2)
    mine = [o for o in overdue_reports if o.unit == unit and o.period == period]
    basis = [f"score {score} under scheme {scheme.version}"] + [
        f"{p.indicator}={p.value} (snapshot {p.snapshot_sha256})" for p in scored
    ]
    if mine or (score is not None and score < scheme.account_below):
        verdict = Verdict.ACCOUNTABILITY
        basis += [f"report for {o.period} overdue since {o.due_on}" for o in mine]
    elif score is not None and score >= scheme.commend_at_or_above:
        verdict = Verdict.COMMENDATION
    else:
        verdict, basis = Verdict.NONE, []
    return UnitAssessed(
        unit=unit,
        period=period,
        scheme_version=scheme.version,
        score=score,
        parts=tuple(parts),
        verdict=verdict,
        basis=tuple(basis),
    )


def _points(catalogue: IndicatorCatalogue, indicator: str, value: float) -> float:
    """A percentage where lower is better counts as 100 − value."""
    lower = catalogue.by_id(indicator).direction is Direction.LOWER
    return 100 - value if lower else value
