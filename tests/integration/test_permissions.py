"""The generated NATS accounts and permissions, proven with real connections to a real server.

One nats-server (loopback, free port, JetStream in a temporary folder) runs the config that
`fuyuan deploy nats-config --dev-passwords` generates from deploy/organizations.yaml. The
enforcement service's user creates the streams; courts and bureaus then try what they may and
what they may not, and so do the services (publish what their relay does, write their heartbeat,
use their streams, never publish as a court), the auditor and the operator. A denied publish or subscribe is reported by the server as a permissions
violation (nats-py passes it to the error callback); a denied request is never answered, so it
times out after `SHORT` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, KeyValueConfig
from nats.js.errors import NoKeysError, NotFoundError

from contracts.enforcement.cases import RegisterCase
from contracts.enforcement.query import PropertyAnswer, PropertyQueryNotice, QueryProperty
from contracts.organizations import Registry
from contracts.subjects import (
    DEADLETTER_STREAM,
    REPLAY_STREAM,
    commands,
    partition_of,
    published,
    stored_as,
    subject,
)
from services.runtime import streams
from services.runtime.consumer import Consumer, Delivery
from services.runtime.devstack import free_port, nats_server_binary
from services.runtime.partitions import partition_consumers
from services.runtime.permissions import dev_password, nats_config

pytestmark = pytest.mark.integration

SHORT = 1.0
"""Seconds a denied request is given before it counts as unanswered."""
COURT, OTHER_COURT = "CT410300", "CT410482"
BUREAU, OTHER_BUREAU, THIRD_BUREAU = "NR410300", "VA410300", "BKICBC410300"
STREAM = "ENFORCEMENT"


# ---- the server ------------------------------------------------------------------------------


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nats-server exited: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError("nats-server did not listen within 20 s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("nats-permissions")
    (home / "auth.conf").write_text(nats_config(Registry.load(), dev_passwords=True))
    port = free_port()
    config = home / "nats.conf"
    config.write_text(
        f"listen: 127.0.0.1:{port}\n"
        f'jetstream {{ store_dir: "{home / "store"}" }}\n'
        "include ./auth.conf\n",
        encoding="utf-8",
    )
    log_path = home / "nats.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(nats_server_binary()), "-c", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_for_port(port, proc, log_path)
            yield f"nats://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


# ---- connections -----------------------------------------------------------------------------


@dataclass
class Conn:
    """A connection as one user, with the errors the server sent it."""

    user: str
    nc: Client
    errors: list[Exception] = field(default_factory=list)

    def js(self) -> JetStreamContext:
        return self.nc.jetstream(timeout=SHORT)

    async def violation(self, what: str) -> str:
        """The permissions violation naming `what` (a subject), waiting up to SHORT for it."""
        await self.nc.flush(timeout=SHORT)
        deadline = time.monotonic() + SHORT
        while True:
            for error in self.errors:
                text = str(error).lower()
                if "permissions violation" in text and f'"{what.lower()}"' in text:
                    return text
            if time.monotonic() > deadline:
                raise AssertionError(f"no permissions violation for {what!r}: {self.errors}")
            await asyncio.sleep(0.02)


Connect = Callable[..., Awaitable[Conn]]


@pytest.fixture
async def connect(server: str) -> AsyncIterator[Connect]:
    opened: list[Conn] = []

    async def open_as(user: str, inbox_prefix: str = "_INBOX") -> Conn:
        errors: list[Exception] = []

        async def on_error(error: Exception) -> None:
            errors.append(error)

        nc = await nats.connect(
            server,
            user=user,
            password=dev_password(user),
            error_cb=on_error,
            allow_reconnect=False,
            connect_timeout=5,
            name=f"test-{user}",
            inbox_prefix=inbox_prefix,
        )
        conn = Conn(user, nc, errors)
        opened.append(conn)
        return conn

    yield open_as
    for conn in opened:
        await conn.nc.close()


@pytest.fixture
async def service(connect: Connect) -> Conn:
    """The enforcement service's user, with the production streams created through it."""
    conn = await connect("svc_enforcement")
    await streams.ensure_all(conn.nc.jetstream(), ("enforcement",), 1)
    return conn


