"""府 client — what a bureau runs to receive its notices and answer them.

A bureau (registry, vehicle administration, bank, payment provider …) is an organization with a
code, say `NR410300`. It receives notices on `<context>.notice.<name>.v<N>.<ORG>` through its
own durable JetStream consumer `<context>_<ORG>`, answers each with a reply it publishes on
`<context>.reply.<name>.v<N>.<ORG>`, and hears on `<context>.rejection.*.*.<ORG>` when one of
its replies was refused — for enforcement (queries, control orders, sanctions) and for
bankruptcy (coordination tasks, the finance bureau's expense-aid decisions). `BureauClient` does
all of that for one context; `clients_for` makes one per context (`CONTEXTS`) with the same
handler and `run_all` runs them. The bureau writes one function:

    async def handle(notice: Message) -> Message | None:
        if isinstance(notice.data, PropertyQueryNotice):
            return answer(notice, look_up(notice.data.debtor), "NR410300", datetime.now(UTC))
        if isinstance(notice.data, SanctionNotice):  # 联合惩戒: apply the measures, say so
            ref = apply(notice.data)  # the bureau's own record number
            return acknowledge(notice, "applied", "NR410300", datetime.now(UTC), ref)
        if isinstance(notice.data, LiftNotice):  # 解除: lift them, confirm
            return acknowledge(notice, "lifted", "NR410300", datetime.now(UTC))
        return None

    await BureauClient("NR410300", "nats://…", handle).run(stop)

What the client guarantees:

- **Ack after PubAck.** A notice is acknowledged only after JetStream stored its reply (the
  PubAck came back), or at once when the handler returns None (nothing to answer). The reply is
  published with `Nats-Msg-Id` = its event id.
- **One trace.** Each notice is handled in an OpenTelemetry consumer span that continues the
  trace of the notice's `traceparent` / `tracestate` headers (the court's request); the reply is
  published in a producer span under it and carries that span's context, so the service's
  handling of the answer and the court's result stay in the same trace. The handler runs inside
  the consumer span, so spans it makes join too. Spans go to the global tracer provider (or
  `tracer_provider`); `fuyuan bureau listen` configures it from the `OTEL_*` variables, and
  without one nothing is exported and the headers are passed on as they came.
- **Never lost.** A handler that raises, times out or returns an unusable reply, and a publish
  that fails, mean `nak` with a delay (`backoff`: 1 s, 5 s, 15 s, 30 s, then every 60 s): the
  notice comes again, for as long as it takes. A handler that raises `AnswerPendingError` (the
  bureau's own system has not answered yet) is asked again the same way, logged at info level.
  While a handler works, the client tells the server so (`in_progress`) so the notice is not
  redelivered meanwhile.
- **Same reply again.** Replies are remembered (the last 1024 notices'): when a notice comes
  back — its PubAck or its acknowledgement was lost — the same reply is published again
  unchanged, so JetStream drops the repeat by its `Nats-Msg-Id`. The file, command and webhook handlers below give a reply the event id
  `uuid5(notice event id, org)`, so that holds across restarts too.
- **Unreadable notices.** A notice that `contracts.registry.parse_message` refuses (not JSON, a
  type this version of `contracts` does not know, a field wrong) is logged with each field at
  fault and nak'ed; on its `max_invalid_attempts`-th delivery (3) it is terminated (`term`): the
  server stops delivering it, it stays in the stream (its stream sequence is logged), and the
  notices behind it go on. Upgrading `contracts` and resetting the consumer reads it again.
- **Bounded waits.** Every fetch, publish, handler and poll has a timeout; `run` returns within
  about `fetch_timeout` once `stop` is set, and gives back unhandled notices of its batch at once.

The three handler factories at the end connect a bureau's existing system without writing
Python: `exec_handler` (a command: notice JSON on stdin, reply data on stdout), `webhook_handler`
(an HTTP POST) and `dir_handler` (files in an inbox and an outbox directory). docs/BUREAUS.md
explains them with examples.

Imports `contracts` and third-party libraries only: a bureau can take this package on its own.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import socket
import urllib.parse
import urllib.request
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import nats
import nats.errors
import nats.js.errors
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode, TracerProvider
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from contracts.bankruptcy.aid import ExpenseAidDecision, ExpenseAidDecisionRequested
from contracts.bankruptcy.tasks import (
    CoordinationTaskNotice,
    TaskAcknowledgement,
    TaskBlockage,
    TaskCompletion,
    TaskProgress,
)
from contracts.base import Payload
from contracts.enforcement import ControlOrder, ControlOutcome, PropertyAnswer, PropertyQueryNotice
from contracts.enforcement.sanctions import AckOutcome, LiftNotice, SanctionAck, SanctionNotice
from contracts.envelope import Message
from contracts.registry import InvalidMessageError, parse_message
from contracts.subjects import notices_for, rejections_for, stream_name
from services.bureaus.replies import check_ack, reply_to, subject_of

log = structlog.get_logger("fuyuan.bureau")

Handler = Callable[[Message[Any]], Awaitable[Message[Any] | None]]
"""A bureau's handler: a parsed notice in, its reply (or None: nothing to answer) out."""
RejectionHandler = Callable[[Message[Any]], Awaitable[None]]

