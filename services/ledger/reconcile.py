"""对账 — is everything that crossed the system in the journal, as it was?

Two comparisons, both by content and not only by id:
- every message of every context stream and of the DEADLETTER stream against the journal entry
  at its key `<STREAM>:<sequence>`: missing, or journaled with another canonical digest. A stream
  keeps its messages for a time (its retention): journal entries older than its first message
  have aged out of it, which is counted, not a failure; a gap inside what it holds still is;
- every event of each service's own log against the journal entries of its public messages (by
  event id, with their digests), naming apart the events its relay set aside (`relay_set_aside`)
  rather than counting them as lost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg
from nats.aio.client import Client
from nats.js.api import DiscardPolicy, StreamInfo
from nats.js.errors import NotFoundError

from contracts.subjects import DEADLETTER_ACTIONS, DEADLETTER_ROOT, DEADLETTER_STREAM, stream_name
from services.ledger.domain import canonical_body
from services.ledger.handlers import facts_of
from services.ledger.journal import Journal, other_place
from services.ledger.streams import StreamMessage, messages
from services.runtime.consumer import Delivery

_SEQUENCE = "split_part(split_part(message_key, ':', 2), '~', 1)::bigint"
"""`sequence_of` in SQL."""
PAGE = 512
"""Stream messages looked up in the journal with one query."""
PUBLIC_KINDS = ("event", "notice", "rejection")


@dataclass(frozen=True)
class SetAside:
    """An event the relay could not publish, with its reason (table `relay_set_aside`)."""

    position: int
    event_id: str
    subject: str
    size: int
    reason: str
    set_aside_at: datetime


@dataclass
class StreamCheck:
    """A stream against the journal: keys the journal lacks, keys whose content differs, and
    journal keys of the stream that the stream no longer holds."""

    stream: str
    messages: int = 0
    missing: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)
    journal_only: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    """Dead letters journaled, then removed from the stream after an operator's recorded action."""
    aged_out: int = 0
    """Journal entries of the stream older than its first message, which its retention (age or
    size) removed: not a failure, the journal keeps them."""
    first: int = 1
    """The stream's first sequence, from which it was compared."""

    @property
    def clean(self) -> bool:
        return not (self.missing or self.differs or self.journal_only)


@dataclass(frozen=True)
class Reconciliation:
    """A service's own event log against the journal."""

    context: str
    missing_from_journal: list[str]
    """Event ids of the service's log that no journal entry of its public messages holds."""
    missing_from_service: list[str]
    """Event ids journaled as the service's public messages that its log does not hold."""
    differs: list[str] = field(default_factory=list)
    """Event ids journaled with other content than the service's log holds."""
    set_aside: list[SetAside] = field(default_factory=list)
    """Events the relay set aside: in the log, never published, so never journaled."""

    @property
    def clean(self) -> bool:
        return not (self.missing_from_journal or self.missing_from_service or self.differs)


def digests_of(m: StreamMessage) -> set[bytes]:
    """The digests a faithful entry of this message can have: of its canonical bytes as the
    ledger makes them, or of the raw bytes (kept raw when its entry was refused)."""
    facts = facts_of(Delivery(m.subject, m.data, m.headers, 1, m.sequence))
    return {hashlib.sha256(facts.body).digest(), hashlib.sha256(m.data).digest()}


async def _pages(source: AsyncIterator[StreamMessage]) -> AsyncIterator[list[StreamMessage]]:
    page: list[StreamMessage] = []
    async for m in source:
        page.append(m)
        if len(page) == PAGE:
            yield page
            page = []
    if page:
        yield page