async def notice(service: Conn, org: str, body: bytes) -> str:
    """A notice for `org`, published and stored the way the relay does it."""
    name = subject(PropertyQueryNotice.TYPE, org)
    await service.nc.jetstream().publish(name, body)
    return name


async def first_live(service: Conn, live: Any) -> Any:
    """The first live notice the bureau's core subscription gets. Core NATS delivers only to
    interest known when a message is routed, and interest across accounts may take a moment
    to reach the exporting account; so a notice is sent again until one arrives (a bounded
    number of times), rather than once with a long wait."""
    for _ in range(40):
        await notice(service, BUREAU, b"live")
        with contextlib.suppress(TimeoutError):
            return await live.next_msg(timeout=0.5)
    raise AssertionError("no live notice reached the bureau's own subscription")


def unique() -> bytes:
    """A message body no other test sends."""
    return json.dumps({"marker": uuid.uuid4().hex}).encode()


async def stored(service: Conn, name: str) -> bytes | None:
    """The last message stored for `name` (a command under its organization's partition)."""
    try:
        return (
            await service.nc.jetstream().get_last_msg(STREAM, stored_as(name, streams.PARTITIONS))
        ).data
    except NotFoundError:
        return None


# ---- logging in ------------------------------------------------------------------------------


async def test_only_known_users_with_their_password_get_in(server: str) -> None:
    for credentials in ({}, {"user": BUREAU, "password": dev_password(OTHER_BUREAU)}):
        with pytest.raises(NatsError, match="Authorization Violation"):
            await nats.connect(
                server,
                allow_reconnect=False,
                connect_timeout=2,
                max_reconnect_attempts=0,
                error_cb=_ignore,
                **credentials,
            )


async def _ignore(_error: Exception) -> None:
    return None


# ---- (1) a bureau cannot read another bureau's notices ---------------------------------------


async def test_a_bureau_cannot_subscribe_to_another_bureaus_notices(
    connect: Connect, service: Conn
) -> None:
    bureau = await connect(BUREAU)
    theirs = f"enforcement.notice.*.*.{OTHER_BUREAU}"
    sub = await bureau.nc.subscribe(theirs)
    assert "subscription" in await bureau.violation(theirs)
    await notice(service, OTHER_BUREAU, b"for VA only")
    with pytest.raises(NatsTimeoutError):
        await sub.next_msg(timeout=0.3)
    everything = "enforcement.>"
    await bureau.nc.subscribe(everything)
    assert "subscription" in await bureau.violation(everything)


