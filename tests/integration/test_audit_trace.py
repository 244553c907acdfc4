"""`fuyuan trace` from the journal: to whom each notice went, why each rejection refused, who
forged a sender, and resident ids masked in its JSON unless asked for."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from rich.console import Console

from contracts.ids.resident import resident_id_check_character
from services.cli.audit import history_tree, trace_doc
from services.ledger import audit
from services.ledger.handlers import Recorder
from services.ledger.journal import Journal
from services.runtime.consumer import Delivery
from services.runtime.migrations import migrate
from tests.integration.test_journal import Clock

pytestmark = pytest.mark.integration
CASE = "（2026）豫0482执7号"
FLOW = str(uuid.UUID(int=7))
RESIDENT = "41048219900101123" + resident_id_check_character("41048219900101123")


def message(kind: str, name: str, org: str, data: dict[str, Any], cause: str | None) -> bytes:
    eid = str(uuid.uuid4())
    env = {
        "event_id": eid,
        "type": f"enforcement.{kind}.{name}.v1",
        "organization": org,
        "occurred_at": "2026-11-20T09:00:00+08:00",
        "correlation_id": FLOW,
        "causation_id": cause,
        "case_number": CASE,
    }
    return json.dumps({"envelope": env, "data": data}, ensure_ascii=False).encode()


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """The test's own database, also for the command line."""
    p = await asyncpg.create_pool(database_url, min_size=1, max_size=4)
    try:
        yield p
    finally:
        await p.close()


@pytest.fixture
async def journal(pool: asyncpg.Pool) -> AsyncIterator[Journal]:
    async with pool.acquire() as conn:
        await migrate(conn, "ledger")
    j = Journal(pool)
    command = message("command", "query_property", "CT410482", {"debtor": RESIDENT}, None)
    cause = json.loads(command)["envelope"]["event_id"]
    notice = message("notice", "property_query", "FUYUAN", {"id_number": RESIDENT}, cause)
    rejection = message(
        "rejection",
        "message_rejected",
        "FUYUAN",
        {
            "problems": [{"field": "data.amount", "reason": "必须大于零 — must be above zero"}],
            "received_excerpt": f'{{"debtor": "{RESIDENT}", "amount": -1}}',
        },
        cause,
    )
    forged = message("command", "query_property", "CT410102", {}, cause)
    await Recorder(j, Clock()).batch(
        [
            Delivery("enforcement.command.query_property.v1.CT410482", command, {}, 1, 1),
            Delivery("enforcement.notice.property_query.v1.BANK01", notice, {}, 1, 2),
            Delivery("enforcement.rejection.message_rejected.v1.CT410482", rejection, {}, 1, 3),
            Delivery("enforcement.command.query_property.v1.CT410482", forged, {}, 1, 4),
        ]
    )
    yield j


async def test_the_json_masks_resident_ids_unless_asked(journal: Journal) -> None:
    rows = await audit.history(journal, CASE)
    masked = json.dumps([trace_doc(r, show_ids=False) for r in rows], ensure_ascii=False)
    full = json.dumps([trace_doc(r, show_ids=True) for r in rows], ensure_ascii=False)
    assert RESIDENT not in masked and "410482********" in masked
    assert RESIDENT in full


async def test_the_json_names_each_notice_s_recipient_and_each_rejection_s_reason(
    journal: Journal,
) -> None:
    docs = [trace_doc(r, show_ids=False) for r in await audit.history(journal, CASE)]
    assert [d["recipient"] for d in docs] == [None, "BANK01", "CT410482", None]
    assert docs[2]["reasons"] == ["data.amount: 必须大于零 — must be above zero"]
    assert (docs[3]["sender"], docs[3]["organization"], docs[3]["forgery"]) == (
        "CT410482",
        "CT410102",
        True,
    )


async def test_the_tree_shows_recipients_reasons_and_forgeries(journal: Journal) -> None:
    rows = await audit.history(journal, CASE)
    console = Console(width=300, record=True)
    console.print(history_tree(CASE, rows, {"BANK01": "某银行"}))
    text = console.export_text()
    assert "→ BANK01 某银行" in text
    assert "reason data.amount: 必须大于零" in text
    assert "FORGERY: sent by CT410482" in text
    assert RESIDENT not in text


async def test_the_command_line_masks_unless_asked_and_lists_forgeries(
    journal: Journal, database_url: str
) -> None:
    code, masked = await fuyuan("trace", CASE, "--json", database_url=database_url)
    assert code == 0 and RESIDENT not in masked and "410482********" in masked
    code, full = await fuyuan("trace", CASE, "--json", "--show-ids", database_url=database_url)
    assert code == 0 and RESIDENT in full
    code, out = await fuyuan("audit", "forgeries", database_url=database_url)
    assert code == 0 and "CT410482 claimed to be CT410102" in out


async def fuyuan(*args: str, database_url: str) -> tuple[int, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "COLUMNS": "400"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.cli.main",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode()
