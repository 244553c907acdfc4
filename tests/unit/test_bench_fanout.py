"""The fan-out section says what capped its search and the process's CPU per query."""

from __future__ import annotations

from bench.fanout import BARE, FUYUAN, Contender, FanoutResult, Run, Step
from bench.report import FANOUT_TITLE, fanout_markdown


def result(cap_is_fsync_bound: bool) -> FanoutResult:
    f = FanoutResult("CT410482", ["A", "B"], 10.0, 5.0, 1, step_seconds=5.0)
    f.contenders = {
        FUYUAN: Contender(FUYUAN, [Run(10.0, 50, [0.02] * 50, seconds=5.0, cpu=1.0)]),
        BARE: Contender(BARE, [Run(10.0, 50, [0.004] * 50, seconds=5.0, cpu=0.25)]),
    }
    f.steps = [Step(10.0, Run(10.0, 50, [0.02] * 50, seconds=5.0), True)]
    f.max_sustained, f.search_cap, f.cap_is_fsync_bound = 10.0, 160.0, cap_is_fsync_bound
    return f


def test_the_cpu_per_query_of_each_contender_is_reported() -> None:
    f = result(True)
    assert f.contenders[FUYUAN].cpu_per_query == 1.0 / 50
    text = "\n".join(fanout_markdown(f))
    assert text.startswith(FANOUT_TITLE)
    assert f"{FUYUAN} 20.0 ms, {BARE} 5.0 ms." in text


def test_the_search_says_whether_its_cap_is_the_fsync_bound_limit() -> None:
    assert "up to the run's fsync-bound commit rate (160/s)" in "\n".join(
        fanout_markdown(result(True))
    )
    alone = "\n".join(fanout_markdown(result(False)))
    assert "fsync-bound commit rate" not in alone
    assert "up to 16 × its start (160/s; this run measured no fsync-bound limit)" in alone
