"""The ledger beside a running service: every stream message journaled once at its place, with
its real sender, checkpoints published and held against the journal from the stream, proofs
that check offline, every stream and service log reconciled by content, a case traced."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client

from services.enforcement.main import SPEC as ENFORCEMENT
from services.ledger import audit
from services.ledger.journal import Journal
from services.ledger.main import SPEC as LEDGER
from services.ledger.outside import gather
from services.ledger.proofs import check_inclusion
from services.ledger.reconcile import check_streams, reconcile
from services.ledger.signing import generate_key, public_key_of
from services.ledger.streams import published_checkpoints
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.host import RunningService, start_service
from services.runtime.settings import RuntimeSettings
from tests.e2e.test_enforcement_flow import LUOYANG, RUZHOU, case_from, send

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


async def test_every_message_of_a_flow_is_journaled_once_at_its_place_with_its_sender(
    services: tuple[RunningService, RunningService], nc: Client, nats_url: str
) -> None:
    _, ledger = services
    pool = ledger.wiring.pool
    checkpoints: list[dict] = []

    async def on_checkpoint(msg) -> None:  # type: ignore[no-untyped-def]
        checkpoints.append(json.loads(msg.data))

    await nc.subscribe("ledger.event.checkpoint_signed.v1.FUYUAN", cb=on_checkpoint)
    good, bad = case_from(RUZHOU, 42), case_from(RUZHOU, 43)
    await send(nc, RUZHOU, good.model_dump_json().encode(), "good")
    # The same event id in another stream message: the service ignores it, the journal keeps it.
    await send(nc, RUZHOU, good.model_dump_json().encode(), "good-again")
    await send(nc, RUZHOU, b"{ not json", "garbage")
    await send(nc, RUZHOU, bad.model_dump_json().replace('"amount"', '"amt"').encode(), "bad")

    async def journaled() -> bool:
        return await pool.fetchval("SELECT count(*) FROM ledger.journal") >= 7

    await until(journaled)
    await asyncio.sleep(0.5)
    rows = await pool.fetch(
        "SELECT type, message_key, sender FROM ledger.journal ORDER BY position"
    )
    kinds = [r["type"] for r in rows]
    # the good command twice, the garbage, the bad command, the case registered, two rejections
    assert len(kinds) == 7
    assert kinds.count("enforcement.command.register_case.v1") == 4
    assert kinds.count("enforcement.event.case_registered.v1") == 1
    assert kinds.count("enforcement.rejection.message_rejected.v1") == 2
    assert all(r["message_key"].startswith("ENFORCEMENT:") for r in rows)
    assert {r["sender"] for r in rows} == {RUZHOU, "FUYUAN"}

    journal, store = Journal(pool), PostgresEventStore(pool, "ledger")
    await until(lambda: _has(checkpoints, 7))
    outside = await gather(nats_url, [], None)
    report = await audit.verify(journal, store, public_key_of(KEY), outside.held)
    assert report.ok and report.external >= 1
    proof = await audit.prove(journal, store, str(good.envelope.event_id))
    assert all(c.ok for c in check_inclusion(proof, public_key_of(KEY)))
    [enforcement_log] = await reconcile(pool, ("enforcement",))
    assert enforcement_log.clean and enforcement_log.set_aside == []
    [stream, letters] = await check_streams(journal, nc, ("enforcement",))
    assert (stream.stream, stream.messages, stream.clean) == ("ENFORCEMENT", 7, True)
    assert (letters.stream, letters.messages, letters.clean) == ("DEADLETTER", 0, True)

    history = await audit.history(journal, good.data.case_number)
    assert [r.facts.type for r in history] == [
        "enforcement.command.register_case.v1",
        "enforcement.command.register_case.v1",
        "enforcement.event.case_registered.v1",
    ]
    assert history[-1].facts.causation_id == str(good.envelope.event_id)


async def test_a_court_claiming_to_be_another_is_journaled_as_itself_and_flagged(
    services: tuple[RunningService, RunningService], nc: Client
) -> None:
    _, ledger = services
    pool = ledger.wiring.pool
    forged = case_from(LUOYANG, 44)  # Luoyang's envelope, sent on Ruzhou's subject
    await send(nc, RUZHOU, forged.model_dump_json().encode(), "forged")
    await until(lambda: pool.fetchval("SELECT count(*) > 0 FROM ledger.journal WHERE forgery"))
    [row] = await audit.forgeries(Journal(pool))
    assert (row.facts.sender, row.facts.organization) == (RUZHOU, LUOYANG)


async def test_dead_letters_and_operator_actions_are_journaled_and_reconciled(
    services: tuple[RunningService, RunningService], nc: Client
) -> None:
    _, ledger = services
    pool = ledger.wiring.pool
    js = nc.jetstream()
    action = {
        "sequence": 9,
        "original_subject": "enforcement.command.x.v1.CT410482",
        "consumer": "enforcement_commands",
        "reason": "重复 — a duplicate",
        "operator": "ops",
        "at": "2026-11-20T09:00:00+00:00",
    }
    await js.publish("deadletter.actions.dropped", json.dumps(action).encode())
    await js.publish(
        "deadletter.enforcement.enforcement_commands",
        b"\x00 not json",
        headers={"Fuyuan-Error": "处理失败 — failed", "Fuyuan-Attempts": "5"},
    )

    async def both() -> bool:
        return (
            await pool.fetchval(
                "SELECT count(*) FROM ledger.journal WHERE starts_with(message_key, 'DEADLETTER:')"
            )
            == 2
        )

    await until(both)
    rows = await Journal(pool).find("starts_with(message_key, 'DEADLETTER:')")
    assert [(r.facts.type, r.facts.sender) for r in rows] == [
        ("deadletter.action.dropped", "operator"),
        ("deadletter.letter", "FUYUAN"),
    ]
    assert "处理失败" in (rows[1].facts.detail or "")
    [letters] = await check_streams(Journal(pool), nc, ())
    assert letters.stream == "DEADLETTER" and letters.clean and letters.messages == 2


async def _has(checkpoints: list[dict], size: int) -> bool:
    return any(c["data"]["tree_size"] >= size for c in checkpoints)


async def test_verify_and_reconcile_pass_from_the_command_line_with_the_stream(
    services: tuple[RunningService, RunningService], nc: Client, nats_url: str, database_url: str
) -> None:
    cmd = case_from(RUZHOU, 45)
    await send(nc, RUZHOU, cmd.model_dump_json().encode(), "one")
    await until(lambda: _published(nc, 2))
    env = {"DATABASE_URL": database_url, "NATS_URL": nats_url}
    code, out = await fuyuan("verify", env=env)
    assert code == 0 and "held outside the ledger's tables" in out, out
    code, out = await fuyuan("reconcile", env=env)
    assert code == 0, out
    assert "ENFORCEMENT stream: 2 messages, 0 missing from the journal, 0 differ" in out


async def _published(nc: Client, size: int) -> bool:
    """A checkpoint of at least `size` entries is on the LEDGER stream."""
    return any(cp.tree_size >= size for cp in await published_checkpoints(nc))


async def fuyuan(*args: str, env: dict[str, str]) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.cli.main",
        "audit",
        *args,
        env={**os.environ, **env, "FUYUAN_LEDGER_SIGNING_KEY": KEY, "COLUMNS": "300"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode()
