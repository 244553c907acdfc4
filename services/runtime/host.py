"""The process around a service: pool, store, streams, consumers and relay, then stop.

Each service's `main.py` builds a `ServiceSpec` and hands it to `run_service`; this module is the
one place that knows the order things start and stop in.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import nats
import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext

from services.runtime import consumer as consuming
from services.runtime import streams
from services.runtime.consumer import Consumer
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate_all
from services.runtime.relay import Relay
from services.runtime.settings import RuntimeSettings

log = structlog.get_logger("host")


@dataclass
class Wiring:
    """What a service's consumers are built from."""

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
    background: Callable[[Wiring, asyncio.Event], list[Coroutine[Any, Any, None]]] = lambda _w, _s: []
    """Other long-running work (timers, checkpoints), stopped with the service."""


@dataclass
class RunningService:
    wiring: Wiring
    relay: Relay
    tasks: list[asyncio.Task[None]]
    stop: asyncio.Event

    async def close(self) -> None:
        """Stop fetching, let the message in hand finish, stop the relay, close connections."""
        self.stop.set()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(asyncio.gather(*self.tasks), 15)
        await self.wiring.nc.drain()
        await self.wiring.pool.close()


async def keep_session(_conn: asyncpg.Connection) -> None:
    """Release a connection without the default reset (a round trip on every release): the
    services leave no session state behind — no LISTEN, no SET outside a transaction, and the
    relay unlocks its advisory lock itself."""


async def start_service(spec: ServiceSpec, settings: RuntimeSettings) -> RunningService:
    await migrate_all(settings.database_url, (spec.name,))
    pool = await asyncpg.create_pool(
        settings.database_url, min_size=2, max_size=settings.pool_size, reset=keep_session
    )
    nc = await nats.connect(servers=settings.nats_servers, name=f"fuyuan-{spec.name}")
    js = nc.jetstream()
    await streams.ensure_all(js, spec.contexts or (spec.name,), settings.stream_replicas)
    wiring = Wiring(settings, pool, PostgresEventStore(pool, spec.name), nc, js)
    stop = asyncio.Event()
    tasks = [consuming.start(js, c, stop) for c in spec.consumers(wiring)]
    tasks += [asyncio.create_task(work) for work in spec.background(wiring, stop)]
    relay = Relay(pool, spec.name, js, batch_size=settings.relay_batch_size)
    tasks.append(asyncio.create_task(relay.run(stop), name=f"relay-{spec.name}"))
    log.info("service started", service=spec.name)
    return RunningService(wiring, relay, tasks, stop)


async def run_service(spec: ServiceSpec) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly."""
    settings = RuntimeSettings()
    running = await start_service(spec, settings)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    await done.wait()
    log.info("service stopping", service=spec.name)
    await running.close()
