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


class AlreadyProcessedError(Exception):
    """The consumer's inbox already holds this message id: a redelivery, with no second effect."""

    def __init__(self, consumer: str, message_id: UUID) -> None:
        self.consumer, self.message_id = consumer, message_id
        super().__init__(f"{consumer} already processed {message_id}")


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


@dataclass(frozen=True)
class InboxEntry:
    """The processed message recorded in the same transaction as the events it caused."""

    consumer: str
    message_id: UUID


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
    async def load(self, stream_id: str, after_version: int = 0) -> list[StoredEvent]:
        """The stream's events in version order."""

    @abc.abstractmethod
    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Committed events in position order."""

    @abc.abstractmethod
    async def has_processed(self, consumer: str, message_id: UUID) -> bool:
        """Whether the consumer's inbox holds the message id."""

    async def version(self, stream_id: str) -> int:
        events = await self.load(stream_id)
        return events[-1].version if events else 0
