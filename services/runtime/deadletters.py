"""死信 — messages set aside after repeated failures: how a letter is written, and read back.

A letter is published on `deadletter.<context>.<durable>` and never exceeds what the server
accepts: when the payload and all headers would not fit under `max_payload`, the letter carries no
payload but a reference to the original (`Fuyuan-Payload: stream`, `Fuyuan-Original-Stream`,
`Fuyuan-Original-Sequence`), which stays on its own stream. Every header value the platform writes
is ASCII and bounded: text that is not printable ASCII (a Chinese error, a sender's header) is
written as an RFC 2047 encoded word, `=?UTF-8?B?<base64 of the UTF-8 text>?=`. Header values read
back are always `str`: nats-py's JetStream API parses stored headers with `email.parser`, which
returns an `email.header.Header` for a non-ASCII value.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header, decode_header

from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError

from contracts.subjects import (
    DEADLETTER_ACTIONS,
    DEADLETTER_ROOT,
    DEADLETTER_STREAM,
    REPLAY_STREAM,
    deadletter,
    deadletter_action,
    replay_subject,
)
from services.runtime import streams

KIND = "Fuyuan-Kind"
ORIGINAL_SUBJECT = "Fuyuan-Original-Subject"
ORIGINAL_STREAM = "Fuyuan-Original-Stream"
ORIGINAL_SEQUENCE = "Fuyuan-Original-Sequence"
CONSUMER = "Fuyuan-Consumer"
ATTEMPTS = "Fuyuan-Attempts"
ERROR = "Fuyuan-Error"
FAILED_AT = "Fuyuan-Failed-At"
PAYLOAD = "Fuyuan-Payload"
"""`inline`: the letter's body is the original payload; `stream`: read it from its stream."""
PAYLOAD_SIZE = "Fuyuan-Payload-Size"
PAYLOAD_SHA256 = "Fuyuan-Payload-Sha256"
DEAD_LETTER = "Fuyuan-Dead-Letter"
"""On a replay: the sequence of the letter it came from."""
MSG_ID = "Nats-Msg-Id"
PLATFORM_HEADERS = frozenset(
    {
        KIND,
        ORIGINAL_SUBJECT,
        ORIGINAL_STREAM,
        ORIGINAL_SEQUENCE,
        CONSUMER,
        ATTEMPTS,
        ERROR,
        FAILED_AT,
        PAYLOAD,
        PAYLOAD_SIZE,
        PAYLOAD_SHA256,
        DEAD_LETTER,
    }
)
ERROR_LIMIT = 1000
"""Characters of an error kept in a letter (its encoded form stays under 4 KiB)."""
HEADROOM = 1024
"""Bytes kept free under `max_payload`, for the protocol line around a message."""

_ENCODED = re.compile(r"^=\?UTF-8\?B\?([A-Za-z0-9+/]*={0,2})\?=$")


def ascii_header(text: str) -> str:
    """The value the platform writes for `text`: itself when it is printable ASCII that reads back
    unchanged, else an RFC 2047 encoded word (base64 of the UTF-8 text)."""
    plain = text.isascii() and text.isprintable() and text == text.strip()
    if plain and not text.startswith("=?"):
        return text
    return "=?UTF-8?B?" + base64.b64encode(text.encode("utf-8", "replace")).decode() + "?="


def header_text(value: object) -> str:
    """A header value as nats-py returns it, as `str` (an `email.header.Header` is decoded)."""
    if not isinstance(value, Header):
        return str(value)
    parts = decode_header(value)
    return "".join(p.decode("utf-8", "replace") if isinstance(p, bytes) else p for p, _ in parts)


