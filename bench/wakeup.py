"""The relay's wake-up latency: from an append's commit to its event stored in JetStream.

One relay leads the schema `bench_wakeup` (its own pool, the relay's default poll interval), and
a core NATS subscriber on the stream's subjects timestamps each event's arrival (the server
hands a message to core subscribers as it stores it). One event is appended at a time, at a
random gap spread over a poll interval, so the relay is idle when each commit comes and a polled
commit lands at a random point of the relay's sleep. Latency runs from the append's call to the
arrival: the commit happens inside the call, and a notification can reach the relay before the
writer has the call's return, so the return would favour NOTIFY; the append's own time (call to
return, the commit's fsync included) is given beside it. Three ways the relay learns of the commit:

- local: the store shares the relay's pool, as a service's handlers do in the process where its
  relay leads; the append wakes the relay directly after its commit (`wake_locally`);
- NOTIFY: the store has a pool of its own, as another instance of the service has: no local
  wake-up is registered for it, so the statement notifies `<schema>_appended`, delivered at
  commit to the leader's listening session;
- polling: a store whose appends neither wake nor notify; the relay finds the event at its next
  poll (`idle_sleep`, the interval the services run with).

The three are measured in interleaved rounds; the medians of the rounds' p50 and p99 are given.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
import nats
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from bench.common import measured
from bench.fanout import percentile
from contracts.subjects import stream_name
from services.runtime import streams
from services.runtime.eventstore import StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from services.runtime.relay import Relay

SCHEMA = "bench_wakeup"
CONTEXT = "bench"
STREAM = stream_name(CONTEXT)
TITLE = "## Relay wake-up latency"

LOCAL = "local wake-up (same process)"
NOTIFY = "NOTIFY (another instance)"
POLL = "polling only"
MODES = (LOCAL, NOTIFY, POLL)


class Silent(PostgresEventStore):
    """A store whose appends neither wake the relay nor notify: only its poll finds them."""

    def _local_wake(self) -> Callable[[], None] | None:
        return lambda: None


@dataclass
class Mode:
    name: str
    rounds: list[list[float]] = field(default_factory=list)
    """Seconds from the append's call to the arrival, per round."""
    appends: list[float] = field(default_factory=list)
    """Seconds from the append's call to its return (the commit confirmed)."""
    lost: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(percentile(r, 50) for r in self.rounds) if self.rounds else 0.0

    @property
    def p99(self) -> float:
        return statistics.median(percentile(r, 99) for r in self.rounds) if self.rounds else 0.0

    @property
    def append(self) -> float:
        return statistics.median(self.appends) if self.appends else 0.0

    @property
    def count(self) -> int:
        return sum(len(r) for r in self.rounds)