CONTEXT = "enforcement"
CONTEXTS = ("enforcement", "bankruptcy")
"""The contexts a bureau hears from, each through its own durable consumer `<context>_<ORG>`."""
DEFAULT_BACKOFF = (1.0, 5.0, 15.0, 30.0, 60.0)
TRACE_HEADERS = ("traceparent", "tracestate")
REMEMBERED_REPLIES = 1024
FAILED = frozenset({"retry", "invalid", "terminated"})
"""Outcomes of `settle` that mark its span as an error."""

_propagator = TraceContextTextMapPropagator()


CLIENT_KEY = "fuyuan.client"
"""Key of the consumer's metadata naming the client that bound it last, so that a client about
to bind can name the one already there."""


class AnswerPendingError(Exception):
    """The bureau's own system has not answered yet: ask again later (nak with backoff)."""


def default_client_name(org: str) -> str:
    return f"bureau client of {org}, pid {os.getpid()} on {socket.gethostname()}"


def durable_name(org: str, context: str = CONTEXT) -> str:
    """The one durable consumer an organization may have on a context's stream."""
    return f"{context}_{org}"


def clients_for(
    org: str,
    nats_url: str,
    handler: Handler,
    contexts: tuple[str, ...] = CONTEXTS,
    **options: Any,
) -> list[BureauClient]:
    """One client per context for the same bureau and handler (each with its own connection
    and durable consumer): the handler gets every context's notices and tells them apart by
    type."""
    return [BureauClient(org, nats_url, handler, context=c, **options) for c in contexts]


async def run_all(clients: list[BureauClient], stop: asyncio.Event) -> None:
    """Run the clients until `stop` is set."""
    async with asyncio.TaskGroup() as group:
        for client in clients:
            group.create_task(client.run(stop), name=f"bureau-{client.org}-{client.context}")


def inbox_prefix(org: str) -> str:
    """The reply-inbox prefix the per-organization NATS permissions allow."""
    return f"_INBOX_{org}"


