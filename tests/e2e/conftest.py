"""Fixtures of the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client

from services.bankruptcy import main as bankruptcy_main
from services.enforcement import main as enforcement_main
from services.enforcement.main import spec
from services.ledger import main as ledger_main
from services.runtime.host import start_service
from services.runtime.settings import RuntimeSettings
from tests.e2e.world import COURT, Clock, World, _route


@pytest.fixture(autouse=True)
def fresh_service_settings() -> None:
    """Each service reads its settings once per process; a test that sets its own (a ledger
    signing key, a deadline) must not see the ones an earlier test read."""
    for main in (enforcement_main, bankruptcy_main, ledger_main):
        main.settings.cache_clear()


@pytest.fixture
async def world(nats_url: str, database_url: str, nc: Client) -> AsyncIterator[World]:
    clock = Clock()
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)
    service = await start_service(spec(clock), settings)
    w = World(nc, service, clock)
    await nc.subscribe("enforcement.notice.*.*.*", cb=_route(w))
    await nc.subscribe(f"enforcement.event.*.*.{COURT}", cb=w.court)
    await nc.subscribe(f"enforcement.rejection.*.*.{COURT}", cb=w.court)
    try:
        yield w
    finally:
        await service.close()
