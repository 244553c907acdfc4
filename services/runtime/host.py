"""The process around a service: pool, store, streams, consumers and relay, then stop.

Each service's `main.py` builds a `ServiceSpec` and hands it to `run_service`; this module is the
one place that knows the order things start and stop in. Every loop (consumers, relay, timers,
checkpoints, the heartbeat) runs under one supervisor; stopping is bounded step by step, and a
step that fails does not skip the ones after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import random
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import asyncpg
import nats
import nats.errors
import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext
from pydantic import ValidationError

from contracts.subjects import partition_count, stream_name
from services.runtime import consumer as consuming
from services.runtime import streams
from services.runtime.consumer import Consumer
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.heartbeat import Heartbeat, instance_name
from services.runtime.migrations import migrate_all
from services.runtime.partitions import Owner, is_partitioned, units
from services.runtime.relay import Connect, Relay
from services.runtime.settings import RuntimeSettings, setting_error
from services.runtime.supervision import Loop, Supervisor, as_loop, reason

log = structlog.get_logger("host")

Background = Loop | Coroutine[Any, Any, None]


@dataclass(eq=False)
class Wiring:
    """What a service's parts are built from: one per start, compared by identity."""

    settings: RuntimeSettings
    pool: asyncpg.Pool
    store: PostgresEventStore
    nc: Client
    js: JetStreamContext


@dataclass
class ServiceSpec:
    name: str
    consumers: Callable[[Wiring], list[Consumer]]
    contexts: tuple[str, ...] = field(default_factory=tuple)
    """Streams to declare; the service's own by default."""
    background: Callable[[Wiring, asyncio.Event], Sequence[Background]] = lambda _w, _s: []
    """Other long-running work (timers, checkpoints), supervised and stopped with the service.
    A `Loop` is restarted when it fails; a bare coroutine cannot be."""
    settings: Callable[[], object] = lambda: None
    """Reads the service's own settings: called first, so a bad one stops the start before
    any connection is made."""


@dataclass
class RunningService:
    wiring: Wiring
    relay: Relay
    supervisor: Supervisor
    heartbeat: Heartbeat
    stop: asyncio.Event
    owner: Owner | None = None
    """Takes this instance's share of the command partitions (None: the service has none)."""

    async def close(self) -> None:
        """Stop fetching, let the message in hand finish, stop the relay, close connections.

        Each step has its own deadline, so a server that is down or an acknowledgement that
        never comes delays the stop by at most that deadline, and never skips the pool."""
        self.stop.set()
        late = await self.supervisor.join(self.wiring.settings.shutdown_timeout)
        if late:
            log.warning("loops cancelled at stop", loops=late)
        await _bounded("last heartbeat", self.heartbeat.last(), 3.0)
        await _bounded("relay connection", self.relay.close(), 3.0)
        nc = self.wiring.nc
        if not await _bounded("drain NATS", nc.drain(), 5.0):
            await _bounded("close NATS", nc.close(), 2.0)
        if not await _bounded("close the pool", self.wiring.pool.close(), 5.0):
            self.wiring.pool.terminate()
        log.info("service stopped", service=self.heartbeat.service)


async def _bounded(step: str, work: Awaitable[Any], seconds: float) -> bool:
    """Run one stop step for at most `seconds`; False (logged) if it failed or took longer."""
    try:
        await asyncio.wait_for(work, seconds)
    except Exception as exc:
        log.warning("stop step failed", step=step, error=reason(exc) or type(exc).__name__)
        return False
    return True


async def keep_session(_conn: asyncpg.Connection) -> None:
    """Release a connection without the default reset (a round trip on every release): the
    services leave no session state behind — no LISTEN, no SET outside a transaction, and the
    relay unlocks its advisory lock itself."""


@dataclass
class ConnectionLog:
    """nats-py reports every failed reconnection attempt (a traceback a second during an
    outage); this says it once when the connection goes and once when it is back."""

    name: str
    last: str | None = None

    async def error(self, exc: Exception) -> None:
        if (said := reason(exc)) != self.last:  # the same error again says nothing new
            log.warning("NATS connection trouble", connection=self.name, error=said)
        self.last = said

    async def reconnected(self) -> None:
        if self.last is not None:
            log.info("NATS connection back", connection=self.name)
        self.last = None


async def connect_nats(settings: RuntimeSettings, name: str) -> Client:
    # Never give up reconnecting: after a long NATS outage the consumers must come back by
    # themselves. The first connection gets a deadline, so a start without NATS fails clearly.
    said = ConnectionLog(name)
    connecting = nats.connect(
        servers=settings.nats_servers,
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=1.0,
        error_cb=said.error,
        reconnected_cb=said.reconnected,
    )
    return await asyncio.wait_for(connecting, 30.0)


def relay_connection(settings: RuntimeSettings, name: str) -> Connect:
    """The relay's own connection, apart from the consumers'. It does not reconnect by itself:
    when it fails or its acknowledgements go missing, the relay makes a fresh one."""

    async def connect() -> Client:
        # Without reconnection nats-py tries only the first server of its list: try each in
        # turn, from a random one, so a dead node of a cluster is passed over at once.
        servers = random.sample(settings.nats_servers, len(settings.nats_servers))
        for url in servers[:-1]:
            with contextlib.suppress(OSError, TimeoutError, nats.errors.Error):
                return await _connect_once(url, name)
        return await _connect_once(servers[-1], name)

    return connect


async def _connect_once(url: str, name: str) -> Client:
    # Errors reach the relay as exceptions (and its pause log); nats-py's own report is noise.
    return await nats.connect(
        servers=[url], name=name, allow_reconnect=False, connect_timeout=2, error_cb=_quiet
    )