async def check_stream(journal: Journal, nc: Client, stream: str) -> StreamCheck:
    """Every message of `stream` at its key in the journal, with the same content; journal keys
    of the stream from its first sequence on that it does not hold; those before, counted as
    aged out when the stream's limits remove its oldest messages."""
    report, present, last, acted = StreamCheck(stream), set[int](), 0, set[int]()
    async for page in _pages(messages(nc, stream)):
        acted |= {seq for m in page if (seq := acted_on(m)) is not None}
        present |= await _check_page(journal, stream, page, report)
        last = page[-1].sequence
    # Read after the messages: whatever aged out while they were read is before the first
    # sequence now. A message published meanwhile may be journaled already: only keys up to the
    # last one read, or past the stream's end now, are certainly not the stream's.
    info = await _info(nc, stream)
    end = info.state.last_seq if info else 0
    first = info.state.first_seq if info and ages(info) else 0
    report.first = max(first, 1)
    if first > 1:
        report.aged_out = await _aged_out(journal, stream, present, first)
    only = await _journal_only(journal, stream, present, first, last, max(end, last))
    report.removed = [k for k in only if sequence_of(k) in acted]
    report.journal_only = [k for k in only if sequence_of(k) not in acted]
    return report


async def _info(nc: Client, stream: str) -> StreamInfo | None:
    try:
        return await nc.jetstream().stream_info(stream)
    except NotFoundError:
        return None


def ages(info: StreamInfo) -> bool:
    """Whether the stream's limits remove its oldest messages (an age, a size or a count, the
    oldest discarded): only then is a journal entry before its first message aged out rather
    than removed (a dead letter after an operator's action, or by hand)."""
    c = info.config
    limited = (c.max_age or 0) > 0 or (c.max_bytes or 0) > 0 or (c.max_msgs or 0) > 0
    return limited and c.discard in (None, DiscardPolicy.OLD)


async def _aged_out(journal: Journal, stream: str, present: set[int], first: int) -> int:
    """Journal keys of the stream before `first` that were not read from it (a message read
    before it aged out was compared)."""
    count: int = await journal.pool.fetchval(
        f'SELECT count(*) FROM "{journal.schema}".journal '
        f"WHERE starts_with(message_key, $1) AND {_SEQUENCE} < $2",
        f"{stream}:",
        first,
    )
    return count - sum(1 for seq in present if seq < first)


def sequence_of(key: str) -> int:
    """The stream sequence of a key `<STREAM>:<sequence>` (or `…~<digest>`, see other_place)."""
    return int(key.rpartition(":")[2].partition("~")[0])


async def _check_page(
    journal: Journal, stream: str, page: list[StreamMessage], report: StreamCheck
) -> set[int]:
    """Check one page of the stream; returns the sequences journaled under their place."""
    wanted = {f"{stream}:{m.sequence}": (m, digests_of(m)) for m in page}
    found = await journal.digests(list(wanted))
    moved = {
        other_place(key, d): key
        for key, (_, ds) in wanted.items()
        if key in found and found[key] not in ds
        for d in ds
    }
    if moved:  # another message at the same place (a stream created again): its own key
        for other, moved_digest in (await journal.digests(list(moved))).items():
            found[moved[other]] = moved_digest
    legacy = await _legacy_digests(journal, [m for k, (m, _) in wanted.items() if k not in found])
    for key, (m, ds) in wanted.items():
        digest = found.get(key) or legacy.get((m.subject, m.sequence))
        report.messages += 1
        if digest is None:
            report.missing.append(key)
        elif digest not in ds:
            report.differs.append(key)
    return {m.sequence for k, (m, _) in wanted.items() if k in found}


def acted_on(m: StreamMessage) -> int | None:
    """The sequence of the dead letter an operator's action (replayed, dropped) names: the
    letter is then deleted from the stream, after the ledger journaled it."""
    if not m.subject.startswith(f"{DEADLETTER_ROOT}.{DEADLETTER_ACTIONS}."):
        return None
    try:
        body = json.loads(m.data)
    except (ValueError, RecursionError):
        return None
    seq = body.get("sequence") if isinstance(body, dict) else None
    return seq if type(seq) is int else None