def decoded(value: object) -> str:
    """A header value the platform wrote, back as the text it stood for."""
    text = header_text(value)
    match = _ENCODED.match(text)
    if match is None:
        return text
    try:
        return base64.b64decode(match.group(1), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return text


def wire_size(data: bytes, headers: dict[str, str]) -> int:
    """Bytes of a message as the server counts them: the header block as nats-py writes it,
    `NATS/1.0\\r\\n` and `Name: value\\r\\n` per header and a closing `\\r\\n`, plus the payload."""
    block = sum(len(k.encode()) + len(v.encode()) + 4 for k, v in headers.items())
    return len(data) + len(b"NATS/1.0\r\n\r\n") + block


def fits(data: bytes, headers: dict[str, str], max_payload: int) -> bool:
    return wire_size(data, headers) <= max_payload - HEADROOM


def copied_headers(headers: dict[str, str]) -> dict[str, str]:
    """A message's own headers as a letter or a replay carries them: ASCII, and without the ones
    the server acts on (`Nats-…`: a copied `Nats-Expected-Stream` would make the server refuse
    the letter) or the platform's own."""
    return {
        k: ascii_header(v)
        for k, v in headers.items()
        if not k.startswith("Nats-") and k not in PLATFORM_HEADERS
    }


@dataclass(frozen=True)
class Failure:
    """A message a consumer could not handle, with where it came from."""

    context: str
    consumer: str
    subject: str
    stream: str
    sequence: int
    attempts: int
    error: str
    data: bytes
    headers: dict[str, str]
    msg_id: str
    """Deduplication id of the letter: the place of the very delivery that failed (a replay
    that fails again is a new letter, not a duplicate of the first)."""


@dataclass(frozen=True)
class Letter:
    """A message ready to publish."""

    subject: str
    data: bytes
    headers: dict[str, str]


def _letter_headers(f: Failure, payload: str) -> dict[str, str]:
    return {
        KIND: "consumer",
        ORIGINAL_SUBJECT: ascii_header(f.subject),
        ORIGINAL_STREAM: ascii_header(f.stream),
        ORIGINAL_SEQUENCE: str(f.sequence),
        CONSUMER: ascii_header(f.consumer),
        ATTEMPTS: str(f.attempts),
        ERROR: ascii_header(_one_line(f.error)[:ERROR_LIMIT]),
        FAILED_AT: str(int(time.time())),
        PAYLOAD: payload,
        PAYLOAD_SIZE: str(len(f.data)),
        PAYLOAD_SHA256: hashlib.sha256(f.data).hexdigest(),
        MSG_ID: ascii_header(f.msg_id),
    }


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " | ")


def letters(f: Failure, max_payload: int) -> list[Letter]:
    """The letters to try, in order: with the payload if all of it fits, then by reference."""
    subject = deadletter(f.context, f.consumer)
    inline = {**copied_headers(f.headers), **_letter_headers(f, "inline")}
    by_reference = Letter(subject, b"", _letter_headers(f, "stream"))
    if fits(f.data, inline, max_payload):
        return [Letter(subject, f.data, inline), by_reference]
    return [by_reference]


@dataclass(frozen=True)
class Replayed:
    """What a replay message says about the original it stands for."""

    subject: str
    stream: str
    sequence: int
    by_reference: bool
    headers: dict[str, str]
    """The original's own headers (empty when they are to be read from its stream)."""


def unpack_replay(raw: dict[str, object]) -> Replayed:
    headers = {k: decoded(v) for k, v in raw.items()}
    kept = {k: v for k, v in headers.items() if not k.startswith("Nats-")}
    return Replayed(
        subject=headers.get(ORIGINAL_SUBJECT, ""),
        stream=headers.get(ORIGINAL_STREAM, ""),
        sequence=int(headers.get(ORIGINAL_SEQUENCE) or 0),
        by_reference=headers.get(PAYLOAD) == "stream",
        headers={k: v for k, v in kept.items() if k not in PLATFORM_HEADERS},
    )


# ---- reading letters back, replaying and dropping them (the operator's side) -----------------


@dataclass(frozen=True)
class DeadLetter:
    """One entry of the DEADLETTER stream an operator acts on: a consumer's letter or a relay
    alert (`kind` "consumer" or "relay")."""

    sequence: int
    kind: str
    subject: str
    original_subject: str
    original_stream: str
    original_sequence: int
    consumer: str
    attempts: int
    error: str
    failed_at: int
    payload: str
    """`inline`, `stream` (read from the original's stream) or `none` (a relay alert)."""
    size: int
    sha256: str
    data: bytes
    headers: dict[str, str]
    msg_id: str

    @property
    def context(self) -> str:
        return self.subject.split(".")[1] if self.subject.count(".") >= 2 else ""


def read_letter(seq: int, subject: str, data: bytes, raw: dict[str, object], at: int) -> DeadLetter:
    """A stored entry of the DEADLETTER stream, whatever wrote it."""
    h = {k: decoded(v) for k, v in raw.items()}
    if h.get(KIND) == "relay" or subject.endswith(".relay"):
        return _relay_alert(seq, subject, data, h, at)
    return DeadLetter(
        sequence=seq,
        kind="consumer",
        subject=subject,
        original_subject=h.get(ORIGINAL_SUBJECT, "?"),
        original_stream=h.get(ORIGINAL_STREAM, ""),
        original_sequence=_int(h.get(ORIGINAL_SEQUENCE)),
        consumer=h.get(CONSUMER, "?"),
        attempts=_int(h.get(ATTEMPTS)),
        error=h.get(ERROR, ""),
        failed_at=_int(h.get(FAILED_AT)) or at,
        payload=h.get(PAYLOAD, "inline"),
        size=_int(h.get(PAYLOAD_SIZE)) if PAYLOAD_SIZE in h else len(data),
        sha256=h.get(PAYLOAD_SHA256) or hashlib.sha256(data).hexdigest(),
        data=data,
        headers=h,
        msg_id=h.get(MSG_ID, ""),
    )


