"""积压 — waiting for the backlog: how far the ledger has journaled, when every message is
answered, and how long each fault took to recover from."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chaos.book import Sent
    from chaos.run import Run
    from chaos.scenarios import Fault

LEDGER_DURABLE = "ledger_enforcement"
"""The ledger's consumer of the service's stream: its acknowledgement floor is how far the
journal has come."""


async def poll_ledger(run: Run, stop: asyncio.Event) -> None:
    """How far the ledger has journaled the service's stream, twice a second."""
    assert run.stack.nc is not None
    js = run.stack.nc.jetstream(timeout=3)
    while not stop.is_set():
        with contextlib.suppress(Exception):
            info = await js.consumer_info(run.stream, LEDGER_DURABLE)
            run.ledger_floor.append((time.monotonic(), info.ack_floor.stream_seq))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


def journaled_by(run: Run, seq: int, after: float) -> float | None:
    """When, after `after`, the ledger had journaled everything up to `seq`."""
    return next((t for t, floor in run.ledger_floor if t >= after and floor >= seq), None)


AFTER = 2.0
"""Seconds of messages after the first one the server took once a fault was over, counted in
its backlog too: while NATS is down or electing a leader nothing can be sent, and the first
messages after it show how soon the services answer again."""


def backlog(run: Run, f: Fault) -> list[Sent]:
    """The messages sent before the fault ended, and those of the first seconds after it."""
    sent = run.book.sent.values()
    first_after = min((s.at for s in sent if s.at > f.end), default=f.end)
    return [s for s in sent if s.at <= first_after + AFTER]


def measure_recovery(run: Run) -> None:
    for f in run.faults:
        before = backlog(run, f)
        answered = [run.book.answered_at(s) for s in before]
        if any(a is None for a in answered):
            continue
        done = max([f.end, *[a for a in answered if a is not None]])
        if mine := [s.seq for s in before if s.stream == run.stream]:
            ledger = journaled_by(run, max(mine), f.end)
            if ledger is None:
                continue
            done = max(done, ledger)
        f.recovery = done - f.end


async def settle(run: Run) -> bool:
    """Until every message sent is answered and the ledger journaled the whole stream."""
    deadline = time.monotonic() + run.plan.settle
    while time.monotonic() < deadline:
        if not run.book.unanswered():
            top = run.book.last_seq
            floor = run.ledger_floor[-1][1] if run.ledger_floor else 0
            if floor >= top and top > 0:
                return True
        await asyncio.sleep(0.5)
    return False


async def caught_up(run: Run, within: float) -> bool:
    """Until the suite has read, and the ledger journaled, the whole stream as it is now."""
    assert run.stack.nc is not None
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            info = await run.stack.nc.jetstream(timeout=3).stream_info(run.stream)
            top = info.state.last_seq
            floor = run.ledger_floor[-1][1] if run.ledger_floor else 0
            if run.book.last_seq >= top and floor >= top:
                return True
        await asyncio.sleep(0.5)
    return False
