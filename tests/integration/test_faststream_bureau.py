"""The FastStream recipe for bureaus against a real JetStream, connected as the bureau under the
per-organization permissions: a notice answered and acknowledged only once the answer is
stored, a failing handler asked again with the same reply id, order kept, another bureau's
notices never delivered, rejections heard, an unreadable notice set aside, and the consumer the
bureau client would create."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

import nats
import pytest
from faststream import BaseMiddleware
from faststream.nats import NatsBroker
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.enforcement import MessageRejected, PropertyAnswer, PropertyQueryNotice
from contracts.envelope import Message
from contracts.registry import parse_message
from contracts.rejections import FieldProblem
from contracts.subjects import subject
from services.bureaus.client import CLIENT_KEY, BureauClient, reply_id
from services.bureaus.faststream_recipe import ReplyData, build
from services.runtime import streams
from services.runtime.streams import context_stream
from tests.integration.test_bureau_client import (
    BUREAU,
    TRACEPARENT,
    SecuredNats,
    as_user,
    continues_the_trace,
    envelope,
    publish,
    query_notice,
    until,
)

pytestmark = pytest.mark.integration

ANSWERS = f"enforcement.reply.property_answer.v1.{BUREAU}"
DURABLE = f"enforcement_{BUREAU}"
FAST: dict[str, Any] = {"backoff": (0.05, 0.1), "fetch_timeout": 0.2}


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[SecuredNats]:
    secured = SecuredNats(tmp_path / "secured")
    secured.start()
    try:
        yield secured
    finally:
        secured.stop()


@pytest.fixture
async def service(server: SecuredNats) -> AsyncIterator[Client]:
    """The enforcement service's connection: it owns the stream and publishes the notices."""
    nc = await nats.connect(as_user(server, "svc_enforcement"))
    await streams.ensure(nc.jetstream(), context_stream("enforcement", 1))
    try:
        yield nc
    finally:
        await nc.close()


@pytest.fixture
def violations() -> list[Exception]:
    return []


@pytest.fixture
def bureau(server: SecuredNats, violations: list[Exception]) -> Callable[..., NatsBroker]:
    """The recipe's broker for BUREAU, connected as BUREAU; any error the server reports (a
    permissions violation above all) is kept."""

    async def denied(error: Exception) -> None:
        violations.append(error)

    def make(reply_data: ReplyData, **options: Any) -> NatsBroker:
        options = {"contexts": ("enforcement",), "error_cb": denied, **FAST, **options}
        return build(BUREAU, as_user(server, BUREAU), reply_data, **options)

    return make


@contextlib.asynccontextmanager
async def running(broker: NatsBroker) -> AsyncIterator[NatsBroker]:
    await broker.start()
    try:
        yield broker
    finally:
        await broker.stop()


@contextlib.asynccontextmanager
async def listening(nc: Client, subject_name: str = ANSWERS) -> AsyncIterator[list[Msg]]:
    """Every message published on the subject while inside (JetStream's repeats included)."""
    got: list[Msg] = []

    async def keep(msg: Msg) -> None:
        got.append(msg)

    sub = await nc.subscribe(subject_name, cb=keep)
    await nc.flush()
    try:
        yield got
    finally:
        await sub.unsubscribe()


async def settled(js: JetStreamContext, delivered: int) -> None:
    """The bureau's consumer has delivered the `delivered`-th notice and none waits for an
    acknowledgement or a delivery."""
    info = None
    for _ in range(500):
        with contextlib.suppress(NotFoundError):
            info = await js.consumer_info("ENFORCEMENT", DURABLE)
            if (
                info.delivered.stream_seq
                and info.delivered.consumer_seq >= delivered
                and info.num_ack_pending == 0
                and info.num_pending == 0
            ):
                return
        await asyncio.sleep(0.02)
    raise AssertionError(f"notices not settled: {info}")


async def stored_answers(js: JetStreamContext) -> int:
    info = await js.stream_info("ENFORCEMENT", subjects_filter=ANSWERS)
    return (info.state.subjects or {}).get(ANSWERS, 0)


def nothing_held(seen: list[Message[Any]]) -> ReplyData:
    async def look_up(notice: Message[Any]) -> Mapping[str, Any] | None:
        seen.append(notice)
        return {"holdings": []}

    return look_up


