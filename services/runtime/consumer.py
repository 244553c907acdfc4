"""消费 — durable JetStream consumers with the failure policy every service shares.

Messages of one pull batch are handled one after another, in stream order (FastStream's pull
subscriber would run them concurrently). A handler error means redelivery with backoff, never a silent
drop; after `max_attempts` the message goes to the dead-letter stream with its error and the
consumer keeps going. Acknowledgement is explicit and done here: FastStream's default policy on
NATS terminates a message whose handler raised, so it would never be redelivered.

An outage is not a message failure: when handling fails because PostgreSQL or NATS is unreachable
(`outages.is_outage`), the consumer keeps the message in hand, tells the server it is still
working on it (and on the rest of the batch), pauses with capped backoff and handles the same
message again; no attempt is spent. Each consumer also pulls its own replay subject
(`replay.<context>.<durable>`, durable `<durable>_replay`), so an operator's replay reaches the
consumer that failed and no other.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy as JsAckPolicy
from nats.js.api import ConsumerConfig, DeliverPolicy
from opentelemetry import trace

from contracts.subjects import REPLAY_STREAM, published, replay_subject, stream_name
from services.runtime import deadletters
from services.runtime.deadletters import Failure, header_text, unpack_replay
from services.runtime.observability import extract_context
from services.runtime.outages import is_outage

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
    """Its place on its own stream (for a replay: the original's place, not the replay's)."""
    replayed: bool = False
    """Handed again by an operator from the dead letters (`fuyuan dlq replay`)."""


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
    pause: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 5.0)
    """Seconds between tries while a server is unreachable; the last one repeats. Each is well
    under `ack_wait`, so the held messages' deadlines are renewed in time."""

    def delay(self, attempt: int) -> float:
        return self.backoff[min(attempt, len(self.backoff)) - 1]

    def config(self) -> ConsumerConfig:
        # The server's own limit sits above ours, so our dead-letter step always runs first.
        return ConsumerConfig(
            durable_name=self.durable,
            ack_policy=JsAckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            max_deliver=self.max_attempts + 2,
            filter_subject=self.subject,
            max_ack_pending=max(1000, self.batch_size * 4),
        )


@dataclass(frozen=True)
class Source:
    """Where a consumer pulls from: its context stream, or its own replay subject."""

    stream: str
    subject: str
    durable: str
    replay: bool

    @staticmethod
    def main(c: Consumer) -> Source:
        return Source(stream_name(c.context), c.subject, c.durable, replay=False)

    @staticmethod
    def replays(c: Consumer) -> Source:
        subject = replay_subject(c.context, c.durable)
        return Source(REPLAY_STREAM, subject, f"{c.durable}_replay", replay=True)

    def config(self, c: Consumer) -> ConsumerConfig:
        return replace(c.config(), durable_name=self.durable, filter_subject=self.subject)


def _delivery(msg: Msg) -> Delivery:
    meta = msg.metadata
    return Delivery(
        subject=published(msg.subject),
        data=msg.data,
        headers=_headers(msg.headers),
        attempt=meta.num_delivered or 1,
        stream_sequence=meta.sequence.stream,
    )


def _headers(raw: Mapping[str, object] | None) -> dict[str, str]:
    return {k: header_text(v) for k, v in (raw or {}).items()}


def _replay_delivery(msg: Msg) -> Delivery:
    """A replay as the handler sees it: the original subject, headers and place."""
    r = unpack_replay(dict(msg.headers or {}))
    return Delivery(
        subject=r.subject,
        data=msg.data,
        headers=r.headers,
        attempt=msg.metadata.num_delivered or 1,
        stream_sequence=r.sequence,
        replayed=True,
    )


async def _loaded(js: JetStreamContext, msg: Msg, d: Delivery) -> Delivery:
    """A replay by reference gets the original's payload and headers from its stream."""
    r = unpack_replay(dict(msg.headers or {}))
    if not r.by_reference:
        return d
    raw = await js.get_msg(r.stream, r.sequence)
    return replace(d, data=raw.data or b"", headers=_headers(raw.headers))


class Keeper:
    """Pauses a consumer while a server is unreachable, holding the messages it has in hand.

    The pause is logged once when it starts and once when it ends, not on every try.
    """

    def __init__(self, c: Consumer, stop: asyncio.Event) -> None:
        self.c, self.stop = c, stop
        self.tries = 0
        self.since: float | None = None

    async def pause(self, held: Sequence[Msg], exc: BaseException) -> bool:
        """Wait one step; False when the consumer is stopping instead."""
        if self.since is None:
            self.since = time.monotonic()
            log.warning(
                "consumer paused, will try again",
                consumer=self.c.durable,
                outage=is_outage(exc),
                error=repr(exc)[:500],
            )
        step = self.c.pause[min(self.tries, len(self.c.pause) - 1)]
        self.tries += 1
        # Renew the deadline of every message in hand, so none is redelivered behind our back
        # (which would spend its attempts and break the batch's order).
        for m in held:
            with contextlib.suppress(Exception):  # NATS may be the server that is away
                await m.in_progress()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), step)
        return not self.stop.is_set()

    def resumed(self) -> None:
        if self.since is not None:
            log.info(
                "consumer resumed",
                consumer=self.c.durable,
                paused_seconds=round(time.monotonic() - self.since, 1),
            )
        self.since, self.tries = None, 0


