"""The supervisor in milliseconds: restarts with capped backoff, states for the heartbeat, a
bounded join, an outage logged once."""

from __future__ import annotations

import asyncio

import pytest
from structlog.testing import capture_logs

from services.runtime.supervision import Loop, Pause, Supervisor, as_loop, backoff


def test_the_wait_before_a_restart_doubles_up_to_its_cap() -> None:
    assert [backoff(n, cap=5.0) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def failing(times: int, stop: asyncio.Event) -> Loop:
    calls = 0

    async def run() -> None:
        nonlocal calls
        calls += 1
        if calls <= times:
            raise ValueError(f"bad moment {calls}")
        await stop.wait()

    return Loop("flaky", run)


async def wait_for_state(sup: Supervisor, name: str, state: str, restarts: int) -> None:
    for _ in range(200):
        s = sup.states[name]
        if s.state == state and s.restarts == restarts:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{name} never {state} after {restarts} restarts: {sup.report()}")


async def test_a_crashed_loop_is_restarted_and_its_failure_is_logged_with_the_reason() -> None:
    stop = asyncio.Event()
    sup = Supervisor(stop, cap=0.02)
    with capture_logs() as logs:
        sup.start(failing(2, stop))
        await wait_for_state(sup, "flaky", "running", 2)
    failures = [e for e in logs if e["event"] == "loop failed, restarting"]
    assert [e["error"] for e in failures] == [
        "ValueError: bad moment 1",
        "ValueError: bad moment 2",
    ]
    assert all(e["log_level"] == "error" for e in failures)
    assert sup.report()["flaky"]["last_error"] == "ValueError: bad moment 2"
    stop.set()
    assert await sup.join(1.0) == []
    assert sup.report()["flaky"]["state"] == "stopped"


async def test_a_loop_that_returns_before_the_stop_counts_as_a_failure() -> None:
    stop = asyncio.Event()
    sup = Supervisor(stop, cap=0.02)

    async def quits() -> None:
        return None

    sup.start(Loop("quitter", quits))
    await wait_for_state(sup, "quitter", "restarting", 2)
    assert "returned before the service stopped" in (sup.states["quitter"].last_error or "")
    stop.set()
    await sup.join(1.0)


async def test_a_loop_that_ignores_the_stop_is_cancelled_after_the_deadline() -> None:
    stop = asyncio.Event()
    sup = Supervisor(stop)

    async def stubborn() -> None:
        await asyncio.sleep(3600)

    sup.start(Loop("stubborn", stubborn))
    await asyncio.sleep(0)
    stop.set()
    assert await asyncio.wait_for(sup.join(0.05), 3.0) == ["stubborn"]
    assert sup.states["stubborn"].state == "stopped"


async def test_two_loops_of_one_name_are_told_apart() -> None:
    stop = asyncio.Event()
    sup = Supervisor(stop)
    for _ in range(2):
        sup.start(Loop("same", stop.wait))
    assert set(sup.report()) == {"same", "same-2"}
    stop.set()
    await sup.join(1.0)


async def test_a_bare_coroutine_runs_once_and_its_restart_is_an_error_not_a_silent_stop() -> None:
    async def once() -> None:
        raise ValueError("gone")

    loop = as_loop("bare", once())
    with pytest.raises(ValueError, match="gone"):
        await loop.run()
    with pytest.raises(RuntimeError, match="cannot be restarted"):
        await loop.run()


def test_an_outage_is_logged_once_when_it_begins_and_once_when_it_ends() -> None:
    pause = Pause("relay-testing")
    with capture_logs() as logs:
        for _ in range(5):
            pause.begin("database: ConnectionRefusedError")
        assert pause.reason == "database: ConnectionRefusedError"
        pause.end()
        pause.end()
    assert [e["event"] for e in logs] == ["paused: a server is unreachable", "resumed"]
    assert pause.reason is None
