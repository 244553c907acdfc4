"""The wake-up bench's pure parts: its section of docs/PERFORMANCE.md and its merging
(formatting only; no timing is asserted)."""

from __future__ import annotations

from bench.report import BANKRUPTCY_TITLE, merge_section
from bench.wakeup import LOCAL, MODES, NOTIFY, POLL, TITLE, Mode, WakeupResult, wakeup_markdown


def result() -> WakeupResult:
    r = WakeupResult(rounds=2, per_round=3, poll_seconds=0.25, gap=(0.02, 0.27))
    r.modes = {name: Mode(name) for name in MODES}
    r.modes[LOCAL].rounds = [[0.001, 0.002, 0.003], [0.002, 0.002, 0.004]]
    r.modes[NOTIFY].rounds = [[0.002, 0.004, 0.006], [0.004, 0.004, 0.008]]
    r.modes[POLL].rounds = [[0.1, 0.2, 0.3], [0.2, 0.2, 0.4]]
    r.modes[NOTIFY].lost = 1
    r.modes[LOCAL].appends = [0.001, 0.003, 0.002]
    return r


def test_medians_of_the_rounds_and_the_ratios_to_polling() -> None:
    r = result()
    assert r.modes[POLL].p50 == 0.2
    assert r.modes[POLL].p99 == 0.35
    assert r.modes[LOCAL].count == 6
    assert r.ratio(LOCAL) == 0.01
    assert r.ratio(POLL, "p99") == 1.0


def test_the_section_gives_each_way_its_row() -> None:
    text = "\n".join(wakeup_markdown(result()))
    assert text.startswith(TITLE)
    assert f"| {LOCAL} | 6 | 2.0 | 2.0 | 3.5 | 0.010 | 0.010 | 0 |" in text
    assert f"| {NOTIFY} | 6 | 0.0 | 4.0 | 7.0 | 0.020 | 0.020 | 1 |" in text
    assert f"| {POLL} | 6 | 0.0 | 200.0 | 350.0 | 1.000 | 1.000 | 0 |" in text
    assert "Poll interval 250 ms" in text
    assert "20–270 ms apart" in text


def test_merging_replaces_only_the_wakeup_section() -> None:
    old = "\n".join(["# Performance", "", BANKRUPTCY_TITLE, "", "b", "", "## Method", "", "m"])
    merged = merge_section(old, [TITLE, "", "first"], TITLE)
    assert merged.index(BANKRUPTCY_TITLE) < merged.index(TITLE) < merged.index("## Method")
    again = merge_section(merged, [TITLE, "", "second"], TITLE)
    assert "first" not in again and "second" in again and "\nb\n" in again
    assert merge_section(again, [TITLE, "", "second"], TITLE) == again
