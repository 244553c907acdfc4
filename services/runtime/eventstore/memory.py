"""The in-memory event store: for unit tests of pure logic; passes the same suite as PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

from services.runtime.eventstore import (
    LEGACY_SENDER,
    MAX_STREAM_ID_CHARS,
    AlreadyProcessedError,
    ConcurrencyError,
    DuplicateEventError,
    EventStore,
    InboxEntry,
    NewEvent,
    StoredEvent,
    StreamWrite,
    UnstorableEventError,
)


class MemoryEventStore(EventStore):
    def __init__(self) -> None:
        self._events: list[StoredEvent] = []
        self._streams: dict[str, list[StoredEvent]] = {}
        self._ids: set[UUID] = set()
        self._inbox: set[tuple[str, UUID, str]] = set()

    async def append(self, *writes: StreamWrite, inbox: InboxEntry | None = None) -> list[int]:
        return await self.append_together(*writes, inboxes=[inbox] if inbox else [])

    async def append_together(
        self, *writes: StreamWrite, inboxes: Sequence[InboxEntry]
    ) -> list[int]:
        self._check(writes, inboxes)
        self._inbox.update((r.consumer, r.message_id, r.sender) for r in inboxes)
        return [
            self._store(w.stream_id, w.expected_version + i + 1, e)
            for w in writes
            for i, e in enumerate(w.events)
        ]

    def _check(self, writes: tuple[StreamWrite, ...], inboxes: Sequence[InboxEntry]) -> None:
        for i, r in enumerate(inboxes):
            if self._holds(r.consumer, r.message_id, r.sender) or r in inboxes[:i]:
                raise AlreadyProcessedError(r.consumer, r.message_id, r.sender)
        seen: set[str] = set()
        for w in writes:
            if len(w.stream_id) > MAX_STREAM_ID_CHARS or "\x00" in w.stream_id:
                raise UnstorableEventError(f"stream id of {len(w.stream_id)} characters")
            actual = len(self._streams.get(w.stream_id, []))
            if actual != w.expected_version or w.stream_id in seen:
                raise ConcurrencyError(w.stream_id, w.expected_version, actual)
            seen.add(w.stream_id)
        ids = [e.message.envelope.event_id for w in writes for e in w.events]
        if len(set(ids)) != len(ids) or self._ids.intersection(ids):
            raise DuplicateEventError("an event with this id is already stored")

    def _store(self, stream_id: str, version: int, e: NewEvent) -> int:
        env = e.message.envelope
        stored = StoredEvent(
            position=len(self._events) + 1,
            stream_id=stream_id,
            version=version,
            event_id=env.event_id,
            type=env.type,
            subject=e.subject,
            occurred_at=env.occurred_at,
            recorded_at=datetime.now(UTC),
            message=e.message.model_dump(mode="json"),
            headers=dict(e.headers),
        )
        self._events.append(stored)
        self._streams.setdefault(stream_id, []).append(stored)
        self._ids.add(env.event_id)
        return stored.position

    async def load(self, stream_id: str, after_version: int = 0) -> list[StoredEvent]:
        return [e for e in self._streams.get(stream_id, []) if e.version > after_version]

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        return self._events[after_position : after_position + limit]

    async def has_processed(self, consumer: str, message_id: UUID, sender: str) -> bool:
        return self._holds(consumer, message_id, sender)

    def _holds(self, consumer: str, message_id: UUID, sender: str) -> bool:
        # A legacy row (recorded before senders were kept) matches every sender, as in PostgreSQL.
        keys = {(consumer, message_id, sender), (consumer, message_id, LEGACY_SENDER)}
        return not keys.isdisjoint(self._inbox)
