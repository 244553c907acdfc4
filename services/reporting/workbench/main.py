"""Composition root: settings → observability → pool (and migrations) → NatsRouter (publisher
and notices) → application → uvicorn."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import asyncpg
import uvicorn
from fastapi import FastAPI
from faststream.nats.fastapi import NatsRouter

from contracts.organizations.registry import Registry
from contracts.registry import PAYLOADS
from contracts.reporting.indicators import load_indicators
from services.reporting.workbench import reasons
from services.reporting.workbench.accounts import PostgresAccounts
from services.reporting.workbench.app import Workbench, create_app
from services.reporting.workbench.audit import JetStreamAudit
from services.reporting.workbench.commands import BrokerPublisher
from services.reporting.workbench.notices import Hub, subscribe
from services.reporting.workbench.reads import Reads
from services.reporting.workbench.sessions import PostgresSessions
from services.reporting.workbench.settings import WorkbenchSettings
from services.runtime import observability
from services.runtime.migrations import migrate
from services.runtime.settings import RuntimeSettings


def now() -> datetime:
    return datetime.now(UTC)


def build(
    pool: asyncpg.Pool, nats_servers: list[str], settings: WorkbenchSettings
) -> tuple[FastAPI, Workbench]:
    """The application over the pool and the servers: commands published and notices received
    through FastStream's FastAPI integration (`NatsRouter`), whose lifespan starts the broker."""
    router = NatsRouter(
        nats_servers,
        name="fuyuan-workbench",
        schema_url=None,
        include_in_schema=False,
        log_level=logging.DEBUG,  # FastStream's two lines per message: not at info
    )
    hub = Hub()
    subscribe(router, hub)
    reasons.prepare()
    schema = settings.schema_name
    wb = Workbench(
        accounts=PostgresAccounts(pool, schema),
        sessions=PostgresSessions(pool, schema),
        publisher=BrokerPublisher(router.broker),
        hub=hub,
        reads=Reads(pool, schema, JetStreamAudit(router.broker), settings.ledger_public_key),
        registry=Registry.load(),
        clock=now,
        indicators={i.id: i.name_zh for i in load_indicators(PAYLOADS).indicators},
        secure_cookies=settings.secure_cookies,
    )
    return create_app(wb, router), wb


async def serve(runtime: RuntimeSettings, settings: WorkbenchSettings) -> None:
    pool = await asyncpg.create_pool(runtime.database_url, min_size=1, max_size=5)
    try:
        async with pool.acquire() as conn:
            await migrate(conn, settings.schema_name)
        app, _ = build(pool, runtime.nats_servers, settings)
        config = uvicorn.Config(app, host=settings.host, port=settings.port, log_config=None)
        await uvicorn.Server(config).serve()
    finally:
        await pool.close()


def main(port: int | None = None) -> None:
    observability.setup("workbench")
    settings = WorkbenchSettings()
    if port is not None:
        settings = settings.model_copy(update={"port": port})
    asyncio.run(serve(RuntimeSettings(), settings))
