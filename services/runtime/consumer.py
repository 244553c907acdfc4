"""消费 — durable JetStream consumers with the failure policy every service shares.

Messages of one pull batch are handled one after another, in stream order (FastStream's pull
subscriber would run them concurrently). A handler error means redelivery with backoff, never a silent
drop; after `max_attempts` the message goes to the dead-letter stream with its error and the
consumer keeps going. Acknowledgement is explicit and done here: FastStream's default policy on
NATS terminates a message whose handler raised, so it would never be redelivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from nats.aio.msg import Msg
from nats.errors import ConnectionClosedError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy as JsAckPolicy
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.errors import ServiceUnavailableError
from opentelemetry import trace

from contracts.subjects import deadletter, stream_name
from services.runtime.observability import extract_context

log = structlog.get_logger("consumer")
tracer = trace.get_tracer("fuyuan.consumer")


@dataclass(frozen=True)
class Delivery:
    """One message as a handler sees it."""

    subject: str
    data: bytes
    headers: dict[str, str]
    attempt: int
    stream_sequence: int


Handler = Callable[[Delivery], Awaitable[None]]
BatchHandler = Callable[[list[Delivery]], Awaitable[None]]


@dataclass(frozen=True)
class Consumer:
    """A durable consumer: which stream, which subjects, which handler, how hard to retry."""

    context: str
    durable: str
    subject: str
    handle: Handler
    max_attempts: int = 5
    backoff: tuple[float, ...] = (0.2, 1.0, 5.0, 15.0, 30.0)
    batch_size: int = 64
    ack_wait: float = 30.0
    handle_batch: BatchHandler | None = None
    """Optional: takes a whole fetched batch at once (one transaction). If it fails, the batch
    is handled again message by message through `handle`, so one bad message is isolated."""

    def delay(self, attempt: int) -> float:
        return self.backoff[min(attempt, len(self.backoff)) - 1]

    def config(self) -> ConsumerConfig:
        # The server's own limit sits above ours, so our dead-letter step always runs first.
        return ConsumerConfig(
            durable_name=self.durable, ack_policy=JsAckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL, ack_wait=self.ack_wait,
            max_deliver=self.max_attempts + 2, filter_subject=self.subject,
            max_ack_pending=max(1000, self.batch_size * 4),
        )  # fmt: skip


def _delivery(msg: Msg) -> Delivery:
    meta = msg.metadata
    return Delivery(
        subject=msg.subject, data=msg.data, headers=dict(msg.headers or {}),
        attempt=meta.num_delivered or 1, stream_sequence=meta.sequence.stream,
    )  # fmt: skip


async def set_aside(js: JetStreamContext, c: Consumer, d: Delivery, error: str) -> None:
    """Publish the failed message to the dead-letter stream with its error and origin."""
    headers = {
        **d.headers,
        "Fuyuan-Original-Subject": d.subject,
        "Fuyuan-Original-Sequence": str(d.stream_sequence),
        "Fuyuan-Consumer": c.durable,
        "Fuyuan-Attempts": str(d.attempt),
        "Fuyuan-Error": error[:2000].replace("\r", " ").replace("\n", " | "),
        "Fuyuan-Failed-At": str(int(time.time())),
        "Nats-Msg-Id": f"dlq-{c.durable}-{d.stream_sequence}",
    }
    await js.publish(deadletter(c.context, c.durable), d.data, headers=headers)


async def process(js: JetStreamContext, c: Consumer, msg: Msg) -> str:
    """Handle one message and settle it; returns what happened: acked, retry or deadletter."""
    d = _delivery(msg)
    with tracer.start_as_current_span(
        f"consume {d.subject}", context=extract_context(d.headers), kind=trace.SpanKind.CONSUMER,
        attributes={"messaging.system": "nats", "messaging.destination.name": d.subject,
                    "messaging.consumer.group.name": c.durable,
                    "messaging.message.delivery_attempt": d.attempt},
    ) as span:  # fmt: skip
        try:
            await c.handle(d)
        except Exception as exc:
            span.record_exception(exc)
            return await _failed(js, c, msg, d, exc)
    await msg.ack()
    return "acked"


async def _failed(js: JetStreamContext, c: Consumer, msg: Msg, d: Delivery, exc: Exception) -> str:
    error = "".join(traceback.format_exception_only(exc)).strip()
    if d.attempt >= c.max_attempts:
        log.error("message set aside", subject=d.subject, consumer=c.durable,
                  attempts=d.attempt, error=error)  # fmt: skip
        await set_aside(js, c, d, error)
        await msg.ack()
        return "deadletter"
    log.warning("handler failed, will redeliver", subject=d.subject, consumer=c.durable,
                attempt=d.attempt, error=error)  # fmt: skip
    await msg.nak(delay=c.delay(d.attempt))
    return "retry"


async def settle_batch(js: JetStreamContext, c: Consumer, batch: list[Msg]) -> None:
    if c.handle_batch is not None and len(batch) > 1:
        try:
            with tracer.start_as_current_span(f"consume batch {c.durable}",
                                              kind=trace.SpanKind.CONSUMER,
                                              attributes={"messaging.batch.message_count": len(batch)}):  # fmt: skip
                await c.handle_batch([_delivery(m) for m in batch])
        except Exception as exc:
            log.warning("batch failed, handling one by one", consumer=c.durable, error=repr(exc))
        else:
            for msg in batch:
                await msg.ack()
            return
    for msg in batch:
        await process(js, c, msg)


async def run(js: JetStreamContext, c: Consumer, stop: asyncio.Event) -> None:
    """Fetch and handle batches until `stop` is set; one message at a time, in stream order.

    nats-py's `fetch` returns as soon as messages are there (a no-wait request first). FastStream
    0.7's batch subscriber keeps fetching until the batch is full or its timeout ends, which adds
    up to that timeout to every message's latency, so the runtime drives the pull itself.
    """
    sub = await js.pull_subscribe(
        c.subject, durable=c.durable, stream=stream_name(c.context), config=c.config()
    )
    try:
        while not stop.is_set():
            try:
                batch = await sub.fetch(batch=c.batch_size, timeout=1.0)
            except TimeoutError:
                continue
            except (ConnectionClosedError, ServiceUnavailableError) as e:
                log.warning("fetch failed, retrying", consumer=c.durable, error=repr(e))
                await asyncio.sleep(0.5)
                continue
            await settle_batch(js, c, batch)
    finally:
        with contextlib.suppress(Exception):
            await sub.unsubscribe()


def start(js: JetStreamContext, c: Consumer, stop: asyncio.Event) -> asyncio.Task[None]:
    return asyncio.create_task(run(js, c, stop), name=f"consumer-{c.durable}")
