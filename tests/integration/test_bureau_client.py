"""The bureau client against a real JetStream: notices in through the durable consumer, answers
out with their envelope following the notice, acknowledged only once the answer is stored; the
command, webhook and directory handlers; failures asked again; unreadable notices set aside;
rejections heard; sanction notices acknowledged and lifts confirmed; the simulated bureaus
answering from the dataset and acknowledging sanctions."""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import json
import os
import re
import shlex
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from contracts.bankruptcy.tasks import CoordinationTaskNotice, Role
from contracts.enforcement import (
    Action,
    ControlOrder,
    ControlOutcome,
    Holding,
    MessageRejected,
    Outcome,
    Person,
    PropertyAnswer,
    PropertyKind,
    PropertyQueryNotice,
)
from contracts.enforcement.sanctions import (
    AckOutcome,
    Bound,
    LiftNotice,
    MeasureFor,
    SanctionAck,
    SanctionKind,
    SanctionNotice,
)
from contracts.envelope import Envelope, Message
from contracts.ids import resident_id_check_character
from contracts.organizations import Registry
from contracts.registry import parse_message
from contracts.rejections import FieldProblem
from contracts.subjects import subject
from services.bureaus.client import (
    BureauClient,
    Handler,
    dir_handler,
    exec_handler,
    reply_id,
    webhook_handler,
)
from services.bureaus.dataset import holdings
from services.bureaus.replies import acknowledge, answer
from services.bureaus.simulator import Behaviour, run_bureaus
from services.runtime import streams
from services.runtime.devstack import EmbeddedNats
from services.runtime.permissions import dev_password, nats_config
from services.runtime.streams import context_stream

pytestmark = pytest.mark.integration

BUREAU = "NR410300"
COURT = "CT410300"
CASE = "（2025）豫03执1234号"
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
ANSWERS = f"enforcement.reply.property_answer.v1.{BUREAU}"
FAST = {"backoff": (0.05, 0.1), "fetch_timeout": 0.2}


@pytest.fixture
async def js(nc: Client) -> JetStreamContext:
    context = nc.jetstream()
    with contextlib.suppress(Exception):
        await context.delete_stream("ENFORCEMENT")
    await streams.ensure(context, context_stream("enforcement", 1))
    return context


def debtor() -> Person:
    body = "41030219880315002"
    return Person(name="王伟", id_number=body + resident_id_check_character(body))


def envelope(message_type: str) -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        type=message_type,
        occurred_at=datetime.now(UTC),
        organization=COURT,
        correlation_id=uuid.uuid4(),
        causation_id=uuid.uuid4(),
        case_number=CASE,
    )


def query_notice() -> Message[Any]:
    data = PropertyQueryNotice(
        query_id=uuid.uuid4(),
        case_number=CASE,
        executing_court=COURT,
        debtor=debtor(),
        kinds=[PropertyKind.REAL_ESTATE],
        respond_by=datetime.now(UTC) + timedelta(days=3),
    )
    return Message[PropertyQueryNotice](envelope=envelope(data.TYPE), data=data)


def control_order(encumbered: bool) -> Message[Any]:
    data = ControlOrder(
        order_id=uuid.uuid4(),
        control_id=uuid.uuid4(),
        action=Action.SEIZE,
        case_number=CASE,
        executing_court=COURT,
        amount=Decimal("300000.00"),
        until=date(2028, 3, 1),
        holding=Holding(
            kind=PropertyKind.REAL_ESTATE,
            encumbered=encumbered,
            reference="豫（2021）洛阳市不动产权第0012345号",
        ),
    )
    return Message[ControlOrder](envelope=envelope(data.TYPE), data=data)


def sanction_notice(bureau: str = BUREAU) -> Message[Any]:
    data = SanctionNotice(
        notice_id=uuid.uuid4(),
        bureau=bureau,
        sanction_id=uuid.uuid4(),
        sanction_kind=SanctionKind.LISTING,
        case_number=CASE,
        executing_court=COURT,
        measures=[MeasureFor(measure="real_estate_purchase_building", whom=["person"])],
        bound=[Bound(whom="person", party=debtor())],
        effective_on=date(2025, 3, 1),
        until=date(2027, 2, 28),
        acknowledge_by=datetime.now(UTC) + timedelta(days=3),
    )
    return Message[SanctionNotice](envelope=envelope(data.TYPE), data=data)