async def _legacy_digests(
    journal: Journal, unkeyed: list[StreamMessage]
) -> dict[tuple[str, int], bytes]:
    """Entries of format v1 were keyed by the envelope's event id (or `nats:<STREAM>:<seq>`):
    find those by event id and subject."""
    wanted = {}
    for m in unkeyed:
        facts = facts_of(Delivery(m.subject, m.data, m.headers, 1, m.sequence))
        wanted[(m.subject, m.sequence)] = (facts.event_id, f"nats:{facts.message_key}")
    if not wanted:
        return {}
    rows = await journal.pool.fetch(
        f'SELECT message_key, event_id, subject, message_sha256 FROM "{journal.schema}".journal '
        "WHERE entry_version = 1 AND (event_id = any($1) OR message_key = any($2))",
        [e for e, _ in wanted.values() if e],
        [k for _, k in wanted.values()],
    )
    by_key = {(r["event_id"], r["subject"]): bytes(r["message_sha256"]) for r in rows}
    by_key |= {(r["message_key"], None): bytes(r["message_sha256"]) for r in rows}
    out = {}
    for (subject, seq), (event_id, key) in wanted.items():
        digest = by_key.get((event_id, subject)) or by_key.get((key, None))
        if digest is not None:
            out[(subject, seq)] = digest
    return out


async def _journal_only(
    journal: Journal, stream: str, present: set[int], first: int, last: int, end: int
) -> list[str]:
    """Journal keys of the stream from `first` on that the stream did not give back: a message
    purged or deleted from the stream, or an entry that never crossed it."""
    where = (
        f'FROM "{journal.schema}".journal WHERE starts_with(message_key, $1) '
        f"AND (({_SEQUENCE} >= $2 AND {_SEQUENCE} <= $3) OR {_SEQUENCE} > $4)"
    )
    args = (f"{stream}:", first, last, end)
    count = await journal.pool.fetchval(f"SELECT count(*) {where}", *args)
    if count <= sum(1 for seq in present if seq >= first):
        return []
    rows = await journal.pool.fetch(f"SELECT message_key {where}", *args)
    return sorted((r[0] for r in rows if sequence_of(r[0]) not in present), key=sequence_of)


async def check_streams(
    journal: Journal, nc: Client, contexts: tuple[str, ...]
) -> list[StreamCheck]:
    names = [stream_name(c) for c in contexts] + [DEADLETTER_STREAM]
    return [await check_stream(journal, nc, name) for name in names]


async def relay_set_aside(pool: asyncpg.Pool, context: str) -> list[SetAside]:
    """What the context's relay set aside; nothing in a database older than that table."""
    try:
        rows = await pool.fetch(
            "SELECT position, event_id::text, subject, size, reason, set_aside_at "
            f'FROM "{context}".relay_set_aside ORDER BY position'
        )
    except asyncpg.UndefinedTableError:
        return []
    return [SetAside(*r) for r in rows]


async def _service_log(pool: asyncpg.Pool, context: str) -> list[asyncpg.Record]:
    """The service's events; none when the service never ran against this database."""
    try:
        return await pool.fetch(f'SELECT event_id::text, message::text FROM "{context}".events')
    except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        return []


async def check_service(pool: asyncpg.Pool, context: str) -> Reconciliation:
    """The service's own log against the journal entries of its public messages, by event id
    and canonical digest, both ways; events its relay set aside are named apart."""
    service = {
        r[0]: hashlib.sha256(canonical_body(r[1].encode())[0]).digest()
        for r in await _service_log(pool, context)
    }
    rows = await pool.fetch(
        "SELECT event_id, message_sha256 FROM ledger.journal WHERE event_id IS NOT NULL "
        "AND starts_with(subject, $1) AND split_part(subject, '.', 2) = any($2)",
        f"{context}.",
        list(PUBLIC_KINDS),
    )
    journal: dict[str, set[bytes]] = {}
    for r in rows:
        journal.setdefault(r[0], set()).add(bytes(r[1]))
    aside = await relay_set_aside(pool, context)
    aside_ids = {a.event_id for a in aside}
    return Reconciliation(
        context,
        sorted(set(service) - set(journal) - aside_ids),
        sorted(set(journal) - set(service)),
        sorted(e for e, d in service.items() if e in journal and d not in journal[e]),
        aside,
    )


async def reconcile(pool: asyncpg.Pool, contexts: tuple[str, ...]) -> list[Reconciliation]:
    """Each service's own log against the journal (the streams: `check_streams`)."""
    return [await check_service(pool, ctx) for ctx in contexts]
