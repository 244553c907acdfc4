"""事件存储 — the event store port: append with an expected version, load, read in order.

The PostgreSQL adapter and the in-memory adapter pass one shared test suite.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from contracts.envelope import Message


class ConcurrencyError(Exception):
    """The stream is not at the version the writer expected: reload and decide again."""

    def __init__(self, stream_id: str, expected: int, actual: int | None = None) -> None:
        self.stream_id, self.expected, self.actual = stream_id, expected, actual
        found = "" if actual is None else f", found {actual}"
        super().__init__(f"stream {stream_id!r}: expected version {expected}{found}")


class DuplicateEventError(Exception):
    """An event with this id is already stored."""


class UnstorableEventError(ValueError):
    """The database refused what an event holds (a value too large for its index, a character
    it cannot store): the same append fails every time, so the message that caused it is refused,
    never retried until it is dead-lettered."""


MAX_STREAM_ID_CHARS = 1000
"""The in-memory store refuses longer stream ids; PostgreSQL's index refuses somewhat longer ones
(about 2,700 bytes after compression), so no adapter ever takes one the other cannot."""


class AlreadyProcessedError(Exception):
    """The consumer's inbox already holds this message id from this sender: a redelivery, with no
    second effect."""

    def __init__(self, consumer: str, message_id: UUID, sender: str = "") -> None:
        self.consumer, self.message_id, self.sender = consumer, message_id, sender
        super().__init__(f"{consumer} already processed {message_id} from {sender or 'anyone'}")


@dataclass(frozen=True)
class NewEvent:
    """One message to append, the subject the relay publishes it on, and its trace headers."""

    message: Message[Any]
    subject: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StreamWrite:
    """Events for one stream, valid only if the stream is at `expected_version` (0 = new)."""

    stream_id: str
    expected_version: int
    events: Sequence[NewEvent]


LEGACY_SENDER = ""
"""The sender of inbox rows recorded before senders were kept: such a row matches every sender,
so a redelivery of a message processed before the upgrade still has no second effect."""


@dataclass(frozen=True)
class InboxEntry:
    """The processed message recorded in the same transaction as the events it caused.

    The idempotency key is (consumer, sender, message id): the sender is the organization token
    of the subject the message arrived on, which NATS permissions authenticate. Two organizations
    using the same event id, or a bureau answering with the id of the notice it received, are two
    different messages; the same id again from the same sender is a redelivery.
    """

    consumer: str
    message_id: UUID
    sender: str


@dataclass(frozen=True)
class StoredEvent:
    position: int
    stream_id: str
    version: int
    event_id: UUID
    type: str
    subject: str
    occurred_at: datetime
    recorded_at: datetime
    message: dict[str, Any]
    headers: dict[str, str]


class EventStore(abc.ABC):
    """The port every service uses; adapters: PostgresEventStore, MemoryEventStore."""

    @abc.abstractmethod
    async def append(self, *writes: StreamWrite, inbox: InboxEntry | None = None) -> list[int]:
        """Append atomically; returns the new positions. Raises ConcurrencyError,
        DuplicateEventError or AlreadyProcessedError, and then nothing is written."""

    @abc.abstractmethod
    async def append_together(
        self, *writes: StreamWrite, inboxes: Sequence[InboxEntry]
    ) -> list[int]:
        """`append` for several messages decided together: the events with the inbox row of
        every message, in one transaction, or nothing (AlreadyProcessedError if any row is
        there already)."""

    @abc.abstractmethod
    async def load(self, stream_id: str, after_version: int = 0) -> list[StoredEvent]:
        """The stream's events in version order."""

    @abc.abstractmethod
    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Committed events in position order."""

    @abc.abstractmethod
    async def has_processed(self, consumer: str, message_id: UUID, sender: str) -> bool:
        """Whether the consumer's inbox holds the message id from this sender (or a legacy row
        of that id, recorded before senders were kept)."""

    async def version(self, stream_id: str) -> int:
        events = await self.load(stream_id)
        return events[-1].version if events else 0
