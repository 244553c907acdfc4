"""The simulated courts against a real enforcement service: a second run on the same data numbers
its cases after the first's, so `make run` started again shows flows, not duplicate refusals."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from nats.aio.client import Client

from services.cli.simulate import _send_until, serial_of
from services.enforcement.main import spec
from services.runtime.host import start_service
from services.runtime.settings import RuntimeSettings

pytestmark = pytest.mark.integration


def test_a_serial_is_read_from_a_case_number_of_the_year() -> None:
    assert serial_of("（2026）豫0482执17号", 2026) == 17
    assert serial_of("（2025）豫0482执17号", 2026) == 0
    assert serial_of("not a case number", 2026) == 0


async def test_a_second_run_of_the_simulated_courts_registers_new_cases(
    nats_url: str, database_url: str, nc: Client
) -> None:
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)
    service = await start_service(spec(), settings)
    sent: list[str] = []
    registered: list[str] = []
    refused: list[dict[str, Any]] = []

    async def seen(raw: Any) -> None:
        body = json.loads(raw.data)
        if ".command.register_case." in raw.subject:
            sent.append(body["envelope"]["case_number"])
        elif ".event.case_registered." in raw.subject:
            registered.append(body["data"]["case_number"])
        elif body["data"].get("rejected_type") == "enforcement.command.register_case.v1":
            refused.append(body["data"])

    await nc.subscribe("enforcement.>", cb=seen)
    try:
        for _ in range(2):  # the same seed: the same courts and parties in the same order
            await _send_until(nats_url, 0, 0.0, 40, 7, bankruptcy_every=0)
        for _ in range(1500):
            if sent and len(registered) + len(refused) >= len(sent):
                break
            await asyncio.sleep(0.02)
    finally:
        await service.close()
    assert len(sent) >= 20, "too few registrations to show anything"
    assert refused == []
    assert sorted(registered) == sorted(sent)
    assert len(set(sent)) == len(sent)
