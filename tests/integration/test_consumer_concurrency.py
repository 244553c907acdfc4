"""Many cases at once, each in order: thousands of messages over many cases, interleaved on one
stream, consumed by a keyed consumer working on 16 cases at once (with random handler latency,
injected failures and a message that always fails) into a real PostgreSQL event store, and by
the same consumer at concurrency 1 into another schema: every case's history is the same in
both, and is its messages in stream order."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import random
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from services.runtime import streams
from services.runtime.consumer import Consumer, Delivery, start
from services.runtime.deadletters import list_deadletters
from services.runtime.eventstore import InboxEntry, StreamWrite
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate
from tests.suites.event_store import note

pytestmark = pytest.mark.integration

MESSAGES, CASES = 3000, 200
SUBJECT = "testing.event.n.v1.X"
FAIL_ONCE = {n for n in range(MESSAGES) if n % 61 == 7}
FAIL_TWICE = {n for n in range(MESSAGES) if n % 211 == 13}
POISON = 1234
"""Always fails: set aside after max_attempts; the rest of its case goes on after it."""


@pytest.fixture
async def js(nc: Client) -> JetStreamContext:
    context = nc.jetstream()
    for name in ("TESTING", "DEADLETTER", "REPLAY"):
        with contextlib.suppress(Exception):
            await context.delete_stream(name)
    await streams.ensure_all(context, ("testing",), 1)
    return context


@pytest.fixture
async def stores(pool: asyncpg.Pool) -> AsyncIterator[dict[str, PostgresEventStore]]:
    async with pool.acquire() as conn:
        for schema in ("concurrent", "sequential"):
            await migrate(conn, schema)
    yield {s: PostgresEventStore(pool, s) for s in ("concurrent", "sequential")}


def the_case(d: Delivery) -> str | None:
    return str(json.loads(d.data)["case"])


class Run:
    """One consumer of the stream appending each message to its case's stream."""

    def __init__(self, store: PostgresEventStore, durable: str, seed: int) -> None:
        self.store, self.durable = store, durable
        self.rnd = random.Random(seed)
        self.running = self.most = 0
        self.attempts: dict[int, int] = {}

    def fails(self, n: int, attempt: int) -> bool:
        return (
            n == POISON or (n in FAIL_ONCE and attempt == 1) or (n in FAIL_TWICE and attempt <= 2)
        )

    async def _latency(self) -> None:
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            await asyncio.sleep(self.rnd.random() * 0.002)
        finally:
            self.running -= 1

    def _row(self, d: Delivery) -> tuple[int, str, InboxEntry]:
        body = json.loads(d.data)
        n = int(body["n"])
        self.attempts[n] = max(self.attempts.get(n, 0), d.attempt)
        return n, f"case-{body['case']}", InboxEntry(self.durable, uuid.UUID(body["id"]), "X")

    async def one(self, d: Delivery) -> None:
        n, stream, inbox = self._row(d)
        await self._latency()
        if self.fails(n, d.attempt):
            raise ValueError(f"injected failure of {n}")
        version = await self.store.version(stream)
        await self.store.append(StreamWrite(stream, version, [note(n)]), inbox=inbox)

    async def group(self, ds: list[Delivery]) -> None:
        rows = [self._row(d) for d in ds]
        await self._latency()
        if any(self.fails(n, d.attempt) for (n, _, _), d in zip(rows, ds, strict=True)):
            raise ValueError("one of the group fails")
        ((_, stream, _),) = {(0, s, None) for _, s, _ in rows}  # one case
        version = await self.store.version(stream)
        write = StreamWrite(stream, version, [note(n) for n, _, _ in rows])
        await self.store.append_together(write, inboxes=[i for _, _, i in rows])

    def consumer(self, concurrency: int, together: bool) -> Consumer:
        return Consumer(
            context="testing",
            durable=self.durable,
            subject="testing.>",
            handle=self.one,
            handle_group=self.group if together else None,
            key=the_case,
            concurrency=concurrency,
            max_attempts=3,
            backoff=(0.05, 0.1, 0.2),
            batch_size=64,
        )

    async def histories(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for c in range(CASES):
            stored = await self.store.load(f"case-{c}")
            out[f"case-{c}"] = [e.message["data"]["n"] for e in stored]
        return out

    async def count(self) -> int:
        return int(await self.store.pool.fetchval(f"SELECT count(*) FROM {self.durable}.events"))


async def until(done: Callable[[], Any], seconds: float) -> None:
    for _ in range(int(seconds / 0.1)):
        if await done():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("not done in time")


async def test_every_cases_history_under_concurrency_equals_a_sequential_run(
    js: JetStreamContext, stores: dict[str, PostgresEventStore]
) -> None:
    rnd = random.Random(13)
    cases = [rnd.randrange(CASES) for _ in range(MESSAGES)]
    acks = [
        await js.publish_async(
            SUBJECT, json.dumps({"case": c, "n": n, "id": str(uuid.uuid4())}).encode()
        )
        for n, c in enumerate(cases)
    ]
    await asyncio.gather(*acks)
    expected = {f"case-{c}": [n for n, k in enumerate(cases) if k == c] for c in range(CASES)}
    expected[f"case-{cases[POISON]}"].remove(POISON)

    concurrent = Run(stores["concurrent"], "concurrent", seed=1)
    sequential = Run(stores["sequential"], "sequential", seed=2)
    stop = asyncio.Event()
    tasks = [
        start(js, concurrent.consumer(16, together=True), stop),
        start(js, sequential.consumer(1, together=False), stop),
    ]
    try:
        for run in (concurrent, sequential):
            await until(functools.partial(_all_in, run), seconds=90)
    finally:
        stop.set()
        await asyncio.gather(*tasks)

    assert 1 < concurrent.most <= 16, "cases were worked on side by side"
    assert sequential.most == 1
    side_by_side, one_at_a_time = await concurrent.histories(), await sequential.histories()
    assert _differing(side_by_side, expected) == []
    assert _differing(one_at_a_time, expected) == []
    assert side_by_side == one_at_a_time
    letters = await list_deadletters(js)
    assert sorted(letter.consumer for letter in letters) == ["concurrent", "sequential"]
    assert {json.loads(letter.data)["n"] for letter in letters} == {POISON}
    # Put back behind a failing message of its case, a message spent no attempt.
    failing = FAIL_ONCE | FAIL_TWICE | {POISON}
    for run in (concurrent, sequential):
        assert max(a for n, a in run.attempts.items() if n not in failing) == 1


def _differing(got: dict[str, list[int]], want: dict[str, list[int]]) -> list[str]:
    return [f"{k}: {got.get(k)} != {v}" for k, v in want.items() if got.get(k) != v]


async def _all_in(run: Run) -> bool:
    return await run.count() == MESSAGES - 1
