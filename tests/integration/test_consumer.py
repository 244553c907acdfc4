"""The shared failure policy against a real JetStream: redelivery, order, dead letters, replay."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext

from services.runtime import streams
from services.runtime.consumer import Consumer, Delivery, start
from services.runtime.deadletters import list_deadletters, replay

pytestmark = pytest.mark.integration


@pytest.fixture
async def js(nc: Client) -> JetStreamContext:
    context = nc.jetstream()
    for name in ("TESTING", "DEADLETTER", "REPLAY"):
        with contextlib.suppress(Exception):
            await context.delete_stream(name)
    await streams.ensure_all(context, ("testing",), 1)
    return context


@pytest.fixture
async def started(js: JetStreamContext) -> AsyncIterator[Callable[[Consumer], Awaitable[None]]]:
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def begin(consumer: Consumer) -> None:
        tasks.append(start(js, consumer, stop))

    yield begin
    stop.set()
    await asyncio.gather(*tasks)


async def until(predicate: Callable[[], bool], seconds: float = 15) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


def consumer(handle: Callable[[Delivery], Awaitable[None]], **kw: object) -> Consumer:
    return Consumer(context="testing", durable="testing_worker", subject="testing.>",
                    handle=handle, backoff=(0.05, 0.1), **kw)  # type: ignore[arg-type]  # fmt: skip


async def test_messages_of_a_batch_are_handled_one_after_another_in_stream_order(
    js: JetStreamContext, started: Callable[[Consumer], Awaitable[None]]
) -> None:
    seen: list[int] = []
    busy = False

    async def handle(d: Delivery) -> None:
        nonlocal busy
        assert not busy, "two messages handled at once"
        busy = True
        await asyncio.sleep(0.001)
        seen.append(int(d.data))
        busy = False

    for i in range(100):
        await js.publish("testing.event.n.v1.X", str(i).encode())
    await started(consumer(handle, batch_size=32))
    await until(lambda: len(seen) == 100)
    assert seen == list(range(100))


async def test_a_failing_handler_gets_the_message_again_with_backoff(
    js: JetStreamContext, started: Callable[[Consumer], Awaitable[None]]
) -> None:
    attempts: list[int] = []

    async def handle(d: Delivery) -> None:
        attempts.append(d.attempt)
        if d.attempt < 3:
            raise RuntimeError("database briefly away")

    await js.publish("testing.event.n.v1.X", b"1")
    await started(consumer(handle))
    await until(lambda: attempts[-1:] == [3])
    await asyncio.sleep(0.3)
    assert attempts == [1, 2, 3]
    assert await list_deadletters(js) == []


async def test_a_message_that_keeps_failing_is_set_aside_and_the_consumer_goes_on(
    js: JetStreamContext, started: Callable[[Consumer], Awaitable[None]]
) -> None:
    done: list[bytes] = []
    broken = {b"poison"}

    async def handle(d: Delivery) -> None:
        if d.data in broken:
            raise ValueError("cannot handle poison")
        done.append(d.data)

    await js.publish("testing.event.n.v1.X", b"poison")
    await js.publish("testing.event.n.v1.X", b"fine")
    await started(consumer(handle, max_attempts=3))
    await until(lambda: b"fine" in done)
    letters: list = []

    async def has_letter() -> None:
        letters[:] = await list_deadletters(js)

    for _ in range(200):
        await has_letter()
        if letters:
            break
        await asyncio.sleep(0.02)
    [letter] = letters
    assert letter.original_subject == "testing.event.n.v1.X"
    assert letter.attempts == 3
    assert "cannot handle poison" in letter.error
    assert letter.consumer == "testing_worker"

    broken.clear()  # the operator fixed the cause; replay it
    await replay(js, letter)
    await until(lambda: b"poison" in done)
    assert await list_deadletters(js) == []
