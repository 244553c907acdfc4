"""A court registers a case through the running service: real NATS, real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from nats.aio.client import Client
from opentelemetry import trace

from contracts.organizations import Registry
from contracts.subjects import subject
from services.cli.simulate import register_case
from services.enforcement.main import SPEC
from services.runtime.host import RunningService, start_service
from services.runtime.observability import inject_headers
from services.runtime.settings import RuntimeSettings
from tests.conftest import SPANS

pytestmark = pytest.mark.integration

RUZHOU, LUOYANG = "CT410482", "CT410300"


@pytest.fixture
async def service(nats_url: str, database_url: str) -> AsyncIterator[RunningService]:
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)  # type: ignore[call-arg]
    running = await start_service(SPEC, settings)
    try:
        yield running
    finally:
        await running.close()


class Inbox:
    """What an organization receives on its subjects."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, Any], dict[str, str]]] = []

    async def take(self, msg: Any) -> None:
        self.messages.append((msg.subject, json.loads(msg.data), dict(msg.headers or {})))

    async def wait(self, count: int, seconds: float = 15) -> None:
        for _ in range(int(seconds / 0.02)):
            if len(self.messages) >= count:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"expected {count} messages, got {self.messages}")


async def listen(nc: Client, org: str) -> Inbox:
    inbox = Inbox()
    await nc.subscribe(f"enforcement.event.*.*.{org}", cb=inbox.take)
    await nc.subscribe(f"enforcement.rejection.*.*.{org}", cb=inbox.take)
    return inbox


def case_from(court: str, seq: int = 1234) -> Any:
    return register_case(random.Random(seq), Registry.load().get(court), seq, datetime.now(UTC))


async def send(
    nc: Client, org: str, body: bytes, msg_id: str, headers: dict[str, str] | None = None
) -> None:
    await nc.jetstream().publish(
        subject("enforcement.command.register_case.v1", org),
        body,
        headers={**(headers or {}), "Nats-Msg-Id": msg_id},
    )


async def test_a_court_registers_its_case_and_receives_the_fact(
    service: RunningService, nc: Client
) -> None:
    inbox = await listen(nc, RUZHOU)
    cmd = case_from(RUZHOU)
    await send(nc, RUZHOU, cmd.model_dump_json().encode(), str(cmd.envelope.event_id))
    await inbox.wait(1)
    subj, body, headers = inbox.messages[0]
    assert subj == f"enforcement.event.case_registered.v1.{RUZHOU}"
    assert body["data"]["case_number"] == cmd.data.case_number
    assert body["envelope"]["correlation_id"] == str(cmd.envelope.event_id)
    assert body["envelope"]["causation_id"] == str(cmd.envelope.event_id)
    assert headers["Nats-Msg-Id"] == body["envelope"]["event_id"]


async def test_a_redelivered_command_has_no_second_effect(
    service: RunningService, nc: Client
) -> None:
    inbox = await listen(nc, RUZHOU)
    cmd = case_from(RUZHOU, 77)
    body = cmd.model_dump_json().encode()
    await send(nc, RUZHOU, body, "first-delivery")
    await send(nc, RUZHOU, body, "second-delivery")  # same message, past JetStream's dedup
    await inbox.wait(1)
    await asyncio.sleep(0.5)
    assert len(inbox.messages) == 1
    count = await service.wiring.pool.fetchval("SELECT count(*) FROM enforcement.events")
    assert count == 1


@pytest.mark.parametrize(
    ("sender", "mutate", "field"),
    [
        (RUZHOU, lambda b: b.replace(b'"amount":', b'"amount_typo":'), "data.amount"),
        (RUZHOU, lambda b: b"not json at all", "$"),
        (
            RUZHOU,
            lambda b: b.replace(RUZHOU.encode(), LUOYANG.encode(), 1),
            "envelope.organization",
        ),
    ],
    ids=["missing-field", "not-json", "sent-as-another-court"],
)
async def test_a_bad_message_is_rejected_to_its_sender_naming_the_field(
    service: RunningService, nc: Client, sender: str, mutate: Any, field: str
) -> None:
    inbox = await listen(nc, sender)
    cmd = case_from(RUZHOU, 5)
    await send(nc, sender, mutate(cmd.model_dump_json().encode()), str(cmd.envelope.event_id))
    try:
        await inbox.wait(1)
    except AssertionError as e:  # say where the message is, should it ever not arrive
        info = await nc.jetstream().consumer_info("ENFORCEMENT", "enforcement_commands")
        raise AssertionError(f"no rejection; consumer state: {info}") from e
    subj, body, _ = inbox.messages[0]
    assert subj == f"enforcement.rejection.message_rejected.v1.{sender}"
    assert field in [p["field"] for p in body["data"]["problems"]]
    recorded = await service.wiring.pool.fetchval(
        "SELECT count(*) FROM enforcement.events WHERE type = 'enforcement.rejection.message_rejected.v1'"
    )
    assert recorded == 1


async def test_an_id_number_with_a_wrong_check_character_is_rejected(
    service: RunningService, nc: Client
) -> None:
    inbox = await listen(nc, RUZHOU)
    cmd = next(
        c
        for c in map(lambda n: case_from(RUZHOU, n), range(1, 100))
        if c.data.debtors[0].kind == "person"
    )
    raw = json.loads(cmd.model_dump_json())
    party = raw["data"]["debtors"][0]
    party["id_number"] = party["id_number"][:17] + ("0" if party["id_number"][17] != "0" else "1")
    await send(nc, RUZHOU, json.dumps(raw).encode(), str(cmd.envelope.event_id))
    await inbox.wait(1)
    problems = inbox.messages[0][1]["data"]["problems"]
    assert any("id_number" in p["field"] and "check" in p["reason"] for p in problems)


async def test_a_court_cannot_register_another_courts_case(
    service: RunningService, nc: Client
) -> None:
    inbox = await listen(nc, LUOYANG)
    cmd = case_from(RUZHOU, 11)
    raw = json.loads(cmd.model_dump_json())
    raw["envelope"]["organization"] = LUOYANG
    await send(nc, LUOYANG, json.dumps(raw).encode(), str(cmd.envelope.event_id))
    await inbox.wait(1)
    [problem] = inbox.messages[0][1]["data"]["problems"]
    assert problem["field"] == "envelope.organization"
    assert "豫0482" in problem["reason"]


async def test_one_trace_spans_the_court_the_service_and_the_relay(
    service: RunningService, nc: Client
) -> None:
    SPANS.clear()
    inbox = await listen(nc, RUZHOU)
    cmd = case_from(RUZHOU, 31)
    with trace.get_tracer("court").start_as_current_span("court registers case") as span:
        trace_id = span.get_span_context().trace_id
        headers = inject_headers()
    await send(nc, RUZHOU, cmd.model_dump_json().encode(), str(cmd.envelope.event_id), headers)
    await inbox.wait(1)
    assert inbox.messages[0][2]["traceparent"].split("-")[1] == format(trace_id, "032x")
    spans = SPANS.get_finished_spans()
    names = {s.name for s in spans if s.context.trace_id == trace_id}
    assert "consume enforcement.command.register_case.v1.CT410482" in names
    relay = [s for s in spans if s.name == "relay publish"]
    assert any(link.context.trace_id == trace_id for s in relay for link in s.links)
