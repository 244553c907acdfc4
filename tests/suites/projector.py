"""One suite, every adapter of the projector: the in-memory projector must behave like the
PostgreSQL one. A test module runs it by subclassing `ProjectorSuite` with a `store` fixture and a
`projector` factory fixture (the fast tier for memory, the integration tier for PostgreSQL; the
PostgreSQL fixture creates the `tally` table)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from services.runtime.eventstore import EventStore, StreamWrite
from services.runtime.projector import Projected, Projection, Projector, Rows, Table
from tests.suites.event_store import Noted, note

TALLY = Table(
    "tally",
    key=("stream_id",),
    columns=("stream_id", "total", "version", "numbers", "headers"),
    json=frozenset({"numbers", "headers"}),
)
TALLY_SQL = (
    "CREATE TABLE tally (stream_id text PRIMARY KEY, total bigint NOT NULL, "
    "version integer NOT NULL, numbers jsonb NOT NULL, headers jsonb NOT NULL)"
)

Make = Callable[[list[Projection]], Projector]


class Tally(Projection):
    """Per stream: the sum of the numbers noted, each event once (by stream version)."""

    tables = (TALLY,)

    def __init__(self, fail_on: int | None = None) -> None:
        self.fail_on, self.resets, self.types = fail_on, 0, list[type]()

    def wants(self, stream_id: str, type_: str) -> bool:
        return not stream_id.startswith("skip-")

    async def apply(self, event: Projected, rows: Rows) -> None:
        data = event.message.data
        self.types.append(type(data))
        if data.n == self.fail_on:
            raise RuntimeError(f"cannot apply {data.n}")
        row = await rows.get(TALLY, (event.stream_id,)) or {
            "stream_id": event.stream_id,
            "total": 0,
            "version": 0,
            "numbers": [],
        }
        if row["version"] >= event.version:
            return  # applied already
        row.update(
            total=row["total"] + data.n,
            version=event.version,
            numbers=[*row["numbers"], data.n],
            headers=event.headers,
        )
        await rows.put(TALLY, row)

    def reset(self) -> None:
        self.resets += 1


async def write(store: EventStore, stream: str, *ns: int) -> None:
    version = await store.version(stream)
    await store.append(StreamWrite(stream, version, [note(n) for n in ns]))


def tallies(rows: list[dict[str, Any]]) -> dict[str, tuple[int, list[int]]]:
    return {r["stream_id"]: (r["total"], r["numbers"]) for r in rows}


class ProjectorSuite:
    async def test_events_reach_the_projection_typed_in_order_and_once(
        self, store: EventStore, projector: Make
    ) -> None:
        tally = Tally()
        p = projector([tally])
        await write(store, "a", 1, 2)
        await write(store, "b", 10)
        await write(store, "a", 3)
        assert await p.lag() == 4
        assert await p.catch_up(batch=3) == 4
        assert set(tally.types) == {Noted}
        rows = await p.select(TALLY)
        assert tallies(rows) == {"a": (6, [1, 2, 3]), "b": (10, [10])}
        assert rows[0]["headers"]["traceparent"].startswith("00-111")
        assert await p.lag() == 0
        assert await p.catch_up() == 0
        assert tallies(await p.select(TALLY)) == {"a": (6, [1, 2, 3]), "b": (10, [10])}

    async def test_only_the_events_a_projection_wants_are_applied(
        self, store: EventStore, projector: Make
    ) -> None:
        tally = Tally()
        p = projector([tally])
        await write(store, "skip-me", 5)
        await write(store, "a", 1)
        assert await p.catch_up() == 2
        assert len(tally.types) == 1
        assert tallies(await p.select(TALLY)) == {"a": (1, [1])}

    async def test_a_rebuild_from_position_zero_gives_the_same_rows(
        self, store: EventStore, projector: Make
    ) -> None:
        tally = Tally()
        p = projector([tally])
        await write(store, "a", 1, 2)
        await p.catch_up()
        await write(store, "b", 7)
        await p.catch_up()
        before = await p.select(TALLY)
        assert await p.rebuild() == 3
        assert tally.resets == 1
        assert await p.select(TALLY) == before
        assert await p.lag() == 0

    async def test_a_batch_that_fails_writes_no_row_and_keeps_the_checkpoint(
        self, store: EventStore, projector: Make
    ) -> None:
        await write(store, "a", 1)
        await projector([Tally()]).catch_up()
        await write(store, "a", 2, 3)
        await write(store, "b", 4)
        with pytest.raises(RuntimeError, match="cannot apply 3"):
            await projector([Tally(fail_on=3)]).catch_up()
        p = projector([Tally()])
        assert tallies(await p.select(TALLY)) == {"a": (1, [1])}
        assert await p.lag() == 3
        assert await p.catch_up() == 3
        assert tallies(await p.select(TALLY)) == {"a": (6, [1, 2, 3]), "b": (4, [4])}

    async def test_select_finds_rows_by_equal_and_at_most(
        self, store: EventStore, projector: Make
    ) -> None:
        p = projector([Tally()])
        await write(store, "a", 1)
        await write(store, "b", 5, 5)
        await write(store, "c", 20)
        await p.catch_up()
        assert tallies(await p.select(TALLY, equal={"total": 10})) == {"b": (10, [5, 5])}
        assert [r["stream_id"] for r in await p.select(TALLY, at_most={"total": 10})] == [
            "a",
            "b",
        ]
        with pytest.raises(KeyError):
            await p.select(TALLY, equal={"nothing": 1})

    async def test_what_a_batch_put_is_read_back_in_the_same_batch(
        self, store: EventStore, projector: Make
    ) -> None:
        seen: list[list[tuple[int, list[int]]]] = []

        class Finding(Tally):
            async def apply(self, event: Projected, rows: Rows) -> None:
                await super().apply(event, rows)
                found = await rows.find(TALLY, stream_id=event.stream_id)
                seen.append([(r["total"], r["numbers"]) for r in found])

        await write(store, "a", 1, 2)
        await write(store, "b", 4)
        await write(store, "a", 3)
        p = projector([Finding()])
        assert await p.catch_up() == 4
        assert seen == [[(1, [1])], [(3, [1, 2])], [(4, [4])], [(6, [1, 2, 3])]]
        assert tallies(await p.select(TALLY)) == {"a": (6, [1, 2, 3]), "b": (4, [4])}