def lift_notice(bureau: str = BUREAU) -> Message[Any]:
    data = LiftNotice(
        notice_id=uuid.uuid4(),
        bureau=bureau,
        sanction_id=uuid.uuid4(),
        case_number=CASE,
        ground="performed",
        effective_on=date(2025, 9, 1),
        confirm_by=datetime.now(UTC) + timedelta(days=3),
    )
    return Message[LiftNotice](envelope=envelope(data.TYPE), data=data)


async def publish(js: JetStreamContext, message: Message[Any], org: str = BUREAU) -> None:
    await js.publish(
        subject(message.envelope.type, org),
        message.model_dump_json().encode(),
        headers={"Nats-Msg-Id": str(message.envelope.event_id), "traceparent": TRACEPARENT},
    )


async def until(predicate: Callable[[], bool], seconds: float = 15) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


@contextlib.asynccontextmanager
async def listening(nc: Client, subject_name: str = ANSWERS) -> AsyncIterator[list[Msg]]:
    """Every message published on the subject while inside."""
    got: list[Msg] = []

    async def keep(msg: Msg) -> None:
        got.append(msg)

    sub = await nc.subscribe(subject_name, cb=keep)
    await nc.flush()
    try:
        yield got
    finally:
        await sub.unsubscribe()


@contextlib.asynccontextmanager
async def running(client: BureauClient) -> AsyncIterator[BureauClient]:
    stop = asyncio.Event()
    task = asyncio.create_task(client.run(stop))
    try:
        yield client
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def settled(js: JetStreamContext, org: str = BUREAU) -> None:
    """Every notice delivered to the bureau's consumer was acknowledged (or terminated)."""
    info = None
    for _ in range(500):
        with contextlib.suppress(NotFoundError):  # not created yet
            info = await js.consumer_info("ENFORCEMENT", f"enforcement_{org}")
            if info.num_ack_pending == 0 and info.num_pending == 0 and info.delivered.stream_seq:
                return
        await asyncio.sleep(0.02)
    raise AssertionError(f"notices not acknowledged: {info}")


def check_answer(msg: Msg, notice: Message[Any]) -> Message[Any]:
    """The reply follows the notice: same flow and case, caused by it, trace continued."""
    reply = parse_message(msg.data)
    assert msg.subject == ANSWERS
    assert isinstance(reply.data, PropertyAnswer)
    assert reply.data.query_id == notice.data.query_id
    env = reply.envelope
    assert env.organization == BUREAU
    assert env.causation_id == notice.envelope.event_id
    assert env.correlation_id == notice.envelope.correlation_id
    assert env.case_number == CASE
    assert msg.headers is not None
    assert msg.headers["Nats-Msg-Id"] == str(env.event_id)
    continues_the_trace(msg.headers)
    return reply


def continues_the_trace(headers: dict[str, str]) -> str:
    """The reply is in the notice's trace, under a span of the bureau's own (not the court's
    span again); returns that span's id."""
    _, trace_id, span_id, _ = headers["traceparent"].split("-")
    assert trace_id == TRACEPARENT.split("-")[1]
    assert span_id != TRACEPARENT.split("-")[2]
    return span_id


async def answered_by(
    nc: Client, js: JetStreamContext, nats_url: str, handler: Handler, **options: Any
) -> tuple[Message[Any], Message[Any]]:
    """Publish one query notice, run a client with the handler: the notice and its checked
    answer."""
    notice = query_notice()
    async with listening(nc) as got:
        await publish(js, notice)
        async with running(BureauClient(BUREAU, nats_url, handler, **{**FAST, **options})):
            await until(lambda: len(got) >= 1)
            await settled(js)
        assert len(got) == 1
        return notice, check_answer(got[0], notice)


# ---- the three ways in, and a Python handler -------------------------------------------------


