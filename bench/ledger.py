"""Ledger: `Journal.append` throughput against a raw batched COPY, and `audit.verify` speed.

Append: every contender writes the same pre-built `Facts` (what the ledger keeps of a message:
keys, ids, the canonical message bytes), `batch` per call, sequentially, from one connection:
- the journal: `Journal(pool, "ledger").append(facts, recorded_at)` as the ledger's `Recorder`
  calls it: one transaction that locks the head row, chains the hashes (`domain.extend`), COPYs
  the entries and moves the head (its keys are looked up only once the unique message key
  refused one: every fact here is new);
- raw COPY: the same columns into a table with the journal's columns, keys and indexes (no
  triggers, no head), one binary COPY per batch in autocommit, digest columns filled with zero
  bytes: nothing chained, nothing looked up;
- a middle row, `extend` + COPY: the chain computed by `domain.extend` in the client, then one
  COPY per batch in autocommit into another such table: what the hashing costs, and so what is
  left for the transaction around it (BEGIN, the head locked and read, the head moved with the
  COMMIT).

Verify: the journal is filled in bulk to N entries (entries made by `domain.extend` in chunks
and COPYed in directly, the head moved with them), two checkpoints are signed with the ledger's
`Checkpointer` on the way, then `audit.verify` is timed end to end, as `fuyuan audit verify`
runs it. Then, on a prefix, the parts of verify are timed alone: where its time goes.
"""

from __future__ import annotations

import asyncio
import cProfile
import hashlib
import io
import operator
import os
import pstats
import statistics
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg

from bench.common import (
    ORG,
    SUBJECT,
    TRACEPARENT,
    LogCounter,
    Measured,
    Samples,
    batches,
    ratio,
    service_pool_options,
)
from bench.store import checkpoint, choose_events_per_round
from contracts.envelope import Envelope, Message
from services.ledger import audit
from services.ledger.checkpoints import Checkpointer
from services.ledger.domain import GENESIS, Entry, Facts, canonical_body, check, extend
from services.ledger.journal import ALL_COLUMNS, Journal
from services.ledger.merkle import CompactRange, leaf_hash
from services.ledger.settings import LedgerSettings
from services.ledger.signing import generate_key, public_key_of
from services.runtime.eventstore.postgres import PostgresEventStore
from services.runtime.migrations import migrate

LEDGER_SCHEMA = "ledger"
RAW_SCHEMA = "bench_ledger_raw"
CHAIN_SCHEMA = "bench_ledger_chain"
BATCH = int(LedgerSettings.model_fields["batch_size"].default)
"""The ledger's default batch: messages appended to the chain in one transaction."""
CASE_NUMBER = "（2026）豫0482执1234号"

JOURNAL = "fuyuan Journal.append"
CHAINED = "extend + COPY (no lock, lookup, head)"
RAW = "raw asyncpg COPY (no chain)"

ZERO = bytes(32)


# --- The facts every contender writes -----------------------------------------------------


class FactsMaker:
    """Facts as `handlers.facts_of` makes them from a delivered bench message: the body is the
    RFC 8785 canonical JSON of a `bench.event.measured.v1` message with a case number. Only the
    event id differs from one message to the next, so the body is made once and the id put in
    (same length, still canonical) instead of building a million pydantic messages."""

    def __init__(self) -> None:
        eid = uuid.UUID(int=0)
        env = Envelope(
            event_id=eid,
            type=Measured.TYPE,
            occurred_at=datetime.now(UTC),
            organization=ORG,
            correlation_id=eid,
            case_number=CASE_NUMBER,
        )
        note = "执行案件进度通知 — enforcement progress notice; " * 2
        msg: Message[Any] = Message[Measured](envelope=env, data=Measured(n=0, note=note))
        body, _ = canonical_body(msg.model_dump_json().encode())
        self.parts = body.split(str(eid).encode())
        if len(self.parts) != 3:  # event_id and correlation_id
            raise RuntimeError("the bench message's canonical form changed shape")
        self.trace_id = TRACEPARENT.split("-")[1]

    @property
    def body_bytes(self) -> int:
        return sum(len(p) for p in self.parts) + 2 * 36

    def make(self, count: int) -> list[Facts]:
        a, b, c = self.parts
        out = []
        for key in random_uuids(count):
            k = key.encode()
            out.append(
                Facts(
                    key,
                    Measured.TYPE,
                    SUBJECT,
                    ORG,
                    CASE_NUMBER,
                    key,
                    key,
                    None,
                    self.trace_id,
                    a + k + b + k + c,
                    sender=ORG,
                )
            )
        return out


