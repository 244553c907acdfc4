"""Three instances of the enforcement service share the commands by partition; one is killed
under load, and nothing is lost, nothing is done twice, and every case keeps its order.

Each case gets two commands, `RegisterCase` and later `QueryProperty`: handled out of order, the
query would be refused (no such case). The instance killed is one with commands in hand, and the
queries go out after the kill, so a case registered in the dead one's hand is queried while it
is taken over. Bureaus answer every notice once, as a
bureau with its own durable consumer does. The killed instance dies as a process does: its
database sessions and its NATS connection are cut first, so it gives nothing back and settles
nothing; its partitions' locks go with its session, and the others take them over.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from nats.aio.client import Client
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from contracts.enforcement.query import QueryProperty
from contracts.envelope import Envelope, Message
from contracts.organizations import Registry
from contracts.registry import parse_message
from contracts.subjects import partition_of, published
from services.bureaus.replies import answer, subject_of
from services.cli.simulate import register_case
from services.enforcement.main import spec
from services.runtime.host import RunningService, ServiceSpec, start_service
from services.runtime.partitions import is_partitioned
from services.runtime.settings import RuntimeSettings

pytestmark = pytest.mark.integration

COURTS = 4
CASES_PER_COURT = 25
ACK_WAIT = 6.0
"""Seconds before NATS gives again what the killed instance had in hand (30 in production)."""
UNITS = 8 + 1  # the default partitions, and the consumer of commands stored without one


def quick_redelivery(base: ServiceSpec) -> ServiceSpec:
    def consumers(w: Any) -> list[Any]:
        return [
            replace(c, ack_wait=ACK_WAIT) if is_partitioned(c) else c for c in base.consumers(w)
        ]

    return replace(base, consumers=consumers)


async def until(
    fact: Callable[[], Awaitable[bool]], seconds: float, what: str, every: float = 0.2
) -> None:
    deadline = time.monotonic() + seconds
    while not await fact():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        await asyncio.sleep(every)


async def kill(service: RunningService) -> None:
    """As a process dies: sessions and connections cut, then every loop stopped where it is."""
    service.wiring.pool.terminate()
    with contextlib.suppress(Exception):
        await service.wiring.nc.close()
    with contextlib.suppress(Exception):
        await service.relay.nc.close()
    for task in service.supervisor.tasks.values():
        task.cancel()
    await asyncio.wait(service.supervisor.tasks.values(), timeout=10)


def command(payload: Any, court: str) -> Message[Any]:
    eid = uuid.uuid4()
    env = Envelope(
        event_id=eid,
        type=payload.TYPE,
        occurred_at=datetime.now(UTC),
        organization=court,
        correlation_id=eid,
        case_number=payload.case_number,
    )
    return Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]


def workload() -> list[Message[Any]]:
    """Every case registered, then every case queried, the courts' cases interleaved: a query
    sent after the kill follows its case's registration, which may be in the dead one's hand."""
    rng, registry = random.Random(13), Registry.load()
    courts = list({partition_of(c.code, 8): c for c in registry.courts()}.values())[:COURTS]
    assert len(courts) == COURTS, "courts in as many partitions"
    registrations: list[Message[Any]] = []
    queries: list[Message[Any]] = []
    for n in range(CASES_PER_COURT):
        for court in courts:
            reg = register_case(rng, court, 5000 + n, datetime.now(UTC))
            query = QueryProperty(case_number=reg.data.case_number, debtor=reg.data.debtors[0])
            registrations.append(reg)
            queries.append(command(query, court.code))
    return registrations + queries


class Bureaus:
    """Every bureau answers each query notice once (nothing held), however often it arrives."""

    def __init__(self, nc: Client) -> None:
        self.nc = nc
        self.answered: set[str] = set()

    async def take(self, raw: Any) -> None:
        notice = parse_message(raw.data)
        if str(notice.envelope.event_id) in self.answered:
            return
        self.answered.add(str(notice.envelope.event_id))
        reply = answer(notice, [], raw.subject.rsplit(".", 1)[1], datetime.now(UTC))
        await self.nc.jetstream().publish(
            subject_of(reply),
            reply.model_dump_json().encode(),
            headers={"Nats-Msg-Id": str(reply.envelope.event_id)},
        )


async def relayed(nc: Client) -> list[tuple[str, str]]:
    """(subject as published, Nats-Msg-Id) of every event, notice and rejection the relay put
    on the stream."""
    js = nc.jetstream()
    config = ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL)
    sub = await js.pull_subscribe("enforcement.>", stream="ENFORCEMENT", config=config)
    out: list[tuple[str, str]] = []
    try:
        while True:
            try:
                page = await sub.fetch(500, timeout=2)
            except TimeoutError:
                return out
            out += [
                (published(m.subject), (m.headers or {}).get("Nats-Msg-Id", ""))
                for m in page
                if m.subject.split(".")[1] in ("event", "notice", "rejection")
            ]
            if page[-1].metadata.num_pending == 0:
                return out
    finally:
        await sub.unsubscribe()


async def test_three_instances_one_killed_under_load_lose_nothing_and_keep_each_case_in_order(
    nats_url: str, database_url: str, nc: Client
) -> None:
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)
    alive = [await start_service(quick_redelivery(spec()), settings) for _ in range(3)]
    bureaus = Bureaus(nc)
    await nc.subscribe("enforcement.notice.property_query.v1.*", cb=bureaus.take)
    db = await asyncpg.connect(database_url)
    try:

        async def shared() -> bool:
            held = [len(s.owner.held) for s in alive if s.owner]
            return sum(held) == UNITS and max(held) <= -(-UNITS // len(alive))

        await until(shared, 20, "the partitions shared fairly by three instances")
        sent = workload()
        half = len(sent) // 2
        js = nc.jetstream()

        async def send(messages: list[Message[Any]]) -> None:
            for msg in messages:
                await js.publish(
                    subject_of(msg),
                    msg.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": str(msg.envelope.event_id)},
                )

        # Looked for while they are sent: the instances must not finish before one is caught.
        sending = asyncio.create_task(send(sent[:half]))
        in_hand: list[RunningService] = []

        async def one_has_messages_in_hand() -> bool:
            for s in alive:
                for durable in s.owner.owned() if s.owner else []:
                    if (await js.consumer_info("ENFORCEMENT", durable)).num_ack_pending:
                        in_hand.append(s)
                        return True
            return False

        await until(one_has_messages_in_hand, 30, "an instance at work", every=0.005)
        victim = in_hand[0]
        of_victim = set(victim.owner.owned()) if victim.owner else set()
        await kill(victim)
        alive = [s for s in alive if s is not victim]
        await sending
        await send(sent[half:])

        cases = len(sent) // 2

        async def all_results() -> bool:
            refused = await db.fetch(
                "SELECT message FROM enforcement.events WHERE type LIKE '%.rejection.%' LIMIT 1"
            )
            assert refused == [], f"a command refused, handled out of order: {refused}"
            n = await db.fetchval(
                "SELECT count(*) FROM enforcement.events "
                "WHERE type = 'enforcement.notice.property_result.v1'"
            )
            return n >= cases

        await until(shared, 20, "the killed instance's partitions taken over")
        survivors = {d for s in alive for d in (s.owner.owned() if s.owner else [])}
        assert of_victim and of_victim <= survivors, "the killed one's partitions are pulled"
        await until(all_results, 90, "a property result for every case")
        taken_over = sum(s.owner.taken_over for s in alive if s.owner)
        assert taken_over >= 1, "a partition was taken over with the dead one's messages in hand"

        rows = await db.fetch(
            "SELECT stream_id, version, type, event_id::text, "
            "message->'envelope'->>'causation_id' AS cause, "
            "message->'envelope'->>'case_number' AS case_number "
            "FROM enforcement.events ORDER BY stream_id, version"
        )
        rejected = [r for r in rows if ".rejection." in r["type"]]
        assert rejected == [], f"refused (out of order or twice): {rejected[:3]}"
        caused = Counter((r["cause"], r["type"]) for r in rows)
        for msg in sent:
            first = {
                "enforcement.command.register_case.v1": "enforcement.event.case_registered.v1",
                "enforcement.command.query_property.v1": (
                    "enforcement.event.property_query_started.v1"
                ),
            }[msg.envelope.type]
            assert caused[(str(msg.envelope.event_id), first)] == 1, f"one outcome of {msg}"
        handled = await db.fetch("SELECT message_id::text FROM enforcement.inbox")
        assert {str(m.envelope.event_id) for m in sent} <= {r["message_id"] for r in handled}

        for stream_id, events in itertools.groupby(rows, key=lambda r: r["stream_id"]):
            if not stream_id.startswith("case-"):
                continue
            kinds = [r["type"].split(".")[2] for r in list(events)]
            assert kinds[0] == "case_registered", (stream_id, kinds)
            assert kinds.count("property_result") == 1, (stream_id, kinds)
            started = kinds.index("property_query_started")
            answers = [i for i, k in enumerate(kinds) if k == "property_answer_recorded"]
            assert answers and min(answers) > started, (stream_id, kinds)
            assert kinds.index("property_result") > max(answers), (stream_id, kinds)
        versions = await db.fetch(
            "SELECT stream_id, count(*) AS n, max(version) AS top FROM enforcement.events "
            "GROUP BY stream_id HAVING count(*) <> max(version) OR min(version) <> 1"
        )
        assert versions == [], "every stream's versions run 1, 2, 3 … without a gap"

        async def all_relayed() -> bool:
            return len(await relayed(nc)) >= len(rows)

        await until(all_relayed, 30, "every event published by the one relay leader")
        on_stream = await relayed(nc)
        ids = Counter(msg_id for _, msg_id in on_stream)
        assert [i for i, n in ids.items() if n > 1] == [], "no event stored twice on the stream"
        results = Counter(s for s, _ in on_stream if ".property_result." in s)
        assert sum(results.values()) == cases
        assert sum(1 for s in alive if s.relay.leading) == 1, "one relay leader among the living"
    finally:
        await db.close()
        for s in alive:
            await s.close()
