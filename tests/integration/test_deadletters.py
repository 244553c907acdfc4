"""Dead letters against a real JetStream: any message can be set aside, shown, replayed to the
consumer that failed and to no other, or dropped with a reason; every action is on the record."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from services.runtime import deadletters, streams
from services.runtime.consumer import Consumer, Delivery, start
from services.runtime.deadletters import DeadLetter, list_deadletters, replay

pytestmark = pytest.mark.integration
SUBJECT = "testing.command.register_case.v1.CT410482"
CHINESE_ERROR = "案号格式不符：（2024）豫0482执1234号"
BAD_1 = "案号（2024）豫0482执1234号 bad-1".encode()


@pytest.fixture
async def js(nc: Client) -> JetStreamContext:
    context = nc.jetstream()
    await streams.ensure_all(context, ("testing",), 1)
    return context


@pytest.fixture
async def started(
    js: JetStreamContext,
) -> AsyncIterator[Callable[[Consumer], asyncio.Task[None]]]:
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    def begin(consumer: Consumer) -> asyncio.Task[None]:
        tasks.append(start(js, consumer, stop))
        return tasks[-1]

    yield begin
    stop.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 30)


async def until(predicate: Callable[[], Awaitable[bool]], seconds: float = 20) -> None:
    for _ in range(int(seconds / 0.05)):
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


async def letters_when(js: JetStreamContext, count: int) -> list[DeadLetter]:
    found: list[DeadLetter] = []

    async def listed() -> bool:
        found[:] = await list_deadletters(js)
        return len(found) >= count

    await until(listed)
    return found


def consumer(durable: str, handle: Callable[[Delivery], Awaitable[None]], **kw: object) -> Consumer:
    return Consumer(
        context="testing",
        durable=durable,
        subject="testing.command.>",
        handle=handle,
        backoff=(0.05, 0.1),
        max_attempts=2,
        **kw,
    )  # type: ignore[arg-type]


async def fuyuan(nats_url: str, *args: str) -> tuple[int, str]:
    """The operator's command line, run as an operator would, beside the running consumers."""
    env = {**os.environ, "NATS_URL": nats_url, "COLUMNS": "400", "FUYUAN_OPERATOR": "值班员"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.cli.main",
        "dlq",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode()


async def actions(js: JetStreamContext, verb: str) -> list[dict[str, object]]:
    out, seq = [], 1
    while True:
        try:
            raw = await js.get_msg(
                "DEADLETTER", seq, subject=f"deadletter.actions.{verb}", next=True
            )
        except NotFoundError:
            return out
        out.append(json.loads(raw.data or b"{}"))
        seq = (raw.seq or seq) + 1


async def test_a_letter_with_chinese_text_is_listed_shown_replayed_to_its_consumer_only_and_dropped(
    js: JetStreamContext, nats_url: str, started: Callable[[Consumer], asyncio.Task[None]]
) -> None:
    failing_saw: list[Delivery] = []
    other_saw: list[bytes] = []
    broken = {BAD_1, b"bad-2"}

    async def failing(d: Delivery) -> None:
        failing_saw.append(d)
        if d.data in broken:
            raise ValueError(CHINESE_ERROR)

    async def other(d: Delivery) -> None:
        other_saw.append(d.data)

    started(consumer("testing_failing", failing))
    started(consumer("testing_other", other))
    await js.publish(SUBJECT, BAD_1, headers={"X-Court": "洛阳市中级人民法院"})
    [letter] = await letters_when(js, 1)
    assert letter.error.endswith(CHINESE_ERROR)
    assert letter.headers["X-Court"] == "洛阳市中级人民法院"
    assert (letter.consumer, letter.original_subject, letter.kind) == (
        "testing_failing",
        SUBJECT,
        "consumer",
    )

    code, listed = await fuyuan(nats_url, "list")
    assert code == 0, listed
    assert CHINESE_ERROR in listed and "testing_failing" in listed
    code, shown = await fuyuan(nats_url, "show", str(letter.sequence))
    assert code == 0, shown
    assert "X-Court: 洛阳市中级人民法院" in shown and CHINESE_ERROR in shown
    assert hashlib.sha256(BAD_1).hexdigest() in shown and BAD_1.decode() in shown

    await until(lambda: _true(other_saw == [BAD_1]))
    broken.discard(BAD_1)  # the operator fixed the cause
    code, out = await fuyuan(nats_url, "replay", str(letter.sequence), "--reason", "已修复")
    assert code == 0, out
    await until(lambda: _true(any(d.replayed for d in failing_saw)))
    [again] = [d for d in failing_saw if d.replayed]
    assert (again.subject, again.data, again.headers["X-Court"]) == (
        SUBJECT,
        BAD_1,
        "洛阳市中级人民法院",
    )
    await js.publish(SUBJECT, b"after")  # a marker: once the other consumer has it, it is caught up
    await until(lambda: _true(other_saw[-1:] == [b"after"]))
    assert other_saw == [BAD_1, b"after"], "the replay reached a consumer that had not failed"
    [replayed] = await actions(js, "replayed")
    assert replayed["sequence"] == letter.sequence and replayed["consumer"] == "testing_failing"
    assert (replayed["operator"], replayed["reason"]) == ("值班员", "已修复")

    await js.publish(SUBJECT, b"bad-2", headers={"X-Court": "郑州中院"})
    [second] = await letters_when(js, 1)
    code, out = await fuyuan(nats_url, "drop", str(second.sequence))
    assert code != 0, "a drop without a reason must be refused"
    assert await list_deadletters(js) == [second]
    code, out = await fuyuan(nats_url, "drop", str(second.sequence), "--reason", "法院已撤回")
    assert code == 0, out
    assert await list_deadletters(js) == []
    [dropped] = await actions(js, "dropped")
    assert (dropped["sequence"], dropped["reason"]) == (second.sequence, "法院已撤回")
    assert dropped["original_subject"] == SUBJECT


async def _true(value: bool) -> bool:
    return value


async def test_a_failing_message_near_the_payload_limit_is_set_aside_by_reference_and_replays_whole(
    js: JetStreamContext,
    nc: Client,
    nats_url: str,
    started: Callable[[Consumer], asyncio.Task[None]],
) -> None:
    big = os.urandom(nc.max_payload - 600)
    handled: list[Delivery] = []
    broken = True

    async def handle(d: Delivery) -> None:
        if d.data == big and broken:
            raise ValueError("拒收：" + "长" * 5000)
        handled.append(d)

    task = started(consumer("testing_worker", handle))
    await js.publish(SUBJECT, big, headers={"X-Sender-Note": "材料" * 50})
    await js.publish(SUBJECT, b"next")
    [letter] = await letters_when(js, 1)
    await until(lambda: _true([d.data for d in handled] == [b"next"]))
    assert not task.done(), "the consumer task must survive setting a large message aside"
    assert (letter.payload, letter.data, letter.size) == ("stream", b"", len(big))
    assert (letter.original_stream, letter.sha256) == ("TESTING", hashlib.sha256(big).hexdigest())
    code, shown = await fuyuan(nats_url, "show", str(letter.sequence))
    assert code == 0, shown
    assert f"body: {len(big)} bytes, sha256 {letter.sha256}" in shown and "binary" in shown
    assert len(shown) < 64 * 1024, "show prints a bounded part of the body"

    broken = False
    await replay(js, letter, operator="tester")
    await until(lambda: _true(len(handled) == 2))
    again = handled[-1]
    assert again.replayed and again.subject == SUBJECT and again.data == big
    assert again.headers["X-Sender-Note"] == "材料" * 50
    assert await list_deadletters(js) == []


async def test_a_relay_alert_is_listed_and_shown_but_not_replayed(
    js: JetStreamContext, nats_url: str
) -> None:
    body = {
        "event_id": "0b5a4b2e-8d3c-4d7e-9f00-000000000001",
        "position": 17,
        "subject": "testing.notice.sanction.v1.NR410300",
        "size": 9_000_000,
        "reason": "larger than the server accepts",
        "sha256": "ab" * 32,
    }
    await js.publish(
        "deadletter.testing.relay",
        json.dumps(body).encode(),
        headers={"Fuyuan-Kind": "relay", "Nats-Msg-Id": "relay-testing-17"},
    )
    [alert] = await list_deadletters(js)
    assert (alert.kind, alert.original_subject, alert.size) == (
        "relay",
        "testing.notice.sanction.v1.NR410300",
        9_000_000,
    )
    code, shown = await fuyuan(nats_url, "show", str(alert.sequence))
    assert code == 0 and "larger than the server accepts" in shown and "relay" in shown
    code, out = await fuyuan(nats_url, "replay", str(alert.sequence))
    assert code != 0 and "relay" in out
    code, out = await fuyuan(nats_url, "drop", str(alert.sequence), "--reason", "seen in reconcile")
    assert code == 0, out
    assert await list_deadletters(js) == []


async def test_a_letter_stays_until_the_journal_has_read_it_and_acting_again_is_not_done_twice(
    js: JetStreamContext,
    started: Callable[[Consumer], asyncio.Task[None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(deadletters, "JOURNAL_WAIT", 0.5)
    journal = await js.pull_subscribe(
        "deadletter.>", durable="ledger_deadletter", stream="DEADLETTER"
    )

    async def refuse(d: Delivery) -> None:
        raise ValueError("拒收")

    started(consumer("testing_worker", refuse))
    await js.publish(SUBJECT, b"bad")
    [letter] = await letters_when(js, 1)
    with pytest.raises(deadletters.NotYetJournaledError, match="ledger_deadletter"):
        await deadletters.drop(js, letter, operator="tester", reason="重复")
    assert await list_deadletters(js) == [letter]

    for msg in await journal.fetch(batch=10, timeout=5):  # the journal catches up
        await msg.ack_sync()
    await deadletters.drop(js, letter, operator="tester", reason="重复")
    assert await list_deadletters(js) == []
    assert [a["reason"] for a in await actions(js, "dropped")] == ["重复"]


async def test_a_letter_the_server_refuses_is_sent_by_reference_or_the_message_is_kept(
    js: JetStreamContext, started: Callable[[Consumer], asyncio.Task[None]]
) -> None:
    small = dataclasses.replace(streams.deadletter_stream(1), max_msg_size=2048)
    await js.update_stream(small)
    handled: list[bytes] = []
    last_tries: list[int] = []

    async def handle(d: Delivery) -> None:
        if d.data.startswith(b"bad"):
            if d.data == b"bad-2":
                last_tries.append(d.attempt)
            raise ValueError("拒收")
        handled.append(d.data)

    task = started(consumer("testing_worker", handle, pause=(0.05, 0.1)))
    await js.publish(SUBJECT, b"bad" + b"x" * 4000)  # its letter with the payload is refused
    [letter] = await letters_when(js, 1)
    assert (letter.payload, letter.size) == ("stream", 4003)

    await js.update_stream(dataclasses.replace(small, max_msg_size=64))  # the stream is broken
    await js.publish(SUBJECT, b"bad-2")
    await js.publish(SUBJECT, b"good")
    await until(lambda: _true(handled == [b"good"] and last_tries[-1:] == [2]))
    for _ in range(25):  # bad-2 is held: neither acknowledged nor set aside, nor tried again
        await asyncio.sleep(0.04)
        info = await js.consumer_info("TESTING", "testing_worker")
        assert info.num_ack_pending == 1 and not task.done()
        assert len(await list_deadletters(js)) == 1 and last_tries == [1, 2]
    await js.update_stream(streams.deadletter_stream(1))  # repaired
    [_, second] = await letters_when(js, 2)
    assert (second.payload, second.sha256) == ("stream", hashlib.sha256(b"bad-2").hexdigest())
    info = await js.consumer_info("TESTING", "testing_worker")
    assert info.num_ack_pending == 0


async def test_a_replay_declares_the_replay_stream_and_reaches_the_consumer_when_it_can(
    js: JetStreamContext, started: Callable[[Consumer], asyncio.Task[None]]
) -> None:
    await js.delete_stream("REPLAY")  # as before any service declared it
    handled: list[Delivery] = []
    broken = True

    async def handle(d: Delivery) -> None:
        if broken:
            raise ValueError("暂不可处理")
        handled.append(d)

    started(consumer("testing_worker", handle, pause=(0.05, 0.1)))
    await js.publish(SUBJECT, "材料".encode())
    [letter] = await letters_when(js, 1)
    broken = False
    await replay(js, letter, operator="tester")
    await until(lambda: _true(len(handled) == 1))
    assert handled[0].replayed and handled[0].data == "材料".encode()
