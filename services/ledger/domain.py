"""审计链 — the journal's rules: what an entry is, how it is hashed and chained, how a chain is
checked. Pure functions; no I/O, no clock.

An entry's hash is SHA-256 over the UTF-8 of a JSON array of its fields in a fixed order
(`ENTRY_FORMAT`, docs/LEDGER.md), the last field being the previous entry's hash; the first
entry's previous hash is 32 zero bytes. The message itself is hashed as its canonical bytes
(RFC 8785 JSON canonicalization, or the raw bytes when it is not JSON or cannot be canonical).

Entries of format v2 also cover the authenticated sender, the forgery flag and a detail line;
rows written as v1 keep their v1 hash and are still checked as v1.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import rfc8785

ENTRY_FORMAT = "fuyuan-ledger-entry/v2"
ENTRY_FORMATS = {1: "fuyuan-ledger-entry/v1", 2: ENTRY_FORMAT}
"""Entry format version (the `entry_version` column) → the name its hash starts with."""
# One encoder for every entry: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
GENESIS = bytes(32)
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_INT_LIMIT = 2**53 - 1
"""RFC 8785 writes integers as IEEE 754 doubles: beyond this one the reference refuses them."""
_NOT_BMP = re.compile(rb"[\xf0-\xf4]|\xed[\xa0-\xbf]|\\u[dD][89a-fA-F]")
"""A 4-byte UTF-8 sequence (a character outside the BMP), a surrogate written in UTF-8, or an
escaped surrogate: their keys sort differently in UTF-16, or they cannot be written at all."""


@dataclass(frozen=True)
class Facts:
    """What the journal keeps of one message, before it has a place in the chain."""

    message_key: str
    type: str
    subject: str
    organization: str | None
    case_number: str | None
    event_id: str | None
    correlation_id: str | None
    causation_id: str | None
    trace_id: str | None
    body: bytes
    """The canonical bytes of the message."""
    sender: str | None = None
    """The authenticated sender: the organization NATS let publish on the subject."""
    forgery: bool = False
    """True when the envelope claims another organization than the authenticated sender."""
    detail: str | None = None
    """A dead letter's origin and reason, a relay alert's reason; None for other messages."""
    version: int = 2
    """Entry format version the hash follows (1 for rows written before senders were kept)."""


@dataclass(frozen=True)
class Entry:
    position: int
    facts: Facts
    recorded_at: datetime
    prev_hash: bytes
    hash: bytes

    @property
    def message_sha256(self) -> bytes:
        return hashlib.sha256(self.facts.body).digest()


def canonical_body(raw: bytes) -> tuple[bytes, Any]:
    """(canonical bytes, parsed JSON or None): RFC 8785 when the bytes are JSON it can write.

    Never raises for any bytes: deep nesting (RecursionError), integers Python refuses to read,
    floats and characters RFC 8785 cannot write all leave the raw bytes as they came.

    Most messages hold no number but integers within ±(2^53 − 1) and no character outside the
    Basic Multilingual Plane. For them RFC 8785 is the standard library's sorted, compact JSON:
    code-point order of keys is UTF-16 order, and both escape the same characters the same way.
    That path is taken when it applies, the reference (`rfc8785`) otherwise; a property test
    holds them to the same bytes."""
    if json.detect_encoding(raw) == "utf-8" and not _NOT_BMP.search(raw):
        try:
            parsed = json.loads(
                raw, parse_float=_not_fast, parse_int=_small_int, parse_constant=_not_fast
            )
            return _SORTED.encode(parsed).encode(), parsed
        except (_NotFastError, ValueError, RecursionError):
            pass  # the reference decides, and says why not
    return reference_canonical_body(raw)


def reference_canonical_body(raw: bytes) -> tuple[bytes, Any]:
    """`canonical_body` by the reference package alone."""
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, a number over 4,300 digits
        return raw, None
    try:
        return rfc8785.dumps(parsed), parsed
    except (ValueError, RecursionError, TypeError):  # CanonicalizationError is a ValueError
        return raw, parsed


class _NotFastError(Exception):
    """The message holds a number or a character the fast path leaves to the reference."""


def _not_fast(text: str) -> Any:
    raise _NotFastError(text)


def _small_int(text: str) -> int:
    value = int(text)
    if -_INT_LIMIT <= value <= _INT_LIMIT:
        return value
    raise _NotFastError(text)


def encode(position: int, f: Facts, recorded_at: datetime, digest: bytes, prev: bytes) -> bytes:
    """The exact bytes an entry's hash covers, in the entry's own format version."""
    at = recorded_at.isoformat(timespec="microseconds")
    fields: list[Any] = [
        ENTRY_FORMATS[f.version],
        position,
        f.message_key,
        f.type,
        f.subject,
        f.organization,
        f.case_number,
        f.event_id,
        f.correlation_id,
        f.causation_id,
        at,
        digest.hex(),
        prev.hex(),
    ]
    if f.version >= 2:
        fields[6:6] = [f.sender, f.forgery, f.detail]
    return _ENCODER.encode(fields).encode()


def entry_hash(position: int, f: Facts, recorded_at: datetime, digest: bytes, prev: bytes) -> bytes:
    return hashlib.sha256(encode(position, f, recorded_at, digest, prev)).digest()


def extend(
    head_position: int, head_hash: bytes, batch: Iterable[Facts], recorded_at: datetime
) -> list[Entry]:
    """Chain new facts after the head: positions continue, each links to the one before."""
    out: list[Entry] = []
    position, prev = head_position, head_hash
    for f in batch:
        position += 1
        h = entry_hash(position, f, recorded_at, hashlib.sha256(f.body).digest(), prev)
        out.append(Entry(position, f, recorded_at, prev, h))
        prev = h
    return out


@dataclass(frozen=True)
class StoredRow:
    """An entry as read back from the database, to be checked."""

    position: int
    facts: Facts
    recorded_at: datetime
    message_sha256: bytes
    prev_hash: bytes
    hash: bytes


@dataclass(frozen=True)
class Break:
    position: int
    reason: str


def check(
    rows: Iterable[StoredRow], start: int = 1, prev: bytes = GENESIS
) -> Iterator[Break | bytes]:
    """Yield each verified entry hash in order, or the first Break and stop."""
    expected = start
    for r in rows:
        problem = _problem(r, expected, prev)
        if problem:
            yield Break(min(r.position, expected), problem)
            return
        prev, expected = r.hash, expected + 1
        yield r.hash


def _problem(r: StoredRow, expected: int, prev: bytes) -> str | None:
    if r.position != expected:
        return f"entry {expected} is missing (next is {r.position})"
    if r.facts.version not in ENTRY_FORMATS:
        return f"unknown entry format version {r.facts.version}"
    if hashlib.sha256(r.facts.body).digest() != r.message_sha256:
        return "the message does not match its recorded digest"
    if r.prev_hash != prev:
        return "the previous hash does not match the entry before"
    if entry_hash(r.position, r.facts, r.recorded_at, r.message_sha256, r.prev_hash) != r.hash:
        return "the entry's hash does not match its fields"
    return None