class BureauClient:
    """Receives one bureau's notices and publishes its handler's replies; see the module doc.

    `nats_url` may list several servers separated by commas and carry the bureau's user and
    password (`nats://NR410300:secret@host:4222`); `connect_options` go to `nats.connect` as
    they are (TLS, credentials file …).
    """

    def __init__(
        self,
        org: str,
        nats_url: str,
        handler: Handler,
        *,
        context: str = CONTEXT,
        batch_size: int = 16,
        concurrency: int = 1,
        fetch_timeout: float = 1.0,
        ack_wait: float = 60.0,
        handler_timeout: float = 300.0,
        publish_timeout: float = 5.0,
        backoff: tuple[float, ...] = DEFAULT_BACKOFF,
        max_invalid_attempts: int = 3,
        on_rejection: RejectionHandler | None = None,
        tracer_provider: TracerProvider | None = None,
        client_name: str | None = None,
        **connect_options: Any,
    ) -> None:
        if concurrency < 1 or batch_size < 1 or not backoff:
            raise ValueError("concurrency and batch_size must be at least 1, backoff not empty")
        self.org, self.nats_url, self.handler, self.context = org, nats_url, handler, context
        self.batch_size, self.concurrency = batch_size, concurrency
        self.fetch_timeout, self.ack_wait = fetch_timeout, ack_wait
        self.handler_timeout, self.publish_timeout = handler_timeout, publish_timeout
        self.backoff, self.max_invalid_attempts = backoff, max_invalid_attempts
        self.on_rejection, self.connect_options = on_rejection, connect_options
        self.client_name = client_name or default_client_name(org)
        """Who this client is, in words: written in the consumer's metadata when it binds."""
        self.stats: collections.Counter[str] = collections.Counter()
        """handled, replied, unanswered, retried, pending, terminated, rejections."""
        self._replies: collections.OrderedDict[str, Message[Any]] = collections.OrderedDict()
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._log = log.bind(org=org)
        self._tracer = trace.get_tracer("fuyuan.bureau", tracer_provider=tracer_provider)

    # ---- names ---------------------------------------------------------------------------

    @property
    def durable(self) -> str:
        return durable_name(self.org, self.context)

    @property
    def stream(self) -> str:
        return stream_name(self.context)

    @property
    def notice_subject(self) -> str:
        return notices_for(self.context, self.org)

    @property
    def rejection_subject(self) -> str:
        return rejections_for(self.context, self.org)

    def consumer_config(self) -> ConsumerConfig:
        """Explicit acks, every notice from the start, no delivery limit (failures never drop a
        notice; unreadable ones are terminated by the client itself)."""
        return ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait,
            filter_subject=self.notice_subject,
            max_deliver=-1,
            max_ack_pending=max(256, self.batch_size * 4),
            metadata={CLIENT_KEY: self.client_name},
        )

    # ---- connection ----------------------------------------------------------------------

    async def connect(self) -> Client:
        if self._nc is None or self._nc.is_closed:
            options: dict[str, Any] = {
                "name": f"bureau-{self.org}",
                "max_reconnect_attempts": -1,
                **self.connect_options,
            }
            self._nc = await nats.connect(
                servers=self.nats_url.split(","), inbox_prefix=inbox_prefix(self.org), **options
            )
            self._js = self._nc.jetstream()
        return self._nc

    async def close(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            with contextlib.suppress(Exception):
                await self._nc.drain()
            with contextlib.suppress(Exception):
                await self._nc.close()

    # ---- the loop ------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Connect, bind the durable consumer, listen for rejections, and handle notices until
        `stop` is set; then close the connection."""
        nc = await self.connect()
        rejections = await nc.subscribe(self.rejection_subject, cb=self._rejected)
        sub = None
        try:
            while not stop.is_set():
                if sub is None:
                    sub = await self._subscribe(stop)
                    continue
                try:
                    batch = await sub.fetch(batch=self.batch_size, timeout=self.fetch_timeout)
                except TimeoutError:
                    continue
                except nats.errors.Error as e:
                    self._log.warning("fetch failed, binding again", error=repr(e))
                    with contextlib.suppress(Exception):
                        await sub.unsubscribe()
                    sub = None
                    await _sleep(stop, 0.5)
                    continue
                await self._settle_batch(batch, stop)
        finally:
            with contextlib.suppress(Exception):
                await rejections.unsubscribe()
            if sub is not None:
                with contextlib.suppress(Exception):
                    await sub.unsubscribe()
            await self.close()

    async def others(self, window: float = 2.5, every: float = 0.1) -> str | None:
        """The client already pulling from this organization's durable consumer, if any, as
        named in the consumer's metadata. A pull consumer tells who is bound only by its waiting
        pull requests (`num_waiting`; `push_bound` is for push consumers), and a client has one
        waiting whenever it is not busy with a batch, so the consumer is read every `every`
        seconds for `window` seconds, longer than a client's fetch (1 s here). A client busy
        with one notice for longer than `window` is not seen. None: nobody is pulling (a client
        that stopped or crashed leaves no waiting request)."""
        await self.connect()
        assert self._js is not None
        loop = asyncio.get_running_loop()
        until = loop.time() + window
        while True:
            try:
                info = await self._js.consumer_info(self.stream, self.durable)
            except nats.js.errors.NotFoundError:
                return None  # no consumer (or no stream) yet: nobody can be pulling
            if info.num_waiting:
                metadata = info.config.metadata or {}
                return metadata.get(CLIENT_KEY, "a client that did not name itself")
            if loop.time() >= until:
                return None
            await asyncio.sleep(every)

    async def _claim(self) -> None:
        """Name this client in the consumer's metadata (an update of that field alone), so a
        client that binds next can say who is here; a server that refuses the update is no
        reason not to listen."""
        assert self._js is not None
        try:
            info = await self._js.consumer_info(self.stream, self.durable)
        except nats.js.errors.NotFoundError:
            return  # created below, with the name in its metadata
        config = info.config
        if (config.metadata or {}).get(CLIENT_KEY) == self.client_name:
            return
        config.metadata = {**(config.metadata or {}), CLIENT_KEY: self.client_name}
        config.name = config.name or self.durable
        try:
            await self._js.add_consumer(self.stream, config)
        except (nats.errors.Error, nats.js.errors.Error) as e:
            self._log.info("the consumer keeps its former client name", error=_short(e))

    async def _subscribe(self, stop: asyncio.Event) -> JetStreamContext.PullSubscription | None:
        """Create or bind the durable consumer; wait while the stream does not exist yet."""
        assert self._js is not None
        try:
            await self._claim()
            sub = await self._js.pull_subscribe(
                self.notice_subject,
                durable=self.durable,
                stream=self.stream,
                config=self.consumer_config(),
            )
        except (nats.errors.Error, nats.js.errors.Error) as e:
            self._log.warning(
                "cannot bind the consumer yet, retrying", durable=self.durable, error=_short(e)
            )
            await _sleep(stop, 1.0)
            return None
        self._log.info("listening", durable=self.durable, subject=self.notice_subject)
        return sub

    async def _settle_batch(self, batch: list[Msg], stop: asyncio.Event) -> None:
        if self.concurrency == 1:
            for msg in batch:
                await self._one(msg, stop)
            return
        slots = asyncio.Semaphore(self.concurrency)

        async def one(msg: Msg) -> None:
            async with slots:
                await self._one(msg, stop)

        await asyncio.gather(*(one(msg) for msg in batch))

    async def _one(self, msg: Msg, stop: asyncio.Event) -> None:
        if stop.is_set():
            await self._give_back(msg)
            return
        try:
            await self.settle(msg)
        except Exception as e:  # an ack or nak that did not go out: the server redelivers it
            self._log.warning("notice not settled, it comes again", error=_short(e))

    async def _give_back(self, msg: Msg) -> None:
        """Stopping: let the server deliver it again at once (to this bureau's next run)."""
        with contextlib.suppress(Exception):
            await msg.nak()

    # ---- one notice ----------------------------------------------------------------------

    def delay(self, attempt: int) -> float:
        return self.backoff[min(max(attempt, 1), len(self.backoff)) - 1]

    async def settle(self, msg: Msg) -> str:
        """Handle one delivered notice and settle it, in a consumer span continuing the
        notice's trace; returns what happened: replied, unanswered, retry, pending, invalid or
        terminated."""
        with self._consuming(msg) as span:
            outcome = await self._settle(msg)
            span.set_attribute("fuyuan.outcome", outcome)
            if outcome in FAILED:
                span.set_status(Status(StatusCode.ERROR, outcome))
            return outcome

    def _consuming(self, msg: Msg) -> contextlib.AbstractContextManager[trace.Span]:
        """A consumer span whose parent is the trace context in the message's headers."""
        parent = _propagator.extract(dict(msg.headers or {}))
        attributes: dict[str, str | int] = {
            "messaging.system": "nats",
            "messaging.destination.name": msg.subject,
            "messaging.operation.type": "process",
            "fuyuan.organization": self.org,
        }
        with contextlib.suppress(Exception):  # metadata is absent on a plain NATS message
            attributes["messaging.nats.stream_sequence"] = msg.metadata.sequence.stream
            attributes["messaging.nats.num_delivered"] = msg.metadata.num_delivered
        return self._tracer.start_as_current_span(
            f"consume {msg.subject}",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes=attributes,
        )

    async def _settle(self, msg: Msg) -> str:
        attempt = msg.metadata.num_delivered or 1
        try:
            notice = parse_message(msg.data)
            if type(notice.data).kind() != "notice":
                raise InvalidMessageError([], notice.envelope.type)
        except Exception as e:  # InvalidMessageError above all; whatever else keeps it unread
            return await self._invalid(msg, attempt, e)
        key = str(notice.envelope.event_id)
        bound = self._log.bind(
            event_id=key,
            event_type=notice.envelope.type,
            correlation_id=str(notice.envelope.correlation_id),
            attempt=attempt,
        )
        reply = self._replies.get(key)
        if reply is None:
            try:
                reply = await self._call(msg, notice)
                if reply is not None:
                    self._check(reply)
            except AnswerPendingError as e:
                bound.info("answer pending, asking again later", detail=str(e) or None)
                self.stats["pending"] += 1
                await msg.nak(delay=self.delay(attempt))
                return "pending"
            except Exception as e:
                bound.warning("handler failed, notice comes again", error=_short(e))
                self.stats["retried"] += 1
                await msg.nak(delay=self.delay(attempt))
                return "retry"
        self.stats["handled"] += 1
        if reply is None:
            bound.info("notice handled, nothing to answer")
            self.stats["unanswered"] += 1
            await msg.ack()
            return "unanswered"
        self._remember(key, reply)
        try:
            await self._publish(reply, msg.headers or {})
        except Exception as e:
            bound.warning("reply not stored, notice comes again", error=_short(e))
            self.stats["retried"] += 1
            await msg.nak(delay=self.delay(attempt))
            return "retry"
        await msg.ack()
        self.stats["replied"] += 1
        bound.info(
            "answered", reply_id=str(reply.envelope.event_id), reply_type=reply.envelope.type
        )
        return "replied"

    async def _call(self, msg: Msg, notice: Message[Any]) -> Message[Any] | None:
        """The handler, bounded by `handler_timeout`, telling the server it is still working."""
        return await while_working(
            self.handler(notice), self.handler_timeout, self.ack_wait, msg.in_progress
        )

    def _check(self, reply: Message[Any], also_command: bool = False) -> None:
        kinds = ("reply", "command") if also_command else ("reply",)
        if not isinstance(reply, Message) or type(reply.data).kind() not in kinds:
            raise TypeError("a handler must return a reply message (or None)")
        if reply.envelope.organization != self.org:
            raise ValueError(f"the reply acts as {reply.envelope.organization}, not {self.org}")

    def _remember(self, key: str, reply: Message[Any]) -> None:
        self._replies[key] = reply
        self._replies.move_to_end(key)
        while len(self._replies) > REMEMBERED_REPLIES:
            self._replies.popitem(last=False)

    async def report(self, reply: Message[Any]) -> None:
        """Publish a reply the bureau makes later of its own accord — a queued control (轮候)
        that took effect or lapsed, a coordination task's progress and completion — or a command
        of its own (the finance bureau's disbursement of expense aid), on the connection `run`
        opened."""
        self._check(reply, also_command=True)
        if self._js is None:
            raise RuntimeError("the client is not connected: report while it runs")
        await self._publish(reply, {})
        self.stats["reported"] += 1

    async def _publish(self, reply: Message[Any], incoming: Mapping[str, str]) -> None:
        """Publish the reply in a producer span; its headers carry that span's context, so the
        service's consumer of the answer continues this trace."""
        assert self._js is not None
        target = subject_of(reply)
        with self._tracer.start_as_current_span(
            f"publish {target}",
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "nats",
                "messaging.destination.name": target,
                "messaging.message.id": str(reply.envelope.event_id),
            },
        ):
            headers = {"Nats-Msg-Id": str(reply.envelope.event_id), **trace_context(incoming)}
            body = reply.model_dump_json().encode()
            await self._js.publish(target, body, headers=headers, timeout=self.publish_timeout)

    async def _invalid(self, msg: Msg, attempt: int, error: Exception) -> str:
        if isinstance(error, InvalidMessageError):
            problems = str(error) or f"{error.message_type} is not a notice"
        else:
            problems = f"cannot be read: {_short(error)}"
        sequence = msg.metadata.sequence.stream
        if attempt >= self.max_invalid_attempts:
            self._log.error(
                "unreadable notice terminated, left in the stream",
                subject=msg.subject,
                stream=self.stream,
                stream_sequence=sequence,
                attempts=attempt,
                problems=problems,
            )
            self.stats["terminated"] += 1
            await msg.term()
            return "terminated"
        self._log.warning(
            "unreadable notice",
            subject=msg.subject,
            stream_sequence=sequence,
            attempt=attempt,
            problems=problems,
        )
        await msg.nak(delay=self.delay(attempt))
        return "invalid"

    # ---- rejections ----------------------------------------------------------------------

    async def _rejected(self, msg: Msg) -> None:
        with self._consuming(msg):
            await self._heard(msg)

    async def _heard(self, msg: Msg) -> None:
        self.stats["rejections"] += 1
        try:
            rejection = parse_message(msg.data)
        except InvalidMessageError as e:
            self._log.warning("unreadable rejection", subject=msg.subject, problems=str(e))
            return
        data = rejection.data
        problems = "; ".join(f"{p.field}: {p.reason}" for p in getattr(data, "problems", []))
        self._log.warning(
            "a reply was rejected",
            rejected_event_id=str(getattr(data, "rejected_event_id", "")),
            rejected_type=getattr(data, "rejected_type", None),
            problems=problems,
            correlation_id=str(rejection.envelope.correlation_id),
        )
        if self.on_rejection is not None:
            try:
                await self.on_rejection(rejection)
            except Exception as e:
                self._log.warning("rejection callback failed", error=_short(e))


T = TypeVar("T")


async def while_working(
    call: Awaitable[T], limit: float, ack_wait: float, in_progress: Callable[[], Awaitable[Any]]
) -> T:
    """`call`'s result, bounded by `limit` seconds (TimeoutError), telling the server every
    third of `ack_wait` that the notice is being worked on, so it is not delivered again in
    between. A call still running at the end is cancelled."""
    task = asyncio.ensure_future(call)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    try:
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"no answer within {limit} s")
            done, _ = await asyncio.wait({task}, timeout=min(ack_wait / 3, left))
            if done:
                return task.result()
            with contextlib.suppress(Exception):
                await in_progress()
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task