async def _quiet(_exc: Exception) -> None:
    return None


POOL_OPTIONS: dict[str, Any] = {"reset": keep_session, "max_inactive_connection_lifetime": 0}
"""The options of every service's pool (the bench's pools use them too): a released connection
keeps its session (`keep_session`), and connections are kept however long they stay idle."""


async def start_service(spec: ServiceSpec, settings: RuntimeSettings) -> RunningService:
    await migrate_all(settings.database_url, (spec.name,))
    # Connections are kept however long they stay idle (asyncpg closes them after 5 minutes by
    # default): the first burst after a quiet spell would otherwise open them again, each with
    # its server process and its first statements prepared anew.
    pool = await asyncpg.create_pool(
        settings.database_url, min_size=2, max_size=settings.pool_size, **POOL_OPTIONS
    )
    try:
        return await _start(spec, settings, pool)
    except BaseException:
        pool.terminate()
        raise


async def _start(
    spec: ServiceSpec, settings: RuntimeSettings, pool: asyncpg.Pool
) -> RunningService:
    nc = await connect_nats(settings, f"fuyuan-{spec.name}")
    try:
        js = nc.jetstream()
        contexts = spec.contexts or (spec.name,)
        await streams.ensure_all(
            js,
            contexts,
            settings.stream_replicas,
            settings.partitions,
            owner=spec.name,
            retention=streams.Retention.configured(settings),
        )
        wiring = Wiring(settings, pool, PostgresEventStore(pool, spec.name), nc, js)
        stop = asyncio.Event()
        supervisor = Supervisor(stop, cap=settings.restart_backoff_max)
        instance = instance_name()
        consumers = spec.consumers(wiring)
        for c in consumers:
            if not is_partitioned(c):  # shared: every instance pulls it, the inbox dedupes
                supervisor.start(
                    Loop(f"consumer-{c.durable}", functools.partial(consuming.run, js, c, stop))
                )
        owner = await _owner(
            spec.name, wiring, [c for c in consumers if is_partitioned(c)], instance
        )
        if owner is not None:
            supervisor.start(Loop("partitions", functools.partial(owner.run, stop)))
        for work in spec.background(wiring, stop):
            supervisor.start(as_loop(getattr(work, "__qualname__", "background"), work))
        relay = await _relay(spec.name, settings, pool)
        supervisor.start(Loop(f"relay-{spec.name}", functools.partial(relay.run, stop)))
    except BaseException:
        await nc.close()
        raise
    heartbeat = Heartbeat(
        js,
        spec.name,
        lambda: {**supervisor.report(), **(owner.report() if owner else {})},
        lambda: relay.pause.reason,
        partitions=owner.owned if owner else list,
        units=[c.durable for c in owner.consumers] if owner else (),
        interval=settings.heartbeat_interval,
        replicas=settings.stream_replicas,
        instance=instance,
    )
    supervisor.start(Loop("heartbeat", functools.partial(heartbeat.run, stop)))
    log.info("service started", service=spec.name, instance=heartbeat.instance)
    return RunningService(wiring, relay, supervisor, heartbeat, stop, owner)


async def _owner(name: str, w: Wiring, split: list[Consumer], instance: str) -> Owner | None:
    """The partition owner of this instance: each consumer of commands as many partition
    consumers as its stream's transform makes (the stream, not this instance, is the truth)."""
    if not split:
        return None
    consumers = []
    for c in split:
        info = await w.js.stream_info(stream_name(c.context))
        transform = info.config.subject_transform
        count = partition_count(transform.dest) if transform else None
        if count is None:  # its owner stored commands unpartitioned: refuse to read nothing
            raise RuntimeError(f"stream {info.config.name} stores commands without partitions")
        consumers += await units(w.js, c, count)
    return Owner(
        w.pool,
        w.js,
        name,
        consumers,
        functools.partial(consuming.run, w.js),
        instance,
        database_timeout=w.settings.database_timeout,
        release_timeout=w.settings.shutdown_timeout,
        restart_cap=w.settings.restart_backoff_max,
    )


async def _relay(name: str, settings: RuntimeSettings, pool: asyncpg.Pool) -> Relay:
    connect = relay_connection(settings, f"fuyuan-{name}-relay")
    own = await connect()
    return Relay(
        pool,
        name,
        own.jetstream(),
        batch_size=settings.relay_batch_size,
        connect=connect,
        ack_timeout=settings.relay_ack_timeout,
        max_attempts=settings.relay_max_attempts,
        database_timeout=settings.database_timeout,
    )


def cannot_start(service: str, why: str, code: int) -> NoReturn:
    """One line on stderr (the log), then a non-zero exit: `fuyuan up` shows the line."""
    log.error("service cannot start", service=service, reason=why)
    sys.stderr.flush()
    raise SystemExit(code)


def settle_heap() -> None:
    """Once started: collect, then move every object alive (modules, contract schemas, the
    registry, the catalogues) out of the collector's reach. A full collection then walks only
    what the service made since, instead of stopping everything for a few hundred
    milliseconds while it walks the whole heap (a p99 spike of the consumers)."""
    gc.collect()
    gc.freeze()


async def run_service(spec: ServiceSpec) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly."""
    try:
        settings = RuntimeSettings()
        spec.settings()
        running = await start_service(spec, settings)
    except ValidationError as exc:
        cannot_start(spec.name, setting_error(exc), 2)
    except Exception as exc:
        cannot_start(spec.name, reason(exc) or type(exc).__name__, 1)
    settle_heap()
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    await done.wait()
    log.info("service stopping", service=spec.name)
    await running.close()
