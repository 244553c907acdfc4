"""分区 — a service's commands split by publishing organization, each partition pulled by one
instance at a time, so several instances of a service share the commands and keep each case's
order.

The stream stores a command under the subject it was published on plus the partition of its
organization (`contracts.subjects.partition_transform`); partition k has a durable consumer of
its own, `<durable>_p<k>`, on `<context>.command.*.*.*.<k>`. An instance pulls a partition only
while it holds that partition's PostgreSQL session advisory lock, all on one connection of its
own, as the relay holds its leader lock: when an instance dies its session ends, its locks are
free, and the others take its partitions at their next look (every `every` seconds).

Each instance also holds a shared lock that says it is there, so the live instances are counted
from the locks held (`pg_locks`) the moment one goes, not from heartbeats that take 20 s to age.
An instance takes at most its fair share, ceil(partitions / instances), and gives back what it
holds above it (the batch in hand finished first), so a new instance gets its share too.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import asyncpg
import structlog
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError

from contracts.subjects import commands, partition, stream_name
from services.runtime.consumer import Consumer
from services.runtime.supervision import Loop, Supervisor, reason, sleep_or_stop

log = structlog.get_logger("partitions")

Pull = Callable[[Consumer, asyncio.Event], Awaitable[None]]


def is_partitioned(c: Consumer) -> bool:
    """A consumer of its context's commands: split into partitions, not shared."""
    return c.subject == commands(c.context)


def partition_consumers(c: Consumer, count: int) -> list[Consumer]:
    """One durable consumer per partition, each with its own replay subject and dead letters,
    and last the consumer as it is, owned like a partition: it takes the commands the stream
    stored without a partition (a token NATS does not map, such as `*`, or commands stored
    before the stream had partitions), so none is left unread."""
    return [
        *(
            replace(c, durable=f"{c.durable}_p{k}", subject=partition(c.context, k))
            for k in range(count)
        ),
        c,
    ]


async def units(js: JetStreamContext, c: Consumer, count: int) -> list[Consumer]:
    """`partition_consumers(c, count)`, and before the last the partitions of a larger count
    the stream had before that are still there: what they hold is read, never left behind."""
    split = partition_consumers(c, count)
    earlier = re.compile(rf"{re.escape(c.durable)}_p(\d+)")
    for info in await js.consumers_info(stream_name(c.context)):
        found = earlier.fullmatch(info.name or "")
        if found and int(found.group(1)) >= count:
            k = int(found.group(1))
            split.insert(-1, replace(c, durable=info.name, subject=partition(c.context, k)))
    return split


def lock_key(*parts: str) -> int:
    """A non-negative 63-bit advisory lock key for a name (pg_locks shows it as two halves)."""
    digest = hashlib.blake2b(":".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest) >> 1


# Holders of the shared member lock in this database: the live instances of the service.
_MEMBERS = """
    SELECT count(*) FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 1
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid::int8 = $1::int8 >> 32 AND objid::int8 = $1::int8 & 4294967295"""


@dataclass
class Held:
    """A partition this instance owns: its pull loop under a supervisor of its own."""

    consumer: Consumer
    stop: asyncio.Event
    supervisor: Supervisor