def random_uuids(count: int) -> list[str]:
    """Random version-4 UUIDs as text, from one `os.urandom` call (`str(uuid.uuid4())` costs
    several µs each, which a million entries notice)."""
    h = os.urandom(16 * count).hex()
    variant = "89ab"
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-4{h[i + 13 : i + 16]}-"
        f"{variant[int(h[i + 16], 16) & 3]}{h[i + 17 : i + 20]}-{h[i + 20 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


_FIELDS = (
    "position", "message_key", "event_id", "type", "subject", "organization", "case_number",
    "correlation_id", "causation_id", "trace_id", "body", "message_sha256", "recorded_at",
    "prev_hash", "hash", "sender", "forgery", "detail", "entry_version",
)  # fmt: skip
_IN_COLUMN_ORDER = operator.itemgetter(*(_FIELDS.index(c) for c in ALL_COLUMNS))
"""Puts a row of `_FIELDS` in `journal.ALL_COLUMNS` order, whatever that order is."""


def record(e: Entry, digest: bytes | None = None) -> tuple[Any, ...]:
    """A journal row for COPY; `digest` stands in for the message's SHA-256 when given."""
    f = e.facts
    row = (
        e.position,
        f.message_key,
        f.event_id,
        f.type,
        f.subject,
        f.organization,
        f.case_number,
        f.correlation_id,
        f.causation_id,
        f.trace_id,
        f.body,
        e.message_sha256 if digest is None else digest,
        e.recorded_at,
        e.prev_hash,
        e.hash,
        f.sender,
        f.forgery,
        f.detail,
        f.version,
    )
    return tuple(_IN_COLUMN_ORDER(row))


# --- Append contenders ---------------------------------------------------------------------


class JournalAppend:
    name = JOURNAL

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.journal = Journal(pool, LEDGER_SCHEMA)

    @classmethod
    async def open(cls, url: str) -> JournalAppend:
        options, _ = service_pool_options()
        pool = await asyncpg.create_pool(url, min_size=1, max_size=1, **options)
        async with pool.acquire() as conn:
            await migrate(conn, LEDGER_SCHEMA)
        return cls(pool)

    async def round(self, facts: Sequence[Facts], batch: int) -> float:
        append = self.journal.append
        start = time.perf_counter()
        for chunk in batches(facts, batch):
            entries = await append(chunk, datetime.now(UTC))
            if len(entries) != len(chunk):
                raise RuntimeError("the journal took some new facts for duplicates")
        return time.perf_counter() - start

    async def close(self) -> None:
        await self.pool.close()


async def plain_journal_table(conn: asyncpg.Connection, schema: str) -> None:
    """The journal's columns, primary key, unique key and indexes; no triggers, no head."""
    await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    await conn.execute(
        f'CREATE TABLE IF NOT EXISTS "{schema}".journal '
        f'(LIKE "{LEDGER_SCHEMA}".journal INCLUDING ALL)'
    )


class CopyInsert:
    """One connection, one binary COPY per batch in autocommit. `chain`: the entries come from
    `domain.extend` after a head kept in memory; else the digest columns are zero bytes."""

    def __init__(self, conn: asyncpg.Connection, chain: bool) -> None:
        self.conn, self.chain = conn, chain
        self.name = CHAINED if chain else RAW
        self.schema = CHAIN_SCHEMA if chain else RAW_SCHEMA
        self.position, self.head = 0, GENESIS

    @classmethod
    async def open(cls, url: str, chain: bool) -> CopyInsert:
        conn = await asyncpg.connect(url)
        contender = cls(conn, chain)
        await plain_journal_table(conn, contender.schema)
        return contender

    async def round(self, facts: Sequence[Facts], batch: int) -> float:
        conn, schema = self.conn, self.schema
        start = time.perf_counter()
        for chunk in batches(facts, batch):
            now = datetime.now(UTC)
            if self.chain:
                entries = extend(self.position, self.head, chunk, now)
                records = [record(e) for e in entries]
                self.head = entries[-1].hash
            else:
                records = [
                    record(Entry(self.position + i + 1, f, now, ZERO, ZERO), ZERO)
                    for i, f in enumerate(chunk)
                ]
            await conn.copy_records_to_table(
                "journal", schema_name=schema, columns=ALL_COLUMNS, records=records
            )
            self.position += len(chunk)
        return time.perf_counter() - start

    async def close(self) -> None:
        await self.conn.close()


