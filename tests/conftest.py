"""Real servers for the tests: an embedded NATS server and an embedded PostgreSQL on free
loopback ports, unless NATS_URL / DATABASE_URL name servers to use instead."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import nats
import pytest
from nats.aio.client import Client
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres
from services.runtime.observability import configure_tracing

SPANS = InMemorySpanExporter()
"""Every span the tests' processes make (the provider is global and set once per process)."""


@pytest.fixture(scope="session", autouse=True)
def tracer_provider() -> TracerProvider:
    provider = configure_tracing("tests", SimpleSpanProcessor(SPANS))
    assert provider is not None
    return provider


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a server whose default database is used only to create one database per test."""
    if url := os.environ.get("DATABASE_URL"):
        yield url
        return
    pg = EmbeddedPostgres(tmp_path_factory.mktemp("postgres"), durable=False).start()
    try:
        yield pg.url
    finally:
        pg.stop()


@contextlib.asynccontextmanager
async def fresh_database(server_url: str) -> AsyncIterator[str]:
    """A new database on the server, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@contextlib.asynccontextmanager
async def fresh_pool(server_url: str) -> AsyncIterator[asyncpg.Pool]:
    async with fresh_database(server_url) as url:
        p = await asyncpg.create_pool(url, min_size=1, max_size=20)
        try:
            yield p
        finally:
            await p.close()


@pytest.fixture
async def database_url(postgres_server: str) -> AsyncIterator[str]:
    """A fresh database for one test."""
    async with fresh_database(postgres_server) as url:
        yield url


@pytest.fixture
async def pool(postgres_server: str) -> AsyncIterator[asyncpg.Pool]:
    async with fresh_pool(postgres_server) as p:
        yield p


@pytest.fixture
def nats_url(tmp_path: Path) -> Iterator[str]:
    """A NATS server with JetStream for one test (it starts in a few milliseconds)."""
    if url := os.environ.get("NATS_URL"):
        yield url
        return
    server = EmbeddedNats(tmp_path / "nats").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[Client]:
    client = await nats.connect(servers=nats_url.split(","))
    try:
        yield client
    finally:
        await client.close()
