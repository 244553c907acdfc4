"""A bureau's notices through FastStream — a recipe to copy, for bureaus that build on it.

`fuyuan bureau listen` and `BureauClient` (services/bureaus/client.py) are the supported way in;
a bureau whose own systems run on FastStream can use this module instead, or copy it. The bureau
writes one function that gives the reply data for a notice — as its command, webhook or directory
would — and `build` wires the rest on a `NatsBroker`:

    async def look_up(notice: Message) -> dict | None:
        if isinstance(notice.data, PropertyQueryNotice):
            return {"holdings": registry_search(notice.data.debtor)}
        return None  # nothing to answer

    app = FastStream(build("NR410300", "nats://NR410300:secret@nats-1:4222", look_up))

or `python -m services.bureaus.faststream_recipe --org NR410300 --handler my_bureau:look_up`.

The settings that matter, each against a FastStream 0.7.8 default that would be wrong here
(docs/decisions/0001-the-services-own-pull-loop.md reads them in its source):

- the bureau's own durable pull consumer `<context>_<ORG>` on the context's stream, created with
  the configuration `BureauClient` gives it (filter `<context>.notice.*.*.<ORG>`, explicit ack,
  every notice from the start, no delivery limit) and the stream never declared
  (`JStream(declare=False)`: a bureau may not create or change streams);
- `PullSub(batch_size=1)` and one worker: FastStream handles the messages of one pull batch
  concurrently, so only a batch of one keeps the notices in stream order;
- `AckPolicy.NACK_ON_ERROR`: the default, `REJECT_ON_ERROR`, terminates a notice whose handler
  raised and it never comes again. The handler itself asks again with a delay (`NackMessage`)
  when the bureau's function fails or its reply is not stored, and terminates (`RejectMessage`)
  only a notice it cannot read, after `max_invalid_attempts` deliveries;
- the reply is published to JetStream inside the handler, with `Nats-Msg-Id` = its event id,
  and the handler returns only once the PubAck came back: the notice is acknowledged after
  that, never before. Reply ids are `reply_id(notice, org)`, so a notice delivered again is
  answered with the same id and JetStream drops the repeat;
- the connection's and the pull requests' reply inbox is `_INBOX_<ORG>` (docs/PERMISSIONS.md);
- FastStream's two log lines per message at debug level, not info.

Imports `contracts`, `services.bureaus` and third-party libraries only.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import structlog
import typer
from faststream import FastStream
from faststream.exceptions import NackMessage, RejectMessage
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from faststream.nats import JStream, NatsBroker, NatsMessage, PullSub
from faststream.nats.opentelemetry import NatsTelemetryMiddleware
from nats.js.api import AckPolicy as ConsumerAckPolicy
from nats.js.api import ConsumerConfig, DeliverPolicy
from opentelemetry.trace import TracerProvider

from contracts.envelope import Message
from contracts.registry import InvalidMessageError, parse_message
from contracts.subjects import notices_for, rejections_for, stream_name
from services.bureaus.client import (
    CLIENT_KEY,
    CONTEXTS,
    DEFAULT_BACKOFF,
    AnswerPendingError,
    Clock,
    RejectionHandler,
    durable_name,
    inbox_prefix,
    reply_for,
    trace_context,
    utc_now,
    while_working,
)
from services.bureaus.replies import subject_of

log = structlog.get_logger("fuyuan.bureau.faststream")

ReplyData = Callable[[Message[Any]], Awaitable[Mapping[str, Any] | None]]
"""The bureau's function: a parsed notice in, its reply data (or None: nothing to answer) out —
the data `reply_for` turns into the reply."""


def recipe_name(org: str) -> str:
    return f"FastStream recipe of {org}, pid {os.getpid()} on {socket.gethostname()}"


def consumer_config(org: str, context: str, ack_wait: float = 60.0) -> ConsumerConfig:
    """The configuration `BureauClient` creates `<context>_<ORG>` with (its default batch size)."""
    return ConsumerConfig(
        durable_name=durable_name(org, context),
        ack_policy=ConsumerAckPolicy.EXPLICIT,
        deliver_policy=DeliverPolicy.ALL,
        ack_wait=ack_wait,
        filter_subject=notices_for(context, org),
        max_deliver=-1,
        max_ack_pending=256,
        metadata={CLIENT_KEY: recipe_name(org)},
    )


async def raw_body(message: StreamMessage[Any]) -> bytes:
    """The bytes as they came: `parse_message` reads them, whatever their content-type says."""
    return bytes(message.body)


def build(
    org: str,
    servers: str,
    reply_data: ReplyData,
    *,
    contexts: Sequence[str] = CONTEXTS,
    on_rejection: RejectionHandler | None = None,
    ack_wait: float = 60.0,
    fetch_timeout: float = 1.0,
    handler_timeout: float = 300.0,
    publish_timeout: float = 5.0,
    backoff: tuple[float, ...] = DEFAULT_BACKOFF,
    max_invalid_attempts: int = 3,
    clock: Clock = utc_now,
    tracer_provider: TracerProvider | None = None,
    middlewares: Sequence[Any] = (),
    **connect_options: Any,
) -> NatsBroker:
    """A broker answering `org`'s notices of each context with `reply_data`; see the module doc.
    `servers` may list several URLs separated by commas and carry the bureau's user and password;
    `connect_options` go to `NatsBroker` (TLS, `security`, `error_cb` …)."""
    broker = NatsBroker(
        servers.split(","),
        name=f"bureau-{org}-faststream",
        inbox_prefix=inbox_prefix(org),
        max_reconnect_attempts=-1,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        log_level=logging.DEBUG,
        middlewares=(NatsTelemetryMiddleware(tracer_provider=tracer_provider), *middlewares),
        **connect_options,
    )
    answering = Answering(
        org,
        broker,
        reply_data,
        clock=clock,
        backoff=backoff,
        max_invalid_attempts=max_invalid_attempts,
        ack_wait=ack_wait,
        handler_timeout=handler_timeout,
        publish_timeout=publish_timeout,
    )
    for context in contexts:
        broker.subscriber(
            notices_for(context, org),
            stream=JStream(stream_name(context), declare=False),
            durable=durable_name(org, context),
            config=consumer_config(org, context, ack_wait),
            pull_sub=PullSub(batch_size=1, timeout=fetch_timeout),
            inbox_prefix=f"{inbox_prefix(org)}.".encode(),
            ack_policy=AckPolicy.NACK_ON_ERROR,
            decoder=raw_body,
        )(answering.notice)
        broker.subscriber(rejections_for(context, org), decoder=raw_body)(
            Rejections(org, on_rejection).heard
        )
    return broker


@dataclass
class Answering:
    """One notice: read it, get the bureau's reply data, publish the reply, and let the
    acknowledgement middleware ack (return), ask again later (`NackMessage`) or terminate
    (`RejectMessage`)."""

    org: str
    broker: NatsBroker
    reply_data: ReplyData
    clock: Clock = utc_now
    backoff: tuple[float, ...] = DEFAULT_BACKOFF
    max_invalid_attempts: int = 3
    ack_wait: float = 60.0
    handler_timeout: float = 300.0
    publish_timeout: float = 5.0

    def __post_init__(self) -> None:
        if not self.backoff:
            raise ValueError("backoff must not be empty")

    def delay(self, attempt: int) -> float:
        return self.backoff[min(max(attempt, 1), len(self.backoff)) - 1]

    async def notice(self, message: NatsMessage) -> None:
        attempt = message.raw_message.metadata.num_delivered or 1
        notice = self.read(message, attempt)
        bound = log.bind(
            org=self.org, event_id=str(notice.envelope.event_id), type=notice.envelope.type
        )
        try:
            data = await self.working(message, self.reply_data(notice))
            reply = reply_for(notice, data, self.org, self.clock())
            if reply is not None:
                await self.publish(reply, message.headers)
        except AnswerPendingError as e:
            bound.info("answer pending, asking again later", detail=str(e) or None)
            raise NackMessage(delay=self.delay(attempt)) from e
        except Exception as e:  # the bureau's function, its data or the publish: ask again
            bound.warning("notice not answered, it comes again", error=repr(e)[:1000])
            raise NackMessage(delay=self.delay(attempt)) from e
        bound.debug("answered" if reply else "nothing to answer")

    def read(self, message: NatsMessage, attempt: int) -> Message[Any]:
        try:
            notice = parse_message(message.body)
            if type(notice.data).kind() != "notice":
                raise InvalidMessageError([], notice.envelope.type)
            return notice
        except Exception as e:  # InvalidMessageError above all; anything else is as unreadable
            sequence = message.raw_message.metadata.sequence.stream
            gives_up = attempt >= self.max_invalid_attempts
            (log.error if gives_up else log.warning)(
                "unreadable notice" + (", terminated, left in the stream" if gives_up else ""),
                org=self.org,
                subject=message.raw_message.subject,
                stream_sequence=sequence,
                attempts=attempt,
                problems=str(e)[:1000],
            )
            raise (RejectMessage() if gives_up else NackMessage(delay=self.delay(attempt))) from e

    async def working(self, message: NatsMessage, call: Awaitable[Any]) -> Any:
        """The bureau's function, bounded by `handler_timeout`, telling the server meanwhile
        that the notice is being worked on, so it is not delivered again in between."""
        return await while_working(call, self.handler_timeout, self.ack_wait, message.in_progress)

    async def publish(self, reply: Message[Any], incoming: Mapping[str, str]) -> None:
        """To JetStream, awaiting its PubAck; a repeat of the same event id is dropped there.
        The telemetry middleware puts its producer span's context in the headers; without an
        OpenTelemetry SDK the notice's own trace headers are passed on."""
        headers = {
            "Nats-Msg-Id": str(reply.envelope.event_id),
            "content-type": "application/json",
            **trace_context(incoming),
        }
        await self.broker.publish(
            reply.model_dump_json().encode(),
            subject_of(reply),
            headers=headers,
            stream=stream_name(reply.envelope.type.split(".", 1)[0]),
            timeout=self.publish_timeout,
        )


