"""结算 — each message the suite sent, accounted for once the platform had time to answer.

In order of precedence, a message has:
- an **effect**: an event or notice it caused, published on the service's stream;
- a **rejection**: a rejection naming it, published back to its sender;
- been **set aside** with a reason: a dead letter of the service's consumer, or an effect the
  relay could not publish (`relay_set_aside`);
- been met with **silence**: the service recorded an effect or a rejection, but nothing reached
  the stream (the relay is stuck);
- been **lost**: nothing at all, anywhere.

A **duplicated** effect is one the platform made twice: two events of one type on one subject
caused by the same message, two rejections of one message, or one event id in two places of the
stream (deduplication failed). The journal is **complete** when every message of the stream is
in it (by its place, or by event id and subject).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from chaos.book import Book, Sent

CATEGORIES = ("effect", "rejection", "set_aside", "silent", "lost")


@dataclass
class Tally:
    """The accounts of one scenario."""

    sent: Counter[str] = field(default_factory=Counter)
    """Messages sent, by kind (command, answer, fuzz, probe)."""
    outcome: Counter[str] = field(default_factory=Counter)
    duplicated: int = 0
    not_journaled: int = 0
    unpublished: int = 0
    """Events in the service's log that never reached the stream (whatever caused them)."""
    set_aside_reasons: Counter[str] = field(default_factory=Counter)
    ledger_letters: int = 0
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    unsent: int = 0
    journal_error: str | None = None
    lost_on_wildcards: int = 0
    """Lost messages published on a subject with a wildcard token (`*`, `>`): stored by the
    stream, matched by no consumer's filter. NATS permissions refuse such a publish to any
    court or bureau in production; the development server takes it."""

    def note(self, what: str, text: str) -> None:
        if len(self.examples[what]) < 5:
            self.examples[what].append(text)


async def log_book(pool: asyncpg.Pool, schema: str, book: Book) -> tuple[Book, set[str], list[str]]:
    """The service's own log read like the stream: what it recorded in answer to each message,
    the event ids it holds, and the event ids the relay set aside."""
    logged = Book()
    for s in book.sent.values():
        logged.record_sent(s)
    rows = await pool.fetch(
        f"SELECT position, subject, event_id::text AS event_id, message::text AS message "
        f'FROM "{schema}".events ORDER BY position'
    )
    for r in rows:
        logged.observe(r["position"], r["subject"], r["message"].encode())
    ids = {r["event_id"] for r in rows}
    try:
        aside = [
            r["event_id"]
            for r in await pool.fetch(
                f'SELECT event_id::text AS event_id FROM "{schema}".relay_set_aside'
            )
        ]
    except asyncpg.UndefinedTableError:
        aside = []
    return logged, ids, aside


def _causes(logged: Book) -> dict[str, str]:
    """Event id → the id of the message that caused it, from the log."""
    return {a.event_id: cause for cause, answers in logged.effects.items() for a in answers}


def classify(s: Sent, book: Book, logged: Book, aside_causes: set[str]) -> str:
    if s.event_id and book.effects.get(s.event_id):
        return "effect"
    if book.rejections.get(s.place):
        return "rejection"
    if any(not c.startswith("ledger") for c, _r, _t in book.letters.get(s.place, [])):
        return "set_aside"
    if s.event_id and s.event_id in aside_causes:
        return "set_aside"
    if (s.event_id and logged.effects.get(s.event_id)) or logged.rejections.get(s.place):
        return "silent"
    return "lost"


def duplicates(s: Sent, book: Book) -> int:
    extra = max(0, len({a.event_id for a in book.rejections.get(s.place, [])}) - 1)
    if s.event_id:
        groups: dict[tuple[str, str], set[str]] = defaultdict(set)
        for a in book.effects.get(s.event_id, []):
            groups[(a.type, a.subject)].add(a.event_id)
        extra += sum(len(ids) - 1 for ids in groups.values())
    return extra


def describe(s: Sent) -> str:
    return str(s)


async def account(pool: asyncpg.Pool, schema: str, book: Book, unsent: int) -> Tally:
    t = Tally(unsent=unsent)
    logged, logged_ids, aside = await log_book(pool, schema, book)
    causes = _causes(logged)
    aside_causes = {causes[e] for e in aside if e in causes}
    for s in book.sent.values():
        t.sent[s.kind] += 1
        what = classify(s, book, logged, aside_causes)
        t.outcome[what] += 1
        if what in ("silent", "lost", "set_aside"):
            t.note(what, describe(s))
        if what == "lost" and {"*", ">"} & set(s.subject.split(".")):
            t.lost_on_wildcards += 1
        for consumer, reason, _at in book.letters.get(s.place, []):
            if consumer.startswith("ledger"):
                t.ledger_letters += 1
            else:
                t.set_aside_reasons[reason.split(":")[0][:80]] += 1
        if n := duplicates(s, book):
            t.duplicated += n
            t.note("duplicated", describe(s))
    for eid, count in book.published_ids.items():
        if count > 1:
            t.duplicated += count - 1
            t.note("duplicated", f"event {eid} published {count} times")
    t.unpublished = len(logged_ids - set(book.published_ids) - set(aside))
    for eid in sorted(logged_ids - set(book.published_ids) - set(aside))[:5]:
        t.note("unpublished", f"event {eid}")
    return t


async def journal_gaps(pool: asyncpg.Pool, book: Book, stream: str) -> list[int]:
    """Places of the service's stream the ledger's journal lacks."""
    rows = await pool.fetch("SELECT message_key, event_id, subject FROM ledger.journal")
    keys = {r["message_key"] for r in rows}
    pairs = {(r["event_id"], r["subject"]) for r in rows if r["event_id"]}
    missing = []
    for seq, (subject, event_id) in book.places.items():
        sent = book.sent.get((stream, seq))
        eid = event_id or (sent.event_id if sent else None)
        if f"{stream}:{seq}" in keys or f"nats:{stream}:{seq}" in keys:
            continue
        if eid and (eid, subject) in pairs:
            continue
        missing.append(seq)
    return sorted(missing)


def plain(t: Tally) -> dict[str, Any]:
    return json.loads(json.dumps(t.__dict__, default=dict))
