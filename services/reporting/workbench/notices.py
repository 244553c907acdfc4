"""消息 — what reaches an organization's open pages: notices and rejections addressed to it,
and the effects (events) of the commands its officers sent from here.

A FastStream subscriber of the workbench's `NatsRouter` (`subscribe`) hands each message to the
`Hub`, which keeps the last few per organization and pushes each to the pages open for it as
Server-Sent Events (`stream`). The subscriptions are plain NATS ones, not durable consumers: a
page shows what arrives while it is open; the read models hold the record.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

import structlog
from faststream.nats.fastapi import NatsMessage, NatsRouter

from contracts.envelope import Message
from contracts.registry import InvalidMessageError, parse_message
from contracts.subjects import split
from services.reporting.workbench.forms import FORMS, label_for
from services.reporting.workbench.reasons import say

log = structlog.get_logger("fuyuan.workbench.notices")
KEPT = 50
"""Messages kept per organization for pages opened later."""
REMEMBERED = 10_000
"""Commands sent from here whose effects are still looked for."""
HEARTBEAT = 15.0
"""Seconds between two keep-alive comments on an idle stream."""
SUBJECTS = ("*.notice.*.*.*", "*.rejection.*.*.*", "*.event.*.*.*")


@dataclass(frozen=True)
class Shown:
    """One message as a page shows it."""

    kind: str  # notice, rejection, effect
    type: str
    subject: str
    event_id: str
    occurred_at: str
    causation_id: str
    text: str
    """What happened, in Chinese (a rejection's reasons said by `reasons.say`)."""
    original: str = ""
    """A rejection's problems as the service sent them (field: English reason), for the officer
    to quote to an integrator; empty for other messages."""


def said(kind: str, subject: str, message: Message[Any]) -> Shown:
    envelope = message.envelope
    return Shown(
        kind=kind,
        type=envelope.type,
        subject=subject,
        event_id=str(envelope.event_id),
        occurred_at=envelope.occurred_at.isoformat(),
        causation_id=str(envelope.causation_id or ""),
        text=_text(kind, message),
        original=_original(kind, message),
    )


def _text(kind: str, message: Message[Any]) -> str:
    if kind == "rejection":
        data = message.data
        problems = getattr(data, "problems", ())
        reasons = "；".join(
            f"{label_for(data.rejected_type, p.field)}：{say(p.reason, p.field).text}"
            for p in problems
        )
        title = FORMS[name].title if (name := _name(data.rejected_type)) in FORMS else "消息"
        return f"「{title}」被拒收：{reasons}"
    if kind == "effect":
        return f"已受理：{message.envelope.type}"
    return f"收到通知 {message.envelope.type}"


def _original(kind: str, message: Message[Any]) -> str:
    if kind != "rejection":
        return ""
    return "; ".join(f"{p.field}: {p.reason}" for p in getattr(message.data, "problems", ()))


def _name(message_type: str | None) -> str:
    parts = (message_type or "").split(".")
    return parts[2] if len(parts) > 2 else ""


class Hub:
    """Per organization: the last messages and the queues of its open pages."""

    def __init__(self) -> None:
        self.kept: dict[str, deque[Shown]] = {}
        self.pages: dict[str, set[asyncio.Queue[Shown]]] = {}
        self.sent: OrderedDict[UUID, str] = OrderedDict()

    def remember(self, command_id: UUID, organization: str) -> None:
        """A command sent for `organization`: its effect, when it comes, is shown there."""
        self.sent[command_id] = organization
        while len(self.sent) > REMEMBERED:
            self.sent.popitem(last=False)

    def recent(self, organization: str) -> list[Shown]:
        return list(reversed(self.kept.get(organization, ())))

    def deliver(self, organization: str, shown: Shown) -> None:
        self.kept.setdefault(organization, deque(maxlen=KEPT)).append(shown)
        for queue in self.pages.get(organization, ()):
            queue.put_nowait(shown)

    def take(self, subject: str, body: bytes) -> None:
        """A message from NATS: shown to the organization it concerns, if any."""
        message_type, org = split(subject)
        kind = message_type.split(".")[1]
        if kind == "event":
            try:
                envelope_cause = json.loads(body)["envelope"].get("causation_id")
            except (ValueError, KeyError, TypeError, AttributeError):
                return
            org = self.sent.get(UUID(envelope_cause), "") if envelope_cause else ""
            if not org:
                return  # an event no command from here caused: not this page's news
            kind = "effect"
        try:
            message = parse_message(body)
        except InvalidMessageError as error:
            log.warning("workbench.unreadable", subject=subject, error=str(error)[:200])
            return
        self.deliver(org, said(kind, subject, message))

    async def stream(self, organization: str, closed: Any) -> AsyncIterator[str]:
        """Server-Sent Events for one page until `closed()` says the page went away."""
        queue: asyncio.Queue[Shown] = asyncio.Queue()
        self.pages.setdefault(organization, set()).add(queue)
        try:
            yield ": connected\n\n"
            while not await closed():
                try:
                    shown = await asyncio.wait_for(queue.get(), HEARTBEAT)
                except TimeoutError:
                    yield ": idle\n\n"
                    continue
                data = json.dumps(asdict(shown), ensure_ascii=False)
                yield f"event: {shown.kind}\nid: {shown.event_id}\ndata: {data}\n\n"
        finally:
            self.pages[organization].discard(queue)


def subscribe(router: NatsRouter, hub: Hub) -> None:
    """One FastStream subscriber per kind of subject, each handing its messages to the hub."""
    for pattern in SUBJECTS:

        async def take(message: NatsMessage) -> None:
            hub.take(message.raw_message.subject, message.raw_message.data)

        router.subscriber(pattern)(take)
