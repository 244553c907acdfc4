"""The audit screen on real NATS: the LEDGER stream's last checkpoint, its signature checked
with the ledger's public key, and the dead letters counted per subject."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.aio.client import Client

from contracts.envelope import Envelope, Message
from contracts.ledger import CheckpointSigned
from services.reporting.workbench.accounts import HASHER, Account
from services.reporting.workbench.main import build
from services.reporting.workbench.roles import Role
from services.reporting.workbench.settings import WorkbenchSettings
from services.runtime.migrations import migrate
from services.runtime.streams import ensure_all
from tests.integration.test_workbench import free_port, serving
from tests.unit.test_workbench_audit import public, signed

PASSWORD = "correct horse battery"
KEY = Ed25519PrivateKey.generate()


@pytest.fixture
async def base(pool: asyncpg.Pool, nats_url: str, nc: Client) -> AsyncIterator[str]:
    async with pool.acquire() as conn:
        await migrate(conn, "reporting")
    await ensure_all(nc.jetstream(), ("ledger",), 1)
    settings = WorkbenchSettings(secure_cookies=False, ledger_public_key=public(KEY))
    app, wb = build(pool, nats_url.split(","), settings)
    await wb.accounts.add(Account("AU001", "赵静", "JO410300", Role.AUDITOR, HASHER.hash(PASSWORD)))
    async with serving(app, free_port()) as url:
        yield url


def checkpoint_message(data: CheckpointSigned) -> Message[CheckpointSigned]:
    event_id = uuid.uuid4()
    env = Envelope(
        event_id=event_id,
        type=data.TYPE,
        occurred_at=datetime.now(UTC),
        organization="FUYUAN",
        correlation_id=event_id,
    )
    return Message[CheckpointSigned](envelope=env, data=data)


async def audit_page(base: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        page = await client.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]
        form = {"officer": "AU001", "password": PASSWORD, "csrf": token}
        assert (await client.post("/login", data=form)).status_code == 303
        return (await client.get("/audit")).text


async def test_the_latest_checkpoint_is_shown_verified_and_dead_letters_counted(
    base: str, nc: Client
) -> None:
    js = nc.jetstream()
    for size in (3, 7):
        message = checkpoint_message(signed(KEY, size))
        await js.publish(f"{message.envelope.type}.FUYUAN", message.model_dump_json().encode())
    await js.publish("deadletter.risk.risk_intake", b"{}")
    await js.publish("deadletter.risk.risk_intake", b"{}")
    page = await audit_page(base)
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert cells[:2] == ["7", "ab" * 32] and "验签通过" in cells
    assert cells[-2:] == ["deadletter.risk.risk_intake", "2"]


async def test_a_checkpoint_signed_by_another_key_is_shown_as_failing(
    base: str, nc: Client
) -> None:
    forged = checkpoint_message(signed(Ed25519PrivateKey.generate(), 9))
    await nc.jetstream().publish(
        f"{forged.envelope.type}.FUYUAN", forged.model_dump_json().encode()
    )
    page = await audit_page(base)
    assert "验签未通过" in page and 'id="set-aside-empty"' in page