async def test_a_bureau_cannot_read_another_bureaus_notices_through_a_consumer(
    connect: Connect, service: Conn
) -> None:
    await notice(service, OTHER_BUREAU, b"for VA only")
    bureau = await connect(BUREAU)
    js = bureau.js()
    theirs = f"enforcement.notice.*.*.{OTHER_BUREAU}"
    own_name = f"enforcement_{BUREAU}"
    # Its own consumer name with their filter: the create subject carries the filter.
    with pytest.raises(NatsTimeoutError):
        await js.add_consumer(
            STREAM, ConsumerConfig(name=own_name, durable_name=own_name, filter_subject=theirs)
        )
    await bureau.violation(f"$JS.API.CONSUMER.CREATE.{STREAM}.{own_name}.{theirs}")
    # Their consumer: neither created nor looked at nor pulled from.
    with pytest.raises(NatsTimeoutError):
        await js.pull_subscribe(theirs, durable=f"enforcement_{OTHER_BUREAU}", stream=STREAM)
    await bureau.violation(f"$JS.API.CONSUMER.INFO.{STREAM}.enforcement_{OTHER_BUREAU}")
    next_theirs = f"$JS.API.CONSUMER.MSG.NEXT.{STREAM}.enforcement_{OTHER_BUREAU}"
    with pytest.raises(NatsTimeoutError):
        await bureau.nc.request(next_theirs, b'{"batch": 1}', timeout=SHORT)
    await bureau.violation(next_theirs)
    # The legacy create subject names no filter, so it is not allowed at all.
    with pytest.raises(NatsTimeoutError):
        await js.add_consumer(STREAM, ConsumerConfig(durable_name=own_name, filter_subject=theirs))
    await bureau.violation(f"$JS.API.CONSUMER.DURABLE.CREATE.{STREAM}.{own_name}")
    # The allowed subject with a different filter in the request: the server refuses it.
    create = f"$JS.API.CONSUMER.CREATE.{STREAM}.{own_name}.enforcement.notice.*.*.{BUREAU}"
    request = {
        "stream_name": STREAM,
        "config": {
            "name": own_name,
            "durable_name": own_name,
            "filter_subject": theirs,
            "ack_policy": "explicit",
        },
    }
    answer = json.loads((await bureau.nc.request(create, json.dumps(request).encode())).data)
    assert answer["error"]["err_code"] == 10131, answer  # filter does not match the subject
    # Nor can it read the stream by sequence.
    with pytest.raises(NatsTimeoutError):
        await js.get_msg(STREAM, 1)
    infos = await service.nc.jetstream().consumers_info(STREAM)
    assert not [c for c in infos if OTHER_BUREAU in (c.config.filter_subject or "")]


# ---- (2) and (3): nobody publishes as somebody else ------------------------------------------


async def test_a_bureau_cannot_publish_as_a_court(connect: Connect, service: Conn) -> None:
    bureau = await connect(BUREAU)
    forged = subject(RegisterCase.TYPE, OTHER_COURT)
    body = unique()
    with pytest.raises(NatsTimeoutError):
        await bureau.js().publish(forged, body, timeout=SHORT)
    assert "publish" in await bureau.violation(forged)
    assert await stored(service, forged) != body


async def test_a_court_cannot_publish_a_query_as_another_court(
    connect: Connect, service: Conn
) -> None:
    court = await connect(COURT)
    forged = subject(QueryProperty.TYPE, OTHER_COURT)
    body = unique()
    with pytest.raises(NatsTimeoutError):
        await court.js().publish(forged, body, timeout=SHORT)
    assert "publish" in await court.violation(forged)
    await court.nc.publish(forged, body)  # core NATS: the same refusal
    await court.violation(forged)
    assert await stored(service, forged) != body


async def test_an_administrator_publishes_only_its_own_bankruptcy_requests(
    connect: Connect, service: Conn
) -> None:
    admin = await connect("AMLUOPU410300")
    for name in (
        subject(QueryProperty.TYPE, "AMLUOPU410300"),  # no enforcement command
        "bankruptcy.command.accept_petition.v1.AMLUOPU410300",  # the court's step
        "bankruptcy.reply.task_acknowledgement.v1.AMLUOPU410300",  # a bureau's answer
        "bankruptcy.command.request_coordination.v1.AMRUHE410482",  # another administrator
    ):
        body = unique()
        await admin.nc.publish(name, body)
        assert "publish" in await admin.violation(name)
        if name.startswith("enforcement."):
            assert await stored(service, name) != body
    own = "bankruptcy.command.request_coordination.v1.AMLUOPU410300"
    await admin.nc.publish(own, unique())
    await admin.nc.flush()
    assert not [e for e in admin.errors if own in str(e)]


