"""The ledger beside a running service: every public message journaled once, checkpoints
published, proofs that check offline, services reconciled, a case traced."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client

from services.enforcement.main import SPEC as ENFORCEMENT
from services.ledger import audit
from services.ledger.journal import Journal
from services.ledger.main import SPEC as LEDGER
from services.ledger.proofs import check_inclusion
from services.ledger.signing import generate_key, public_key_of
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.host import RunningService, start_service
from services.runtime.settings import RuntimeSettings
from tests.e2e.test_enforcement_flow import RUZHOU, case_from, send

pytestmark = pytest.mark.integration
KEY = generate_key()


@pytest.fixture
async def services(
    nats_url: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[RunningService, RunningService]]:
    monkeypatch.setenv("FUYUAN_LEDGER_SIGNING_KEY", KEY)
    monkeypatch.setenv("FUYUAN_LEDGER_CHECKPOINT_INTERVAL", "0.3")
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)
    enforcement = await start_service(ENFORCEMENT, settings)
    ledger = await start_service(LEDGER, settings)
    try:
        yield enforcement, ledger
    finally:
        await ledger.close()
        await enforcement.close()


async def until(check, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not reached in time")


async def test_every_public_message_of_a_flow_is_journaled_exactly_once(
    services: tuple[RunningService, RunningService], nc: Client
) -> None:
    _, ledger = services
    pool = ledger.wiring.pool
    checkpoints: list[dict] = []

    async def on_checkpoint(msg) -> None:  # type: ignore[no-untyped-def]
        checkpoints.append(json.loads(msg.data))

    await nc.subscribe("ledger.event.checkpoint_signed.v1.FUYUAN", cb=on_checkpoint)
    good, bad = case_from(RUZHOU, 42), case_from(RUZHOU, 43)
    await send(nc, RUZHOU, good.model_dump_json().encode(), "good")
    await send(nc, RUZHOU, good.model_dump_json().encode(), "good-again")  # a redelivery
    await send(nc, RUZHOU, b"{ not json", "garbage")
    await send(nc, RUZHOU, bad.model_dump_json().replace('"amount"', '"amt"').encode(), "bad")

    async def journaled() -> bool:
        return await pool.fetchval("SELECT count(*) FROM ledger.journal") >= 6

    await until(journaled)
    await asyncio.sleep(0.5)
    kinds = [r[0] for r in await pool.fetch("SELECT type FROM ledger.journal ORDER BY position")]
    # good command (its repeat has the same event id), the garbage, the bad command,
    # the case registered, and two rejections
    assert len(kinds) == 6
    assert kinds.count("enforcement.command.register_case.v1") == 3
    assert kinds.count("enforcement.event.case_registered.v1") == 1
    assert kinds.count("enforcement.rejection.message_rejected.v1") == 2

    journal, store = Journal(pool), PostgresEventStore(pool, "ledger")
    await until(lambda: _has(checkpoints, 6))
    assert (await audit.verify(journal, store, public_key_of(KEY))).ok
    proof = await audit.prove(journal, store, str(good.envelope.event_id))
    assert all(c.ok for c in check_inclusion(proof, public_key_of(KEY)))
    [enforcement_log] = await audit.reconcile(pool, ("enforcement",))
    assert enforcement_log.missing_from_journal == enforcement_log.missing_from_service == []

    history = await audit.history(journal, good.data.case_number)
    assert [r.facts.type for r in history] == [
        "enforcement.command.register_case.v1", "enforcement.event.case_registered.v1"]  # fmt: skip
    assert history[1].facts.causation_id == str(good.envelope.event_id)


async def _has(checkpoints: list[dict], size: int) -> bool:
    return any(c["data"]["tree_size"] >= size for c in checkpoints)
