"""Indicators: the catalogue as data (validated, event types registered), each indicator on a
hand-built event sequence, snapshots' digests and "as of"."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import contracts.catalog  # noqa: F401  (registers every context's messages)
from contracts.bankruptcy.data import DataError
from contracts.registry import PAYLOADS
from contracts.reporting.indicators import (
    IndicatorCatalogue,
    indicators_from_data,
    load_assessment,
    load_indicators,
)
from contracts.reporting.reports import Period
from services.reporting.domain.indicators import ALL, Fact, compute, digest
from services.reporting.domain.obligations import SHANGHAI

CATALOGUE = load_indicators(PAYLOADS)
MARCH = Period(year=2027, month=3)
E, B, R = "enforcement.event.", "bankruptcy.event.", "risk.event."


def at(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=SHANGHAI)


def fact(n: int, kind: str, when: datetime, subject: str, **more: str) -> Fact:
    return Fact(
        position=n,
        type=kind,
        at=when,
        subject=subject,
        scope=more.get("scope", "U1"),
        bureau=more.get("bureau", ""),
        outcome=more.get("outcome", ""),
    )


def value(indicator: str, facts: list[Fact], scope: str = "U1", group: str = "") -> Any:
    snap = compute(CATALOGUE.by_id(indicator), CATALOGUE.version, facts, MARCH, scope)
    return snap.values.get(group)


def raw() -> dict[str, Any]:
    path = Path(__file__).resolve().parents[2] / "deploy" / "reporting" / "indicators.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_the_catalogue_holds_the_issues_list() -> None:
    ids = {i.id for i in CATALOGUE.indicators}
    assert {
        "query_answers_within_deadline",
        "median_answer_days",
        "sanctions_applied_within_deadline",
        "lifts_confirmed_within_deadline",
        "bankruptcy_tasks_on_time",
        "bankruptcy_average_duration",
        "memo_items_on_time",
        "ledger_entries_checked_off",
        "heads_appearance_rate",
        "loss_rate",
        "mediation_withdrawal_rate",
    } <= ids
    for entry in CATALOGUE.indicators:
        assert entry.name_zh and entry.name_en and entry.unit


def test_an_unregistered_event_type_is_named_by_entry_and_field() -> None:
    data = raw()
    data["indicators"][2]["formula"]["numerator"] = ["enforcement.event.no_such_thing.v1"]
    with pytest.raises(DataError) as refused:
        indicators_from_data(data, PAYLOADS)
    assert "indicators[2] sanctions_applied_within_deadline: field formula.numerator" in str(
        refused.value
    )
    assert "no_such_thing" in str(refused.value)


def test_bad_entries_are_named_by_id_and_field() -> None:
    data = raw()
    data["indicators"][0]["direction"] = "sideways"
    with pytest.raises(DataError) as refused:
        indicators_from_data(data, PAYLOADS)
    assert "field indicators[0] query_answers_within_deadline.direction" in str(refused.value)


def test_unknown_sources_and_duplicates_are_named_together() -> None:
    data = raw()
    data["indicators"][1]["source"]["document"] = "nowhere"
    data["indicators"].append(dict(data["indicators"][3]))
    with pytest.raises(DataError) as refused:
        indicators_from_data(data, PAYLOADS)
    text = str(refused.value)
    assert "indicators[1] median_answer_days.source: unknown source document 'nowhere'" in text
    assert "id 'lifts_confirmed_within_deadline' appears twice" in text


def test_a_ratio_without_a_base_is_refused() -> None:
    data = raw()
    del data["indicators"][4]["formula"]["denominator"]
    with pytest.raises(DataError, match=r"indicators\[4\] bankruptcy_tasks_on_time.formula"):
        indicators_from_data(data, PAYLOADS)


def test_assessment_weights_load_and_name_unknown_indicators(tmp_path: Path) -> None:
    scheme = load_assessment(CATALOGUE)
    assert sum(w.weight for w in scheme.weights) == 100
    path = Path(__file__).resolve().parents[2] / "deploy" / "reporting" / "assessment.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["weights"][1]["indicator"] = "happiness"
    bad = tmp_path / "assessment.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError, match=r"weights\[1\] happiness: field indicator"):
        load_assessment(CATALOGUE, bad)


def test_query_answers_within_the_deadline_per_bureau_and_median() -> None:
    start, answer = E + "property_query_started.v1", E + "property_answer_recorded.v1"
    facts = [
        fact(1, start, at(1), "q1", bureau="TAX01"),
        fact(2, start, at(1), "q1", bureau="LAND01"),
        fact(3, answer, at(3), "q1", bureau="TAX01"),  # 2 days: within 7
        fact(4, answer, at(12), "q1", bureau="LAND01"),  # 11 days: late
        fact(5, start, at(10), "q2", bureau="TAX01"),
        fact(6, answer, at(14), "q2", bureau="TAX01"),  # 4 days
        fact(7, start, at(28, month=2), "q0", bureau="TAX01"),  # before the period
    ]
    assert value("query_answers_within_deadline", facts, group="TAX01") == 100.0
    assert value("query_answers_within_deadline", facts, group="LAND01") == 0.0
    assert value("median_answer_days", facts, group="TAX01") == 3.0
    assert value("median_answer_days", facts, group="LAND01") == 11.0


@pytest.mark.parametrize(
    ("indicator", "base", "done", "days", "expected"),
    [
        ("sanctions_applied_within_deadline", "sanction_imposed", "sanction_acknowledged", 5, 50.0),
        ("lifts_confirmed_within_deadline", "sanction_lifted", "lift_completed", 3, 50.0),
        (
            "bankruptcy_tasks_on_time",
            "coordination_task_assigned",
            "coordination_task_completed",
            30,
            50.0,
        ),
    ],
)
def test_within_the_deadline(
    indicator: str, base: str, done: str, days: int, expected: float
) -> None:
    prefix = B if base.startswith("coordination") else E
    facts = [
        fact(1, prefix + base + ".v1", at(1), "a"),
        fact(2, prefix + done + ".v1", at(1) + timedelta(days=days), "a"),  # on the last day
        fact(3, prefix + base + ".v1", at(1), "b"),
        fact(4, prefix + done + ".v1", at(1) + timedelta(days=days, seconds=1), "b"),
    ]
    assert value(indicator, facts) == expected


def test_average_bankruptcy_duration_over_cases_concluded_in_the_period() -> None:
    accepted, ended = B + "petition_accepted.v1", B + "proceedings_terminated.v1"
    facts = [
        fact(1, accepted, at(1, month=1), "c1"),
        fact(2, accepted, at(1, month=2), "c2"),
        fact(3, accepted, at(1, month=3), "c3"),  # not concluded
        fact(4, ended, at(1 + 30, month=1) + timedelta(days=28 + 10), "c1"),
        fact(5, ended, at(21, month=3), "c2"),
    ]
    # c1: Jan 1 → Mar 10 = 68 days; c2: Feb 1 → Mar 21 = 48 days.
    assert value("bankruptcy_average_duration", facts) == 58.0


def test_memo_items_on_time_leave_out_items_that_went_overdue() -> None:
    accepted, late = R + "memo_item_accepted.v1", R + "memo_item_overdue.v1"
    facts = [
        fact(1, accepted, at(3), "i1"),
        fact(2, late, at(4), "i2"),
        fact(3, accepted, at(9), "i2"),
        fact(4, late, at(9), "i3"),
    ]
    assert value("memo_items_on_time", facts) == pytest.approx(33.33)


def test_ledger_entries_checked_off_and_scope() -> None:
    added, closed = R + "ledger_entry_added.v1", R + "ledger_entry_closed.v1"
    facts = [
        fact(1, added, at(1), "e1"),
        fact(2, added, at(2), "e2"),
        fact(3, added, at(2), "e3", scope="U2"),
        fact(4, closed, at(20), "e1"),
        fact(5, closed, at(20), "e3", scope="U2"),
    ]
    assert value("ledger_entries_checked_off", facts) == 50.0
    assert value("ledger_entries_checked_off", facts, scope="U2") == 100.0
    assert value("ledger_entries_checked_off", facts, scope=ALL) == pytest.approx(66.67)


def test_heads_appearance_loss_and_mediation_rates() -> None:
    appeared, absent = R + "head_appeared.v1", R + "head_absent.v1"
    concluded = R + "admin_case_concluded.v1"
    facts = [
        fact(1, appeared, at(2), "h1"),
        fact(2, appeared, at(3), "h2"),
        fact(3, absent, at(4), "h3"),
        fact(4, absent, at(5), "h4"),
        fact(5, concluded, at(6), "k1", outcome="lost"),
        fact(6, concluded, at(6), "k2", outcome="upheld"),
        fact(7, concluded, at(7), "k3", outcome="mediated"),
        fact(8, concluded, at(8), "k4", outcome="withdrawn"),
        fact(9, concluded, at(8), "k5", outcome="dismissed"),
    ]
    assert value("heads_appearance_rate", facts) == 50.0
    assert value("loss_rate", facts) == 20.0
    assert value("mediation_withdrawal_rate", facts) == 40.0


def test_nothing_to_count_is_no_value() -> None:
    assert value("loss_rate", []) is None


def test_as_of_reads_only_events_up_to_then() -> None:
    added, closed = R + "ledger_entry_added.v1", R + "ledger_entry_closed.v1"
    facts = [fact(1, added, at(1), "e1"), fact(2, closed, at(20), "e1")]
    definition = CATALOGUE.by_id("ledger_entries_checked_off")
    earlier = compute(definition, CATALOGUE.version, facts, MARCH, "U1", as_of=at(10))
    later = compute(definition, CATALOGUE.version, facts, MARCH, "U1")
    assert earlier.values[""] == 0.0 and earlier.inputs.last_position == 1
    assert later.values[""] == 100.0 and later.inputs.last_position == 2


def test_snapshot_digest_is_stable_and_changes_with_an_event() -> None:
    added, closed = R + "ledger_entry_added.v1", R + "ledger_entry_closed.v1"
    facts = [fact(1, added, at(1), "e1"), fact(2, closed, at(20), "e1")]
    definition = CATALOGUE.by_id("ledger_entries_checked_off")
    one = compute(definition, CATALOGUE.version, facts, MARCH, "U1")
    two = compute(definition, CATALOGUE.version, list(facts), MARCH, "U1")
    assert one == two
    assert (one.inputs.first_position, one.inputs.last_position, one.inputs.count) == (1, 2, 2)
    changed = [facts[0], fact(2, closed, at(21), "e1")]
    assert compute(definition, CATALOGUE.version, changed, MARCH, "U1").inputs != one.inputs


fact_strategy = st.builds(
    fact,
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from([R + "ledger_entry_added.v1", R + "ledger_entry_closed.v1"]),
    st.integers(min_value=1, max_value=31).map(at),
    st.sampled_from(["e1", "e2", "e3"]),
)


@given(st.lists(fact_strategy, max_size=20, unique_by=lambda f: f.position), st.randoms())
def test_the_same_events_in_any_order_give_the_same_snapshot(facts: list[Fact], rnd: Any) -> None:
    """The rule chosen: a snapshot is a function of the set of events (ordered by position)."""
    shuffled = list(facts)
    rnd.shuffle(shuffled)
    definition = CATALOGUE.by_id("ledger_entries_checked_off")
    assert compute(definition, "2026-12", facts, MARCH, "U1") == compute(
        definition, "2026-12", shuffled, MARCH, "U1"
    )
    assert digest(facts) == digest(shuffled)


def test_catalogue_model_is_the_loaded_one() -> None:
    assert isinstance(CATALOGUE, IndicatorCatalogue)
