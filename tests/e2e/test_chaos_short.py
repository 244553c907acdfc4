"""The fault suite's short version (`python -m chaos --quick`), in `make test`.

The services run as real processes under the mixed load of courts and bureaus; one is killed
with SIGKILL, PostgreSQL is crashed and started again, and a batch of hostile messages goes
over the ingress subjects. The suite starts its own embedded NATS and PostgreSQL on free
loopback ports (it must be able to crash them), and accounts for every message it sent.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from chaos.report import scenario_section
from chaos.result import Result
from chaos.run import Plan
from chaos.scenarios import short
from chaos.suite import run_all

pytestmark = [pytest.mark.integration, pytest.mark.timeout(420)]


@pytest.fixture(scope="module")
async def outcome() -> AsyncIterator[Result]:
    # Its own folder, not pytest's: PostgreSQL runs as a system user that must reach it, and
    # pytest removes old base folders while another session starts.
    with tempfile.TemporaryDirectory(prefix="fuyuan-chaos-") as home:
        [result] = await run_all(short(), Plan(rate=4.0, settle=120.0), Path(home), say=print)
        yield result


def report(r: Result) -> str:
    return "\n".join(scenario_section(r))


async def test_every_message_sent_through_a_kill_and_a_database_restart_is_answered(
    outcome: Result,
) -> None:
    t = outcome.tally
    assert outcome.error is None, report(outcome)
    assert t.sent["command"] > 50 and t.sent["answer"] > 50, report(outcome)
    assert outcome.settled, report(outcome)
    assert (t.outcome["lost"], t.outcome["silent"], t.outcome["set_aside"]) == (0, 0, 0), report(
        outcome
    )


async def test_no_effect_is_made_twice(outcome: Result) -> None:
    assert outcome.tally.duplicated == 0, report(outcome)


async def test_hostile_input_is_answered_like_any_other(outcome: Result) -> None:
    assert outcome.fuzzed > 0, report(outcome)
    assert outcome.tally.sent["fuzz"] == outcome.fuzzed, report(outcome)


async def test_every_fault_is_recovered_from_and_every_service_still_answers(
    outcome: Result,
) -> None:
    assert [f.recovery is not None for f in outcome.faults] == [True, True], report(outcome)
    assert outcome.alive == {"enforcement": True, "ledger": True}, report(outcome)
    assert all(outcome.clean_stop.values()), report(outcome)


async def test_the_journal_is_complete_and_intact(outcome: Result) -> None:
    assert outcome.not_journaled == 0, report(outcome)
    assert outcome.tally.unpublished == 0, report(outcome)
    assert outcome.verify is not None and outcome.verify.ok, report(outcome)
    assert outcome.reconcile is not None and outcome.reconcile.ok, report(outcome)