async def test_an_organization_cannot_publish_notices_events_or_to_the_api(
    connect: Connect, service: Conn
) -> None:
    bureau = await connect(BUREAU)
    for name in (
        subject(PropertyQueryNotice.TYPE, OTHER_BUREAU),
        subject(PropertyQueryNotice.TYPE, BUREAU),  # notices come from the services only
        "enforcement.event.case_registered.v1." + BUREAU,
        "deadletter.enforcement.enforcement_commands",
    ):
        body = unique()
        await bureau.nc.publish(name, body)
        await bureau.violation(name)
        if name.startswith("enforcement."):
            assert await stored(service, name) != body
    with pytest.raises(NatsTimeoutError):
        await bureau.js().delete_stream(STREAM)
    await bureau.violation(f"$JS.API.STREAM.DELETE.{STREAM}")


async def test_in_the_joint_mechanism_only_the_office_and_the_leading_group_take_their_steps(
    connect: Connect, service: Conn
) -> None:
    """A unit publishing an office-only or a leading-group command is refused by NATS and
    nothing is stored; the office, the leading group and the unit publish their own."""
    risk_stream = "RISK"
    with contextlib.suppress(NatsError):
        await service.nc.jetstream().add_stream(name=risk_stream, subjects=["risk.>"])
    office, group, town = "JO410300", "LG410300", "TG410311001"

    async def risk_stored(name: str) -> bytes | None:
        try:
            return (await service.nc.jetstream().get_last_msg(risk_stream, name)).data
        except NotFoundError:
            return None

    unit = await connect(town)
    court = await connect(COURT)
    for conn, name in (
        (unit, f"risk.command.issue_memo.v1.{town}"),
        (unit, f"risk.command.raise_accountability.v1.{town}"),
        (court, f"risk.command.close_entry.v1.{COURT}"),
        (court, f"risk.command.decide_linkage_item.v1.{COURT}"),
        (unit, f"risk.command.issue_memo.v1.{office}"),  # nor as the office
    ):
        body = unique()
        with pytest.raises(NatsTimeoutError):
            await conn.js().publish(name, body, timeout=SHORT)
        assert "publish" in await conn.violation(name)
        assert await risk_stored(name) != body
    for user, name in (
        (town, f"risk.command.submit_linkage_item.v1.{town}"),
        (COURT, f"risk.command.claim_completion.v1.{COURT}"),
        (office, f"risk.command.issue_memo.v1.{office}"),
        (group, f"risk.command.decide_linkage_item.v1.{group}"),
    ):
        conn = unit if user == town else court if user == COURT else await connect(user)
        body = unique()
        ack = await conn.js().publish(name, body)
        assert ack.stream == risk_stream
        assert await risk_stored(name) == body


# ---- (4) what they may do works --------------------------------------------------------------


async def test_a_court_publishes_its_own_command_and_gets_the_pub_ack(
    connect: Connect, service: Conn
) -> None:
    court = await connect(COURT)
    own = subject(QueryProperty.TYPE, COURT)
    ack = await court.js().publish(own, b'{"query": 1}', headers={"Nats-Msg-Id": "q-1"})
    assert ack.stream == STREAM and ack.seq > 0
    assert await stored(service, own) == b'{"query": 1}'
    assert not court.errors

    # The service reads it with its production consumer settings: the court's partition.
    async def never(_: Delivery) -> None:  # pragma: no cover - only the config is used
        raise AssertionError

    every = Consumer("enforcement", "enforcement_commands", commands("enforcement"), never)
    c = partition_consumers(every, streams.PARTITIONS)[partition_of(COURT, streams.PARTITIONS)]
    sub = await service.nc.jetstream().pull_subscribe(
        c.subject, durable=c.durable, stream=STREAM, config=c.config()
    )
    subjects = [published(m.subject) for m in await sub.fetch(100, timeout=2)]
    assert own in subjects