class Rejections:
    """Rejections of the bureau's replies, heard on a core subscription (they are kept in the
    stream as well): logged, and handed to `on_rejection`."""

    def __init__(self, org: str, on_rejection: RejectionHandler | None) -> None:
        self.org, self.on_rejection = org, on_rejection

    async def heard(self, message: NatsMessage) -> None:
        try:
            rejection = parse_message(message.body)
        except InvalidMessageError as e:
            log.warning("unreadable rejection", org=self.org, problems=str(e)[:1000])
            return
        problems = getattr(rejection.data, "problems", [])
        log.warning(
            "a reply was rejected",
            org=self.org,
            rejected_event_id=str(getattr(rejection.data, "rejected_event_id", "")),
            problems="; ".join(f"{p.field}: {p.reason}" for p in problems),
        )
        if self.on_rejection is not None:
            try:
                await self.on_rejection(rejection)
            except Exception as e:
                log.warning("rejection callback failed", org=self.org, error=repr(e)[:1000])


def load(reference: str) -> ReplyData:
    """`package.module:function` → the function."""
    module, _, name = reference.partition(":")
    if not module or not name:
        raise typer.BadParameter("give the function as package.module:function")
    found: ReplyData = getattr(importlib.import_module(module), name)
    return found


def main(
    org: Annotated[str, typer.Option("--org", help="The bureau's organization code.")],
    handler: Annotated[
        str,
        typer.Option(
            "--handler",
            help="The bureau's reply-data function, package.module:function (async, a "
            "contracts Message in; a dict of reply data, or None, out).",
        ),
    ],
    nats_url: Annotated[
        str, typer.Option(envvar="NATS_URL", help="Servers, with the bureau's credentials.")
    ] = "nats://127.0.0.1:4222",
    context: Annotated[
        list[str] | None,
        typer.Option("--context", help="Hear this context (repeat); default: all of them."),
    ] = None,
) -> None:
    """Answer ORG's notices with the FastStream recipe until stopped (Ctrl-C)."""
    broker = build(org, nats_url, load(handler), contexts=tuple(context or CONTEXTS))
    asyncio.run(FastStream(broker).run())


if __name__ == "__main__":
    typer.run(main)