def _relay_alert(seq: int, subject: str, data: bytes, h: dict[str, str], at: int) -> DeadLetter:
    body = _json_object(data)
    return DeadLetter(
        sequence=seq,
        kind="relay",
        subject=subject,
        original_subject=str(body.get("subject", "?")),
        original_stream="",
        original_sequence=_int(body.get("position")),
        consumer="relay",
        attempts=0,
        error=str(body.get("reason", "")),
        failed_at=at,
        payload="none",
        size=_int(body.get("size")),
        sha256=str(body.get("sha256", "")),
        data=data,
        headers=h,
        msg_id=h.get(MSG_ID, ""),
    )


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _json_object(data: bytes) -> dict[str, object]:
    try:
        body = json.loads(data[:65536])
    except (ValueError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


class NotReplayableError(Exception):
    """A dead letter that cannot be replayed as it stands (a relay alert, a missing original)."""


def server_max_payload(js: JetStreamContext) -> int:
    """The largest message the connected server accepts, from its INFO."""
    # JetStreamContext keeps its connection private; the limit lives on the connection only.
    return int(js._nc.max_payload)


async def list_deadletters(js: JetStreamContext, limit: int = 1000) -> list[DeadLetter]:
    """Consumers' letters and relay alerts, oldest first (operators' action records excluded)."""
    out: list[DeadLetter] = []
    seq = 1
    while len(out) < limit:
        try:
            # The next stored entry at or after `seq`: deleted ones (replayed, dropped) are skipped.
            raw = await js.get_msg(
                DEADLETTER_STREAM, seq, subject=f"{DEADLETTER_ROOT}.>", next=True
            )
        except NotFoundError:
            return out
        seq = (raw.seq or seq) + 1
        subject = raw.subject or ""
        if not subject.startswith(f"{DEADLETTER_ROOT}.{DEADLETTER_ACTIONS}."):
            out.append(_stored(raw))
    return out


async def get_letter(js: JetStreamContext, seq: int) -> DeadLetter:
    raw = await js.get_msg(DEADLETTER_STREAM, seq)
    if (raw.subject or "").startswith(f"{DEADLETTER_ROOT}.{DEADLETTER_ACTIONS}."):
        raise NotFoundError
    return _stored(raw)


def _stored(raw: RawStreamMsg) -> DeadLetter:
    at = int(raw.time.timestamp()) if raw.time else 0
    return read_letter(raw.seq or 0, raw.subject or "", raw.data or b"", raw.headers or {}, at)


async def original(js: JetStreamContext, letter: DeadLetter) -> tuple[bytes, dict[str, str]]:
    """The payload and headers of the message the letter stands for."""
    if letter.kind != "consumer":
        raise NotReplayableError(f"{letter.sequence} is a {letter.kind} alert, not a message")
    if letter.payload != "stream":
        kept = {k: v for k, v in letter.headers.items() if not k.startswith("Nats-")}
        return letter.data, {k: v for k, v in kept.items() if k not in PLATFORM_HEADERS}
    try:
        raw = await js.get_msg(letter.original_stream, letter.original_sequence)
    except NotFoundError as e:
        where = f"{letter.original_stream} {letter.original_sequence}"
        raise NotReplayableError(f"the original is no longer on its stream ({where})") from e
    data = raw.data or b""
    if hashlib.sha256(data).hexdigest() != letter.sha256:
        raise NotReplayableError(
            f"the message at {letter.original_stream} "
            f"{letter.original_sequence} is not the one set aside"
        )
    return data, {k: header_text(v) for k, v in (raw.headers or {}).items()}


async def replay(
    js: JetStreamContext, letter: DeadLetter, *, operator: str = "", reason: str = "replayed"
) -> None:
    """Hand the message again to the one consumer that failed, record the action, then remove
    the letter. The consumer's inbox makes a replay of a message that did succeed harmless."""
    data, headers = await original(js, letter)
    ids = {
        ORIGINAL_SUBJECT: ascii_header(letter.original_subject),
        ORIGINAL_STREAM: ascii_header(letter.original_stream),
        ORIGINAL_SEQUENCE: str(letter.original_sequence),
        DEAD_LETTER: str(letter.sequence),
        MSG_ID: ascii_header(f"replay-{letter.sequence}-{letter.msg_id}"),
    }
    inline = {**copied_headers(headers), **ids, PAYLOAD: "inline"}
    if fits(data, inline, server_max_payload(js)):
        message = Letter(replay_subject(letter.context, letter.consumer), data, inline)
    else:
        if letter.payload != "stream":
            await _same_original(js, letter)
        message = Letter(
            replay_subject(letter.context, letter.consumer), b"", {**ids, PAYLOAD: "stream"}
        )
    await _replay_stream(js)
    await js.publish(message.subject, message.data, headers=message.headers, stream=REPLAY_STREAM)
    await _record(js, "replayed", letter, operator, reason)


async def _replay_stream(js: JetStreamContext) -> None:
    """Declare the REPLAY stream if no service has yet (as replicated as the dead letters): the
    consumer's replay durable, once it starts, reads from the beginning."""
    try:
        await js.stream_info(REPLAY_STREAM)
    except NotFoundError:
        info = await js.stream_info(DEADLETTER_STREAM)
        await js.add_stream(streams.replay_stream(info.config.num_replicas or 1))


async def _same_original(js: JetStreamContext, letter: DeadLetter) -> None:
    try:
        raw = await js.get_msg(letter.original_stream, letter.original_sequence)
    except NotFoundError as e:
        raise NotReplayableError("too large to replay inline and gone from its stream") from e
    if hashlib.sha256(raw.data or b"").hexdigest() != letter.sha256:
        raise NotReplayableError("too large to replay inline and replaced on its stream")


async def drop(js: JetStreamContext, letter: DeadLetter, *, operator: str, reason: str) -> None:
    """Remove a letter for good, with the reason on the record."""
    if not reason.strip():
        raise ValueError("dropping a dead letter needs a reason")
    await _record(js, "dropped", letter, operator, reason)


async def _record(
    js: JetStreamContext, verb: str, letter: DeadLetter, operator: str, reason: str
) -> None:
    # The action is on the stream (and so on the journal) before the letter goes: a crash in
    # between leaves the letter listed, and doing it again is deduplicated by the ids.
    body = {
        "sequence": letter.sequence,
        "original_subject": letter.original_subject,
        "consumer": letter.consumer,
        "reason": reason[:ERROR_LIMIT],
        "operator": operator,
        "at": datetime.now(UTC).isoformat(),
    }
    headers = {KIND: "action", MSG_ID: ascii_header(f"{verb}-{letter.sequence}-{letter.msg_id}")}
    await js.publish(
        deadletter_action(verb),
        json.dumps(body, ensure_ascii=False).encode(),
        headers=headers,
        stream=DEADLETTER_STREAM,
    )
    behind = await _not_yet_journaled(js, letter)
    if behind:
        raise NotYetJournaledError(
            f"{verb} and recorded; the letter stays listed until {', '.join(behind)} has read it"
            " (run the same command again later: it is not done twice)"
        )
    await js.delete_msg(DEADLETTER_STREAM, letter.sequence)


class NotYetJournaledError(Exception):
    """The action is done and recorded, but a durable reader of the dead-letter stream (the
    ledger) has not read the letter yet, so it is kept: deleting it would keep it off the journal."""


JOURNAL_WAIT = 10.0
"""Seconds to wait for the dead-letter stream's durable readers before a letter is removed."""


async def _not_yet_journaled(js: JetStreamContext, letter: DeadLetter) -> list[str]:
    """Durable consumers of the dead-letter stream that read the letter's subject and have not
    acknowledged it yet, after waiting for them up to `JOURNAL_WAIT` seconds."""
    deadline = time.monotonic() + JOURNAL_WAIT
    while True:
        behind = [
            info.name
            for info in await js.consumers_info(DEADLETTER_STREAM)
            if info.config.durable_name
            and _reads(info.config.filter_subject, info.config.filter_subjects, letter.subject)
            and (info.ack_floor.stream_seq if info.ack_floor else 0) < letter.sequence
        ]
        if not behind or time.monotonic() > deadline:
            return behind
        await asyncio.sleep(0.2)


def _reads(one: str | None, many: list[str] | None, subject: str) -> bool:
    filters = [f for f in [one, *(many or [])] if f]
    return not filters or any(_matches(f, subject) for f in filters)


def _matches(pattern: str, subject: str) -> bool:
    """NATS subject matching: `*` is one token, a final `>` is one or more."""
    p, s = pattern.split("."), subject.split(".")
    for i, token in enumerate(p):
        if token == ">":
            return len(s) > i
        if i >= len(s) or (token != "*" and token != s[i]):
            return False
    return len(p) == len(s)