async def test_a_bureau_reads_its_own_notices_with_its_durable_consumer_and_replies(
    connect: Connect, service: Conn
) -> None:
    mine = await notice(service, BUREAU, b"for NR")
    await notice(service, OTHER_BUREAU, b"for VA")
    bureau = await connect(BUREAU, inbox_prefix=f"_INBOX_{BUREAU}")  # as services/bureaus does
    js = bureau.js()
    sub = await js.pull_subscribe(
        f"enforcement.notice.*.*.{BUREAU}",
        durable=f"enforcement_{BUREAU}",
        stream=STREAM,
        config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT),
    )
    received = await sub.fetch(100, timeout=2)
    assert received and all(m.subject.endswith(f".{BUREAU}") for m in received)
    assert (mine, b"for NR") in [(m.subject, m.data) for m in received]
    for message in received:
        await message.ack_sync(timeout=2)
    info = await service.nc.jetstream().consumer_info(STREAM, f"enforcement_{BUREAU}")
    assert info.config.filter_subject == f"enforcement.notice.*.*.{BUREAU}"
    assert info.num_ack_pending == 0
    # The consumer is durable: the next notice comes through the same consumer.
    later = await notice(service, BUREAU, b"second for NR")
    again = await js.pull_subscribe_bind(f"enforcement_{BUREAU}", stream=STREAM)
    assert [(m.subject, m.data) for m in await again.fetch(10, timeout=2)] == [
        (later, b"second for NR")
    ]
    # Its answer, as itself, is stored.
    answer = subject(PropertyAnswer.TYPE, BUREAU)
    ack = await js.publish(answer, b'{"answer": 1}', timeout=2)
    assert ack.stream == STREAM
    assert await stored(service, answer) == b'{"answer": 1}'
    # Its own notices, live, on core NATS.
    live = await bureau.nc.subscribe(f"enforcement.notice.*.*.{BUREAU}")
    await bureau.nc.flush()
    assert (await first_live(service, live)).data == b"live"
    assert not bureau.errors


# ---- replies stay in the organization's own account ------------------------------------------


async def test_one_organization_never_sees_anothers_replies(
    connect: Connect, service: Conn
) -> None:
    court, bureau = await connect(COURT), await connect(BUREAU)
    spy = await court.nc.subscribe("_INBOX.>")  # allowed: its own account's inboxes
    await court.nc.flush()
    await bureau.js().publish(subject(PropertyAnswer.TYPE, BUREAU), b"{}")
    await bureau.js().account_info()
    with pytest.raises(NatsTimeoutError):
        await spy.next_msg(timeout=0.3)
    assert not court.errors


async def test_a_reply_subject_cannot_carry_messages_out_of_the_organizations_account(
    connect: Connect, service: Conn
) -> None:
    """NATS does not check reply subjects against permissions: a pull request "in reply to"
    `deadletter.…` would, in a shared account, deliver the bureau's messages into the dead
    letters. Across the account boundary the reply leads back into the bureau's account only."""
    bureau = await connect(THIRD_BUREAU)
    consumer = f"enforcement_{THIRD_BUREAU}"
    await bureau.js().pull_subscribe(
        f"enforcement.*.*.*.{THIRD_BUREAU}", durable=consumer, stream=STREAM
    )
    forged = subject(PropertyAnswer.TYPE, THIRD_BUREAU)
    headers = {"Fuyuan-Original-Subject": subject(RegisterCase.TYPE, COURT)}
    await bureau.js().publish(forged, b'{"forged": true}', headers=headers)
    watcher = await service.nc.subscribe("deadletter.>")
    await service.nc.flush()
    before = (await service.nc.jetstream().stream_info(DEADLETTER_STREAM)).state.messages
    await bureau.nc.publish(
        f"$JS.API.CONSUMER.MSG.NEXT.{STREAM}.{consumer}",
        b'{"batch": 10}',
        reply="deadletter.enforcement.enforcement_commands",
    )
    await bureau.nc.flush()
    with pytest.raises(NatsTimeoutError):
        await watcher.next_msg(timeout=0.5)
    after = (await service.nc.jetstream().stream_info(DEADLETTER_STREAM)).state.messages
    assert after == before
    assert not bureau.errors


