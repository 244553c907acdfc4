"""The bankruptcy bench's pure parts: the notices an acceptance owes, and its section of
docs/PERFORMANCE.md (formatting and merging only; no timing is asserted)."""

from __future__ import annotations

from collections import Counter

from bench.bankruptcy import BARE, FUYUAN, BankruptcyResult, task_notices
from bench.fanout import Contender, Run
from bench.report import BANKRUPTCY_TITLE, SANCTIONS_TITLE, bankruptcy_markdown, merge_section


def result() -> BankruptcyResult:
    tasks = [
        ("task", "a", "lead", "X1"),
        ("task", "a", "co_unit", "X2"),
        ("task", "b", "lead", "X1"),
    ]
    r = BankruptcyResult("CT410482", "BK1", tasks, rate=10, seconds_per_round=10, rounds=2)
    f, b = Contender(FUYUAN), Contender(BARE)
    f.runs = [Run(10, 3, [0.1, 0.2, 0.3], 1.0), Run(10, 3, [0.2, 0.2, 0.4], 1.0)]
    b.runs = [Run(10, 3, [0.01, 0.01, 0.02], 1.0), Run(10, 3, [0.02, 0.02, 0.02], 1.0)]
    r.contenders = {FUYUAN: f, BARE: b}
    return r


def test_an_acceptance_owes_each_generated_task_one_lead_notice_and_a_release() -> None:
    tokens = task_notices()
    leads = Counter(item for kind, item, role, _ in tokens if role == "lead")
    assert tokens and all(kind == "task" for kind, *_ in tokens)
    assert set(leads.values()) == {1}
    assert len(set(tokens)) == len(tokens)
    r = BankruptcyResult("CT410482", "BK1", tokens, rate=1, seconds_per_round=1, rounds=1)
    assert r.notices == len(tokens) + 1
    assert "BK1" in r.bureaus


def test_the_section_gives_the_counts_the_ratios_and_the_bare_subjects() -> None:
    r = result()
    text = "\n".join(bankruptcy_markdown(r))
    assert text.startswith(BANKRUPTCY_TITLE)
    assert "**3 task notices**" in text
    assert "4 notices per acceptance" in text
    assert f"p50 × {r.ratio('p50'):.1f}" in text
    assert "p50 ratio per round 10.0–20.0" in text
    assert "bench.bare.coordination_task.v1.<bureau>" in text


def test_merging_replaces_only_the_bankruptcy_section() -> None:
    old = "\n".join(
        [
            "# Performance",
            "",
            SANCTIONS_TITLE,
            "",
            "s",
            "",
            BANKRUPTCY_TITLE,
            "",
            "old",
            "",
            "## Method",
            "",
            "m",
        ]
    )
    merged = merge_section(old, [BANKRUPTCY_TITLE, "", "new"], BANKRUPTCY_TITLE)
    assert "old" not in merged and "new" in merged
    assert (
        merged.index(SANCTIONS_TITLE) < merged.index(BANKRUPTCY_TITLE) < merged.index("## Method")
    )
    assert merge_section(merged, [BANKRUPTCY_TITLE, "", "new"], BANKRUPTCY_TITLE) == merged
