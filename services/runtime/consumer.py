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

Many cases at once, each in order. A consumer with a `key` (the case a delivery belongs to)
works on the keys of a pull batch side by side, up to `concurrency` at once, and on the messages
of one key strictly one after another, oldest (lowest stream sequence) first. A delivery whose
key is None belongs to no case, or to more than one (it names two): it is handled alone, in its
place — after the messages before it in the batch, before the ones after it. Where a key has
several deliveries in hand and the consumer has a `handle_group`, they are handed over together
(one load of the case, one transaction); if that fails they are handled again one by one, so
one bad message is isolated. An outage pauses the key's lane holding its messages, and renews
the deadlines of the keys not started yet. The replay source stays one message at a time.

A failed message holds its key. When a message of a key fails and is to be redelivered, the later
messages of that key are not handled before it: those in hand, and any that arrive before it
comes back, are put back (nak) with a delay that brings them after it, and each holds the ones
after it in turn until it is handled — so none overtakes. Putting back spends no attempt: the
consumer counts the times it put a message back and does not count them as attempts. Limits: a
hold lapses after its message's delay plus `ack_wait` even if that message never came back (it
may have been handed to another instance); the holds and counts live in the process (after a
restart a message put back may be counted as an attempt, and one that was held may be handled
before the one it waited for). The server stops delivering a message after the durable's
`max_deliver` (`max_attempts + 2`, with a key `3 × max_attempts + 2` to leave room for putting
back; read from the server, since a durable keeps the limit it was created with), so at that
delivery a message is never put back: a failing one is set aside, and one held behind a failing
message of its case is set aside too, with that reason, for an operator to replay — never left
undelivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy as JsAckPolicy
from nats.js.api import ConsumerConfig, DeliverPolicy
from opentelemetry import trace

from contracts.ids import normalize_case_number
from contracts.subjects import REPLAY_STREAM, published, replay_subject, split, stream_name
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
Key = Callable[[Delivery], str | None]
"""The ordering key of a delivery — its case — or None when it belongs to no case."""


