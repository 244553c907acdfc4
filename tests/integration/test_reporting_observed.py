"""The reporting service's observer on a real NATS server and a real PostgreSQL: every event and
notice of every observed context is kept once, as received, with its place in its stream;
commands, replies and rejections are not kept; bytes that are no message are skipped and
counted, never set aside; a redelivered message (the same bytes again, or the same event at
another place in the stream) adds no row; the read models are asked to catch up after a batch."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from contracts.subjects import split, stream_name
from services.reporting.observed import Observer
from services.reporting.subscribers import OBSERVED, observers
from services.runtime import streams
from services.runtime.consumer import Delivery, start
from services.runtime.migrations import migrate

pytestmark = pytest.mark.integration

GOLDEN = Path(__file__).parents[1] / "contract" / "golden"
SCHEMA = "reporting"


def samples() -> list[dict[str, Any]]:
    """Every golden sample of the observed contexts, in name order, each with an event id of
    its own (samples share ids, as one case's messages refer to each other)."""
    found = []
    for path in sorted(GOLDEN.glob("*.json")):
        if path.name.split(".")[0] in OBSERVED:
            msg = json.loads(path.read_text("utf-8"))
            msg["envelope"]["event_id"] = str(uuid.uuid4())
            found.append(msg)
    return found


def subject_of(msg: dict[str, Any]) -> str:
    return f"{msg['envelope']['type']}.{msg['envelope']['organization']}"


def kept(msg: dict[str, Any]) -> bool:
    return msg["envelope"]["type"].split(".")[1] in ("event", "notice")


class Observed:
    """The observer under test, with its catch-ups counted."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.catch_ups = 0
        self.observer = Observer(pool, SCHEMA, self.catch_up)
        self.pool = pool

    async def catch_up(self, pool: asyncpg.Pool, schema: str) -> int:
        assert (pool, schema) == (self.pool, SCHEMA)
        self.catch_ups += 1
        return 0

    async def rows(self) -> list[asyncpg.Record]:
        return await self.pool.fetch(f'SELECT * FROM "{SCHEMA}".observed ORDER BY position')


@pytest.fixture
async def js(nc: Client) -> JetStreamContext:
    context = nc.jetstream()
    await streams.ensure_all(context, OBSERVED, 1)
    return context


@pytest.fixture
async def observed(pool: asyncpg.Pool) -> Observed:
    async with pool.acquire() as conn:
        await migrate(conn, SCHEMA)
    return Observed(pool)


@pytest.fixture
async def running(js: JetStreamContext, observed: Observed) -> AsyncIterator[Observed]:
    stop = asyncio.Event()
    tasks = [start(js, c, stop) for c in observers(observed.observer, 64, 5)]
    yield observed
    stop.set()
    await asyncio.gather(*tasks)


async def until_rows(observed: Observed, count: int, seconds: float = 20) -> None:
    for _ in range(int(seconds / 0.05)):
        if len(await observed.rows()) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(await observed.rows())} rows, not {count}")


async def test_every_event_and_notice_of_every_context_is_kept_once_and_nothing_else(
    js: JetStreamContext, running: Observed
) -> None:
    sent = samples()
    for msg in sent:
        await js.publish(subject_of(msg), json.dumps(msg, ensure_ascii=False).encode())
    facts = {m["envelope"]["event_id"]: m for m in sent if kept(m)}
    await until_rows(running, len(facts))
    rows = await running.rows()
    assert len(rows) == len(facts)
    assert {str(r["event_id"]) for r in rows} == set(facts)
    assert {r["context"] for r in rows} == set(OBSERVED)
    assert all(r["type"].split(".")[1] in ("event", "notice") for r in rows)
    for row in rows:
        msg = facts[str(row["event_id"])]
        assert json.loads(row["message"]) == msg
        assert json.loads(row["body"]) == msg["data"]
        assert row["type"] == msg["envelope"]["type"]
        assert row["organization"] == msg["envelope"]["organization"]
        assert row["stream"] == stream_name(row["context"])
        assert row["case_number"] == msg["envelope"]["case_number"]
    assert running.catch_ups >= 1
    assert running.observer.skipped == {}


async def test_bytes_that_are_no_message_are_skipped_and_counted_not_set_aside(
    js: JetStreamContext, running: Observed
) -> None:
    # a bad command is its service's to answer: not even read here (before the bad event on
    # the same stream, so it has been handled when that one is counted)
    await js.publish("risk.command.issue_memo.v1.JO410482", b"\xff not json")
    await js.publish("risk.event.memo_issued.v1.JO410482", b"\xff not json")
    await js.publish("bankruptcy.event.nothing.v1.CT410482", b'{"envelope": {}}')
    event = next(m for m in samples() if m["envelope"]["type"].startswith("risk.event."))
    await js.publish(subject_of(event), json.dumps(event).encode())
    await until_rows(running, 1)
    for _ in range(200):
        if sum(running.observer.skipped.values()) == 2:
            break
        await asyncio.sleep(0.05)
    assert running.observer.skipped == {
        ("risk", "not a valid message"): 1,
        ("bankruptcy", "not a valid message"): 1,
    }
    letters = await js.stream_info("DEADLETTER")
    assert letters.state.messages == 0


async def test_a_message_again_adds_no_row(
    js: JetStreamContext, pool: asyncpg.Pool, running: Observed
) -> None:
    event = next(m for m in samples() if m["envelope"]["type"].startswith("enforcement.event."))
    body = json.dumps(event).encode()
    await js.publish(subject_of(event), body)
    # the same event published again (no Nats-Msg-Id): another place in the stream
    await js.publish(subject_of(event), body)
    command = next(m for m in samples() if m["envelope"]["type"].startswith("reporting.command"))
    await js.publish(subject_of(command), json.dumps(command).encode())
    other = next(m for m in samples() if m["envelope"]["type"].startswith("reporting.event."))
    await js.publish(subject_of(other), json.dumps(other).encode())
    await until_rows(running, 2)
    # the stream's own redelivery: the same bytes at the same place, handed again
    info = await js.stream_info("ENFORCEMENT")
    again = Delivery(subject_of(event), body, {}, 2, info.state.first_seq)
    await running.observer.batch("enforcement", [again])
    await running.observer.one("enforcement", again)
    rows = await running.rows()
    assert sorted(r["type"] for r in rows) == sorted(
        [event["envelope"]["type"], other["envelope"]["type"]]
    )
    assert split(subject_of(command))[0] not in {r["type"] for r in rows}
