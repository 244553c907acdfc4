"""An in-memory enforcement service for the fast tier: the real consumers of
`services.enforcement.subscribers`, their intake and the handlers, over the memory event store,
on a clock the test moves. A test delivers a message as JetStream would (subject, bytes,
headers, stream sequence) and reads back what the relay would publish from the store, so it can
say "the court sends X, bureau B answers Y, the court gets Z" in milliseconds."""

from __future__ import annotations

import functools
import itertools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.base import Payload
from contracts.enforcement.measures import Catalogue
from contracts.envelope import Envelope, Message
from contracts.organizations import Registry
from contracts.subjects import split, subject
from services.enforcement import projections, subscribers
from services.enforcement.deadlines import Deadlines
from services.enforcement.handlers import Handlers
from services.enforcement.projections import Sanctions
from services.enforcement.settings import EnforcementSettings
from services.runtime.consumer import Consumer, Delivery
from services.runtime.consumer import _handle as consume
from services.runtime.eventstore.memory import MemoryEventStore
from services.runtime.projector import Projector

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


class Clock:
    """The service's clock; the test moves it."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@dataclass(frozen=True)
class Published:
    """One message the relay would publish: its subject and its JSON body."""

    subject: str
    message: dict[str, Any]
    headers: dict[str, str]
    """The trace context stored with the event, sent as NATS headers."""

    @property
    def to(self) -> str:
        """The organization the subject addresses (its last token)."""
        return split(self.subject)[1]

    @property
    def type(self) -> str:
        return str(self.message["envelope"]["type"])

    @property
    def data(self) -> dict[str, Any]:
        return dict(self.message["data"])

    @property
    def problems(self) -> list[tuple[str, str]]:
        """(field, reason) of a rejection."""
        return [(p["field"], p["reason"]) for p in self.data.get("problems", [])]


DeadlineTick = Callable[["Harness"], Awaitable[int]]
"""The deadline hook: acts on everything due at the harness's clock, returns how many messages
it wrote. By default the service's own deadline runner over the memory projections."""


async def real_deadlines(h: Harness) -> int:
    """The service's deadline runner, over the harness's memory projections."""
    return await h.deadline_runner.tick()


def _matches(pattern: str, name: str) -> bool:
    """NATS subject matching with `*` (one token) and `>` (the rest)."""
    want, got = pattern.split("."), name.split(".")
    for i, token in enumerate(want):
        if token == ">":
            return len(got) > i
        if i >= len(got) or token not in ("*", got[i]):
            return False
    return len(want) == len(got)


def message(
    payload: Payload,
    sender: str,
    now: datetime,
    *,
    case_number: str | None = None,
    event_id: uuid.UUID | None = None,
) -> Message[Any]:
    """A message as an organization sends it, acting as itself."""
    eid = event_id or uuid.uuid4()
    env = Envelope(
        event_id=eid,
        type=payload.TYPE,
        occurred_at=now,
        organization=sender,
        correlation_id=eid,
        case_number=case_number or getattr(payload, "case_number", None),
    )
    return Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]


@functools.cache
def reference_data() -> tuple[Registry, Catalogue]:
    """The registry and the measure catalogue, read once: parsing their YAML is most of the cost
    of a harness, and neither is changed by the service."""
    return Registry.load(), Catalogue.load()


class Delivering:
    """A service's real consumers over the memory event store, on a clock the test moves: a
    message delivered as JetStream would, and what the relay publishes after it. The fast
    harnesses of the services build their consumers on it."""

    consumers: list[Consumer]

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.store = MemoryEventStore()
        self._sequence = itertools.count(1)
        self._relayed = 0

    def consumer_for(self, subject_name: str) -> Consumer:
        found = [c for c in self.consumers if _matches(c.subject, subject_name)]
        assert len(found) == 1, f"{subject_name} is taken by {len(found)} consumers"
        return found[0]

    async def deliver(
        self, subject_name: str, data: bytes, headers: dict[str, str] | None = None
    ) -> list[Published]:
        """Hand one message to the consumer whose subject it matches; what the relay publishes
        after it. An error the intake does not turn into a rejection is raised here, where the
        real consumer would redeliver the message."""
        delivery = Delivery(
            subject=subject_name,
            data=data,
            headers=dict(headers or {}),
            attempt=1,
            stream_sequence=next(self._sequence),
        )
        # As the consumer hands each message on: in a span continuing the sender's trace, so
        # what the service appends carries trace context as it does in production.
        await consume(self.consumer_for(subject_name), delivery)
        return await self.relay()

    async def send(
        self,
        payload: Payload,
        sender: str,
        *,
        case_number: str | None = None,
        event_id: uuid.UUID | None = None,
    ) -> list[Published]:
        """`sender` sends `payload` on its own subject."""
        msg = message(payload, sender, self.clock(), case_number=case_number, event_id=event_id)
        return await self.deliver(
            subject(msg.envelope.type, sender), msg.model_dump_json().encode()
        )

    async def relay(self) -> list[Published]:
        """What was committed since the last look, in position order, as the relay publishes."""
        out = []
        while batch := await self.store.read_all(after_position=self._relayed):
            out += [Published(e.subject, e.message, e.headers) for e in batch]
            self._relayed = batch[-1].position
        return out


class Harness(Delivering):
    """The enforcement service as `main.py` composes its consumers, with memory adapters."""

    def __init__(
        self,
        clock: Clock | None = None,
        settings: EnforcementSettings | None = None,
        deadlines: DeadlineTick | None = None,
        sanctions_read: Sanctions | None = None,
    ) -> None:
        super().__init__(clock)
        self.registry, catalogue = reference_data()
        # The service's projections, in memory: sanction status answers and the cases due.
        self.projector: Projector = projections.on_memory(self.store, catalogue.on_report())
        self.handlers = Handlers(
            self.store,
            self.registry,
            settings or EnforcementSettings(),
            catalogue=catalogue,
            sanctions_read=sanctions_read or Sanctions(self.projector),
        )
        self.consumers: list[Consumer] = subscribers.consumers(
            self.handlers, self.clock, max_attempts=5
        )
        self.deadline_runner = Deadlines(
            self.store, None, "enforcement", self.clock, self.handlers, self.projector
        )
        self.deadlines = deadlines or real_deadlines

    async def tick_deadlines(self) -> list[Published]:
        """One tick of the deadline runner at the harness's clock; what it published."""
        await self.deadlines(self)
        return await self.relay()


def of_type(published: list[Published], suffix: str, to: str | None = None) -> list[Published]:
    """The published messages whose type name is `suffix` (e.g. `notice.property_query`)."""
    return [
        p
        for p in published
        if p.type.split(".", 1)[1].rsplit(".", 1)[0] == suffix and to in (None, p.to)
    ]