def trace_context(incoming: Mapping[str, str]) -> dict[str, str]:
    """`traceparent` / `tracestate` of the current span; when no tracer records one (no
    OpenTelemetry SDK installed), those of the incoming notice, so the trace still continues."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier, otel_context.get_current())
    if "traceparent" in carrier:
        return carrier
    return {name: incoming[name] for name in TRACE_HEADERS if name in incoming}


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


def _short(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


# ---- replies from plain data -----------------------------------------------------------------

REPLY_TYPES: dict[str, tuple[type[Payload], str]] = {
    PropertyQueryNotice.TYPE: (PropertyAnswer, "query_id"),
    ControlOrder.TYPE: (ControlOutcome, "order_id"),
    SanctionNotice.TYPE: (SanctionAck, "notice_id"),
    LiftNotice.TYPE: (SanctionAck, "notice_id"),
    CoordinationTaskNotice.TYPE: (TaskAcknowledgement, "task_id"),
    ExpenseAidDecisionRequested.TYPE: (ExpenseAidDecision, "application_id"),
}
"""Notice type → (reply payload, the field naming what is answered, filled in if left out)."""

TASK_REPLIES: dict[str, type[Payload]] = {
    "task_acknowledgement": TaskAcknowledgement,
    "task_progress": TaskProgress,
    "task_completion": TaskCompletion,
    "task_blockage": TaskBlockage,
}
"""A coordination task notice is answered with the reply named by the data's `reply` field
(default: the acknowledgement)."""

REPLY_DEFAULTS: dict[str, dict[str, Any]] = {
    LiftNotice.TYPE: {"outcome": AckOutcome.LIFTED.value},
}
"""Notice type → reply fields filled in when the data leaves them out: a lift is confirmed
with `lifted`, so `{}` (or just a `bureau_reference`) confirms it."""


def reply_id(notice: Message[Any], org: str) -> uuid.UUID:
    """The event id of `org`'s reply to a notice: the same however often it is made."""
    return uuid.uuid5(notice.envelope.event_id, org)