def check_answer(msg: Msg, notice: Message[Any], traced: bool = True) -> Message[Any]:
    """The reply answers the notice, with the stable reply id and the trace continued: under
    the bureau's own span when a tracer records (`traced`), else as the notice's headers gave
    it."""
    reply = parse_message(msg.data)
    assert msg.subject == ANSWERS
    assert isinstance(reply.data, PropertyAnswer)
    assert reply.data.query_id == notice.data.query_id
    assert reply.envelope.organization == BUREAU
    assert reply.envelope.causation_id == notice.envelope.event_id
    assert reply.envelope.correlation_id == notice.envelope.correlation_id
    assert reply.envelope.event_id == reply_id(notice, BUREAU)
    assert msg.headers is not None
    assert msg.headers["Nats-Msg-Id"] == str(reply.envelope.event_id)
    if traced:
        continues_the_trace(msg.headers)
    else:
        assert msg.headers["traceparent"] == TRACEPARENT
    return reply


async def test_a_property_query_notice_is_answered_and_acknowledged(
    service: Client, bureau: Callable[..., NatsBroker], violations: list[Exception]
) -> None:
    js = service.jetstream()
    seen: list[Message[Any]] = []
    notice = query_notice()
    async with listening(service) as got:
        await publish(js, notice)
        async with running(bureau(nothing_held(seen))):
            await until(lambda: len(got) >= 1)
            await settled(js, 1)
    [msg] = got
    assert check_answer(msg, notice).data.holdings == []
    assert [n.envelope.event_id for n in seen] == [notice.envelope.event_id]
    assert await stored_answers(js) == 1
    assert violations == []


async def test_a_handler_that_raises_gets_the_notice_again_and_answers_with_the_stable_id(
    service: Client, bureau: Callable[..., NatsBroker], violations: list[Exception]
) -> None:
    js = service.jetstream()
    calls: list[uuid.UUID] = []

    async def look_up(notice: Message[Any]) -> Mapping[str, Any] | None:
        calls.append(notice.envelope.event_id)
        if len(calls) == 1:
            raise ConnectionError("the registry's database is briefly away")
        return {"holdings": []}

    notice = query_notice()
    async with listening(service) as got:
        await publish(js, notice)
        async with running(bureau(look_up)):
            await until(lambda: len(got) >= 1)
            await settled(js, 2)  # delivered twice
    assert calls == [notice.envelope.event_id] * 2
    [msg] = got
    check_answer(msg, notice)
    assert violations == []


def losing_the_first_puback() -> type[BaseMiddleware]:
    """A middleware whose first reply is stored by JetStream but whose PubAck never reaches the
    handler, as when the connection drops at that moment."""
    lost: list[bool] = []

    class LosesFirstPubAck(BaseMiddleware):
        async def publish_scope(self, call_next: Any, cmd: Any) -> Any:
            result = await call_next(cmd)
            if not lost:
                lost.append(True)
                raise TimeoutError("the PubAck was lost")
            return result

    return LosesFirstPubAck


async def test_a_notice_answered_again_is_answered_with_the_same_reply_and_stored_once(
    service: Client, bureau: Callable[..., NatsBroker]
) -> None:
    js = service.jetstream()
    seen: list[Message[Any]] = []
    notice = query_notice()
    broker = bureau(nothing_held(seen), middlewares=[losing_the_first_puback()])
    async with listening(service) as got:
        await publish(js, notice)
        async with running(broker):
            await until(lambda: len(got) >= 2)
            await settled(js, 2)
    first, second = (check_answer(msg, notice) for msg in got)
    assert first.envelope.event_id == second.envelope.event_id
    assert first.data == second.data
    assert len(seen) == 2
    assert await stored_answers(js) == 1  # the repeat was dropped by its Nats-Msg-Id


async def test_order_is_kept_across_several_notices(
    service: Client, bureau: Callable[..., NatsBroker]
) -> None:
    js = service.jetstream()
    handled: list[uuid.UUID] = []

    async def look_up(notice: Message[Any]) -> Mapping[str, Any] | None:
        # the earlier the notice the longer its work: handled concurrently, they would finish
        # in reverse
        await asyncio.sleep(0.01 * (8 - len(handled)))
        handled.append(notice.data.query_id)
        return {"holdings": []}

    notices = [query_notice() for _ in range(8)]
    async with listening(service) as got:
        for notice in notices:
            await publish(js, notice)
        async with running(bureau(look_up)):
            await until(lambda: len(got) >= len(notices))
            await settled(js, len(notices))
    published = [n.data.query_id for n in notices]
    assert handled == published
    assert [parse_message(m.data).data.query_id for m in got] == published


