"""The three-instance bench's pure parts: the store's order check and its section of
docs/PERFORMANCE.md (formatting only; no timing is asserted)."""

from __future__ import annotations

from typing import Any

from bench.instances import TITLE, InstancesResult, instances_markdown, out_of_order, short
from bench.report import merge_section


def rows(stream: str, *kinds: str) -> list[dict[str, Any]]:
    return [
        {"stream_id": stream, "version": i + 1, "type": f"enforcement.event.{k}.v1"}
        for i, k in enumerate(kinds)
    ]


def test_a_case_out_of_order_is_counted_once() -> None:
    good = rows(
        "case-1",
        "case_registered",
        "property_query_started",
        "property_answer_recorded",
        "property_result",
    )
    early = rows(
        "case-2",
        "case_registered",
        "property_answer_recorded",
        "property_query_started",
        "property_result",
    )
    unanswered = rows("case-3", "case_registered", "property_query_started", "property_result")
    other = rows("timer-1", "anything")
    assert out_of_order(good + other) == 0
    assert out_of_order(good + early + unanswered + other) == 2


def test_partitions_by_their_number() -> None:
    assert short("enforcement_commands_p3") == "p3"
    assert short("enforcement_commands") == "unpartitioned"


def result() -> InstancesResult:
    r = InstancesResult(rate=3, seconds=40, courts=["CT1", "CT2"])
    r.sent, r.achieved, r.last_result, r.take_over = 120, 2.9, 41.0, 1.25
    r.before, r.after = [0.1, 0.2, 0.3], [0.4, 0.5]
    r.killed, r.killed_in_hand, r.kill_at = "A", True, 20.0
    r.handler_failures, r.failure_kinds = 3, {"handler failed (ConcurrencyError)": 3}
    r.held_before = {
        "A": ["enforcement_commands_p0"],
        "B": ["enforcement_commands_p1"],
        "C": ["enforcement_commands"],
    }
    r.held_after = {
        "B": ["enforcement_commands_p0", "enforcement_commands_p1"],
        "C": ["enforcement_commands"],
    }
    return r


def test_the_section_gives_counts_latencies_and_who_held_what() -> None:
    text = "\n".join(instances_markdown(result()))
    assert text.startswith(TITLE)
    assert "| 120 | 3 | 41.0 s | 2.9 | 1.25 s | 0 | 0 | 0 | 0 |" in text
    assert "| before the kill | 3 | 200 | 300 |" in text
    assert "| after the kill | 2 | 400 | 500 |" in text
    assert "| A | p0 | killed |" in text
    assert "| B | p1 | p0, p1 |" in text
    assert "| C | unpartitioned | unpartitioned |" in text
    assert "instance A is killed" in text and "with commands in hand" in text
    assert "Handler failures logged: 3 ((ConcurrencyError) 3, all three" in text


def test_merging_replaces_only_the_instances_section() -> None:
    old = "\n".join(["# Performance", "", TITLE, "", "old", "", "## Method", "", "m"])
    merged = merge_section(old, [TITLE, "", "new"], TITLE)
    assert (
        "old" not in merged and "new" in merged and merged.index(TITLE) < merged.index("## Method")
    )