def stable(reply: Message[Any], notice: Message[Any]) -> Message[Any]:
    """The reply with the event id `reply_id(notice, its organization)`, so that answering the
    same notice again gives the same message (JetStream and the service drop the repeat)."""
    event_id = reply_id(notice, reply.envelope.organization)
    return reply.model_copy(
        update={"envelope": reply.envelope.model_copy(update={"event_id": event_id})}
    )


def reply_for(
    notice: Message[Any], data: Mapping[str, Any] | None, org: str, now: datetime
) -> Message[Any] | None:
    """The reply whose `data` the bureau's system gave (None: nothing to answer).

    For a property query the data is a `PropertyAnswer` (`{"holdings": [...]}`), for a control
    order a `ControlOutcome` (`{"outcome": "applied", "bureau_reference": "…"}`), for a sanction
    notice a `SanctionAck` (`{"outcome": "applied", "bureau_reference": "…"}` or
    `{"outcome": "refused", "reason": "查无此人"}`) and for a lift notice a `SanctionAck` whose
    outcome is `lifted` (it may be left out). A coordination task notice is answered with the
    reply its `reply` field names — `task_acknowledgement` (the default:
    `{"acknowledged_on": "…", "handler": "…"}`), `task_progress`, `task_completion` or
    `task_blockage` — and an expense-aid decision request with an `ExpenseAidDecision`.
    `query_id` / `order_id` / `notice_id` / `task_id` / `application_id` may be left out. The envelope follows the notice (`reply_to`), with the stable event id
    `reply_id(notice, org)`.
    """
    if data is None:
        return None
    if notice.envelope.type not in REPLY_TYPES:
        raise ValueError(f"no reply is defined for {notice.envelope.type}")
    payload_type, key = REPLY_TYPES[notice.envelope.type]
    data = dict(data)
    if notice.envelope.type == CoordinationTaskNotice.TYPE:
        name = data.pop("reply", "task_acknowledgement")
        if name not in TASK_REPLIES:
            raise ValueError(f"a task is answered {', '.join(TASK_REPLIES)}, not {name!r}")
        payload_type = TASK_REPLIES[name]
    fields = {
        key: getattr(notice.data, key),
        **REPLY_DEFAULTS.get(notice.envelope.type, {}),
        **data,
    }
    payload = payload_type.model_validate(fields)
    if isinstance(payload, SanctionAck):
        check_ack(notice.envelope.type, payload.outcome)
    return stable(reply_to(notice.envelope, payload, org, now), notice)