async def _quietly(step: Awaitable[None]) -> bool:
    """An acknowledgement that cannot be sent is not an error of ours: the server delivers the
    message again, and the consumer's inbox makes that harmless."""
    try:
        await step
    except Exception as exc:
        log.warning("acknowledgement not sent", error=repr(exc)[:300])
        return False
    return True


async def process(
    js: JetStreamContext,
    c: Consumer,
    msg: Msg,
    keeper: Keeper | None = None,
    held: Sequence[Msg] = (),
    source: Source | None = None,
) -> str:
    """Handle one message and settle it; returns what happened: acked, retry, deadletter, or
    held (the consumer is stopping during an outage; the message will come again)."""
    keeper = keeper or Keeper(c, asyncio.Event())
    d = _replay_delivery(msg) if source and source.replay else _delivery(msg)
    while True:
        try:
            d = await _loaded(js, msg, d) if d.replayed else d
            await _handle(c, d)
        except Exception as exc:
            if is_outage(exc):
                if await keeper.pause(held or (msg,), exc):
                    continue
                return "held"
            keeper.resumed()
            return await _failed(js, c, msg, d, exc, keeper, held or (msg,))
        keeper.resumed()
        await _quietly(msg.ack())
        return "acked"


async def _handle(c: Consumer, d: Delivery) -> None:
    with tracer.start_as_current_span(
        f"consume {d.subject}",
        context=extract_context(d.headers),
        kind=trace.SpanKind.CONSUMER,
        attributes={
            "messaging.system": "nats",
            "messaging.destination.name": d.subject,
            "messaging.consumer.group.name": c.durable,
            "messaging.message.delivery_attempt": d.attempt,
        },
    ) as span:
        try:
            await c.handle(d)
        except Exception as exc:
            span.record_exception(exc)
            raise


async def _failed(
    js: JetStreamContext,
    c: Consumer,
    msg: Msg,
    d: Delivery,
    exc: Exception,
    keeper: Keeper,
    held: Sequence[Msg],
) -> str:
    error = "".join(traceback.format_exception_only(exc)).strip()
    if d.attempt >= c.max_attempts:
        log.error(
            "message set aside",
            subject=d.subject,
            consumer=c.durable,
            attempts=d.attempt,
            error=error[:1000],
        )
        if await set_aside(js, c, msg, d, error, keeper, held):
            await _quietly(msg.ack())
            return "deadletter"
        return "held"  # stopping before it was set aside: not acked, so it comes again
    log.warning(
        "handler failed, will redeliver",
        subject=d.subject,
        consumer=c.durable,
        attempt=d.attempt,
        error=error[:1000],
    )
    await _quietly(msg.nak(delay=c.delay(d.attempt)))
    return "retry"


def _failure(c: Consumer, msg: Msg, d: Delivery, error: str) -> Failure:
    meta = msg.metadata
    original_stream = unpack_replay(dict(msg.headers or {})).stream if d.replayed else meta.stream
    return Failure(
        context=c.context,
        consumer=c.durable,
        subject=d.subject,
        stream=original_stream,
        sequence=d.stream_sequence,
        attempts=d.attempt,
        error=error,
        data=d.data,
        headers=d.headers,
        msg_id=f"dlq-{c.durable}-{meta.stream}-{meta.sequence.stream}",
    )


async def set_aside(
    js: JetStreamContext,
    c: Consumer,
    msg: Msg,
    d: Delivery,
    error: str,
    keeper: Keeper,
    held: Sequence[Msg],
) -> bool:
    """Publish the failed message to the dead-letter stream; True once the server stored it,
    False only when the consumer stops first (the message is then neither acked nor lost).

    The letter never exceeds the server's limit (it carries a reference instead of the payload
    when it would). A letter with the payload that the server refuses is sent by reference; an
    outage, or a refused reference (a few hundred bytes: the dead-letter stream itself is broken
    or full), pauses the consumer with the message in hand until the letter is stored.
    """
    *first, last = deadletters.letters(_failure(c, msg, d, error), _max_payload(js))
    for letter in first:
        if await _publish_letter(js, c, letter, keeper, held, pause_on_refusal=False):
            return True
    return await _publish_letter(js, c, last, keeper, held, pause_on_refusal=True)