async def test_a_push_consumer_delivers_nothing_outside_the_organizations_reach(
    connect: Connect, service: Conn
) -> None:
    """The create request names the deliver subject, and permissions cannot see inside it, so a
    bureau can aim a push consumer (of its own messages) into the services' account. The pinned
    server delivers it nothing while only streams and wildcard subscriptions listen there, as in
    this deployment; a literal core subscription on that subject would receive the bureau's
    messages (and a stream would then store them too). docs/PERMISSIONS.md, "Limits"."""
    org = "MR410300"
    bureau = await connect(org)
    consumer = f"enforcement_{org}"
    await bureau.js().publish(subject(PropertyAnswer.TYPE, org), unique())
    watcher = await service.nc.subscribe("deadletter.>")
    await service.nc.flush()
    before = (await service.nc.jetstream().stream_info(DEADLETTER_STREAM)).state.messages
    create = f"$JS.API.CONSUMER.CREATE.{STREAM}.{consumer}.enforcement.*.*.*.{org}"
    config = {
        "name": consumer,
        "durable_name": consumer,
        "ack_policy": "none",
        "filter_subject": f"enforcement.*.*.*.{org}",
        "deliver_subject": "deadletter.enforcement.enforcement_commands",
    }
    request = json.dumps({"stream_name": STREAM, "config": config}).encode()
    answer = json.loads((await bureau.nc.request(create, request, timeout=2)).data)
    try:
        with pytest.raises(NatsTimeoutError):
            await watcher.next_msg(timeout=1.0)
        after = (await service.nc.jetstream().stream_info(DEADLETTER_STREAM)).state.messages
        assert after == before
    finally:
        if "error" not in answer:
            await bureau.js().delete_consumer(STREAM, consumer)


# ---- (5) a service does its job, and only its job ----------------------------------------------


async def test_a_service_publishes_what_its_relay_does_writes_its_heartbeat_and_uses_its_streams(
    connect: Connect, service: Conn
) -> None:
    js = service.js()
    for kind, org in (("event", COURT), ("notice", BUREAU), ("rejection", COURT)):
        name = f"enforcement.{kind}.x.v1.{org}"
        ack = await js.publish(name, unique())
        assert ack.stream == STREAM, name
    for letter in ("deadletter.enforcement.enforcement_commands", "deadletter.enforcement.relay"):
        assert (await js.publish(letter, b"{}")).stream == DEADLETTER_STREAM
    # Its heartbeat, in a bucket it may create, under its own name.
    status = await js.create_key_value(KeyValueConfig(bucket="fuyuan_status", history=1, ttl=300))
    await status.put("enforcement.box_1-42", b'{"service": "enforcement"}')
    assert (await status.get("enforcement.box_1-42")).value == b'{"service": "enforcement"}'
    # The replay stream: the operator replays a letter, the service's replay consumer gets it.
    operator = await connect("operator")
    replayed = "replay.enforcement.enforcement_commands"
    await operator.js().publish(replayed, b"again", headers={"Fuyuan-Original-Subject": "x"})
    sub = await js.pull_subscribe(
        replayed, durable="enforcement_commands_replay", stream=REPLAY_STREAM
    )
    [message] = await sub.fetch(1, timeout=2)
    assert message.data == b"again"
    await message.ack_sync(timeout=2)
    assert not service.errors, service.errors


async def test_a_service_cannot_publish_as_a_court_speak_for_another_service_or_act_as_operator(
    service: Conn,
) -> None:
    js = service.js()
    for forged in (subject(RegisterCase.TYPE, COURT), subject(PropertyAnswer.TYPE, BUREAU)):
        body = unique()
        with pytest.raises(NatsTimeoutError):
            await js.publish(forged, body, timeout=SHORT)
        assert "publish" in await service.violation(forged)
        assert await stored(service, forged) != body
    for other in ("deadletter.actions.dropped", "$KV.fuyuan_status.ledger.box_1-42"):
        await service.nc.publish(other, b"{}")
        assert "publish" in await service.violation(other)


