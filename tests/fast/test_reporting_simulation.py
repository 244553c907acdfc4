"""The simulated monthly reports of `make run`, through the real reporting intake in memory:
every step is taken (no refusal), last month's reports come late, this month's on time, one is
returned and submitted again, and the unit an ad-hoc notice names submits by its date."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

from contracts.subjects import subject
from services.cli.simulate_reporting import NOTICE_UNIT, Reporting
from tests.fast.harness import Clock, Published
from tests.fast.harness import reference_data as enforcement_reference_data
from tests.fast.reporting_harness import ReportingHarness

NOW = datetime(2026, 12, 3, 2, tzinfo=UTC)


async def run(seed: int) -> list[Published]:
    h = ReportingHarness(Clock(NOW))
    sim = Reporting(random.Random(seed), enforcement_reference_data()[0])
    out: list[Published] = []
    while (msg := sim.next_message(h.clock())) is not None:
        org = msg.envelope.organization
        out += await h.deliver(subject(msg.envelope.type, org), msg.model_dump_json().encode())
    return out


async def test_every_simulated_step_is_taken_with_late_and_on_time_reports() -> None:
    out = await run(7)
    kinds = Counter(p.type.split(".")[2] for p in out)
    assert kinds["message_rejected"] == 0, [p.problems for p in out if p.problems]
    assert kinds["report_returned"] == 1 and kinds["reporting_notice_issued"] == 1
    submitted = [p.data for p in out if p.type.endswith("report_submitted.v1")]
    november = [s for s in submitted if s["period"]["month"] == 11]
    december = [s for s in submitted if s["period"]["month"] == 12]
    assert november and all(not s["on_time"] for s in november)
    assert december and all(s["on_time"] for s in december)
    assert any(s["unit"] == NOTICE_UNIT for s in december)


async def test_the_plan_ends() -> None:
    sim = Reporting(random.Random(1), enforcement_reference_data()[0])
    steps = [m for m in iter(lambda: sim.next_message(NOW), None)]
    assert 10 < len(steps) < 60 and sim.next_message(NOW) is None
