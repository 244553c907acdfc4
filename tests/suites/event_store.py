"""One suite, every adapter of the event store port: the in-memory store must behave exactly
like PostgreSQL. A test module runs it by subclassing `EventStoreSuite` with a `store` fixture
(the fast tier for memory, the integration tier for PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.base import Event
from contracts.envelope import Envelope, Message
from contracts.registry import register
from services.runtime.eventstore import (
    AlreadyProcessedError,
    ConcurrencyError,
    DuplicateEventError,
    EventStore,
    InboxEntry,
    NewEvent,
    StreamWrite,
    UnstorableEventError,
)


@register
class Noted(Event):
    """A test fact."""

    TYPE = "testing.event.noted.v1"
    n: int
    """A number."""


def note(n: int, event_id: uuid.UUID | None = None) -> NewEvent:
    eid = event_id or uuid.uuid4()
    env = Envelope(
        event_id=eid,
        type=Noted.TYPE,
        occurred_at=datetime.now(UTC),
        organization="CT410300",
        correlation_id=eid,
    )
    msg: Message[Any] = Message[Noted](envelope=env, data=Noted(n=n))
    return NewEvent(
        msg, f"{Noted.TYPE}.CT410300", {"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"}
    )


def numbers(events: list[Any]) -> list[int]:
    return [e.message["data"]["n"] for e in events]


class EventStoreSuite:
    """The behaviour of the port; not collected itself (its name does not start with Test)."""

    async def test_appended_events_load_in_version_order(self, store: EventStore) -> None:
        await store.append(StreamWrite("s-1", 0, [note(1), note(2)]))
        await store.append(StreamWrite("s-1", 2, [note(3)]))
        loaded = await store.load("s-1")
        assert [e.version for e in loaded] == [1, 2, 3]
        assert numbers(loaded) == [1, 2, 3]
        assert loaded[0].headers["traceparent"].startswith("00-")
        assert await store.version("s-1") == 3

    async def test_load_after_a_version_returns_only_the_later_events(
        self, store: EventStore
    ) -> None:
        await store.append(StreamWrite("s-1", 0, [note(1), note(2), note(3)]))
        await store.append(StreamWrite("other", 0, [note(9)]))
        assert [e.version for e in await store.load("s-1", after_version=1)] == [2, 3]
        assert numbers(await store.load("s-1", after_version=2)) == [3]
        assert await store.load("s-1", after_version=3) == []
        assert await store.load("s-1", after_version=7) == []
        assert await store.load("nothing", after_version=1) == []

    async def test_append_with_a_stale_expected_version_fails_and_writes_nothing(
        self, store: EventStore
    ) -> None:
        await store.append(StreamWrite("s-1", 0, [note(1)]))
        with pytest.raises(ConcurrencyError):
            await store.append(StreamWrite("s-1", 0, [note(2)]))
        with pytest.raises(ConcurrencyError):
            await store.append(StreamWrite("s-1", 5, [note(2)]))
        assert [e.version for e in await store.load("s-1")] == [1]

    async def test_a_failed_stream_write_undoes_the_whole_append(self, store: EventStore) -> None:
        with pytest.raises(ConcurrencyError):
            await store.append(
                StreamWrite("a", 0, [note(1)]),
                StreamWrite("b", 3, [note(2)]),
                inbox=InboxEntry("c", uuid.uuid4(), "CT410300"),
            )
        assert await store.load("a") == []
        assert await store.read_all() == []

    async def test_the_same_event_id_cannot_be_stored_twice(self, store: EventStore) -> None:
        eid = uuid.uuid4()
        await store.append(StreamWrite("a", 0, [note(1, eid)]))
        with pytest.raises(DuplicateEventError):
            await store.append(StreamWrite("b", 0, [note(1, eid)]))
        assert await store.load("b") == []

    async def test_a_redelivered_message_has_no_second_effect(self, store: EventStore) -> None:
        message_id = uuid.uuid4()
        await store.append(StreamWrite("a", 0, [note(1)]), inbox=InboxEntry("c", message_id, "CT1"))
        with pytest.raises(AlreadyProcessedError):
            await store.append(
                StreamWrite("a", 1, [note(2)]), inbox=InboxEntry("c", message_id, "CT1")
            )
        assert await store.has_processed("c", message_id, "CT1")
        assert not await store.has_processed("other", message_id, "CT1")
        assert len(await store.load("a")) == 1

    async def test_the_same_message_id_from_two_senders_is_two_messages(
        self, store: EventStore
    ) -> None:
        message_id = uuid.uuid4()
        await store.append(StreamWrite("a", 0, [note(1)]), inbox=InboxEntry("c", message_id, "CT1"))
        await store.append(StreamWrite("a", 1, [note(2)]), inbox=InboxEntry("c", message_id, "NR1"))
        assert await store.has_processed("c", message_id, "NR1")
        assert not await store.has_processed("c", message_id, "BK1")
        assert [e.version for e in await store.load("a")] == [1, 2]

    async def test_a_redelivery_from_the_same_sender_in_a_multi_stream_append_has_no_effect(
        self, store: EventStore
    ) -> None:
        message_id = uuid.uuid4()
        first = InboxEntry("c", message_id, "CT1")
        await store.append(
            StreamWrite("a", 0, [note(1)]), StreamWrite("b", 0, [note(2)]), inbox=first
        )
        with pytest.raises(AlreadyProcessedError):
            await store.append(
                StreamWrite("a", 1, [note(3)]), StreamWrite("b", 1, [note(4)]), inbox=first
            )
        await store.append(
            StreamWrite("a", 1, [note(3)]),
            StreamWrite("b", 1, [note(4)]),
            inbox=InboxEntry("c", message_id, "NR1"),
        )
        assert len(await store.read_all()) == 4

    @pytest.mark.parametrize("streams", [1, 2])
    async def test_a_row_recorded_before_senders_were_kept_stops_every_sender(
        self, store: EventStore, streams: int
    ) -> None:
        message_id = uuid.uuid4()
        await store.append(StreamWrite("a", 0, [note(1)]), inbox=InboxEntry("c", message_id, ""))
        writes = [StreamWrite(s, v, [note(2)]) for s, v in [("a", 1), ("b", 0)][:streams]]
        assert len(writes) == streams
        with pytest.raises(AlreadyProcessedError):
            await store.append(*writes, inbox=InboxEntry("c", message_id, "CT1"))
        assert await store.has_processed("c", message_id, "CT1")
        assert len(await store.read_all()) == 1

    async def test_read_all_returns_committed_events_in_position_order(
        self, store: EventStore
    ) -> None:
        await store.append(StreamWrite("a", 0, [note(1)]), StreamWrite("b", 0, [note(2)]))
        await store.append(StreamWrite("a", 1, [note(3)]))
        everything = await store.read_all()
        assert numbers(everything) == [1, 2, 3]
        assert numbers(await store.read_all(after_position=everything[0].position)) == [2, 3]
        assert [e.stream_id for e in await store.read_all(limit=2)] == ["a", "b"]

    async def test_concurrent_writers_on_one_stream_never_both_win(self, store: EventStore) -> None:
        results = await asyncio.gather(
            *(store.append(StreamWrite("race", 0, [note(i)])) for i in range(8)),
            return_exceptions=True,
        )
        assert sum(1 for r in results if not isinstance(r, BaseException)) == 1
        assert all(isinstance(r, ConcurrencyError) for r in results if isinstance(r, BaseException))
        assert len(await store.load("race")) == 1

    async def test_a_stream_id_no_index_can_hold_is_refused_as_unstorable(
        self, store: EventStore
    ) -> None:
        # Digits that do not compress much: PostgreSQL's index refuses them, as the memory store
        # does.
        huge = "case-" + "".join(str(uuid.uuid4().int) for _ in range(3000))
        with pytest.raises(UnstorableEventError):
            await store.append(
                StreamWrite(huge, 0, [note(1)]), inbox=InboxEntry("c", uuid.uuid4(), "CT1")
            )
        assert await store.read_all() == []
