"""The process around a service: pool, store, streams, broker, consumers and relay, then stop.

Each service's `main.py` builds a `ServiceSpec` and hands it to `run_service`; this module is the
one place that knows the order things start and stop in.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
import nats
import structlog
from faststream.nats import NatsBroker
from nats.aio.client import Client
from nats.js import JetStreamContext

from services.runtime import streams
from services.runtime.consumer import Consumer, attach
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


@dataclass
class RunningService:
    wiring: Wiring
    broker: NatsBroker
    relay: Relay
    relay_task: asyncio.Task[None]
    stop: asyncio.Event

    async def close(self) -> None:
        self.stop.set()
        await self.broker.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.relay_task, 10)
        await self.wiring.nc.drain()
        await self.wiring.pool.close()


async def start_service(spec: ServiceSpec, settings: RuntimeSettings) -> RunningService:
    await migrate_all(settings.database_url, (spec.name,))
    pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=settings.pool_size)
    nc = await nats.connect(servers=settings.nats_servers, name=f"fuyuan-{spec.name}")
    js = nc.jetstream()
    await streams.ensure_all(js, spec.contexts or (spec.name,), settings.stream_replicas)
    wiring = Wiring(settings, pool, PostgresEventStore(pool, spec.name), nc, js)
    broker = NatsBroker(servers=settings.nats_servers, logger=None)
    for consumer in spec.consumers(wiring):
        attach(broker, lambda: js, consumer)
    await broker.start()
    stop = asyncio.Event()
    relay = Relay(pool, spec.name, js, batch_size=settings.relay_batch_size)
    task = asyncio.create_task(relay.run(stop), name=f"relay-{spec.name}")
    log.info("service started", service=spec.name)
    return RunningService(wiring, broker, relay, task, stop)


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