@dataclass
class WakeupResult:
    rounds: int
    per_round: int
    poll_seconds: float
    gap: tuple[float, float]
    modes: dict[str, Mode] = field(default_factory=dict)

    def ratio(self, name: str, which: str = "p50") -> float:
        poll, mode = self.modes.get(POLL), self.modes.get(name)
        if not poll or not mode:
            return float("nan")
        num, den = (mode.p50, poll.p50) if which == "p50" else (mode.p99, poll.p99)
        return num / den if den else float("nan")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def wakeup_markdown(r: WakeupResult) -> list[str]:
    lines = [
        TITLE,
        "",
        "From an append's call (the commit happens inside it) until a core NATS subscriber holds "
        "the event the relay published to JetStream; one event at a time, "
        f"{r.gap[0] * 1000:.0f}–{r.gap[1] * 1000:.0f} ms apart at random (the relay idle at each "
        "commit, a polled commit at a random point of the relay's sleep), "
        f"{r.per_round} appends per way per round, {r.rounds} interleaved rounds; medians of "
        f"the rounds' p50 and p99. Poll interval {r.poll_seconds * 1000:.0f} ms (the relay's "
        "`idle_sleep`, as the services run it). Local: the store on the relay's pool, woken "
        "directly after the commit (`wake_locally`). NOTIFY: the store on a pool of its own, as "
        "another instance's, the statement notifying `<schema>_appended`. Polling: neither.",
        "",
        "| Wake-up | Appends | Append itself, median ms | p50 ms | p99 ms | p50 × polling "
        "| p99 × polling | Lost |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in MODES:
        m = r.modes.get(name)
        if m is None:
            continue
        lines.append(
            f"| {name} | {m.count:,} | {_ms(m.append)} | {_ms(m.p50)} | {_ms(m.p99)} | "
            f"{r.ratio(name, 'p50'):.3f} | {r.ratio(name, 'p99'):.3f} | {m.lost} |"
        )
    lines += [
        "",
        "The append's own time is in every way's latency alike. Local and NOTIFY are alike "
        "within the noise: the local wake-up is called once the writer has the commit's "
        "reply, while the server sends a notification at the commit itself, so NOTIFY starts "
        "the relay no later; what the local wake-up saves is in the commit (a notifying "
        "transaction holds a database-wide lock through its commit, so notifying commits are "
        "flushed one at a time), not in this latency. "
        "The machine is shared with other work while this runs: the figures are noisy, the "
        "medians of the rounds are given, and no figure here is asserted by a test.",
    ]
    return lines


async def _fresh_stream(js: JetStreamContext) -> None:
    with contextlib.suppress(NotFoundError):
        await js.delete_stream(STREAM)
    await streams.ensure(js, streams.context_stream(CONTEXT, 1))


async def run_wakeup(
    nats_url: str,
    postgres_url: str,
    *,
    rounds: int = 3,
    per_round: int = 30,
    gap: tuple[float, float] = (0.02, 0.27),
    within: float = 5.0,
    log: Callable[[str], None] = print,
) -> WakeupResult:
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    relay_pool = await asyncpg.create_pool(postgres_url, min_size=2, max_size=4)
    other_pool = await asyncpg.create_pool(postgres_url, min_size=1, max_size=2)
    nc = await nats.connect(nats_url, name="bench-wakeup-relay")
    sub_nc = await nats.connect(nats_url, name="bench-wakeup-subscriber")
    stop = asyncio.Event()
    running: asyncio.Task[None] | None = None
    try:
        async with relay_pool.acquire() as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
            await migrate(conn, SCHEMA)
        js = nc.jetstream()
        await _fresh_stream(js)
        relay = Relay(relay_pool, SCHEMA, js)
        result = WakeupResult(rounds, per_round, relay.idle_sleep, gap)
        stores = {
            LOCAL: PostgresEventStore(relay_pool, SCHEMA),
            NOTIFY: PostgresEventStore(other_pool, SCHEMA),
            POLL: Silent(other_pool, SCHEMA),
        }
        arrived: dict[str, asyncio.Future[float]] = {}

        async def arrival(msg: Msg) -> None:
            now = time.perf_counter()
            fut = arrived.pop((msg.headers or {}).get("Nats-Msg-Id", ""), None)
            if fut is not None and not fut.done():
                fut.set_result(now)

        await sub_nc.subscribe(f"{CONTEXT}.>", cb=arrival)
        await sub_nc.flush()
        running = asyncio.create_task(relay.run(stop))
        deadline = time.monotonic() + 30
        while not relay.leading:
            if time.monotonic() > deadline:
                raise RuntimeError("the relay did not lead within 30 s")
            await asyncio.sleep(0.05)
        rng = random.Random(7)
        n = 0

        async def once(store: PostgresEventStore, mode: Mode | None) -> float | None:
            nonlocal n
            n += 1
            event = measured(n)
            fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            arrived[str(event.message.envelope.event_id)] = fut
            called = time.perf_counter()
            await store.append(StreamWrite(f"wakeup-{n}", 0, [event]))
            if mode is not None:
                mode.appends.append(time.perf_counter() - called)
            try:
                return await asyncio.wait_for(fut, within) - called
            except TimeoutError:
                return None

        for name, store in stores.items():  # warm-up: each way once or twice
            for _ in range(3):
                if await once(store, None) is None:
                    raise RuntimeError(f"{name}: an event did not arrive in the warm-up")
                await asyncio.sleep(rng.uniform(*gap))
        result.modes = {name: Mode(name) for name in MODES}
        for k in range(rounds):
            order = list(MODES) if k % 2 == 0 else list(reversed(MODES))
            for name in order:
                mode, seconds = result.modes[name], []
                for _ in range(per_round):
                    await asyncio.sleep(rng.uniform(*gap))
                    got = await once(stores[name], mode)
                    if got is None:
                        mode.lost += 1
                    else:
                        seconds.append(got)
                mode.rounds.append(seconds)
                log(
                    f"  round {k + 1} {name:<30} p50 {_ms(percentile(seconds, 50)):>7} ms  "
                    f"p99 {_ms(percentile(seconds, 99)):>7} ms"
                )
        return result
    finally:
        stop.set()
        if running is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(running, 15)
        await sub_nc.drain()
        with contextlib.suppress(Exception):
            await nc.close()
        await other_pool.close()
        await relay_pool.close()
