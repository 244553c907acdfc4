"""Hostile input through real NATS and PostgreSQL: every message the server stored on an ingress
subject ends in an effect or a rejection, nothing is dead-lettered, and the relay keeps going."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import asyncpg
import pytest
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy

from chaos.fuzz import golden, hostile, ingress_types
from contracts import limits
from contracts.registry import peek_envelope
from contracts.subjects import DEADLETTER_STREAM
from services.enforcement.main import spec
from services.runtime.host import RunningService, start_service
from services.runtime.messaging import sender_of
from services.runtime.settings import RuntimeSettings
from services.runtime.streams import PARTITIONS

pytestmark = pytest.mark.integration

COUNT = 250
SEED = 20261202
REGISTER = "enforcement.command.register_case.v1"


@dataclass(frozen=True)
class Sent:
    subject: str
    sha256: str
    event_id: uuid.UUID | None
    sender: str | None


@pytest.fixture
async def service(nats_url: str, database_url: str) -> AsyncIterator[RunningService]:
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)
    running = await start_service(spec(), settings)
    try:
        yield running
    finally:
        await running.close()


async def until(fact: Callable[[], Awaitable[bool]], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await fact():
            return True
        await asyncio.sleep(0.2)
    return await fact()


def valid_samples() -> list[tuple[str, bytes]]:
    """A golden sample of each ingress type with a fresh event id, among the hostile ones."""
    out = []
    for message_type in ingress_types():
        msg = golden(message_type)
        assert msg is not None
        env = {**msg["envelope"], "event_id": str(uuid.uuid4())}
        out.append((f"{message_type}.{env['organization']}", json.dumps({**msg, "envelope": env})))
    return [(subject, text.encode()) for subject, text in out]


def extremes() -> list[tuple[str, bytes]]:
    """What once stopped every flow: 1.5 MB of control characters on a command subject (its
    rejection echoed them and grew past the server's limit), and nearly 8 MB of them."""
    court = f"{REGISTER}.CT410482"
    return [(court, bytes(range(1, 32)) * 50_000), (court, b"\x1b" * (8 * 1024 * 1024 - 4096))]


async def publish_all(js: JetStreamContext) -> list[Sent]:
    """Publish the fuzzer's messages as an integrator would (`Nats-Msg-Id` = the event id when
    there is one); keep those the server stored."""
    sent = []
    for subject, data in [*extremes(), *valid_samples(), *hostile(COUNT, at_seed=SEED)]:
        env = peek_envelope(data)
        headers = {"Nats-Msg-Id": str(env.event_id)} if env else None
        try:
            ack = await js.publish(subject, data, headers=headers, timeout=10)
        except NatsError:
            continue  # refused by the server itself (a subject no stream takes): never ingress
        if not ack.duplicate:
            sha256 = hashlib.sha256(data).hexdigest()
            sent.append(Sent(subject, sha256, env.event_id if env else None, sender_of(subject)))
    return sent


async def outcomes(conn: asyncpg.Connection, sent: list[Sent]) -> list[str]:
    """What became of each message: `rejection` (recorded, matched by digest and subject),
    `effect` (its inbox row, per sender) or `none`."""
    rows = await conn.fetch(
        "SELECT message->'data'->>'received_sha256' AS sha, message->'data'->>'subject' AS subject "
        "FROM enforcement.events WHERE type LIKE 'enforcement.rejection.%'"
    )
    rejected = {(r["sha"], r["subject"]) for r in rows}
    rows = await conn.fetch("SELECT message_id, sender FROM enforcement.inbox")
    inbox = {(r["message_id"], r["sender"]) for r in rows}
    return [
        "rejection"
        if (m.sha256, _shown(m.subject)) in rejected
        else "effect"
        if (m.event_id, m.sender) in inbox
        else "none"
        for m in sent
    ]


def _shown(subject: str) -> str:
    return limits.shown(subject, limits.MAX_SUBJECT_CHARS)


async def consumers_idle(js: JetStreamContext) -> bool:
    """The replies' consumer and every partition of the commands have nothing left."""
    found = {
        info.name: info
        for info in await js.consumers_info("ENFORCEMENT")
        if re.fullmatch(r"enforcement_(replies|commands|commands_p\d+)", info.name)
    }
    if len(found) < 2 + PARTITIONS:
        return False
    return not any(info.num_pending or info.num_ack_pending for info in found.values())


async def test_hostile_messages_each_get_a_rejection_or_an_effect_and_none_is_dead_lettered(
    service: RunningService, nc: Client, database_url: str
) -> None:
    js = nc.jetstream()
    sent = await publish_all(js)
    assert len(sent) > COUNT // 2, "most of the fuzzer's messages reach the stream"
    assert len(sent[0].sha256) == 64 and sent[0].subject.endswith("CT410482"), "1.5 MB stored"
    conn = await asyncpg.connect(database_url)
    try:
        assert await until(lambda: consumers_idle(js), 180), "the consumers keep up"
        found = await outcomes(conn, sent)
        silent = [m for m, outcome in zip(sent, found, strict=True) if outcome == "none"]
        assert silent == [], f"{len(silent)} of {len(sent)} message(s) got no answer: {silent}"
        assert {"rejection", "effect"} <= set(found)
        largest = await conn.fetchval(
            "SELECT max(octet_length(message::text)) FROM enforcement.events "
            "WHERE type LIKE 'enforcement.rejection.%'"
        )
        assert largest < limits.REJECTION_BOUND, "every rejection a few KiB, whatever arrived"
    finally:
        await conn.close()
    info = await js.stream_info(DEADLETTER_STREAM)
    assert info.state.messages == 0, "bad input is rejected, never dead-lettered"
    await the_relay_still_publishes(js)


async def the_relay_still_publishes(js: JetStreamContext) -> None:
    """After megabytes of hostile input the relay publishes every rejection and what comes next:
    a court's valid command for a new case is still answered on NATS."""
    msg = golden(REGISTER)
    assert msg is not None
    case_number = f"（2026）豫0482执{uuid.uuid4().int % 90000 + 10000}号"
    env = {**msg["envelope"], "event_id": str(uuid.uuid4()), "case_number": case_number}
    msg = {"envelope": env, "data": {**msg["data"], "case_number": case_number}}
    registered = "enforcement.event.case_registered.v1.*"
    sub = await js.subscribe(registered, ordered_consumer=True, deliver_policy=DeliverPolicy.NEW)
    try:
        await js.publish(f"{REGISTER}.{env['organization']}", json.dumps(msg).encode())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                got = await sub.next_msg(timeout=1)
                if json.loads(got.data)["envelope"]["causation_id"] == env["event_id"]:
                    return
        raise AssertionError("the relay no longer publishes after the hostile input")
    finally:
        await sub.unsubscribe()