@dataclass
class LedgerAppendResult:
    batch: int
    events_per_round: int
    rounds: int
    samples: dict[str, Samples] = field(default_factory=dict)
    paired: dict[str, list[float]] = field(default_factory=dict)
    """Per-round ratios `journal / contender`, measured back to back in the same round."""
    cpu_us: dict[str, list[float]] = field(default_factory=dict)
    """Client CPU µs per event, per round."""
    facts_us: float = float("nan")
    """What the ledger's handler spends per message before `append` (`facts_of`), µs."""
    body_bytes: int = 0

    def median_ratio(self, other: str) -> float:
        values = self.paired.get(other, [])
        return statistics.median(values) if values else float("nan")

    def round_ratio(self, a: str, b: str) -> float:
        """Median over the rounds of a's rate over b's, measured in the same round."""
        x, y = self.samples[a].rates, self.samples[b].rates
        return statistics.median(p / q for p, q in zip(x, y, strict=True)) if x else float("nan")

    def cpu(self, name: str) -> float:
        values = self.cpu_us.get(name, [])
        return statistics.median(values) if values else float("nan")


def facts_of_cost(count: int = 2000, repeats: int = 5) -> float:
    """Client µs per message of the ledger's `facts_of` (canonical JSON, envelope peek) on
    deliveries of bench messages: paid by the service before `append`, by no contender here."""
    from bench.common import measured
    from services.ledger.handlers import facts_of
    from services.runtime.consumer import Delivery

    deliveries = [
        Delivery(
            SUBJECT, e.message.model_dump_json().encode(), {"traceparent": TRACEPARENT}, 1, i + 1
        )
        for i, e in enumerate(measured(n) for n in range(count))
    ]
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for d in deliveries:
            facts_of(d)
        samples.append((time.perf_counter() - start) / count * 1e6)
    return statistics.median(samples)


