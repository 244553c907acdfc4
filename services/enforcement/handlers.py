"""One async function per message: load the stream, let the domain decide, append."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from contracts.envelope import Message
from contracts.organizations import Registry
from contracts.registry import parse_message
from services.enforcement import domain
from services.runtime.eventstore import EventStore, InboxEntry, StreamWrite
from services.runtime.messaging import follow, outgoing

CONSUMER = "enforcement_commands"


def case_stream(case_number: str) -> str:
    return f"case-{case_number}"


async def load_case(store: EventStore, case_number: str) -> tuple[domain.Case, int]:
    case, version = domain.Case(), 0
    for stored in await store.load(case_stream(case_number)):
        case = domain.evolve(case, parse_message(stored.message).data)
        version = stored.version
    return case, version


async def register_case(
    store: EventStore, registry: Registry, msg: Message[Any], now: datetime
) -> None:
    env, cmd = msg.envelope, msg.data
    case, version = await load_case(store, cmd.case_number)
    court = registry.get(env.organization)
    events = domain.decide_register(
        cmd, case, court=court.code, court_case_code=court.case_code, now=now
    )
    out = [outgoing(follow(env, e, organization=court.code, now=now,
                           case_number=cmd.case_number), court.code) for e in events]  # fmt: skip
    await store.append(
        StreamWrite(case_stream(cmd.case_number), version, out),
        inbox=InboxEntry(CONSUMER, env.event_id),
    )
