"""Unit assessment: only closed periods, weights as data, commendation and accountability citing
their basis."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

import contracts.catalog  # noqa: F401  (registers every context's messages)
from contracts.registry import PAYLOADS
from contracts.reporting.indicators import Weight, load_assessment, load_indicators
from contracts.reporting.reports import (
    IndicatorComputed,
    InputRange,
    Period,
    ReportOverdue,
    Verdict,
)
from services.reporting.domain import errors
from services.reporting.domain.assessment import assess, closed
from services.reporting.domain.obligations import SHANGHAI

CATALOGUE = load_indicators(PAYLOADS)
SCHEME = load_assessment(CATALOGUE)
MARCH = Period(year=2027, month=3)
AFTER = datetime(2027, 4, 1, tzinfo=SHANGHAI)


def snap(
    indicator: str, value: float | None, unit: str = "UNIT01", period: Period = MARCH
) -> IndicatorComputed:
    return IndicatorComputed(
        indicator=indicator,
        catalogue_version=CATALOGUE.version,
        period=period,
        scope=unit,
        as_of=AFTER,
        values={"": value},
        inputs=InputRange(first_position=1, last_position=9, count=9, sha256="a" * 64),
    )


def all_at(value: float) -> dict[str, IndicatorComputed]:
    return {w.indicator: snap(w.indicator, value) for w in SCHEME.weights}


def test_only_a_closed_period_is_assessed() -> None:
    assert not closed(MARCH, AFTER - timedelta(microseconds=1))
    assert closed(MARCH, AFTER)
    with pytest.raises(errors.PeriodNotClosedError) as refused:
        assess(SCHEME, CATALOGUE, "UNIT01", MARCH, all_at(95), [], AFTER - timedelta(seconds=1))
    assert refused.value.field == "data.period"


def test_a_high_score_is_commended_citing_the_snapshots() -> None:
    result = assess(SCHEME, CATALOGUE, "UNIT01", MARCH, all_at(95), [], AFTER)
    assert result.score == 95.0 and result.verdict is Verdict.COMMENDATION
    assert any("snapshot " + "a" * 64 in line for line in result.basis)


def test_weights_carry_the_score_and_missing_values_are_left_out() -> None:
    snaps = all_at(100)
    snaps["heads_appearance_rate"] = snap("heads_appearance_rate", 40)  # weight 15 of 100
    snaps["ledger_entries_checked_off"] = snap("ledger_entries_checked_off", None)
    result = assess(SCHEME, CATALOGUE, "UNIT01", MARCH, snaps, [], AFTER)
    assert result.score == round((70 * 100 + 15 * 40) / 85, 2)
    assert result.verdict is Verdict.NONE and result.basis == ()


def test_a_low_score_or_an_overdue_report_calls_for_accountability() -> None:
    low = assess(SCHEME, CATALOGUE, "UNIT01", MARCH, all_at(50), [], AFTER)
    assert low.verdict is Verdict.ACCOUNTABILITY and "score 50.0" in low.basis[0]
    late = ReportOverdue(unit="UNIT01", period=MARCH, due_on=date(2027, 3, 25), noted_at=AFTER)
    other = ReportOverdue(unit="UNIT02", period=MARCH, due_on=date(2027, 3, 25), noted_at=AFTER)
    result = assess(SCHEME, CATALOGUE, "UNIT01", MARCH, all_at(95), [late, other], AFTER)
    assert result.verdict is Verdict.ACCOUNTABILITY
    assert result.basis[-1] == "report for 2027-03 overdue since 2027-03-25"
    assert sum("overdue" in line for line in result.basis) == 1


def test_a_snapshot_of_another_unit_or_period_is_refused() -> None:
    snaps = all_at(90)
    snaps["loss_rate"] = snap("loss_rate", 10, unit="UNIT02")
    with pytest.raises(errors.SnapshotMismatchError) as refused:
        assess(SCHEME, CATALOGUE, "UNIT01", MARCH, snaps, [], AFTER)
    assert refused.value.field == "data.snapshots.loss_rate"


def test_a_lower_is_better_indicator_counts_as_its_complement() -> None:
    scheme = SCHEME.model_copy(
        update={"weights": (Weight(indicator="loss_rate", weight=50), *SCHEME.weights[:1])}
    )
    snaps = {
        "loss_rate": snap("loss_rate", 20),
        SCHEME.weights[0].indicator: snap(SCHEME.weights[0].indicator, 60),
    }
    result = assess(scheme, CATALOGUE, "UNIT01", MARCH, snaps, [], AFTER)
    # loss rate 20 % → 80 points, weight 50; the other 60 points, weight 15.
    assert result.score == round((50 * 80 + 15 * 60) / 65, 2)
