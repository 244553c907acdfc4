"""帐 — the suite's book: every message it sent, and every answer the platform gave to it.

A message the suite sends is known by its place: the stream that stored it and the sequence
number of its acknowledgement (an ingress subject of one service may be another's stream: the
enforcement service reads the bankruptcy service's events, so the places of two streams meet in
one book). The platform answers one with an effect (an event or notice whose
`causation_id` is its event id), a rejection (`rejected_event_id`, or, when its envelope could
not be read, the subject and SHA-256 of the bytes received) or a dead letter naming its place.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

SERVICE_KINDS = ("event", "notice", "rejection")
"""What the platform publishes; `command` and `reply` come from courts and bureaus."""

Place = tuple[str, int]
"""(stream, sequence) of a message: a sequence alone names one message of each stream."""


@dataclass(frozen=True)
class Sent:
    """A message the suite sent and the server stored."""

    seq: int
    subject: str
    kind: str
    """`command`, `answer`, `fuzz` or `probe`."""
    sha256: str
    event_id: str | None
    at: float
    """When the server acknowledged it (monotonic seconds)."""
    stream: str = ""
    """The stream that stored it."""

    @property
    def place(self) -> Place:
        return (self.stream, self.seq)

    def __str__(self) -> str:
        return f"{self.stream}:{self.seq} {self.kind} {self.subject} id={self.event_id}"


@dataclass(frozen=True)
class Answer:
    """A message the platform published in answer to one the suite sent."""

    seq: int
    subject: str
    type: str
    event_id: str
    at: float


@dataclass(frozen=True)
class Published:
    """What the suite reads from a message the platform published."""

    kind: str
    type: str
    event_id: str | None
    causation_id: str | None
    rejected_event_id: str | None
    rejected_subject: str | None
    received_sha256: str | None


def read_published(subject: str, data: bytes | str | dict[str, Any]) -> Published | None:
    """The envelope and rejection fields of a platform message; None for anything else."""
    tokens = subject.split(".")
    if len(tokens) < 5 or tokens[1] not in SERVICE_KINDS:
        return None
    try:
        obj = data if isinstance(data, dict) else json.loads(data)
        env, body = obj.get("envelope") or {}, obj.get("data") or {}
    except (ValueError, AttributeError, RecursionError):
        return None
    if not isinstance(env, dict) or not isinstance(body, dict):
        return None
    return Published(
        kind=tokens[1],
        type=str(env.get("type") or ".".join(tokens[:4])),
        event_id=_text(env.get("event_id")),
        causation_id=_text(env.get("causation_id")),
        rejected_event_id=_text(body.get("rejected_event_id")),
        rejected_subject=_text(body.get("subject")),
        received_sha256=_text(body.get("received_sha256")),
    )


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def envelope_id(body: bytes) -> str | None:
    """The envelope's event id, if the bytes are JSON with one that is a UUID."""
    try:
        env = json.loads(body).get("envelope")
        return str(uuid.UUID(str(env["event_id"])))
    except Exception:  # hostile bytes: anything may fail, and then there is no id
        return None


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass
class Book:
    """What was sent, and what was seen answering it, as the observer reads the streams."""

    sent: dict[Place, Sent] = field(default_factory=dict)
    by_id: dict[str, Place] = field(default_factory=dict)
    by_digest: dict[tuple[str, str], list[Place]] = field(default_factory=lambda: defaultdict(list))
    effects: dict[str, list[Answer]] = field(default_factory=lambda: defaultdict(list))
    """Causation id → events and notices it caused."""
    rejections: dict[Place, list[Answer]] = field(default_factory=lambda: defaultdict(list))
    """Place of the refused message → rejections naming it."""
    unmatched_rejections: list[tuple[Published, Answer]] = field(default_factory=list)
    letters: dict[Place, list[tuple[str, str, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    """Place of the original → (consumer, reason, when) of each dead letter."""
    relay_alerts: list[dict[str, Any]] = field(default_factory=list)
    published_ids: Counter[str] = field(default_factory=Counter)
    """Event id → how many stream places hold it (more than one: deduplication failed)."""
    seen: set[int] = field(default_factory=set)
    places: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    """Sequence in the service's stream → (subject, event id) of every message of it read."""
    last_seq: int = 0

    def record_sent(self, s: Sent) -> None:
        self.sent[s.place] = s
        if s.event_id:
            self.by_id.setdefault(s.event_id, s.place)
        self.by_digest[(s.subject, s.sha256)].append(s.place)
        self._match_waiting(s)

    def _match_waiting(self, s: Sent) -> None:
        """Rejections that arrived before the acknowledgement of what they refuse."""
        for item in list(self.unmatched_rejections):
            if self._rejection_target(item[0]) == s.place:
                self.unmatched_rejections.remove(item)
                self.rejections[s.place].append(item[1])

    def observe(self, seq: int, subject: str, data: bytes) -> Published | None:
        """Index one message of the service's stream; returns what it says, if the platform
        published it."""
        if seq in self.seen:
            return None
        self.seen.add(seq)
        self.last_seq = max(self.last_seq, seq)
        p = read_published(subject, data)
        self.places[seq] = (subject, p.event_id if p else None)
        if p is None:
            return None
        answer = Answer(seq, subject, p.type, p.event_id or "", time.monotonic())
        if p.event_id:
            self.published_ids[p.event_id] += 1
        if p.kind == "rejection":
            target = self._rejection_target(p)
            if target is None:
                self.unmatched_rejections.append((p, answer))
            else:
                self.rejections[target].append(answer)
        elif p.causation_id:
            self.effects[p.causation_id].append(answer)
        return p

    def _rejection_target(self, p: Published) -> Place | None:
        for eid in (p.rejected_event_id, p.causation_id):
            if eid and eid in self.by_id:
                return self.by_id[eid]
        if p.rejected_subject and p.received_sha256:
            places = self.by_digest.get((p.rejected_subject, p.received_sha256), [])
            free = [s for s in places if not self.rejections.get(s)]
            return (free or places)[0] if places else None
        return None

    def letter(self, original: Place, consumer: str, reason: str) -> None:
        self.letters[original].append((consumer, reason, time.monotonic()))

    def answered_at(self, s: Sent) -> float | None:
        """When the platform first answered `s` (effect, rejection or a service's letter)."""
        times = [a.at for a in self.rejections.get(s.place, [])]
        if s.event_id:
            times += [a.at for a in self.effects.get(s.event_id, [])]
        times += [t for c, _r, t in self.letters.get(s.place, []) if not c.startswith("ledger")]
        return min(times) if times else None

    def unanswered(self, upto: float | None = None) -> list[Sent]:
        return [
            s
            for s in self.sent.values()
            if (upto is None or s.at <= upto) and self.answered_at(s) is None
        ]
