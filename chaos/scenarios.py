"""The faults, each a coroutine run beside the load, recording when each fault began and ended.

Times are fractions of the scenario's load period, so the short version keeps the same shape.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import asyncpg
import structlog

from chaos.processes import Service, local_ports
from chaos.servers import ClusterNats, SingleNats

if TYPE_CHECKING:
    from chaos.run import Run

log = structlog.get_logger("chaos.faults")


@dataclass
class Fault:
    """One fault: what, from when to when (monotonic seconds), and the recovery measured."""

    name: str
    start: float
    end: float
    recovery: float | None = None
    """Seconds from `end` until every message sent before it was answered and journaled;
    None when that never happened within the scenario's wait."""


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    seconds: float
    """How long the load runs; the faults happen within it."""
    inject: Callable[[Run], Awaitable[None]]
    topology: str = "single"
    """`single` (one NATS server), `cluster` (three nodes, R3 streams) or `proxy` (the services
    reach NATS through the proxy)."""
    enforcement_instances: int = 1
    fuzz: int = 0
    """Hostile messages to publish over the ingress subjects during the load."""
    notes: tuple[str, ...] = field(default_factory=tuple)


async def at(run: Run, fraction: float) -> None:
    """Sleep until `fraction` of the load period has passed."""
    await asyncio.sleep(max(0.0, run.started + fraction * run.scenario.seconds - time.monotonic()))


async def kill_and_restart(run: Run, s: Service, pause: float = 1.0) -> None:
    """kill -9, and the supervisor (docker, systemd) starts it again a second later."""
    start = time.monotonic()
    s.kill9()
    await asyncio.sleep(pause)
    marker = s.log_size()
    s.start()
    run.faults.append(Fault(f"kill -9 {s.name}", start, time.monotonic()))
    await run.stack.wait_started([s], 60, {s.name: marker})


async def kill_each_service(run: Run) -> None:
    await at(run, 0.2)
    await kill_and_restart(run, run.stack.service("enforcement"))
    await at(run, 0.55)
    await kill_and_restart(run, run.stack.service("ledger"))


async def postgres_outage(run: Run, seconds: float) -> None:
    start = time.monotonic()
    await asyncio.to_thread(run.postgres.crash)
    await asyncio.sleep(seconds)
    await asyncio.to_thread(run.postgres.restart)
    run.faults.append(Fault(f"PostgreSQL down {seconds:g} s", start, time.monotonic()))


def postgres_down(seconds: float) -> Callable[[Run], Awaitable[None]]:
    async def inject(run: Run) -> None:
        await at(run, 0.15)
        await postgres_outage(run, seconds)

    return inject


async def nats_killed(run: Run) -> None:
    await at(run, 0.3)
    nats = run.stack.nats
    assert isinstance(nats, SingleNats)
    start = time.monotonic()
    await asyncio.to_thread(nats.kill)
    await asyncio.sleep(5)
    await asyncio.to_thread(nats.restart)
    run.faults.append(Fault("NATS kill -9, back after 5 s", start, time.monotonic()))


async def cluster_node_killed(run: Run) -> None:
    """kill -9 of the node leading the service's stream; it comes back 15 s later."""
    await at(run, 0.3)
    nats = run.stack.nats
    assert isinstance(nats, ClusterNats) and run.stack.nc is not None
    info = await run.stack.nc.jetstream(timeout=5).stream_info(run.stream)
    leader = nats.node(info.cluster.leader if info.cluster and info.cluster.leader else "n1")
    start = time.monotonic()
    await asyncio.to_thread(leader.kill)
    # The cluster must carry on without the node: the fault "ends" when it is gone.
    run.faults.append(Fault(f"kill -9 of {leader.name}, leader of {run.stream}", start, start))
    await asyncio.sleep(15)
    await asyncio.to_thread(nats.restart, leader)
    run.notes.append(f"{leader.name} started again {time.monotonic() - start:.0f} s after its kill")


RELAY_LOCK = "relay:enforcement:jetstream"
"""What the relay's advisory lock key is made from (services/runtime/relay.py)."""