async def test_a_python_handler_answers_and_the_notice_is_acknowledged(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    found = Holding(
        kind=PropertyKind.REAL_ESTATE,
        reference="豫（2021）洛阳市不动产权第0012345号",
        description="河南省洛阳市洛龙区开元大道218号3幢2单元1502室",
        value=Decimal("1200000.00"),
    )

    async def handle(notice: Message[Any]) -> Message[Any] | None:
        return answer(notice, [found], BUREAU, datetime.now(UTC))

    _, reply = await answered_by(nc, js, nats_url, handle)
    assert reply.data.holdings == [found]


SCRIPT = (
    "import json, os, sys\n"
    "notice = json.load(sys.stdin)\n"
    "print(json.dumps({'holdings': [{'kind': 'real_estate', 'value': '880000.00',\n"
    "    'reference': 'NR-' + notice['data']['query_id'][:8],\n"
    "    'description': os.environ['FUYUAN_ORG'] + ' ' + notice['data']['debtor']['name']}]}))\n"
)


async def test_a_command_answers_from_its_stdout(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(SCRIPT)}"
    notice, reply = await answered_by(nc, js, nats_url, exec_handler(BUREAU, command, timeout=30))
    [holding] = reply.data.holdings
    assert holding.reference == f"NR-{str(reply.data.query_id)[:8]}"
    assert holding.description == f"{BUREAU} 王伟"
    assert holding.value == Decimal("880000.00")
    assert reply.envelope.event_id == reply_id(notice, BUREAU)  # the same if answered again


async def test_a_command_gets_the_trace_context_in_its_environment(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    script = (
        "import json, os\n"
        "print(json.dumps({'holdings': [{'kind': 'real_estate', 'value': '1.00',\n"
        "    'reference': os.environ['TRACEPARENT']}]}))\n"
    )
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}"
    _, reply = await answered_by(nc, js, nats_url, exec_handler(BUREAU, command, timeout=30))
    [holding] = reply.data.holdings
    continues_the_trace({"traceparent": holding.reference})


async def test_a_command_that_prints_nothing_answers_nothing_and_the_notice_is_acknowledged(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    client = BureauClient(BUREAU, nats_url, exec_handler(BUREAU, "cat > /dev/null"), **FAST)
    async with listening(nc) as got:
        await publish(js, query_notice())
        async with running(client):
            await settled(js)
        await asyncio.sleep(0.1)
    assert got == []
    assert client.stats["unanswered"] == 1


@contextlib.contextmanager
def webhook(status: int, body: bytes, seen: list[tuple[dict[str, str], bytes]]) -> Iterator[str]:
    """A loopback HTTP server answering every POST with `status` and `body`."""

    class Handle(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            seen.append((dict(self.headers.items()), self.rfile.read(length)))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/notices"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def test_a_webhook_answers_with_its_response_body(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    seen: list[tuple[dict[str, str], bytes]] = []
    body = json.dumps(
        {
            "holdings": [
                {
                    "kind": "real_estate",
                    "reference": "豫（2019）洛阳市不动产权第0100200号",
                    "encumbered": True,
                }
            ]
        },
        ensure_ascii=False,
    ).encode()
    with webhook(200, body, seen) as url:
        _, reply = await answered_by(nc, js, nats_url, webhook_handler(BUREAU, url, timeout=10))
    [holding] = reply.data.holdings
    assert holding.encumbered and holding.reference == "豫（2019）洛阳市不动产权第0100200号"
    [(headers, posted)] = seen
    assert headers["Fuyuan-Org"] == BUREAU
    assert headers["Fuyuan-Type"] == PropertyQueryNotice.TYPE
    # the web service can join the court's trace (urllib sends the name as `Traceparent`)
    continues_the_trace({name.lower(): value for name, value in headers.items()})
    notice = parse_message(posted)
    assert isinstance(notice.data, PropertyQueryNotice)
    assert str(notice.envelope.event_id) == headers["Fuyuan-Event-Id"]


async def test_the_directory_handler_waits_for_the_outbox_and_asks_again_until_it_is_there(
    nc: Client, js: JetStreamContext, nats_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "bureau"
    notice = query_notice()
    name = f"{notice.envelope.event_id}.json"
    inbox, outbox = root / "inbox" / name, root / "outbox" / name

    async def legacy_system() -> None:
        """Sees the notice, and answers a while later (longer than the handler waits)."""
        await until(inbox.exists)
        seen = parse_message(inbox.read_bytes())
        assert seen.envelope.event_id == notice.envelope.event_id
        await asyncio.sleep(0.8)
        partial = outbox.with_suffix(".part")
        partial.write_text(json.dumps({"holdings": []}))
        partial.rename(outbox)

    handler = dir_handler(BUREAU, root, wait=0.3, poll=0.05)
    client = BureauClient(BUREAU, nats_url, handler, **FAST)
    async with listening(nc) as got:
        await publish(js, notice)
        async with running(client):
            writer = asyncio.create_task(legacy_system())
            try:
                await until(lambda: len(got) >= 1)
                await settled(js)
            finally:
                await asyncio.wait_for(writer, 10)
    [msg] = got
    assert check_answer(msg, notice).data.holdings == []
    assert client.stats["pending"] >= 1
    assert not inbox.exists() and not outbox.exists()
    assert (root / "done" / name).exists()


# ---- sanction notices 联合惩戒 ----------------------------------------------------------------

ACKS = f"enforcement.reply.sanction_ack.v1.{BUREAU}"


def check_ack(
    msg: Msg, notice: Message[Any], outcome: AckOutcome, org: str = BUREAU
) -> SanctionAck:
    """The acknowledgement answers the notice with `outcome`, its envelope following it."""
    reply = parse_message(msg.data)
    assert msg.subject == f"enforcement.reply.sanction_ack.v1.{org}"
    assert reply.envelope.type == SanctionAck.TYPE and isinstance(reply.data, SanctionAck)
    assert reply.data.notice_id == notice.data.notice_id
    assert reply.data.outcome == outcome
    env = reply.envelope
    assert env.organization == org
    assert env.causation_id == notice.envelope.event_id
    assert env.correlation_id == notice.envelope.correlation_id
    assert env.case_number == CASE
    assert msg.headers is not None
    continues_the_trace(msg.headers)
    return reply.data


async def acknowledged(
    nc: Client, js: JetStreamContext, nats_url: str, handler: Handler, notices: list[Message[Any]]
) -> dict[uuid.UUID, Msg]:
    """Publish the notices, run a client with the handler: each notice's acknowledgement, by
    notice id."""
    async with listening(nc, ACKS) as got:
        for notice in notices:
            await publish(js, notice)
        async with running(BureauClient(BUREAU, nats_url, handler, **FAST)):
            await until(lambda: len(got) >= len(notices))
            await settled(js)
        assert len(got) == len(notices)
    return {parse_message(m.data).data.notice_id: m for m in got}


async def test_a_python_handler_acknowledges_a_sanction_and_confirms_its_lift(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    async def handle(notice: Message[Any]) -> Message[Any] | None:
        now = datetime.now(UTC)
        if isinstance(notice.data, SanctionNotice):
            return acknowledge(notice, AckOutcome.APPLIED, BUREAU, now, "（2025）洛不动产惩字第1号")
        if isinstance(notice.data, LiftNotice):
            return acknowledge(notice, AckOutcome.LIFTED, BUREAU, now)
        return None

    sanction, lift = sanction_notice(), lift_notice()
    acks = await acknowledged(nc, js, nats_url, handle, [sanction, lift])
    applied = check_ack(acks[sanction.data.notice_id], sanction, AckOutcome.APPLIED)
    assert applied.bureau_reference == "（2025）洛不动产惩字第1号" and applied.reason is None
    check_ack(acks[lift.data.notice_id], lift, AckOutcome.LIFTED)


ACK_SCRIPT = (
    "import json, os, sys\n"
    "notice = json.load(sys.stdin)\n"
    "if os.environ['FUYUAN_NOTICE_TYPE'] == 'enforcement.notice.sanction_lift.v1':\n"
    "    print(json.dumps({'bureau_reference': 'JC-' + notice['data']['notice_id'][:8]}))\n"
    "elif notice['data']['bound'][0]['party']['name'] == '王伟':\n"
    "    org = os.environ['FUYUAN_ORG']\n"
    "    print(json.dumps({'outcome': 'applied', 'bureau_reference': 'SX-' + org}))\n"
    "else:\n"
    "    print(json.dumps({'outcome': 'refused', 'reason': '查无此人'}, ensure_ascii=False))\n"
)


async def test_a_command_acknowledges_sanctions_and_confirms_lifts_from_its_stdout(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    sanction, unknown, lift = sanction_notice(), sanction_notice(), lift_notice()
    stranger = Bound(whom="person", party=debtor().model_copy(update={"name": "李娜"}))
    unknown = unknown.model_copy(
        update={"data": unknown.data.model_copy(update={"bound": [stranger]})}
    )
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(ACK_SCRIPT)}"
    handler = exec_handler(BUREAU, command, timeout=30)
    acks = await acknowledged(nc, js, nats_url, handler, [sanction, unknown, lift])
    applied = check_ack(acks[sanction.data.notice_id], sanction, AckOutcome.APPLIED)
    assert applied.bureau_reference == f"SX-{BUREAU}"
    refused = check_ack(acks[unknown.data.notice_id], unknown, AckOutcome.REFUSED)
    assert refused.reason == "查无此人" and refused.bureau_reference is None
    lifted = check_ack(acks[lift.data.notice_id], lift, AckOutcome.LIFTED)  # outcome left out
    assert lifted.bureau_reference == f"JC-{str(lift.data.notice_id)[:8]}"
    for notice in (sanction, unknown, lift):  # the same if answered again
        reply = parse_message(acks[notice.data.notice_id].data)
        assert reply.envelope.event_id == reply_id(notice, BUREAU)


# ---- failures --------------------------------------------------------------------------------


async def test_a_handler_that_raises_gets_the_notice_again(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    calls: list[uuid.UUID] = []

    async def handle(notice: Message[Any]) -> Message[Any] | None:
        calls.append(notice.envelope.event_id)
        if len(calls) == 1:
            raise ConnectionError("the registry's database is briefly away")
        return answer(notice, [], BUREAU, datetime.now(UTC))

    _, reply = await answered_by(nc, js, nats_url, handle)
    assert len(calls) == 2 and calls[0] == calls[1] == reply.envelope.causation_id


async def test_an_unreadable_notice_is_asked_again_then_terminated_and_the_next_one_answered(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    handled: list[Message[Any]] = []

    async def handle(notice: Message[Any]) -> Message[Any] | None:
        handled.append(notice)
        return answer(notice, [], BUREAU, datetime.now(UTC))

    await js.publish(subject(PropertyQueryNotice.TYPE, BUREAU), b'{"envelope": "not one"}')
    client = BureauClient(BUREAU, nats_url, handle, max_invalid_attempts=2, **FAST)
    notice = query_notice()
    async with listening(nc) as got:
        await publish(js, notice)
        async with running(client):
            await until(lambda: len(got) >= 1 and client.stats["terminated"] == 1)
            await settled(js)
    assert [n.envelope.event_id for n in handled] == [notice.envelope.event_id]
    check_answer(got[0], notice)


async def test_rejections_of_the_bureaus_replies_are_heard(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    heard: list[Message[Any]] = []

    async def keep(rejection: Message[Any]) -> None:
        heard.append(rejection)

    async def handle(notice: Message[Any]) -> Message[Any] | None:
        return None

    rejected = uuid.uuid4()
    data = MessageRejected(
        rejected_event_id=rejected,
        rejected_type=PropertyAnswer.TYPE,
        subject=ANSWERS,
        problems=[FieldProblem(field="data.query_id", reason="NR410300 already answered")],
        received_sha256="0" * 64,
        received="{}",
    )
    message = Message[MessageRejected](
        envelope=envelope(data.TYPE).model_copy(update={"organization": "FUYUAN"}), data=data
    )
    client = BureauClient(BUREAU, nats_url, handle, on_rejection=keep, **FAST)
    async with running(client):
        for _ in range(500):  # the rejection subscription is made before the consumer is bound
            with contextlib.suppress(Exception):
                await js.consumer_info("ENFORCEMENT", client.durable)
                break
            await asyncio.sleep(0.02)
        await publish(js, message)
        await until(lambda: len(heard) == 1)
    assert heard[0].data.rejected_event_id == rejected
    assert client.stats["rejections"] == 1


# ---- the simulated bureaus -------------------------------------------------------------------


async def test_simulated_bureaus_answer_from_the_dataset_and_queue_encumbered_seizures(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    bureau = Registry.load().get(BUREAU)
    query, free, taken = query_notice(), control_order(False), control_order(True)
    outcomes = f"enforcement.reply.control_outcome.v1.{BUREAU}"
    stop = asyncio.Event()
    behaviour = Behaviour(latency_ms=20, failure_rate=0.0, refusal_rate=0.0, seed=11)
    async with listening(nc) as answers, listening(nc, outcomes) as results:
        for message in (query, free, taken):
            await publish(js, message)
        task = asyncio.create_task(run_bureaus(nats_url, [bureau], behaviour, stop, **FAST))
        try:
            await until(lambda: len(answers) == 1 and len(results) == 2)
            await settled(js)
        finally:
            stop.set()
            stats = await asyncio.wait_for(task, 10)
    reply = check_answer(answers[0], query)
    assert reply.data.holdings == holdings(11, BUREAU, debtor(), [PropertyKind.REAL_ESTATE])
    assert reply.envelope.event_id == reply_id(query, BUREAU)
    by_order = {parse_message(m.data).data.order_id: parse_message(m.data).data for m in results}
    applied, queued = by_order[free.data.order_id], by_order[taken.data.order_id]
    assert isinstance(applied, ControlOutcome) and applied.outcome == Outcome.APPLIED
    assert applied.bureau_reference
    assert queued.outcome == Outcome.QUEUED and queued.reason and "轮候查封" in queued.reason
    assert stats[BUREAU]["replied"] == 3


async def test_simulated_bureaus_acknowledge_sanctions_and_confirm_lifts(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    registry = Registry.load()
    railway = "RW410000"  # enforces sanctions only: no property kind
    bureaus = [registry.get(BUREAU), registry.get(railway)]
    sanction, lift, train = sanction_notice(), lift_notice(), sanction_notice(railway)
    stop = asyncio.Event()
    behaviour = Behaviour(latency_ms=20, failure_rate=0.0, refusal_rate=0.0, seed=11)
    async with listening(nc, "enforcement.reply.sanction_ack.v1.*") as got:
        await publish(js, sanction)
        await publish(js, lift)
        await publish(js, train, railway)
        task = asyncio.create_task(run_bureaus(nats_url, bureaus, behaviour, stop, **FAST))
        try:
            await until(lambda: len(got) == 3)
            await settled(js)
            await settled(js, railway)
        finally:
            stop.set()
            stats = await asyncio.wait_for(task, 10)
    acks = {parse_message(m.data).data.notice_id: m for m in got}
    applied = check_ack(acks[sanction.data.notice_id], sanction, AckOutcome.APPLIED)
    assert re.match(rf"^（20\d\d）{BUREAU}惩字第\d{{6}}号$", applied.bureau_reference or "")
    check_ack(acks[lift.data.notice_id], lift, AckOutcome.LIFTED)
    check_ack(acks[train.data.notice_id], train, AckOutcome.APPLIED, railway)
    assert parse_message(acks[sanction.data.notice_id].data).envelope.event_id == reply_id(
        sanction, BUREAU
    )
    assert stats[BUREAU]["replied"] == 2 and stats[railway]["replied"] == 1


async def test_a_failed_sanction_notice_is_never_acknowledged(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    stop = asyncio.Event()
    behaviour = Behaviour(latency_ms=20, failure_rate=1.0, refusal_rate=0.0, seed=11)
    async with listening(nc, ACKS) as got:
        await publish(js, sanction_notice())
        task = asyncio.create_task(
            run_bureaus(nats_url, [Registry.load().get(BUREAU)], behaviour, stop, **FAST)
        )
        try:
            await settled(js)
            await asyncio.sleep(0.2)
        finally:
            stop.set()
            stats = await asyncio.wait_for(task, 10)
    assert got == []  # the service's overdue escalation shows it
    assert stats[BUREAU]["unanswered"] == 1


# ---- one trace -------------------------------------------------------------------------------


async def test_each_delivery_is_a_span_in_the_notices_trace_and_the_answer_carries_the_bureaus(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    calls = 0

    async def handle(notice: Message[Any]) -> Message[Any] | None:
        nonlocal calls
        calls += 1
        with provider.get_tracer("registry").start_as_current_span(f"look up {calls}"):
            if calls == 1:
                raise ConnectionError("the registry's database is briefly away")
            return answer(notice, [], BUREAU, datetime.now(UTC))

    notice = query_notice()
    client = BureauClient(BUREAU, nats_url, handle, tracer_provider=provider, **FAST)
    async with listening(nc) as got:
        await publish(js, notice)
        async with running(client):
            await until(lambda: len(got) >= 1)
            await settled(js)
    check_answer(got[0], notice)
    spans = {span.name: span for span in exporter.get_finished_spans()}
    court_trace, court_span = (int(x, 16) for x in TRACEPARENT.split("-")[1:3])
    consumed = [s for s in exporter.get_finished_spans() if s.name.startswith("consume ")]
    assert [s.attributes["fuyuan.outcome"] for s in consumed] == ["retry", "replied"]
    assert [s.status.status_code for s in consumed] == [StatusCode.ERROR, StatusCode.UNSET]
    for span in consumed:
        assert span.name == f"consume enforcement.notice.property_query.v1.{BUREAU}"
        assert span.kind is SpanKind.CONSUMER and span.parent is not None
        assert (span.context.trace_id, span.parent.span_id) == (court_trace, court_span)
        assert span.parent.is_remote
    looked_up = [spans[f"look up {n}"].parent for n in (1, 2)]
    assert [p.span_id for p in looked_up if p] == [s.context.span_id for s in consumed]
    published = spans[f"publish {ANSWERS}"]
    assert published.kind is SpanKind.PRODUCER and published.parent is not None
    assert published.parent.span_id == consumed[1].context.span_id
    assert got[0].headers is not None
    assert continues_the_trace(got[0].headers) == format(published.context.span_id, "016x")


class Collector(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP trace receiver: keeps (service name, span) of every export."""

    received: list[tuple[str, Any]]

    def do_POST(self) -> None:
        request = ExportTraceServiceRequest()
        request.ParseFromString(self.rfile.read(int(self.headers["Content-Length"])))
        for rs in request.resource_spans:
            names = [
                a.value.string_value for a in rs.resource.attributes if a.key == "service.name"
            ]
            self.received.extend((names[0], span) for ss in rs.scope_spans for span in ss.spans)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def collector() -> Iterator[tuple[str, list[tuple[str, Any]]]]:
    """The endpoint of a receiver on loopback and what it received."""
    received: list[tuple[str, Any]] = []
    handler = type("Receiving", (Collector,), {"received": received})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("exporter", ["otlp", None])
async def test_fuyuan_bureau_listen_exports_its_spans_only_when_the_otel_variables_say_so(
    nc: Client, js: JetStreamContext, nats_url: str, exporter: str | None
) -> None:
    command = f"{shlex.quote(sys.executable)} -c {shlex.quote(SCRIPT)}"
    notice = query_notice()
    with collector() as (endpoint, received):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        env |= {"NATS_URL": nats_url, "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}
        if exporter is not None:
            env["OTEL_TRACES_EXPORTER"] = exporter
        async with listening(nc) as got:
            await publish(js, notice)
            cli = [sys.executable, "-m", "services.cli.main", "bureau", "listen"]
            listener = await asyncio.create_subprocess_exec(
                *cli, "--org", BUREAU, "--exec", command, env=env, stderr=asyncio.subprocess.PIPE
            )
            try:
                await until(lambda: len(got) >= 1, seconds=30)
            finally:
                listener.terminate()
                _, err = await asyncio.wait_for(listener.communicate(), 20)
        assert listener.returncode == 0, err.decode()  # it shut down cleanly, flushing its spans
    assert got[0].headers is not None
    span_id = continues_the_trace(got[0].headers)
    if exporter is None:
        assert received == []
        return
    by_name = {span.name: (service, span) for service, span in received}
    service, published = by_name[f"publish {ANSWERS}"]
    assert service == f"fuyuan-bureau-{BUREAU}"
    assert published.span_id.hex() == span_id
    _, consumed = by_name[f"consume enforcement.notice.property_query.v1.{BUREAU}"]
    assert consumed.trace_id.hex() == TRACEPARENT.split("-")[1]
    assert consumed.parent_span_id.hex() == TRACEPARENT.split("-")[2]
    assert published.parent_span_id == consumed.span_id


# ---- one client per durable -------------------------------------------------------------------


async def answer_nothing(notice: Message[Any]) -> Message[Any] | None:
    return None


async def test_a_client_pulling_from_the_durable_is_seen_and_named_and_gone_once_it_stops(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    first = BureauClient(BUREAU, nats_url, answer_nothing, client_name="the simulated bureaus")
    second = BureauClient(BUREAU, nats_url, answer_nothing)
    try:
        assert await second.others(window=0.3) is None  # no consumer yet
        async with running(first):
            await until_consumer(js)
            assert await second.others() == "the simulated bureaus"
        assert await second.others(window=1.5) is None  # it stopped: nobody waits
    finally:
        await second.close()


async def test_fuyuan_bureau_listen_refuses_to_share_the_durable_and_says_with_whom(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    simulated = BureauClient(BUREAU, nats_url, answer_nothing, client_name="the simulated bureaus")
    cli = [sys.executable, "-m", "services.cli.main", "bureau", "listen", "--org", BUREAU]
    env = {**os.environ, "NATS_URL": nats_url}
    async with running(simulated):
        await until_consumer(js)
        listener = await asyncio.create_subprocess_exec(
            *cli, "--exec", "cat", env=env, stderr=asyncio.subprocess.PIPE
        )
        _, err = await asyncio.wait_for(listener.communicate(), 60)
    text = err.decode()
    assert listener.returncode == 1, text
    assert "the simulated bureaus" in text and f"enforcement_{BUREAU}" in text
    assert f"FUYUAN_SIMULATE_EXCEPT={BUREAU}" in text and "--share" in text


async def until_consumer(js: JetStreamContext) -> None:
    for _ in range(500):
        with contextlib.suppress(NotFoundError):
            if (await js.consumer_info("ENFORCEMENT", f"enforcement_{BUREAU}")).num_waiting:
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the client never pulled")


# ---- under the per-organization permissions --------------------------------------------------


@dataclass
class SecuredNats(EmbeddedNats):
    """The embedded server with the users and permissions generated from the registry."""

    def config_text(self) -> str:
        auth = nats_config(Registry.load(), dev_passwords=True)
        (self.data_dir / "auth.conf").write_text(auth, encoding="utf-8")
        return super().config_text() + "include ./auth.conf\n"


def as_user(server: SecuredNats, user: str) -> str:
    return f"nats://{user}:{dev_password(user)}@127.0.0.1:{server.port}"


async def test_the_client_works_within_the_bureaus_own_permissions(tmp_path: Path) -> None:
    server = SecuredNats(tmp_path / "secured").start()
    violations: list[Exception] = []

    async def denied(error: Exception) -> None:
        violations.append(error)

    async def handle(notice: Message[Any]) -> Message[Any] | None:
        return answer(notice, [], BUREAU, datetime.now(UTC))

    service = await nats.connect(as_user(server, "svc_enforcement"))
    try:
        js = service.jetstream()
        await streams.ensure(js, context_stream("enforcement", 1))
        notice = query_notice()
        client = BureauClient(BUREAU, as_user(server, BUREAU), handle, error_cb=denied, **FAST)
        async with listening(service) as got:
            await publish(js, notice)
            async with running(client):
                await until(lambda: len(got) >= 1)
                await settled(js)
        check_answer(got[0], notice)
        # the next client names itself in the consumer (an update), and is named to another
        own = BureauClient(
            BUREAU,
            as_user(server, BUREAU),
            handle,
            error_cb=denied,
            client_name="the bureau's own system",
            **FAST,
        )
        looking = BureauClient(BUREAU, as_user(server, BUREAU), handle, error_cb=denied)
        async with running(own):
            await until_consumer(js)
            assert await looking.others() == "the bureau's own system"
        await looking.close()
        assert violations == []
    finally:
        await service.close()
        server.stop()


# ---- bankruptcy: coordination tasks, through the bureau's own consumer of that context ------------


def task_notice(lead: str, role: Role) -> Message[Any]:
    today = datetime.now(UTC).date()
    data = CoordinationTaskNotice(
        task_id=uuid.uuid4(),
        case_number="（2026）豫0482破5号",
        role=role,
        topic="tax",
        item="tax_claims",
        debtor_name="汝州市某某建材有限公司",
        debtor_credit_code="91410482MA3X4Y5K2E",
        accepted_on=today,
        administrator_name="河南汝河律师事务所",
        administrator_contact="0375-1234567",
        request="申报税收债权",
        legal_basis="国家税务总局公告2019年第48号 第四条",
        lead=lead,
        lead_kind="tax",
        co_units=("PS410482",),
        acknowledge_by=today + timedelta(days=3),
        due_on=today + timedelta(days=30),
    )
    env = envelope(data.TYPE).model_copy(
        update={"organization": "FUYUAN", "case_number": data.case_number}
    )
    return Message[CoordinationTaskNotice](envelope=env, data=data)


async def test_a_bureau_hears_both_contexts_and_answers_a_task_through_bankruptcy_lead(
    nc: Client, js: JetStreamContext, nats_url: str
) -> None:
    with contextlib.suppress(Exception):
        await js.delete_stream("BANKRUPTCY")
    await streams.ensure(js, context_stream("bankruptcy", 1))
    registry = Registry.load()
    lead, co_unit = registry.get("TX410482"), registry.get("PS410482")
    mine, theirs = task_notice(lead.code, Role.LEAD), task_notice(lead.code, Role.CO_UNIT)
    stop = asyncio.Event()
    behaviour = Behaviour(
        latency_ms=20, failure_rate=0.0, task_ms=50, late_rate=0.0, blocked_rate=0.0, seed=11
    )
    async with listening(nc, "bankruptcy.reply.*.*.*") as got:
        await publish(js, mine, lead.code)
        await publish(js, theirs, co_unit.code)
        task = asyncio.create_task(run_bureaus(nats_url, [lead, co_unit], behaviour, stop, **FAST))
        try:
            await until(lambda: len(got) == 3)
            for code in (lead.code, co_unit.code):  # each notice acknowledged
                for _ in range(500):
                    info = await js.consumer_info("BANKRUPTCY", f"bankruptcy_{code}")
                    if info.delivered.stream_seq and not info.num_ack_pending:
                        break
                    await asyncio.sleep(0.02)
                else:
                    raise AssertionError(f"the notice to {code} was not settled")
        finally:
            stop.set()
            stats = await asyncio.wait_for(task, 10)
    replies = [parse_message(m.data) for m in got]
    assert sorted(m.envelope.type for m in replies) == [
        "bankruptcy.reply.task_acknowledgement.v1",
        "bankruptcy.reply.task_completion.v1",
        "bankruptcy.reply.task_progress.v1",
    ]
    assert {m.subject.rsplit(".", 1)[1] for m in got} == {lead.code}
    assert all(m.data.task_id == mine.data.task_id for m in replies)
    assert all(m.envelope.causation_id == mine.envelope.event_id for m in replies)
    assert stats[lead.code]["replied"] == 1 and stats[co_unit.code]["unanswered"] == 1
