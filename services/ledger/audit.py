"""审计 — what an auditor asks of the journal: is it intact, prove this entry, does the newer
checkpoint extend the older, does every service's log match it, what happened in this case."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg

from contracts.ledger import CheckpointSigned
from services.ledger.checkpoints import signed
from services.ledger.domain import GENESIS, Break, StoredRow, check
from services.ledger.journal import Journal
from services.ledger.merkle import CompactRange, consistency_proof, inclusion_proof, leaf_hash
from services.ledger.proofs import consistency_doc, inclusion_doc
from services.ledger.signing import Checkpoint, verify_checkpoint
from services.runtime.eventstore import EventStore


def as_checkpoint(e: CheckpointSigned) -> Checkpoint:
    return Checkpoint(e.tree_size, e.root_hash, e.signed_at, e.key_id, e.signature)


@dataclass
class Verification:
    entries: int = 0
    checkpoints: int = 0
    broken: Break | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.problems


def _checkpoint_problem(cp: Checkpoint, frontier: CompactRange, public_key: str) -> str | None:
    if frontier.root().hex() != cp.root_hash:
        return f"checkpoint {cp.tree_size}: the journal's root differs from the signed root"
    if not verify_checkpoint(cp, public_key):
        return f"checkpoint {cp.tree_size}: the signature does not verify with this key"
    return None


async def verify(journal: Journal, store: EventStore, public_key: str) -> Verification:
    """Recompute the whole chain and every checkpoint; name the first broken position."""
    cps = sorted((as_checkpoint(c) for c in await signed(store)), key=lambda c: c.tree_size)
    report, frontier, pending = Verification(), CompactRange(), list(cps)
    async for item in _checked(journal):
        if isinstance(item, Break):
            report.broken = item
            break
        frontier.append(leaf_hash(item))
        report.entries += 1
        while pending and pending[0].tree_size == frontier.size:
            problem = _checkpoint_problem(pending.pop(0), frontier, public_key)
            report.checkpoints += 1
            if problem:
                report.problems.append(problem)
    await _check_tail(journal, report, pending)
    return report


async def _checked(journal: Journal) -> Any:
    async for batch in _pages(journal):
        for item in check(batch.rows, batch.start, batch.prev):
            yield item
            if isinstance(item, Break):
                return


@dataclass
class _Page:
    rows: list[StoredRow]
    start: int
    prev: bytes


async def _pages(journal: Journal, size: int = 5000) -> Any:
    start, prev, page = 1, GENESIS, []
    async for r in journal.rows(batch=size):
        page.append(r)
        if len(page) == size:
            yield _Page(page, start, prev)
            start, prev, page = page[-1].position + 1, page[-1].hash, []
    if page:
        yield _Page(page, start, prev)


async def _check_tail(journal: Journal, report: Verification, pending: list[Checkpoint]) -> None:
    if report.broken:
        return
    head_position, _ = await journal.head()
    if head_position > report.entries:
        report.broken = Break(report.entries + 1, f"entry {report.entries + 1} is missing "
                              f"(the head says {head_position} entries)")  # fmt: skip
    for cp in pending:
        report.problems.append(f"checkpoint {cp.tree_size} covers entries the journal lacks")


async def latest_checkpoint(store: EventStore, covering: int = 1) -> Checkpoint | None:
    cps = [as_checkpoint(c) for c in await signed(store) if c.tree_size >= covering]
    return cps[-1] if cps else None


async def prove(journal: Journal, store: EventStore, key: str) -> dict[str, Any]:
    """An inclusion proof of the entry with this event id (or message key)."""
    rows = await journal.find("event_id = $1 OR message_key = $1", key)
    if not rows:
        raise LookupError(f"no journal entry for {key}")
    row = rows[0]
    cp = await latest_checkpoint(store, covering=row.position)
    if cp is None:
        raise LookupError(f"entry {row.position} is not covered by a signed checkpoint yet")
    leaves = [leaf_hash(h) for h in await journal.hashes(upto=cp.tree_size)]
    return inclusion_doc(row, inclusion_proof(leaves, row.position - 1), cp)


async def consistency(
    journal: Journal, store: EventStore, old_size: int | None, new_size: int | None
) -> dict[str, Any]:
    """A consistency proof between two signed checkpoints (default: the first and the last)."""
    cps = {c.tree_size: as_checkpoint(c) for c in await signed(store)}
    if not cps:
        raise LookupError("no signed checkpoint yet")
    old = cps.get(old_size if old_size is not None else min(cps))
    new = cps.get(new_size if new_size is not None else max(cps))
    if old is None or new is None or old.tree_size > new.tree_size:
        raise LookupError(f"no signed checkpoints of sizes {old_size} ≤ {new_size}; "
                          f"known sizes: {sorted(cps)}")  # fmt: skip
    leaves = [leaf_hash(h) for h in await journal.hashes(upto=new.tree_size)]
    return consistency_doc(old, new, consistency_proof(leaves, old.tree_size))


@dataclass(frozen=True)
class Reconciliation:
    context: str
    missing_from_journal: list[str]
    missing_from_service: list[str]


async def reconcile(pool: asyncpg.Pool, contexts: tuple[str, ...]) -> list[Reconciliation]:
    """Each service's published events against the journal, by event id, both ways."""
    out = []
    for ctx in contexts:
        service = {r[0] for r in await pool.fetch(f'SELECT event_id::text FROM "{ctx}".events')}
        journal = {r[0] for r in await pool.fetch(
            "SELECT event_id FROM ledger.journal WHERE event_id IS NOT NULL AND subject LIKE $1 "
            "AND split_part(subject, '.', 2) IN ('event', 'notice', 'rejection')", f"{ctx}.%")}  # fmt: skip
        out.append(Reconciliation(ctx, sorted(service - journal), sorted(journal - service)))
    return out


async def history(journal: Journal, key: str) -> list[StoredRow]:
    """Every entry of a case (by case number) or a flow (by correlation id), and every entry of
    the flows those belong to, in journal order."""
    first = await journal.find("case_number = $1 OR correlation_id = $1", key)
    flows = sorted({r.facts.correlation_id for r in first if r.facts.correlation_id})
    more = await journal.find("correlation_id = any($1)", flows) if flows else []
    seen = {r.position: r for r in first + more}
    return [seen[p] for p in sorted(seen)]
