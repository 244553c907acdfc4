"""The process around a service, against real servers: supervised loops, heartbeats, a stop
that is bounded whatever is down, and a start that fails with one clear line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from nats.aio.client import Client

from chaos.proxy import Proxy
from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres
from services.runtime.eventstore import StreamWrite
from services.runtime.heartbeat import BUCKET
from services.runtime.host import (
    RunningService,
    ServiceSpec,
    Wiring,
    connect_nats,
    start_service,
)
from services.runtime.settings import RuntimeSettings
from services.runtime.supervision import Loop
from tests.integration.test_event_store import note

pytestmark = pytest.mark.integration


async def eventually(fact: Callable[[], Awaitable[Any]], within: float = 20.0) -> Any:
    """The first truthy value of `fact`, polled for at most `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if value := await fact():
                return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {within}s: {fact.__qualname__}")


def flaky_spec(failures: int) -> ServiceSpec:
    """A service with no consumers and one background loop that fails `failures` times."""
    calls = 0

    def background(_w: Wiring, stop: asyncio.Event) -> list[Loop]:
        async def flaky() -> None:
            nonlocal calls
            calls += 1
            if calls <= failures:
                raise RuntimeError(f"失败 number {calls}")
            await stop.wait()

        return [Loop("flaky", flaky)]

    return ServiceSpec(name="testing", consumers=lambda _w: [], background=background)


def settings(nats_url: str, database_url: str, **more: Any) -> RuntimeSettings:
    return RuntimeSettings(
        NATS_URL=nats_url,
        DATABASE_URL=database_url,
        heartbeat_interval=0.2,
        shutdown_timeout=2.0,
        relay_ack_timeout=1.0,
        database_timeout=2.0,
        **more,
    )


async def heartbeat_of(nc: Client, running: RunningService) -> dict[str, Any]:
    kv = await nc.jetstream().key_value(BUCKET)
    entry = await kv.get(running.heartbeat.key)
    return dict(json.loads(entry.value or b"{}"))


async def test_a_loop_that_crashes_is_restarted_and_the_heartbeat_names_its_failure(
    nats_url: str, database_url: str, nc: Client
) -> None:
    running = await start_service(flaky_spec(2), settings(nats_url, database_url))
    try:

        async def recovered() -> dict[str, Any] | None:
            beat = await heartbeat_of(nc, running)
            flaky = beat["tasks"]["flaky"]
            return beat if flaky["restarts"] == 2 and flaky["state"] == "running" else None

        beat = await eventually(recovered)
        assert "失败 number 2" in beat["tasks"]["flaky"]["last_error"]
        assert beat["tasks"]["relay-testing"]["state"] == "running"
        assert beat["service"] == "testing" and beat["pid"] == os.getpid()
        assert beat["paused"] is None
    finally:
        await running.close()


async def test_a_clean_stop_leaves_a_last_heartbeat_saying_every_loop_stopped(
    nats_url: str, database_url: str, nc: Client
) -> None:
    running = await start_service(flaky_spec(0), settings(nats_url, database_url))
    await eventually(lambda: heartbeat_of(nc, running))
    await running.close()
    beat = await heartbeat_of(nc, running)
    assert beat["tasks"] and {t["state"] for t in beat["tasks"].values()} == {"stopped"}


async def test_events_stored_by_a_running_service_are_published_by_its_relay(
    nats_url: str, database_url: str, nc: Client
) -> None:
    running = await start_service(flaky_spec(0), settings(nats_url, database_url))
    try:
        await running.wiring.store.append(StreamWrite("a", 0, [note(i) for i in range(3)]))
        js = nc.jetstream()
        await eventually(lambda: _at_least(js.stream_info("TESTING"), 3), within=10)
    finally:
        await running.close()


async def test_a_service_makes_its_stream_with_the_retention_of_the_settings_it_was_given(
    nats_url: str, database_url: str, nc: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUYUAN_STREAM_MAX_AGE_DAYS", "9")
    monkeypatch.setenv("FUYUAN_STREAM_MAX_BYTES", "90MB")
    given = settings(nats_url, database_url, stream_max_age_days=2, stream_max_bytes="20MB")
    running = await start_service(flaky_spec(0), given)
    try:
        info = await nc.jetstream().stream_info("TESTING")
        assert (info.config.max_age, info.config.max_bytes) == (2 * 86400.0, 20_000_000)
    finally:
        await running.close()


async def _at_least(info: Awaitable[Any], count: int) -> bool:
    return bool((await info).state.messages >= count)


async def stop_within(running: RunningService, seconds: float) -> float:
    start = time.monotonic()
    await asyncio.wait_for(running.close(), seconds)
    return time.monotonic() - start


async def test_stop_is_bounded_while_acknowledgements_are_outstanding(
    nats_url: str, database_url: str
) -> None:
    proxy = await Proxy.to(nats_url).start()
    try:
        # Acknowledgements that would be waited for a minute, and lost on the way.
        running = await start_service(
            flaky_spec(0),
            settings(proxy.url, database_url).model_copy(update={"relay_ack_timeout": 60.0}),
        )
        proxy.drop_replies()
        await running.wiring.store.append(StreamWrite("a", 0, [note(i) for i in range(20)]))
        await eventually(lambda: _true(proxy.dropped_bytes > 0))
        assert await stop_within(running, 20.0) < 20.0
    finally:
        await proxy.stop()


async def _true(value: bool) -> bool:
    return value


@pytest.fixture(scope="module")
def own_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    pg = EmbeddedPostgres(tmp_path_factory.mktemp("host-postgres"), durable=False).start()
    try:
        yield pg
    finally:
        pg.stop()


@pytest.fixture
async def own_database(own_postgres: EmbeddedPostgres) -> AsyncIterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(own_postgres.url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    yield f"{own_postgres.url.rpartition('/')[0]}/{name}"


async def test_stop_is_bounded_when_postgres_is_down(
    nats_url: str, own_postgres: EmbeddedPostgres, own_database: str
) -> None:
    running = await start_service(flaky_spec(0), settings(nats_url, own_database))
    own_postgres.stop()
    try:
        await eventually(lambda: _true(running.relay.pause.reason is not None))
        assert await stop_within(running, 20.0) < 20.0
    finally:
        own_postgres.start()


async def test_stop_is_bounded_when_nats_is_down(tmp_path: Path, database_url: str) -> None:
    server = EmbeddedNats(tmp_path / "nats").start()
    try:
        running = await start_service(flaky_spec(0), settings(server.url, database_url))
        server.stop()
        await running.wiring.store.append(StreamWrite("a", 0, [note(1)]))
        await eventually(lambda: _true(running.relay.pause.reason is not None))
        assert await stop_within(running, 20.0) < 20.0
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("env", "code", "says"),
    [
        ({"FUYUAN_RELAY_BATCH_SIZE": "0"}, 2, "FUYUAN_RELAY_BATCH_SIZE"),
        ({"FUYUAN_ENFORCEMENT_DEADLINE_TICK": "soon"}, 2, "FUYUAN_ENFORCEMENT_DEADLINE_TICK"),
        ({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, 1, "service cannot start"),
    ],
)
def test_a_service_that_cannot_start_exits_non_zero_with_one_line_saying_why(
    env: dict[str, str], code: int, says: str
) -> None:
    base = {"NATS_URL": "nats://127.0.0.1:1", "DATABASE_URL": "postgresql://x@127.0.0.1:1/x"}
    done = subprocess.run(
        [sys.executable, "-c", "from services.enforcement.main import main; main()"],
        env={**os.environ, **base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = done.stderr.strip().splitlines()
    assert done.returncode == code
    assert len(lines) == 1 and says in lines[0], done.stderr
    assert json.loads(lines[0])["event"] == "service cannot start"


async def test_a_consumer_connection_outlives_a_long_nats_outage(tmp_path: Path) -> None:
    """The service's connection never gives up reconnecting (nats-py stops after 60 tries)."""
    server = EmbeddedNats(tmp_path / "nats").start()
    try:
        nc = await connect_nats(settings(server.url, "postgresql://unused"), "test")
        assert nc.options["max_reconnect_attempts"] == -1
        await nc.close()
    finally:
        server.stop()