async def test_the_operator_records_dead_letter_actions(connect: Connect, service: Conn) -> None:
    operator = await connect("operator")
    ack = await operator.js().publish("deadletter.actions.replayed", b'{"sequence": 1}')
    assert ack.stream == DEADLETTER_STREAM
    assert not operator.errors


async def test_the_auditor_reads_the_ledger_streams_checkpoints_and_nothing_else(
    connect: Connect, service: Conn
) -> None:
    from services.ledger.streams import messages

    ledger = await connect("svc_ledger")
    await streams.ensure(ledger.nc.jetstream(), streams.context_stream("ledger", 1))
    checkpoint = "ledger.event.checkpoint_signed.v1.FUYUAN"
    await ledger.js().publish(checkpoint, b'{"checkpoint": 1}')
    auditor = await connect("auditor")
    read = [m.data async for m in messages(auditor.nc, "LEDGER", checkpoint)]
    assert read[-1] == b'{"checkpoint": 1}'
    with pytest.raises(NatsTimeoutError):
        await auditor.js().pull_subscribe("enforcement.>", stream=STREAM)
    refused = f'permissions violation for publish to "$js.api.consumer.create.{STREAM.lower()}.'
    assert any(refused in str(e).lower() for e in auditor.errors), auditor.errors
    with pytest.raises(NatsTimeoutError):
        await auditor.js().publish(checkpoint, b"forged", timeout=SHORT)
    await auditor.violation(checkpoint)


async def test_a_real_service_runs_as_its_own_user_answers_a_court_and_writes_its_heartbeat(
    server: str, connect: Connect, database_url: str
) -> None:
    """The whole runtime under these permissions: streams, consumers, relay, heartbeat."""
    from services.cli.status import read_status
    from services.enforcement.main import spec
    from services.runtime.host import start_service
    from services.runtime.settings import RuntimeSettings
    from tests.e2e.world import Clock

    own = f"nats://svc_enforcement:{dev_password('svc_enforcement')}@"
    settings = RuntimeSettings(NATS_URL=server.replace("nats://", own), DATABASE_URL=database_url)
    running = await start_service(spec(Clock()), settings)
    try:
        court = await connect(OTHER_COURT)
        answers = [
            await court.nc.subscribe(f"enforcement.{kind}.*.*.{OTHER_COURT}")
            for kind in ("event", "rejection")
        ]
        command = json.loads(GOLDEN_REGISTER_CASE.read_text(encoding="utf-8"))
        event_id = str(uuid.uuid4())
        command["envelope"] |= {"event_id": event_id, "correlation_id": event_id}
        await court.js().publish(
            subject(RegisterCase.TYPE, OTHER_COURT),
            json.dumps(command).encode(),
            headers={"Nats-Msg-Id": event_id},
        )
        answer = await first_message(answers, seconds=30)
        assert answer.subject.endswith(f".{OTHER_COURT}") and event_id in answer.data.decode()
        status = await (await connect("operator")).js().key_value("fuyuan_status")
        deadline = time.monotonic() + 30
        while not [k for k in await keys_of(status) if k.startswith("enforcement.")]:
            assert time.monotonic() < deadline, "no heartbeat of the service"
            await asyncio.sleep(0.2)
        assert not court.errors, court.errors
        # `fuyuan status` inside the service's container reads with the service's own user.
        report = await read_status(settings.nats_url, database_url, ("enforcement",))
        assert "enforcement" not in report.down() and report.consumers, report.as_json()
    finally:
        await running.close()


GOLDEN_REGISTER_CASE = (
    Path(__file__).resolve().parents[1]
    / "contract"
    / "golden"
    / "enforcement.command.register_case.v1.json"
)


async def first_message(subscriptions: list[Any], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for sub in subscriptions:
            with contextlib.suppress(NatsTimeoutError):
                return await sub.next_msg(timeout=0.2)
    raise AssertionError(f"nothing from the service within {seconds} s")


async def keys_of(kv: Any) -> list[str]:
    try:
        return list(await kv.keys())
    except NoKeysError:
        return []
