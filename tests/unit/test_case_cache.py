"""The case cache reads only what is new, and sees what another writer appended."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from contracts.enforcement import CaseClosedWithoutProperty, CaseRegistered
from contracts.organizations import Registry
from services.cli.simulate import register_case
from services.enforcement.handlers import CaseCache, case_stream, load_case
from services.runtime.eventstore import StoredEvent, StreamWrite
from services.runtime.eventstore.memory import MemoryEventStore
from services.runtime.messaging import follow, outgoing

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class CountingStore(MemoryEventStore):
    """Records the version each load starts after."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[int] = []

    async def load(self, stream_id: str, after_version: int = 0) -> list[StoredEvent]:
        self.loads.append(after_version)
        return await super().load(stream_id, after_version)


async def test_a_cached_case_is_brought_up_to_date_with_what_others_appended() -> None:
    store = CountingStore()
    reg = register_case(random.Random(2), Registry.load().get("CT410482"), 8, NOW).data
    registered = CaseRegistered(
        case_number=reg.case_number,
        executing_court="CT410482",
        filed_on=reg.filed_on,
        debtors=reg.debtors,
        applicants=reg.applicants,
        amount=reg.amount,
    )
    stream = case_stream(reg.case_number)
    await store.append(
        StreamWrite(
            stream,
            0,
            [outgoing(follow(None, registered, organization="CT410482", now=NOW), "CT410482")],
        )
    )
    cache = CaseCache()
    case, version = await cache.load(store, reg.case_number)
    assert case.registered and version == 1 and case.closed_on is None
    closed = CaseClosedWithoutProperty(case_number=reg.case_number, closed_on=NOW.date())
    await store.append(
        StreamWrite(
            stream,
            1,
            [outgoing(follow(None, closed, organization="CT410482", now=NOW), "CT410482")],
        )
    )
    case, version = await cache.load(store, reg.case_number)
    assert version == 2 and case.closed_on == NOW.date()
    assert store.loads == [0, 1], "the second load reads only what came after the cached case"
    assert (case, version) == await load_case(store, reg.case_number)


async def test_the_cache_keeps_at_most_its_size() -> None:
    cache, store = CaseCache(size=2), MemoryEventStore()
    for n in range(5):
        await cache.load(store, f"（2026）豫0482执{n + 1}号")
    assert len(cache._cases) == 2


async def test_what_the_process_appended_is_kept_and_not_read_again() -> None:
    store = CountingStore()
    reg = register_case(random.Random(3), Registry.load().get("CT410482"), 9, NOW).data
    registered = CaseRegistered(
        case_number=reg.case_number,
        executing_court="CT410482",
        filed_on=reg.filed_on,
        debtors=reg.debtors,
        applicants=reg.applicants,
        amount=reg.amount,
    )
    stream = case_stream(reg.case_number)
    cache = CaseCache()
    empty, version = await cache.load(store, reg.case_number)
    assert version == 0
    events = [outgoing(follow(None, registered, organization="CT410482", now=NOW), "CT410482")]
    await store.append(StreamWrite(stream, 0, events))
    cache.appended(reg.case_number, empty, 0, events)
    closed = CaseClosedWithoutProperty(case_number=reg.case_number, closed_on=NOW.date())
    await store.append(
        StreamWrite(
            stream,
            1,
            [outgoing(follow(None, closed, organization="CT410482", now=NOW), "CT410482")],
        )
    )
    case, version = await cache.load(store, reg.case_number)
    assert store.loads == [0, 1], "after its own append the cache reads only what others wrote"
    assert (case, version) == await load_case(store, reg.case_number)
    assert version == 2 and case.closed_on == NOW.date()
    # told late of an append at an older version, the cache keeps what it has
    cache.appended(reg.case_number, empty, 0, events)
    assert await cache.load(store, reg.case_number) == (case, 2)
    assert store.loads[-1] == 2
