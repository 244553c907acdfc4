"""来源 — where a message came from: its place in the stream, the organization NATS let publish it,
and what its envelope claims. Pure functions over the subject, the headers and the envelope.

Only the subject is authenticated: NATS permissions let one organization publish a command or a
reply on a subject ending in its own code; only the platform (FUYUAN: a service's relay, the
consumers that set letters aside) publishes events, notices, rejections, dead letters and relay
alerts; only the operator records an action on a dead letter. What the envelope says is a claim.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from email.header import decode_header, make_header

from contracts.subjects import DEADLETTER_ACTIONS, DEADLETTER_ROOT, stream_name
from services.runtime.messaging import PLATFORM

OPERATOR = "operator"
"""The sender of an operator's action on a dead letter: only the NATS user `operator` may
publish on `deadletter.actions.>` (docs/PERMISSIONS.md)."""
SENDER_KINDS = ("command", "reply")
"""Subject kinds whose last token is the publishing organization."""
PLATFORM_KINDS = ("event", "notice", "rejection")
"""Subject kinds only the platform publishes (the last token is the receiver)."""
DETAIL_LIMIT = 4000
"""Characters of a dead letter's headers kept in the entry's detail line."""
# PostgreSQL text holds neither U+0000 nor a lone surrogate (asyncpg cannot even encode one).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_TRACE_ID = re.compile(r"[0-9a-f]{32}")


def storable(text: str | None) -> str | None:
    """`text` with every character PostgreSQL text refuses replaced by U+FFFD."""
    if text is None or (text.isascii() and "\x00" not in text):
        return text
    return _UNSTORABLE.sub("\ufffd", text)


def message_key(subject: str, stream_sequence: int) -> str:
    """`<STREAM>:<stream sequence>`: the message's place, which no sender chooses."""
    return f"{stream_name(subject.split('.', 1)[0])}:{stream_sequence}"


def sender_of(subject: str) -> str | None:
    """The organization NATS let publish on `subject`; None for a subject of no known shape."""
    parts = subject.split(".")
    if parts[0] == DEADLETTER_ROOT:
        return OPERATOR if parts[1:2] == [DEADLETTER_ACTIONS] else PLATFORM
    if len(parts) == 5 and parts[1] in SENDER_KINDS:
        return storable(parts[4])
    if len(parts) == 5 and parts[1] in PLATFORM_KINDS:
        return PLATFORM
    return None


def is_forgery(subject: str, sender: str | None, claimed: str | None) -> bool:
    """An organization's command or reply whose envelope names another organization.

    The platform acts for others by design (an event names the court that caused it), so only
    subjects that authenticate an organization can carry a forgery."""
    kind = subject.split(".")[1] if subject.count(".") >= 1 else ""
    if kind not in SENDER_KINDS or sender is None or claimed is None:
        return False
    return sender != claimed


def deadletter_type(subject: str) -> str:
    """The journal's type of a DEADLETTER message: a letter, a relay alert or an operator action."""
    parts = subject.split(".")
    if len(parts) >= 3 and parts[1] == DEADLETTER_ACTIONS:
        return storable(f"deadletter.action.{parts[2]}") or ""
    if len(parts) == 3 and parts[2] == "relay":
        return "deadletter.relay_alert"
    return "deadletter.letter"


def readable(value: object) -> str:
    """A header value as text: an RFC 2047 encoded word (`=?UTF-8?B?…?=`, how a letter carries
    a Chinese error) decoded, anything else as it is."""
    text = str(value)
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (ValueError, LookupError, UnicodeError):  # not a well-formed encoded word
        return text


def detail_of(headers: Mapping[str, object]) -> str | None:
    """A dead letter's `Fuyuan-*` headers (origin, consumer, attempts, error) as compact JSON."""
    kept = {k: readable(v) for k, v in headers.items() if k.lower().startswith("fuyuan-")}
    if not kept:
        return None
    text = json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return storable(text[:DETAIL_LIMIT])


def trace_id_of(headers: Mapping[str, object]) -> str | None:
    """The W3C trace id of the `traceparent` header, if it is well formed."""
    parts = str(headers.get("traceparent", "")).split("-")
    if len(parts) == 4 and _TRACE_ID.fullmatch(parts[1]):
        return parts[1]
    return None
