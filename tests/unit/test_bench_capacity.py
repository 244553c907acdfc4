"""The capacity measurement's arithmetic and tables (bench/capacity.py, docs/SCALING.md); no
timing is asserted."""

from __future__ import annotations

from collections import Counter

from bench.capacity import (
    Capacity,
    Province,
    Snapshot,
    by_kind,
    difference,
    kind_of,
    markdown,
    plan_for,
)


def snap(subjects: dict[str, int], delivered: dict[str, int], cpu: float, commits: int) -> Snapshot:
    names = ("enforcement", "bankruptcy", "risk", "reporting", "ledger", "nats-server", "postgres")
    return Snapshot(
        subjects=Counter(subjects),
        stream_bytes=1000 * commits,
        delivered=Counter(delivered),
        pending=0,
        cpu=dict.fromkeys(names, cpu),
        commits=commits,
        wal=2048 * commits,
        at=0.0,
    )


def test_the_peak_hour_of_a_province_is_its_cases_over_working_hours_times_the_peak() -> None:
    p = Province()
    assert (p.cases, p.queries, p.listings, p.acceptances) == (1500, 6000, 450, 3)
    plan = plan_for(p, 0.01)
    assert (plan.cases, plan.listings, plan.acceptances) == (15, 4, 1)


def test_a_subject_is_counted_by_context_kind_and_name_without_version_or_organization() -> None:
    assert kind_of("enforcement.notice.property_query.v1.NR410482") == (
        "enforcement.notice.property_query"
    )
    assert kind_of("deadletter.enforcement.enforcement_commands") == "deadletter"
    kinds = by_kind({"enforcement.notice.a": 2, "enforcement.notice.b": 3, "ledger.event.c": 1})
    assert kinds == Counter({"enforcement.notice": 5, "ledger.event": 1})


def test_a_phase_is_what_changed_and_each_consumer_counts_for_its_service() -> None:
    before = snap({"enforcement.command.q": 1}, {"enforcement_commands": 1, "ledger_x": 1}, 1.0, 5)
    after = snap(
        {"enforcement.command.q": 3, "enforcement.event.e": 4},
        {"enforcement_commands": 3, "enforcement_replies": 4, "ledger_x": 7, "ledger_y": 2},
        1.5,
        9,
    )
    phase = difference("query", 2, 0, before, after, 10.0)
    assert phase.messages == {"enforcement.command.q": 2, "enforcement.event.e": 4}
    assert phase.total == 6
    assert phase.handled == {"enforcement": 6, "ledger": 8}
    assert phase.cpu["enforcement"] == 0.5
    assert (phase.commits, phase.wal_bytes, phase.stream_bytes) == (4, 8192, 4000)


def test_the_tables_give_messages_cpu_and_memory_per_operation_and_per_service() -> None:
    before = snap({}, {}, 0.0, 0)
    after = snap({"enforcement.command.q": 2, "enforcement.reply.a": 20}, {"ledger_x": 22}, 1.1, 4)
    result = Capacity(
        province=Province(),
        fraction=0.5,
        plan=plan_for(Province(), 0.5),
        concurrency=16,
        phases=[difference("property query", 2, 0, before, after, 3.0)],
        memory_kb={"enforcement": {"VmRSS": 90 * 1024, "VmHWM": 95 * 1024}},
        memory_start_kb={"enforcement": 80 * 1024},
        commit="abc1234",
        when="2026-12-03 12:00 UTC",
        machine="2 cores",
    )
    text = markdown(result)
    assert "| property query | 2 | 0 | 3 | **11.0**: enforcement.command 1.0" in text
    assert "enforcement.reply 10.0" in text
    assert "| property query | 550.0 | 550.0 |" in text  # CPU ms per operation
    assert "| ledger | 22 | 1.1 | 50.00 |" in text
    assert "| enforcement | 0 | 1.1 | – | 80 MiB | 90 MiB | 95 MiB |" in text