@dataclass
class Owner:
    """Takes, keeps and gives back partitions for one instance of a service."""

    pool: asyncpg.Pool
    js: JetStreamContext
    schema: str
    consumers: Sequence[Consumer]
    pull: Pull
    instance: str
    every: float = 1.0
    database_timeout: float = 10.0
    release_timeout: float = 15.0
    restart_cap: float = 30.0
    held: dict[str, Held] = field(default_factory=dict)
    taken_over: int = 0
    """Partitions taken that still had messages delivered to another instance, not settled."""

    @property
    def members_key(self) -> int:
        # The consumers as the service declares them, not their partitions: every instance of
        # the service finds the same key, whatever count it saw.
        split = sorted(c.durable for c in self.consumers if is_partitioned(c))
        return lock_key("members", self.schema, *split)

    def key(self, c: Consumer) -> int:
        return lock_key("partition", self.schema, c.durable)

    def owned(self) -> list[str]:
        return sorted(self.held, key=self._order)

    def _order(self, durable: str) -> int:
        return next(i for i, c in enumerate(self.consumers) if c.durable == durable)

    def report(self) -> dict[str, dict[str, Any]]:
        """The owned partitions' loops, as the heartbeat shows the service's other loops."""
        return {n: s for h in self.held.values() for n, s in h.supervisor.report().items()}

    async def run(self, stop: asyncio.Event) -> None:
        """Hold the member lock and balance every `every` seconds until `stop`; every partition
        is given back (or, the session lost, dropped) before this returns."""
        while not stop.is_set():
            conn = await self._join(stop)
            if conn is None:
                return
            lost = True
            try:
                while not stop.is_set():
                    await self.balance(conn)
                    await sleep_or_stop(stop, self.every)
                lost = False
            except Exception as exc:
                log.warning("partition locks lost", schema=self.schema, error=reason(exc))
            finally:
                await self._leave(conn, lost)
            await sleep_or_stop(stop, self.every if lost else 0)

    async def _join(self, stop: asyncio.Event) -> asyncpg.Connection | None:
        # A connection of its own: every partition lock lives and dies with this one session.
        while not stop.is_set():
            conn = None
            try:
                conn = await self.pool.acquire(timeout=self.database_timeout)
                await conn.execute(
                    "SELECT pg_advisory_lock_shared($1)",
                    self.members_key,
                    timeout=self.database_timeout,
                )
                return conn
            except Exception as exc:
                log.warning("partition owner cannot join", schema=self.schema, error=reason(exc))
                if conn is not None:
                    await _drop(self.pool, conn)
                await sleep_or_stop(stop, max(1.0, self.every))
        return None

    async def balance(self, conn: asyncpg.Connection) -> None:
        """Give back what is above the fair share, then take free partitions up to it."""
        members = await conn.fetchval(_MEMBERS, self.members_key, timeout=self.database_timeout)
        share = -(-len(self.consumers) // max(1, members))
        await self._give_back(conn, self.owned()[share:])
        for c in self._candidates():
            if len(self.held) >= share:
                break
            got = await conn.fetchval(
                "SELECT pg_try_advisory_lock($1)", self.key(c), timeout=self.database_timeout
            )
            if got:
                self._take(c)

    def _candidates(self) -> list[Consumer]:
        # Each instance looks from its own place in the ring, so they rarely race for one lock.
        free = [c for c in self.consumers if c.durable not in self.held]
        start = lock_key(self.instance) % max(1, len(self.consumers))
        n = len(self.consumers)
        return sorted(free, key=lambda c: (self._order(c.durable) - start) % n)

    def _take(self, c: Consumer) -> None:
        stop = asyncio.Event()
        supervisor = Supervisor(stop, cap=self.restart_cap)
        supervisor.start(Loop(f"consumer-{c.durable}", functools.partial(self._pull, c, stop)))
        self.held[c.durable] = Held(c, stop, supervisor)
        log.info("partition taken", consumer=c.durable, instance=self.instance)

    async def _pull(self, c: Consumer, stop: asyncio.Event) -> None:
        await self._after_the_last_owner(c, stop)
        await self.pull(c, stop)

    async def _after_the_last_owner(self, c: Consumer, stop: asyncio.Event) -> None:
        """Messages delivered to an instance that died would come again only after the ack
        wait, behind the ones after them. So the consumer is made anew from the first message
        not acknowledged: they come again at once and in stream order, and each case keeps its
        order (the inbox makes whatever the dead instance had done a no-op). Retries waiting
        for their backoff come at once too, their attempts counted anew."""
        stream = stream_name(c.context)
        try:
            info = await self.js.consumer_info(stream, c.durable)
        except NotFoundError:
            return
        if not info.num_ack_pending:
            return
        self.taken_over += 1
        floor = info.ack_floor.stream_seq if info.ack_floor else 0
        log.info(
            "partition taken with messages in flight, consumer made anew from the first not "
            "acknowledged",
            consumer=c.durable,
            in_flight=info.num_ack_pending,
            from_sequence=floor + 1,
        )
        config = replace(
            c.config(), deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=floor + 1
        )
        await self.js.delete_consumer(stream, c.durable)
        while True:  # made anew before anything pulls, or it would start from the beginning
            try:
                await self.js.add_consumer(stream, config)
                return
            except Exception as exc:
                log.warning("partition consumer not made", consumer=c.durable, error=reason(exc))
                await sleep_or_stop(stop, 1.0)

    async def _give_back(self, conn: asyncpg.Connection, durables: list[str]) -> None:
        """Stop the loops (each settles the batch in hand first), then unlock: a partition is
        never pulled by two instances at once."""
        given = [self.held.pop(durable) for durable in durables]
        for held in given:
            held.stop.set()
        await asyncio.gather(*(h.supervisor.join(self.release_timeout) for h in given))
        for held in given:
            key = self.key(held.consumer)
            await conn.execute("SELECT pg_advisory_unlock($1)", key, timeout=self.database_timeout)
            log.info("partition given back", consumer=held.consumer.durable, instance=self.instance)

    async def _leave(self, conn: asyncpg.Connection, lost: bool) -> None:
        """Stop every owned loop, then unlock all; a session that failed is ended instead, and
        its locks go with it."""
        for held in self.held.values():
            held.stop.set()
        await asyncio.gather(*(h.supervisor.join(self.release_timeout) for h in self.held.values()))
        self.held.clear()
        if not lost:
            try:
                await conn.execute("SELECT pg_advisory_unlock_all()", timeout=self.database_timeout)
            except Exception:
                lost = True
        if lost:
            await _drop(self.pool, conn)
            return
        with contextlib.suppress(Exception):
            await self.pool.release(conn, timeout=self.database_timeout)


async def _drop(pool: asyncpg.Pool, conn: asyncpg.Connection) -> None:
    # Ended, not reset: a session we cannot trust must not keep a lock for anyone.
    with contextlib.suppress(Exception):
        conn.terminate()
    with contextlib.suppress(Exception):
        await pool.release(conn)