async def run_ledger_append(
    url: str,
    *,
    rounds: int,
    warmup: int,
    target: float,
    cap: float,
    fixed_events: int | None = None,
    log: Callable[[str], None] = print,
) -> LedgerAppendResult:
    batch = BATCH
    maker = FactsMaker()
    journal = await JournalAppend.open(url)  # migrates "ledger" first: the others copy its table
    contenders: list[JournalAppend | CopyInsert] = [
        journal,
        await CopyInsert.open(url, chain=True),
        await CopyInsert.open(url, chain=False),
    ]
    try:
        warm_rates = []
        for c in contenders:
            n = max(batch, warmup // batch * batch)
            seconds = await c.round(maker.make(n), batch)
            warm_rates.append(n / seconds)
            log(f"  warm-up {c.name:<38} batch {batch}: {n / seconds:>9,.0f} events/s")
        n = fixed_events or choose_events_per_round(warm_rates, batch, target, cap)
        result = LedgerAppendResult(batch, n, rounds, body_bytes=maker.body_bytes)
        result.samples = {c.name: Samples(c.name) for c in contenders}
        for r in range(rounds):
            facts = maker.make(n)
            order = contenders[r % len(contenders) :] + contenders[: r % len(contenders)]
            this_round: dict[str, float] = {}
            for c in order:
                await checkpoint(url)
                cpu = time.process_time()
                seconds = await c.round(facts, batch)
                cpu = time.process_time() - cpu
                result.samples[c.name].add(n, seconds)
                result.cpu_us.setdefault(c.name, []).append(cpu / n * 1e6)
                this_round[c.name] = n / seconds
            for name, rate in this_round.items():
                if name != JOURNAL:
                    result.paired.setdefault(name, []).append(ratio(this_round[JOURNAL], rate))
            log(
                f"  round {r + 1}/{rounds}, {n:,} events: "
                + ", ".join(f"{k} {v:,.0f}/s" for k, v in this_round.items())
            )
        result.facts_us = facts_of_cost()
        return result
    finally:
        for c in contenders:
            await c.close()


# --- Verify --------------------------------------------------------------------------------


@dataclass
class VerifyPart:
    label: str
    us_per_entry: float
    within: bool = False
    """Part of the row above (left out of the sum)."""


@dataclass
class VerifyResult:
    entries: int
    checkpoints: int
    fill_seconds: float
    seconds: float
    cpu_seconds: float
    ok: bool
    problems: list[str] = field(default_factory=list)
    parts: list[VerifyPart] = field(default_factory=list)
    parts_entries: int = 0
    table_bytes: int = 0
    profile: str = ""

    @property
    def rate(self) -> float:
        return self.entries / self.seconds if self.seconds else float("nan")

    @property
    def cpu_share(self) -> float:
        return self.cpu_seconds / self.seconds if self.seconds else float("nan")


class _Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def fill_journal(
    pool: asyncpg.Pool,
    total: int,
    checkpointer: Checkpointer,
    clock: _Clock,
    *,
    chunk: int = 10_000,
    sign_at: Sequence[int] = (),
    log: Callable[[str], None] = print,
) -> int:
    """Extend the journal to `total` entries as fast as the client can hash: `domain.extend`
    over chunks of new facts, built in a thread while the previous chunk's COPY is sent, one
    COPY and head update per chunk in a transaction. The checkpointer's frontier is fed on the
    way, and it signs a checkpoint (its own `step`) when the journal reaches each `sign_at`."""
    async with pool.acquire() as conn:
        head = await conn.fetchrow(f'SELECT position, hash FROM "{LEDGER_SCHEMA}".head')
    position, prev = int(head["position"]), bytes(head["hash"])
    frontier = CompactRange.from_leaves(
        [leaf_hash(h) for h in await Journal(pool, LEDGER_SCHEMA).hashes()]
    )
    if frontier.size != position:
        raise RuntimeError(f"the journal holds {frontier.size} entries, its head says {position}")
    checkpointer.frontier = frontier
    signs = sorted(s for s in sign_at if position < s <= total)
    maker = FactsMaker()
    loop = asyncio.get_running_loop()

    def build(start: int, prev_hash: bytes, size: int) -> tuple[list[tuple[Any, ...]], bytes]:
        entries = extend(start, prev_hash, maker.make(size), datetime.now(UTC))
        for e in entries:  # one build at a time: the frontier grows in order
            frontier.append(leaf_hash(e.hash))
        return [record(e) for e in entries], entries[-1].hash

    async def write(records: list[tuple[Any, ...]], last: int, last_hash: bytes) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.copy_records_to_table(
                "journal", schema_name=LEDGER_SCHEMA, columns=ALL_COLUMNS, records=records
            )
            await conn.execute(
                f'UPDATE "{LEDGER_SCHEMA}".head SET position = $1, hash = $2', last, last_hash
            )

    writing: asyncio.Future[None] | None = None
    started, reported = time.perf_counter(), position
    while position < total:
        size = min(chunk, total - position, (signs[0] - position) if signs else chunk)
        records, prev = await loop.run_in_executor(None, build, position, prev, size)
        if writing is not None:
            await writing
        position += size
        writing = asyncio.ensure_future(write(records, position, prev))
        if signs and position == signs[0]:
            await writing
            writing = None
            signs.pop(0)
            clock.now = datetime.now(UTC)
            if await checkpointer.step(force=True) is None:
                raise RuntimeError(f"no checkpoint signed at {position}")
        if position - reported >= 200_000:
            rate = (position - reported) / (time.perf_counter() - started)
            log(f"  filled {position:,} of {total:,} entries ({rate:,.0f}/s)")
            started, reported = time.perf_counter(), position
    if writing is not None:
        await writing
    return position


async def _parts(pool: asyncpg.Pool, count: int) -> list[VerifyPart]:
    """The parts of `audit.verify` timed alone on the first `count` entries: reading the rows
    (`Journal.rows`: query, decode, `StoredRow`), `domain.check` (digest of the message, the
    entry's JSON encoding and its hash), and the Merkle frontier (`leaf_hash`, `CompactRange`)."""
    journal = Journal(pool, LEDGER_SCHEMA)
    start = time.perf_counter()
    rows = []
    async for r in journal.rows(batch=5000):
        rows.append(r)
        if len(rows) >= count:
            break
    read = time.perf_counter() - start
    count = len(rows)
    start = time.perf_counter()
    hashes = [h for h in check(rows) if isinstance(h, bytes)]
    checked = time.perf_counter() - start
    if len(hashes) != count:
        raise RuntimeError("the journal's chain is broken in the bench's prefix")
    body_digests = time.perf_counter()
    for r in rows:
        hashlib.sha256(r.facts.body).digest()
    body_digests = time.perf_counter() - body_digests
    start = time.perf_counter()
    frontier = CompactRange()
    for h in hashes:
        frontier.append(leaf_hash(h))
    merkle = time.perf_counter() - start
    us = 1e6 / count
    return [
        VerifyPart("read: Journal.rows (pages of 5,000: query, decode, StoredRow)", read * us),
        VerifyPart("check: domain.check (message digest, entry JSON, entry hash)", checked * us),
        VerifyPart("… of which the message digest, sha256(body)", body_digests * us, True),
        VerifyPart("merkle: leaf_hash + CompactRange.append", merkle * us),
    ]


def _profile_text(profiler: cProfile.Profile, lines: int = 14) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


async def run_verify(
    url: str,
    *,
    entries: int,
    parts_entries: int,
    profile: bool = False,
    log: Callable[[str], None] = print,
) -> VerifyResult:
    """Fill the journal to `entries`, sign two checkpoints (at half and at the end), then time
    `audit.verify` as `fuyuan audit verify` runs it (a pool of up to four connections)."""
    pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
    try:
        with LogCounter().installed():  # the checkpointer's log lines: counted, not printed
            return await _verify(pool, entries, parts_entries, profile, log)
    finally:
        await pool.close()


async def _verify(
    pool: asyncpg.Pool,
    entries: int,
    parts_entries: int,
    profile: bool,
    log: Callable[[str], None],
) -> VerifyResult:
    key = generate_key()
    async with pool.acquire() as conn:
        await migrate(conn, LEDGER_SCHEMA)
    journal = Journal(pool, LEDGER_SCHEMA)
    store = PostgresEventStore(pool, LEDGER_SCHEMA)
    clock = _Clock()
    checkpointer = Checkpointer(journal, store, key, clock)
    await checkpointer.load()
    start = time.perf_counter()
    await fill_journal(pool, entries, checkpointer, clock, sign_at=(entries // 2, entries), log=log)
    fill_seconds = time.perf_counter() - start
    log(f"  filled to {entries:,} entries in {fill_seconds:.0f} s ")
    async with pool.acquire() as conn:
        await conn.execute(f'VACUUM ANALYZE "{LEDGER_SCHEMA}".journal')
        await conn.execute("CHECKPOINT")
        size = await conn.fetchval(f"SELECT pg_total_relation_size('\"{LEDGER_SCHEMA}\".journal')")
    public = public_key_of(key)
    cpu, start = time.process_time(), time.perf_counter()
    report = await audit.verify(journal, store, public)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    log(
        f"  audit.verify: {report.entries:,} entries, {report.checkpoints} checkpoints in "
        f"{seconds:.1f} s ({report.entries / seconds:,.0f} entries/s), ok={report.ok}"
    )
    problems = list(report.problems)
    if report.broken:
        problems.insert(0, f"broken at {report.broken.position}: {report.broken.reason}")
    if report.entries != entries or report.checkpoints != 2:
        problems.append(f"expected {entries:,} entries and 2 checkpoints")
    result = VerifyResult(
        entries=report.entries,
        checkpoints=report.checkpoints,
        fill_seconds=fill_seconds,
        seconds=seconds,
        cpu_seconds=cpu,
        ok=report.ok and not problems,
        problems=problems,
        table_bytes=int(size or 0),
    )
    if parts_entries:
        samples = [await _parts(pool, parts_entries) for _ in range(3)]
        result.parts = [
            VerifyPart(p.label, statistics.median(s[i].us_per_entry for s in samples), p.within)
            for i, p in enumerate(samples[0])
        ]
        result.parts_entries = min(parts_entries, entries)
    if profile:
        result.profile = await profile_verify(journal, store, public)
    return result


async def profile_verify(journal: Journal, store: PostgresEventStore, public_key: str) -> str:
    """`audit.verify` once more, under cProfile: the top functions by own time (diagnostics,
    printed on the terminal; it runs about 1.5 × slower than without the profiler)."""
    profiler = cProfile.Profile()
    profiler.enable()
    await audit.verify(journal, store, public_key)
    profiler.disable()
    return _profile_text(profiler, lines=20)
