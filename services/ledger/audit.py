"""审计 — what an auditor asks of the journal: is it intact (against the ledger's own checkpoints
and, above all, against checkpoints held outside its tables), prove this entry, does the newer
checkpoint extend the older, what happened in this case, who tried to forge a sender."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

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


OWN_LOG = "the ledger's own log"
"""Source of the checkpoints in the ledger's tables: where an attacker of the database is."""


@dataclass(frozen=True)
class Held:
    """A signed checkpoint and where the auditor found it."""

    checkpoint: Checkpoint
    source: str
    """`the ledger's own log`, `the LEDGER stream`, or the file it was read from."""
    external: bool = True
    """Held outside the ledger's tables (a stream, a file another organization keeps)."""


@dataclass
class Verification:
    entries: int = 0
    checkpoints: int = 0
    broken: Break | None = None
    problems: list[str] = field(default_factory=list)
    external: int = 0
    """Checkpoints held outside the ledger's tables that were checked."""

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.problems


def _checkpoint_problem(held: Held, frontier: CompactRange, public_key: str) -> str | None:
    cp, where = held.checkpoint, f"checkpoint {held.checkpoint.tree_size} ({held.source})"
    if frontier.root().hex() != cp.root_hash:
        return f"{where}: the journal's root differs from the signed root"
    if not verify_checkpoint(cp, public_key):
        return f"{where}: the signature does not verify with this key"
    return None


async def verify(
    journal: Journal, store: EventStore, public_key: str, external: Sequence[Held] = ()
) -> Verification:
    """Recompute the whole chain and every checkpoint, the ledger's own and those held outside
    it; name the first broken position and every checkpoint that no longer matches."""
    own = [Held(as_checkpoint(c), OWN_LOG, external=False) for c in await signed(store)]
    pending = sorted([*own, *external], key=lambda h: h.checkpoint.tree_size)
    report, frontier = Verification(), CompactRange()
    async for item in _checked(journal):
        if isinstance(item, Break):
            report.broken = item
            break
        frontier.append(leaf_hash(item))
        report.entries += 1
        while pending and pending[0].checkpoint.tree_size == frontier.size:
            _count(report, pending.pop(0), frontier, public_key)
    while pending and pending[0].checkpoint.tree_size == 0:  # size 0: nothing to hold to
        pending.pop(0)
    await _check_tail(journal, report, pending)
    return report


def _count(report: Verification, held: Held, frontier: CompactRange, public_key: str) -> None:
    report.checkpoints += 1
    report.external += held.external
    if problem := _checkpoint_problem(held, frontier, public_key):
        report.problems.append(problem)


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


async def _check_tail(journal: Journal, report: Verification, pending: list[Held]) -> None:
    if report.broken:
        return
    head_position, _ = await journal.head()
    if head_position > report.entries:
        report.broken = Break(
            report.entries + 1,
            f"entry {report.entries + 1} is missing (the head says {head_position} entries)",
        )
    for held in pending:
        report.checkpoints += 1
        report.external += held.external
        report.problems.append(
            f"checkpoint {held.checkpoint.tree_size} ({held.source}) covers "
            "entries the journal lacks"
        )


async def own_checkpoints(store: EventStore) -> list[Checkpoint]:
    """The checkpoints in the ledger's own log, oldest first."""
    return [as_checkpoint(c) for c in await signed(store)]


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
        raise LookupError(
            f"no signed checkpoints of sizes {old_size} ≤ {new_size}; known sizes: {sorted(cps)}"
        )
    leaves = [leaf_hash(h) for h in await journal.hashes(upto=new.tree_size)]
    return consistency_doc(old, new, consistency_proof(leaves, old.tree_size))


async def history(journal: Journal, key: str) -> list[StoredRow]:
    """Every entry of a case (by case number) or a flow (by correlation id), and every entry of
    the flows those belong to, in journal order."""
    first = await journal.find("case_number = $1 OR correlation_id = $1", key)
    flows = sorted({r.facts.correlation_id for r in first if r.facts.correlation_id})
    more = await journal.find("correlation_id = any($1)", flows) if flows else []
    seen = {r.position: r for r in first + more}
    return [seen[p] for p in sorted(seen)]


async def forgeries(journal: Journal) -> list[StoredRow]:
    """Every message whose envelope claimed another organization than the one that sent it."""
    return await journal.find("forgery")
