"""Load → decide → append for a service whose state per stream is folded from its own events.

A service gives its initial state, its `evolve` and its pure decision; this module reads the
stream (from a cached state on), turns the decision's payloads into messages of the log and
appends them with the inbox row of the message acted on, deciding again at once when another
writer moved the stream meanwhile. It knows no service: everything it needs is a parameter."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from contracts.envelope import Envelope
from contracts.registry import parse_message
from services.runtime.eventstore import (
    ConcurrencyError,
    EventStore,
    InboxEntry,
    NewEvent,
    StreamWrite,
)
from services.runtime.messaging import follow, outgoing

S = TypeVar("S")

RETRIES = 3
"""How often a write is decided again when another writer moved the stream meanwhile."""


async def load_state(
    store: EventStore, stream_id: str, evolve: Callable[[S, Any], S], start: tuple[S, int]
) -> tuple[S, int]:
    """The state and its version, from `start` (a state known at a version) on."""
    state, version = start
    for stored in await store.load(stream_id, after_version=version):
        state = evolve(state, parse_message(stored.message).data)
        version = stored.version
    return state, version


KEPT_STATES = 256
"""States a cache keeps, the most recently loaded. What it saves is re-reading the stream of a
case being worked on now (the answers to one query arrive within seconds of each other); a
case state of enforcement is tens of KiB, so 10,000 of them kept a service's memory growing
past 400 MiB over a province's day (docs/SCALING.md) for loads that are rare."""


class StateCache(Generic[S]):
    """States as last loaded, so a load reads only the events after them instead of replaying
    the whole stream. Safe because states are immutable and only committed events are read:
    whatever another writer appended since is read on the next load. Keyed by what the
    service names a stream by; `stream` gives the stream's id for the key."""

    def __init__(
        self,
        initial: Callable[[], S],
        evolve: Callable[[S, Any], S],
        stream: Callable[[str], str] = str,
        size: int | None = None,
    ) -> None:
        self.initial, self.evolve, self.stream = initial, evolve, stream
        self.size = KEPT_STATES if size is None else size
        self._cases = OrderedDict[str, tuple[S, int]]()

    async def load(self, store: EventStore, key: str) -> tuple[S, int]:
        known = self._cases.pop(key, (self.initial(), 0))
        loaded = await load_state(store, self.stream(key), self.evolve, known)
        self._keep(key, loaded)
        return loaded

    def appended(self, key: str, state: S, version: int, events: Sequence[NewEvent]) -> None:
        """This process appended `events` at `version` on `state` (committed): keep the state
        they lead to, so the next load reads only what others wrote after them rather than
        reading and parsing them again. Kept only over the same state or an older one: a load
        that went further meanwhile is left as it is."""
        kept = self._cases.get(key)
        if kept is not None and kept[1] > version:
            return
        for e in events:
            state = self.evolve(state, e.message.data)
        self._cases.pop(key, None)
        self._keep(key, (state, version + len(events)))

    def _keep(self, key: str, loaded: tuple[S, int]) -> None:
        self._cases[key] = loaded
        if len(self._cases) > self.size:
            self._cases.popitem(last=False)


def emit(
    outs: Iterable[tuple[Any, str]],
    cause: Envelope | None,
    actor: str,
    now: datetime,
    case_number: str | None,
    rejecting: str | None = None,
) -> list[NewEvent]:
    """Messages for the log: an event acts as its subject's organization, a notice is sent by
    `actor` to its subject's organization, a rejection by `rejecting` (by `actor` if None)."""
    out = []
    for payload, org in outs:
        kind = payload.kind()
        acting = org if kind == "event" else (rejecting or actor) if kind == "rejection" else actor
        msg = follow(cause, payload, organization=acting, now=now, case_number=case_number)
        out.append(outgoing(msg, org))
    return out


async def act(
    store: EventStore,
    load: Callable[[], Awaitable[tuple[S, int]]],
    stream_id: str,
    decide: Callable[[S], list[NewEvent]],
    inbox: InboxEntry | None,
    retries: int = RETRIES,
    appended: Callable[[S, int, list[NewEvent]], None] | None = None,
) -> None:
    """Load → decide → append at the version loaded, with the inbox row; again at once (up to
    `retries` times) if another writer moved the stream meanwhile, rather than waiting for a
    redelivery. Without an inbox row, a decision of nothing writes nothing. `appended` is told
    what was appended on which state at which version, once it is committed (a cache)."""
    for attempt in range(1, retries + 1):
        state, version = await load()
        events = decide(state)
        if not events and inbox is None:
            return  # nothing decided and no message to mark as acted on
        try:
            await store.append(StreamWrite(stream_id, version, events), inbox=inbox)
            if appended is not None and events:
                appended(state, version, events)
            return
        except ConcurrencyError:
            if attempt == retries:
                raise
