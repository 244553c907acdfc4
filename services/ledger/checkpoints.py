"""检查点 — signed Merkle checkpoints of the journal, at a fixed size or interval.

Each checkpoint is an event of the ledger's own log (stream `checkpoints`), so it is stored and
published by the relay on `ledger.event.checkpoint_signed.v1.FUYUAN` like any other fact.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

import structlog

from contracts.envelope import Message
from contracts.ledger import CheckpointSigned
from contracts.registry import parse_message
from services.ledger.journal import Journal
from services.ledger.merkle import CompactRange, leaf_hash
from services.ledger.signing import sign_checkpoint
from services.runtime.eventstore import EventStore, StreamWrite
from services.runtime.messaging import PLATFORM, follow, outgoing

log = structlog.get_logger("checkpoints")
STREAM = "checkpoints"


async def signed(store: EventStore) -> list[CheckpointSigned]:
    """Every checkpoint signed so far, oldest first."""
    return [parse_message(e.message).data for e in await store.load(STREAM)]


class Checkpointer:
    def __init__(
        self,
        journal: Journal,
        store: EventStore,
        private_key: str,
        clock: Callable[[], datetime],
        *,
        every: int = 1000,
        interval: float = 10.0,
    ) -> None:
        self.journal, self.store, self.key, self.clock = journal, store, private_key, clock
        self.every, self.interval = every, interval
        self.frontier = CompactRange()
        self.last_size, self.version = 0, 0
        self.last_at: datetime | None = None

    async def load(self) -> None:
        """Rebuild the frontier from the journal and find the last checkpoint."""
        self.frontier = CompactRange.from_leaves(
            [leaf_hash(h) for h in await self.journal.hashes()]
        )
        done = await signed(self.store)
        self.version = len(done)
        self.last_size = done[-1].tree_size if done else 0

    async def _catch_up(self) -> None:
        async for row in self.journal.rows(start=self.frontier.size + 1):
            self.frontier.append(leaf_hash(row.hash))

    def due(self, now: datetime) -> bool:
        grown = self.frontier.size - self.last_size
        if grown <= 0:
            return False
        if grown >= self.every or self.last_at is None:
            return True
        return (now - self.last_at).total_seconds() >= self.interval

    async def step(self, force: bool = False) -> CheckpointSigned | None:
        await self._catch_up()
        now = self.clock()
        if not (self.due(now) or (force and self.frontier.size > self.last_size)):
            return None
        cp = sign_checkpoint(self.frontier.size, self.frontier.root(), now, self.key)
        event = CheckpointSigned(
            tree_size=cp.tree_size,
            root_hash=cp.root_hash,
            signed_at=cp.signed_at,
            key_id=cp.key_id,
            signature=cp.signature,
        )
        msg: Message[CheckpointSigned] = follow(None, event, organization=PLATFORM, now=now)
        await self.store.append(StreamWrite(STREAM, self.version, [outgoing(msg, PLATFORM)]))
        self.version, self.last_size, self.last_at = self.version + 1, cp.tree_size, now
        log.info("checkpoint signed", tree_size=cp.tree_size, root_hash=cp.root_hash)
        return event

    async def run(self, stop: asyncio.Event, tick: float = 1.0) -> None:
        # Bounded, so a lost connection cannot hold the checkpoints for ever; a failed load
        # ends the loop and its supervisor starts it again.
        async with asyncio.timeout(300.0):
            await self.load()
        while not stop.is_set():
            try:
                async with asyncio.timeout(max(60.0, self.interval * 6)):
                    await self.step()
            except Exception as exc:  # a failed checkpoint is tried again next tick
                log.warning("checkpoint failed", error=repr(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick)