class NotTogether(Exception):
    """Raised by a `handle_group` for deliveries it does not decide together (kinds it does not
    group): they are handled one by one, as after a failure, but without a warning."""


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
    key: Key | None = None
    """Optional: the case of a delivery. With it, the keys of a batch are worked on side by
    side and each key's messages in order (the module's docstring); `handle_batch` is then not
    used on the consumer's own stream."""
    concurrency: int = 1
    """How many keys are worked on at once (with a `key`)."""
    handle_group: BatchHandler | None = None
    """Optional, with a `key`: takes the deliveries of one key in hand at once, in order (one
    load of the case, one transaction). If it fails they are handled again one by one."""

    def delay(self, attempt: int) -> float:
        return self.backoff[min(attempt, len(self.backoff)) - 1]

    @property
    def max_deliver(self) -> int:
        """Deliveries after which the server stops delivering a message, for a consumer created
        now: with a key, room for the times a message is put back behind a failing one of its
        case (up to `max_attempts - 1` behind each of two)."""
        return self.max_attempts + 2 + (2 * self.max_attempts if self.key is not None else 0)

    def tuned(self, concurrency: int) -> Consumer:
        """The consumer working on `concurrency` keys at once, if it has a key (the runtime's
        setting applied to a service's consumers)."""
        return replace(self, concurrency=concurrency) if self.key is not None else self

    def config(self) -> ConsumerConfig:
        # The server's own limit sits above ours, so our dead-letter step always runs first.
        return ConsumerConfig(
            durable_name=self.durable,
            ack_policy=JsAckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            max_deliver=self.max_deliver,
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


def case_key(d: Delivery, fields: Sequence[str] = ("case_number",)) -> str | None:
    """The case a delivery belongs to, read cheaply from its JSON: the first of `fields` its data
    names, else its envelope's case number — the order the handlers read them in — normalized
    as the contracts normalize a 案号 (full-width brackets, spaces), so two spellings of one case
    are one key. None when the bytes are not a JSON object naming a case: such a message is
    handled alone (and refused by the intake if it must name one)."""
    try:
        obj = json.loads(d.data)
        data, envelope = obj.get("data"), obj.get("envelope")
        found = next(
            (data[f] for f in fields if isinstance(data, dict) and isinstance(data.get(f), str)),
            envelope.get("case_number") if isinstance(envelope, dict) else None,
        )
    except (ValueError, RecursionError, AttributeError):
        return None
    if not isinstance(found, str) or not found:
        return None
    try:
        return normalize_case_number(found)
    except ValueError:
        return found  # not a valid number: the handler refuses it, in order all the same


def data_key(fields: Mapping[str, tuple[str, str]]) -> Key:
    """A key from one field of the data, by message type: `fields[type] = (kind, field)` keys a
    message `kind:value` — one key per stream when `kind` names the stream its field picks. A
    type not named, or a message without the field, has no key (it is handled alone)."""

    def key(d: Delivery) -> str | None:
        named = fields.get(split(d.subject)[0])
        if named is None:
            return None
        kind, name = named
        try:
            data = json.loads(d.data).get("data")
            value = data.get(name) if isinstance(data, dict) else None
        except (ValueError, RecursionError, AttributeError):
            return None
        return f"{kind}:{_normalized(value)}" if isinstance(value, str) and value else None

    return key


def _normalized(value: str) -> str:
    """One spelling of an id: a UUID as the contracts write it, a 案号 normalized."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        pass
    try:
        return normalize_case_number(value)
    except ValueError:
        return value


T = TypeVar("T")


def stages(
    items: Iterable[T], key: Callable[[T], Hashable | None], place: Callable[[T], int]
) -> list[list[tuple[Hashable | None, list[T]]]]:
    """The items in stages, each handled after the one before: the items up to one without a
    key, grouped by key — keys in the order they first appear, each key's items by `place`
    (the stream sequence: a redelivered older message goes before a newer one of its key) —
    then that item alone (key None), then the items after it, and so on."""
    out: list[list[tuple[Hashable | None, list[T]]]] = []
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        k = key(item)
        if k is not None:
            groups.setdefault(k, []).append(item)
            continue
        if groups:
            out.append([(g, sorted(v, key=place)) for g, v in groups.items()])
            groups = {}
        out.append([(None, [item])])
    if groups:
        out.append([(g, sorted(v, key=place)) for g, v in groups.items()])
    return out


class Holds:
    """What keeps a key's messages in order across failures, for one pull loop: per key, the
    messages not settled yet that later ones must wait behind — failed ones to be redelivered and
    ones put back behind them — each with when it is due again and when it stops holding (its
    due time plus `ack_wait`: it may have gone to another instance); and how often each message
    was put back (not counted as attempts)."""

    def __init__(self, limit: int | None = None, size: int = 100_000) -> None:
        # The server's max_deliver for this consumer: it may predate the code's `max_deliver`.
        self.limit, self.size = limit, size
        self._held: dict[Hashable, dict[int, tuple[float, float]]] = {}
        self._put_back: OrderedDict[tuple[str, int], int] = OrderedDict()

    def behind(self, key: Hashable, sequence: int, besides: Iterable[int] = ()) -> float | None:
        """Seconds until the last of the earlier unsettled messages of `key` (other than
        `besides`, the ones in hand with it) is due again, if the message at `sequence` must
        wait behind them; None when it may be handled."""
        held = self._held.get(key)
        if not held:
            return None
        now, mine = time.monotonic(), set(besides)
        for place in [p for p, (_, lapses) in held.items() if lapses <= now]:
            del held[place]
        earlier = [due for p, (due, _) in held.items() if p < sequence and p not in mine]
        if not held:
            del self._held[key]
        return max(0.0, max(earlier) - now) if earlier else None

    def hold(self, key: Hashable, sequence: int, delay: float, lapse: float) -> None:
        """The message at `sequence` is not settled and comes again in `delay` seconds: the
        later ones of its key wait behind it."""
        due = time.monotonic() + delay
        self._held.setdefault(key, {})[sequence] = (due, due + lapse)

    def settled(self, key: Hashable, sequence: int) -> None:
        held = self._held.get(key)
        if held is not None:
            held.pop(sequence, None)
            if not held:
                del self._held[key]

    def put_back(self, msg: Msg) -> int:
        """Count one more time the message was put back; how many times it was before."""
        place = _place(msg)
        times = self._put_back.pop(place, 0)
        self._put_back[place] = times + 1
        while len(self._put_back) > self.size:
            self._put_back.popitem(last=False)
        return times

    def last(self, c: Consumer, msg: Msg) -> bool:
        """Whether the server will not deliver the message again."""
        return _delivered(msg) >= (self.limit or c.max_deliver)

    def attempt(self, c: Consumer, msg: Msg, d: Delivery) -> Delivery:
        """The delivery with the times it was put back not counted as attempts — except at the
        server's last delivery, where a failure must set it aside: put back, it would never
        come again."""
        times = self._put_back.get(_place(msg), 0)
        if self.last(c, msg):
            return replace(d, attempt=max(c.max_attempts, d.attempt - times))
        return replace(d, attempt=max(1, d.attempt - times)) if times else d

    def forget(self, msg: Msg) -> None:
        self._put_back.pop(_place(msg), None)


def _place(msg: Msg) -> tuple[str, int]:
    meta = msg.metadata
    return (meta.stream, meta.sequence.stream)


def _delivered(msg: Msg) -> int:
    """Deliveries of the message so far, as the server counts them."""
    return msg.metadata.num_delivered or 1


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
    delivery: Delivery | None = None,
) -> str:
    """Handle one message and settle it; returns what happened: acked, retry, deadletter, or
    held (the consumer is stopping during an outage; the message will come again)."""
    keeper = keeper or Keeper(c, asyncio.Event())
    d = delivery or (_replay_delivery(msg) if source and source.replay else _delivery(msg))
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
        attributes=_span_attributes(c, d),
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
    holds: Holds | None = None,
) -> None:
    keeper = keeper or Keeper(c, asyncio.Event())
    if c.key is not None and not (source and source.replay):
        await _by_key(js, c, batch, keeper, holds or Holds())
        return
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


async def _by_key(
    js: JetStreamContext, c: Consumer, batch: list[Msg], keeper: Keeper, holds: Holds
) -> None:
    """The batch's keys side by side, up to `c.concurrency` at once, each key in order; a
    message without a key alone, between the ones before and after it."""
    assert c.key is not None
    in_hand = [(m, holds.attempt(c, m, _delivery(m))) for m in batch]
    keyed = [(m, d, _key(c, d)) for m, d in in_hand]
    # Messages of the keys not started yet: renewed with the rest while a lane pauses.
    waiting = {id(m): m for m in batch}
    slots = asyncio.Semaphore(max(1, c.concurrency))

    async def work(key: Hashable | None, group: list[tuple[Msg, Delivery, str | None]]) -> bool:
        async with slots:
            for m, _, _ in group:
                waiting.pop(id(m), None)
            msgs, ds = [m for m, _, _ in group], [d for _, d, _ in group]
            try:
                return await _lane(
                    js, c, key, msgs, ds, keeper, holds, lambda: list(waiting.values())
                )
            except Exception:
                # A bug of ours must not end the consumer: unsettled messages come again.
                log.exception("messages of a case not settled", consumer=c.durable)
                return True

    for stage in stages(keyed, key=lambda t: t[2], place=lambda t: t[1].stream_sequence):
        if any(await asyncio.gather(*(work(k, g) for k, g in stage))):
            # Something of this stage is still in hand, unsettled: nothing after it may pass it.
            return


def _key(c: Consumer, d: Delivery) -> str | None:
    assert c.key is not None
    try:
        return c.key(d)
    except Exception:
        log.exception("no key for a message, handled without one", consumer=c.durable)
        return None


async def _lane(
    js: JetStreamContext,
    c: Consumer,
    key: Hashable | None,
    msgs: list[Msg],
    ds: list[Delivery],
    keeper: Keeper,
    holds: Holds,
    waiting: Callable[[], list[Msg]],
) -> bool:
    """The messages of one key, oldest first; a failed one holds the rest (module docstring).
    A message without a key (key None) holds nothing. True when some are left unsettled (the
    consumer stops during an outage)."""
    together = c.handle_group is not None and key is not None and len(msgs) > 1
    mine = [d.stream_sequence for d in ds]
    if together and all(holds.behind(key, d.stream_sequence, mine) is None for d in ds):
        assert c.handle_group is not None
        outcome = await _whole_batch(c, msgs, keeper, c.handle_group, ds, [*msgs, *waiting()])
        if outcome == "held":
            return True
        if outcome == "handled":
            for m, d in zip(msgs, ds, strict=True):
                await _quietly(m.ack())
                holds.settled(key, d.stream_sequence)
                holds.forget(m)
            return False
    for i, (msg, d) in enumerate(zip(msgs, ds, strict=True)):
        wait = holds.behind(key, d.stream_sequence) if key is not None else None
        if key is not None and wait is not None:
            if await _put_back(js, c, key, msg, d, wait, keeper, holds, [*msgs[i:], *waiting()]):
                continue
            return True  # stopping while its letter could not be stored
        outcome = await process(js, c, msg, keeper, [*msgs[i:], *waiting()], None, d)
        if outcome == "held":
            return True
        if key is None:
            holds.forget(msg)
        elif outcome == "retry":
            delay = c.delay(d.attempt)
            holds.hold(key, d.stream_sequence, delay, c.ack_wait)
        else:  # acked or set aside: the key goes on
            holds.settled(key, d.stream_sequence)
            holds.forget(msg)
    return False


_BEHIND = 0.1
"""Seconds a message put back behind a failed one waits beyond that one's delay; doubled each
time it is put back again (up to `ack_wait`), so one whose failed message is late (its nak was
lost, it comes back only after `ack_wait`) does not spend the server's deliveries meanwhile."""


async def _put_back(
    js: JetStreamContext,
    c: Consumer,
    key: Hashable,
    msg: Msg,
    d: Delivery,
    wait: float,
    keeper: Keeper,
    holds: Holds,
    held: Sequence[Msg],
) -> bool:
    """Put a message back behind the failed message of its key, its attempt not spent; at the
    server's last delivery set it aside instead. False only when the consumer stops first."""
    if not holds.last(c, msg):
        # It holds the later ones in turn, until it is handled: none may overtake it.
        delay = wait + min(c.ack_wait, _BEHIND * 2 ** holds.put_back(msg))
        holds.hold(key, d.stream_sequence, delay, c.ack_wait)
        await _quietly(msg.nak(delay=delay))
        return True
    error = (
        "held behind an earlier message of its case that had not succeeded,"
        " until the server's last delivery"
    )
    log.error("message set aside", subject=d.subject, consumer=c.durable, error=error)
    if await set_aside(js, c, msg, d, error, keeper, held):
        await _quietly(msg.ack())
        holds.settled(key, d.stream_sequence)
        holds.forget(msg)
        return True
    return False


async def _whole_batch(
    c: Consumer,
    batch: list[Msg],
    keeper: Keeper,
    handle: BatchHandler | None = None,
    deliveries: list[Delivery] | None = None,
    held: Sequence[Msg] | None = None,
) -> str:
    """handled, held (the consumer stops during an outage) or one by one (it failed)."""
    handle = handle or c.handle_batch
    assert handle is not None
    grouped = handle is not c.handle_batch
    deliveries = deliveries or [_delivery(m) for m in batch]
    while True:
        try:
            with _group_spans(c, deliveries) if grouped else _batch_span(c, len(batch)):
                await handle(deliveries)
        except NotTogether:
            return "one by one"
        except Exception as exc:
            if is_outage(exc):
                if await keeper.pause(held or batch, exc):
                    continue
                return "held"
            keeper.resumed()
            log.warning("batch failed, handling one by one", consumer=c.durable, error=repr(exc))
            return "one by one"
        keeper.resumed()
        return "handled"


@contextlib.contextmanager
def _batch_span(c: Consumer, count: int) -> Iterator[None]:
    with tracer.start_as_current_span(
        f"consume batch {c.durable}",
        kind=trace.SpanKind.CONSUMER,
        attributes={"messaging.batch.message_count": count},
    ):
        yield


@contextlib.contextmanager
def _group_spans(c: Consumer, ds: list[Delivery]) -> Iterator[None]:
    """One consume span per message of a case handled together, each continuing its sender's
    trace, as when handled alone; the last one's is current while they are handled, so what
    they lead to continues the trace of the message that came last."""
    *before, last = ds
    spans = [
        tracer.start_span(
            f"consume {d.subject}",
            context=extract_context(d.headers),
            kind=trace.SpanKind.CONSUMER,
            attributes=_span_attributes(c, d),
        )
        for d in before
    ]
    try:
        with tracer.start_as_current_span(
            f"consume {last.subject}",
            context=extract_context(last.headers),
            kind=trace.SpanKind.CONSUMER,
            attributes={**_span_attributes(c, last), "messaging.batch.message_count": len(ds)},
        ):
            yield
    finally:
        for span in spans:
            span.end()


def _span_attributes(c: Consumer, d: Delivery) -> dict[str, str | int]:
    return {
        "messaging.system": "nats",
        "messaging.destination.name": d.subject,
        "messaging.consumer.group.name": c.durable,
        "messaging.message.delivery_attempt": d.attempt,
    }


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


async def _server_limit(sub: JetStreamContext.PullSubscription) -> int | None:
    """The durable's max_deliver as the server keeps it (set when it was created)."""
    try:
        info = await sub.consumer_info()
    except Exception as exc:
        log.warning("consumer's delivery limit not read", error=repr(exc)[:300])
        return None
    limit = info.config.max_deliver
    if limit is None:
        return None
    return limit if limit > 0 else sys.maxsize  # -1: no limit


async def pull(js: JetStreamContext, c: Consumer, source: Source, stop: asyncio.Event) -> None:
    """Fetch and handle batches from one source until `stop` is set; one message at a time, in
    stream order (with a key: the keys side by side, each in order). Nothing a message or a
    server does ends this loop.

    nats-py's `fetch` returns as soon as messages are there (a no-wait request first). FastStream
    0.7's batch subscriber keeps fetching until the batch is full or its timeout ends, which adds
    up to that timeout to every message's latency, so the runtime drives the pull itself.
    """
    keeper = Keeper(c, stop)
    sub = await _subscribe(js, c, source, keeper)
    if sub is None:
        return
    holds = Holds(await _server_limit(sub) if c.key is not None else None)
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
                await settle_batch(js, c, batch, keeper, source, holds)
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