async def _publish_letter(
    js: JetStreamContext,
    c: Consumer,
    letter: deadletters.Letter,
    keeper: Keeper,
    held: Sequence[Msg],
    pause_on_refusal: bool,
) -> bool:
    while True:
        try:
            await js.publish(letter.subject, letter.data, headers=letter.headers)
            keeper.resumed()
            return True
        except Exception as exc:
            # No acknowledgement in time is an outage too: the letter's id deduplicates a retry.
            outage = is_outage(exc) or isinstance(exc, TimeoutError)
            if not outage and keeper.since is None:  # once, not on every try while paused
                log.error(
                    "dead letter refused",
                    consumer=c.durable,
                    subject=letter.subject,
                    size=len(letter.data),
                    error=repr(exc)[:500],
                )
            if not outage and not pause_on_refusal:
                return False
            if not await keeper.pause(held, exc):
                return False


def _max_payload(js: JetStreamContext) -> int:
    return deadletters.server_max_payload(js)


async def settle_batch(
    js: JetStreamContext,
    c: Consumer,
    batch: list[Msg],
    keeper: Keeper | None = None,
    source: Source | None = None,
) -> None:
    keeper = keeper or Keeper(c, asyncio.Event())
    if c.handle_batch is not None and len(batch) > 1 and not (source and source.replay):
        outcome = await _whole_batch(c, batch, keeper)
        if outcome == "handled":
            for msg in batch:
                await _quietly(msg.ack())
        if outcome != "one by one":
            return
    for i, msg in enumerate(batch):
        # The rest of the batch is held with the message in hand, so it keeps its order.
        if await process(js, c, msg, keeper, batch[i:], source) == "held":
            return


async def _whole_batch(c: Consumer, batch: list[Msg], keeper: Keeper) -> str:
    """handled, held (the consumer stops during an outage) or one by one (it failed)."""
    assert c.handle_batch is not None
    deliveries = [_delivery(m) for m in batch]
    while True:
        try:
            with tracer.start_as_current_span(
                f"consume batch {c.durable}",
                kind=trace.SpanKind.CONSUMER,
                attributes={"messaging.batch.message_count": len(batch)},
            ):
                await c.handle_batch(deliveries)
        except Exception as exc:
            if is_outage(exc):
                if await keeper.pause(batch, exc):
                    continue
                return "held"
            keeper.resumed()
            log.warning("batch failed, handling one by one", consumer=c.durable, error=repr(exc))
            return "one by one"
        keeper.resumed()
        return "handled"


async def _subscribe(
    js: JetStreamContext, c: Consumer, source: Source, keeper: Keeper
) -> JetStreamContext.PullSubscription | None:
    while True:
        try:
            return await js.pull_subscribe(
                source.subject,
                durable=source.durable,
                stream=source.stream,
                config=source.config(c),
            )
        except Exception as exc:
            if not await keeper.pause((), exc):
                return None


async def pull(js: JetStreamContext, c: Consumer, source: Source, stop: asyncio.Event) -> None:
    """Fetch and handle batches from one source until `stop` is set; one message at a time, in
    stream order. Nothing a message or a server does ends this loop.

    nats-py's `fetch` returns as soon as messages are there (a no-wait request first). FastStream
    0.7's batch subscriber keeps fetching until the batch is full or its timeout ends, which adds
    up to that timeout to every message's latency, so the runtime drives the pull itself.
    """
    keeper = Keeper(c, stop)
    sub = await _subscribe(js, c, source, keeper)
    if sub is None:
        return
    batch_size = c.batch_size if not source.replay else min(c.batch_size, 16)
    try:
        while not stop.is_set():
            try:
                batch = await sub.fetch(batch=batch_size, timeout=1.0)
            except TimeoutError:
                continue
            except Exception as exc:
                await keeper.pause((), exc)
                continue
            keeper.resumed()
            try:
                await settle_batch(js, c, batch, keeper, source)
            except Exception:
                # A bug of ours must not end the consumer: unsettled messages come again.
                log.exception("batch not settled", consumer=source.durable)
                await keeper.pause((), RuntimeError("batch not settled"))
    finally:
        with contextlib.suppress(Exception):
            await sub.unsubscribe()


async def run(js: JetStreamContext, c: Consumer, stop: asyncio.Event) -> None:
    """The consumer's own messages and its replays, side by side until `stop` is set."""
    # Two loops, not one: a replay is handled even while the main stream is busy or paused, and
    # each keeps its own order. They share the handler, whose inbox makes any overlap harmless.
    # A task group, not gather: when one loop fails the other is cancelled with it, so a restart
    # by the supervisor never leaves a second pull loop on the same durable running.
    async with asyncio.TaskGroup() as group:
        group.create_task(pull(js, c, Source.main(c), stop))
        group.create_task(pull(js, c, Source.replays(c), stop))


def start(js: JetStreamContext, c: Consumer, stop: asyncio.Event) -> asyncio.Task[None]:
    return asyncio.create_task(run(js, c, stop), name=f"consumer-{c.durable}")