async def test_a_notice_for_another_bureau_never_reaches_it(
    service: Client, bureau: Callable[..., NatsBroker], violations: list[Exception]
) -> None:
    js = service.jetstream()
    seen: list[Message[Any]] = []
    theirs, mine = query_notice(), query_notice()
    async with listening(service) as got:
        await publish(js, theirs, "VA410482")  # earlier in the stream than the bureau's own
        await publish(js, mine)
        async with running(bureau(nothing_held(seen))):
            await until(lambda: len(got) >= 1)
            await settled(js, 1)
    assert [n.envelope.event_id for n in seen] == [mine.envelope.event_id]
    info = await js.consumer_info("ENFORCEMENT", DURABLE)
    assert info.delivered.consumer_seq == 1  # the other notice was never delivered to it
    assert violations == []


async def test_a_rejection_of_its_reply_is_heard(
    service: Client, bureau: Callable[..., NatsBroker]
) -> None:
    js = service.jetstream()
    heard: list[Message[Any]] = []

    async def keep(rejection: Message[Any]) -> None:
        heard.append(rejection)

    rejected = uuid.uuid4()
    data = MessageRejected(
        rejected_event_id=rejected,
        rejected_type=PropertyAnswer.TYPE,
        subject=ANSWERS,
        problems=[FieldProblem(field="data.query_id", reason=f"{BUREAU} already answered")],
        received_sha256="0" * 64,
        received_size=2,
        received_excerpt="{}",
    )
    rejection = Message[MessageRejected](
        envelope=envelope(data.TYPE).model_copy(update={"organization": "FUYUAN"}), data=data
    )
    async with running(bureau(nothing_held([]), on_rejection=keep)):
        await publish(js, rejection)
        await until(lambda: len(heard) == 1)
    assert heard[0].data.rejected_event_id == rejected


async def test_an_unreadable_notice_is_asked_again_then_terminated_and_the_next_one_answered(
    service: Client, bureau: Callable[..., NatsBroker]
) -> None:
    js = service.jetstream()
    seen: list[Message[Any]] = []
    await js.publish(subject(PropertyQueryNotice.TYPE, BUREAU), b'{"envelope": "not one"}')
    notice = query_notice()
    async with listening(service) as got:
        await publish(js, notice)
        async with running(bureau(nothing_held(seen), max_invalid_attempts=2)):
            await until(lambda: len(got) >= 1)
            await settled(js, 3)  # the unreadable one twice, then the notice
    check_answer(got[0], notice)
    assert [n.envelope.event_id for n in seen] == [notice.envelope.event_id]
    info = await js.stream_info("ENFORCEMENT")
    assert info.state.first_seq == 1  # terminated, but left in the stream


async def answer_nothing(notice: Message[Any]) -> Message[Any] | None:
    return None


async def test_the_consumer_is_the_one_the_bureau_client_creates(
    service: Client, bureau: Callable[..., NatsBroker]
) -> None:
    js = service.jetstream()
    async with running(bureau(nothing_held([]))):
        for _ in range(500):
            with contextlib.suppress(NotFoundError):
                info = await js.consumer_info("ENFORCEMENT", DURABLE)
                break
            await asyncio.sleep(0.02)
    expected = BureauClient(BUREAU, "nats://unused", answer_nothing).consumer_config()
    config = info.config
    for name in (
        "durable_name",
        "filter_subject",
        "ack_policy",
        "deliver_policy",
        "ack_wait",
        "max_deliver",
        "max_ack_pending",
    ):
        assert getattr(config, name) == getattr(expected, name), name
    assert (config.metadata or {})[CLIENT_KEY].startswith(f"FastStream recipe of {BUREAU}")


async def holds_nothing(notice: Message[Any]) -> Mapping[str, Any] | None:
    """A bureau's reply-data function, for the command below."""
    return {"holdings": []}


async def test_the_recipe_runs_as_a_command_and_stops_cleanly(
    server: SecuredNats, service: Client
) -> None:
    js = service.jetstream()
    notice = query_notice()
    env = {**os.environ, "NATS_URL": as_user(server, BUREAU)}
    command = [sys.executable, "-m", "services.bureaus.faststream_recipe", "--org", BUREAU]
    handler = f"{__name__}:holds_nothing"
    async with listening(service) as got:
        await publish(js, notice)
        recipe = await asyncio.create_subprocess_exec(
            *command,
            "--handler",
            handler,
            "--context",
            "enforcement",
            env=env,
            stderr=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            await until(lambda: len(got) >= 1, seconds=30)
            await settled(js, 1)
        finally:
            recipe.terminate()
            out, err = await asyncio.wait_for(recipe.communicate(), 30)
    assert recipe.returncode == 0, err.decode()
    check_answer(got[0], notice, traced=False)  # no tracer provider in that process
    per_message = [line for line in (out + err).decode().splitlines() if "Received" in line]
    assert per_message == []  # FastStream's per-message lines stay at debug level
