"""看护 — every long-running loop of a service runs under a supervisor.

A loop that crashes (or returns before the service stops) is logged with its reason and started
again after a wait that doubles up to a cap, so one bad moment never silently removes a consumer,
the relay, a timer or the checkpoints. The supervisor keeps each loop's state for the heartbeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import structlog

log = structlog.get_logger("supervision")


@dataclass(frozen=True)
class Loop:
    """A named loop; `run` makes a fresh coroutine on every start."""

    name: str
    run: Callable[[], Awaitable[object]]


@dataclass
class LoopState:
    """What the heartbeat says about one loop."""

    state: str = "running"
    """running, restarting or stopped."""
    restarts: int = 0
    last_error: str | None = None
    failed_at: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {"state": self.state, "restarts": self.restarts, "last_error": self.last_error}


def backoff(restarts: int, cap: float, first: float = 0.5) -> float:
    """Seconds before restart number `restarts` (1-based): 0.5, 1, 2, 4 … up to `cap`."""
    return min(cap, first * 2 ** max(0, restarts - 1))


def reason(exc: BaseException) -> str:
    """The exception in one line, bounded, as the log and the heartbeat show it."""
    text = "".join(traceback.format_exception_only(exc)).strip().replace("\n", " | ")
    return text[:500]


@dataclass
class Supervisor:
    """Starts loops, restarts the ones that fail, and stops them all within a deadline."""

    stop: asyncio.Event
    cap: float = 30.0
    stable_after: float = 60.0
    """A loop that ran this long since its last failure starts its backoff from the beginning."""
    states: dict[str, LoopState] = field(default_factory=dict)
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    def start(self, loop: Loop) -> asyncio.Task[None]:
        name = self._unique(loop.name)
        self.states[name] = LoopState()
        task = asyncio.create_task(self._keep(name, loop), name=name)
        self.tasks[name] = task
        return task

    def _unique(self, name: str) -> str:
        n, candidate = 1, name
        while candidate in self.states:
            n, candidate = n + 1, f"{name}-{n + 1}"
        return candidate

    async def _keep(self, name: str, loop: Loop) -> None:
        state = self.states[name]
        while not self.stop.is_set():
            state.state = "running"
            try:
                await loop.run()
                if self.stop.is_set():
                    break
                raise RuntimeError("the loop returned before the service stopped")
            except Exception as exc:
                if self.stop.is_set():
                    log.warning("loop failed while stopping", loop=name, error=reason(exc))
                    break
                await self._failed(name, state, exc)
        state.state = "stopped"

    async def _failed(self, name: str, state: LoopState, exc: Exception) -> None:
        now = time.monotonic()
        if state.failed_at and now - state.failed_at > self.stable_after:
            state.restarts = 0  # it had recovered: a new failure is not part of a crash loop
        state.restarts += 1
        state.failed_at, state.last_error, state.state = now, reason(exc), "restarting"
        delay = backoff(state.restarts, self.cap)
        log.error(
            "loop failed, restarting",
            loop=name,
            error=state.last_error,
            restarts=state.restarts,
            delay=delay,
        )
        await sleep_or_stop(self.stop, delay)

    def report(self) -> dict[str, dict[str, Any]]:
        return {name: s.as_json() for name, s in self.states.items()}

    async def join(self, seconds: float) -> list[str]:
        """Wait for the loops after `stop` was set; cancel those still running after `seconds`.

        Returns the names of the loops that had to be cancelled."""
        pending = [t for t in self.tasks.values() if not t.done()]
        if not pending:
            return []
        _, late = await asyncio.wait(pending, timeout=seconds)
        for task in late:
            task.cancel()
        if late:
            # A cancelled loop gets a moment to run its finally blocks, never an unbounded one.
            await asyncio.wait(late, timeout=2.0)
        for name, task in self.tasks.items():
            if task in late:
                self.states[name].state = "stopped"
        return sorted(name for name, task in self.tasks.items() if task in late)


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    """Wait `seconds`, or less if `stop` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def as_loop(name: str, work: Loop | Coroutine[Any, Any, None]) -> Loop:
    """A loop from what a service spec gives: a `Loop`, or a bare coroutine, which cannot be
    started twice (its restart is a clear error in the log, not a silent stop)."""
    if isinstance(work, Loop):
        return work
    used = False

    async def once() -> None:
        nonlocal used
        if used:
            raise RuntimeError(f"{name} was given as a coroutine and cannot be restarted")
        used = True
        await work

    return Loop(name, once)


@dataclass
class Pause:
    """An outage as one loop lives it: logged once when it begins and once when it ends."""

    what: str
    reason: str | None = None
    since: float = 0.0

    def begin(self, why: str) -> None:
        if self.reason is None:
            self.since = time.monotonic()
            log.warning("paused: a server is unreachable", loop=self.what, reason=why)
        self.reason = why

    def end(self) -> None:
        if self.reason is not None:
            log.info("resumed", loop=self.what, after=round(time.monotonic() - self.since, 1))
        self.reason = None