async def relay_leaders(run: Run, instances: list[Service]) -> list[Service]:
    """The instances whose database sessions hold the relay's advisory lock."""
    conn = await asyncpg.connect(run.stack.database_url, timeout=5)
    try:
        # A bigint key below 2**32 shows as classid 0, objid = the key, objsubid 1.
        rows = await conn.fetch(
            "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 "
            "AND l.objsubid = 1 AND a.datname = current_database()",
            zlib.crc32(RELAY_LOCK.encode()),
        )
    finally:
        await conn.close()
    ports = {r["client_port"] for r in rows}
    return [s for s in instances if s.pid and ports & local_ports(s.pid)]


async def watch_leaders(run: Run, instances: list[Service], stop: asyncio.Event) -> None:
    """How many instances hold the relay's lock, twice a second: never two, and none only
    for as long as a handover takes."""
    while not stop.is_set():
        with contextlib.suppress(Exception):
            held = await relay_leaders(run, [s for s in instances if s.alive()])
            run.leaders.append((time.monotonic(), len(held)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def leader_after_database_restart(run: Run) -> None:
    """Two instances of the enforcement service; PostgreSQL restarts; then the instance leading
    the relay is killed, and comes back 10 s later as a standby."""
    instances = [s for s in run.stack.services if s.service == "enforcement"]
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_leaders(run, instances, stop))
    try:
        await at(run, 0.15)
        await postgres_outage(run, 5.0)
        await at(run, 0.5)
        leaders = await relay_leaders(run, instances)
        if not leaders:
            run.notes.append(
                "no instance held the relay's lock after the database restart: killed the first"
            )
        leader = leaders[0] if leaders else instances[0]
        start = time.monotonic()
        leader.kill9()
        run.faults.append(Fault(f"kill -9 of {leader.name}, the relay leader", start, start))
        await asyncio.sleep(10)
        await run.stack.restart(leader)
        await at(run, 1.0)
    finally:
        stop.set()
        await watcher
    most = max((n for _t, n in run.leaders), default=0)
    run.notes.append(f"instances holding the relay's lock at once: at most {most}")
    if most > 1:
        run.violations.append(f"{most} relays held the leadership at once")


async def proxy_faults(run: Run) -> None:
    """Twice: the server's answers (acknowledgements among them) dropped for 4 s on open
    connections, then every connection reset; then new connections black-holed for 3 s and
    every connection reset again. Each round is one fault."""
    proxy = run.proxy
    assert proxy is not None
    for when in (0.15, 0.5):
        await at(run, when)
        start = time.monotonic()
        proxy.drop_replies()
        await asyncio.sleep(4)
        proxy.reset()
        proxy.blackhole()
        await asyncio.sleep(3)
        proxy.reset()
        proxy.resume()
        run.faults.append(
            Fault("answers dropped 4 s, reset, black-holed 3 s, reset", start, time.monotonic())
        )


async def nothing(_run: Run) -> None:
    return None


async def short_mix(run: Run) -> None:
    """The short version: one kill -9 of the enforcement service, one PostgreSQL restart."""
    await at(run, 0.15)
    await kill_and_restart(run, run.stack.service("enforcement"))
    await at(run, 0.45)
    await postgres_outage(run, 4.0)


def full() -> list[Scenario]:
    return [
        Scenario("kill", "kill -9 of each service", 60, kill_each_service),
        Scenario("postgres", "PostgreSQL down for 30 s", 75, postgres_down(30)),
        Scenario("nats", "NATS killed and restarted", 45, nats_killed),
        Scenario(
            "proxy",
            "acknowledgements lost through a proxy that drops and resets connections",
            50,
            proxy_faults,
            topology="proxy",
        ),
        Scenario(
            "cluster",
            "one node of a three-node cluster (R3 streams) killed",
            60,
            cluster_node_killed,
            topology="cluster",
        ),
        Scenario(
            "leader",
            "two instances, a database restart, then the leader killed",
            60,
            leader_after_database_restart,
            enforcement_instances=2,
        ),
        Scenario("fuzz", "property-based fuzzer over every ingress subject", 45, nothing, fuzz=400),
    ]


def short() -> list[Scenario]:
    return [
        Scenario(
            "short",
            "kill -9, a PostgreSQL restart and a fuzz batch (short version)",
            24,
            short_mix,
            fuzz=40,
        )
    ]