def parse_data(raw: bytes | str) -> dict[str, Any] | None:
    """Reply data as a legacy system gives it: a JSON object; nothing, blank or `null` for no
    reply."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if not text.strip():
        return None
    value = json.loads(text)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("the reply data must be a JSON object")
    return value


def utc_now() -> datetime:
    return datetime.now(UTC)


Clock = Callable[[], datetime]

# ---- handler: a command ----------------------------------------------------------------------

EXIT_PENDING = 75
"""A command exiting with 75 (EX_TEMPFAIL) means: no answer yet, ask again later."""


def exec_handler(
    org: str, command: str, *, timeout: float = 60.0, clock: Clock = utc_now
) -> Handler:
    """Run `command` (by /bin/sh) for each notice: the notice JSON on its stdin, the reply data
    JSON (or nothing) on its stdout, exit status 0. Exit status 75 means "not yet"; any other
    non-zero status, or running past `timeout`, is a failure and the notice comes again. The
    environment also carries FUYUAN_ORG, FUYUAN_NOTICE_TYPE and FUYUAN_EVENT_ID, and TRACEPARENT
    (TRACESTATE) of the client's span, so a traced command continues the trace."""

    async def handle(notice: Message[Any]) -> Message[Any] | None:
        env = {
            **os.environ,
            "FUYUAN_ORG": org,
            "FUYUAN_NOTICE_TYPE": notice.envelope.type,
            "FUYUAN_EVENT_ID": str(notice.envelope.event_id),
        }
        env |= {name.upper(): value for name, value in trace_context({}).items()}
        proc = await asyncio.create_subprocess_shell(
            command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        try:
            out, err = await asyncio.wait_for(
                proc.communicate(notice.model_dump_json().encode()), timeout
            )
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            raise
        if proc.returncode == EXIT_PENDING:
            raise AnswerPendingError(err.decode(errors="replace").strip()[-500:])
        if proc.returncode != 0:
            raise RuntimeError(
                f"command exited with status {proc.returncode}: "
                f"{err.decode(errors='replace').strip()[-500:]}"
            )
        return reply_for(notice, parse_data(out), org, clock())

    return handle


# ---- handler: a webhook ----------------------------------------------------------------------

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_BODY = 4 * 1024 * 1024


def webhook_handler(
    org: str, url: str, *, timeout: float = 30.0, clock: Clock = utc_now
) -> Handler:
    """POST each notice's JSON to `url`; a 200 response's body is the reply data, 204 or an
    empty body means nothing to answer, 202 means "not yet" (asked again later), any other
    status or no response within `timeout` is a failure and the notice comes again.

    Headers sent: Content-Type application/json, Fuyuan-Org, Fuyuan-Type, Fuyuan-Event-Id, and
    traceparent (tracestate) of the client's span, so a traced web service continues the trace.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("the webhook must be an http:// or https:// URL")
    handlers = [urllib.request.ProxyHandler({})] if parts.hostname in LOOPBACK else []
    opener = urllib.request.build_opener(*handlers)

    def post(body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read(MAX_BODY)

    async def handle(notice: Message[Any]) -> Message[Any] | None:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Fuyuan-Org": org,
            "Fuyuan-Type": notice.envelope.type,
            "Fuyuan-Event-Id": str(notice.envelope.event_id),
        }
        headers |= trace_context({})
        status, body = await asyncio.to_thread(post, notice.model_dump_json().encode(), headers)
        if status == 202:
            raise AnswerPendingError("the webhook accepted the notice; no answer yet")
        if status not in (200, 201, 204):
            raise RuntimeError(f"the webhook answered HTTP {status}")
        return reply_for(notice, None if status == 204 else parse_data(body), org, clock())

    return handle


# ---- handler: an inbox and an outbox directory -----------------------------------------------


def dir_handler(
    org: str, path: Path | str, *, wait: float = 30.0, poll: float = 0.25, clock: Clock = utc_now
) -> Handler:
    """Exchange files with the bureau's system in `path`:

    - each notice is written to `inbox/<event_id>.json` (written whole: a temporary name, then
      renamed);
    - the system writes its reply data to `outbox/<event_id>.json` (also whole: write under
      another name, then rename), an empty file or `null` for nothing to answer;
    - the client picks it up within `wait` seconds, polling every `poll`; otherwise the notice
      is asked again later (`AnswerPendingError`), its inbox file left as it is;
    - an answer taken is moved to `done/<event_id>.json` and the inbox file removed. If the
      notice comes again (its reply was not confirmed), the answer in `done/` is used again.

    The files hold personal data: the directories are created readable by their owner only.
    """
    root = Path(path)
    inbox, outbox, done = root / "inbox", root / "outbox", root / "done"
    for folder in (inbox, outbox, done):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    def take(name: str, notice: Message[Any]) -> tuple[bool, Message[Any] | None]:
        for source in (outbox / name, done / name):
            if source.exists():
                reply = reply_for(notice, parse_data(source.read_bytes()), org, clock())
                if source.parent == outbox:
                    source.replace(done / name)
                (inbox / name).unlink(missing_ok=True)
                return True, reply
        return False, None

    def deliver(name: str, notice: Message[Any]) -> None:
        target = inbox / name
        if target.exists():
            return
        temporary = inbox / f".{name}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(notice.model_dump_json(indent=2).encode())
        temporary.replace(target)

    async def handle(notice: Message[Any]) -> Message[Any] | None:
        name = f"{notice.envelope.event_id}.json"
        found, reply = take(name, notice)
        if found:
            return reply
        deliver(name, notice)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while loop.time() < deadline:
            await asyncio.sleep(poll)
            found, reply = take(name, notice)
            if found:
                return reply
        raise AnswerPendingError(f"no outbox/{name} yet")

    return handle
