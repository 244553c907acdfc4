"""披露 — what `fuyuan trace` shows of an entry: to whom a notice went, why a message was
rejected, and the message with every 公民身份号码 (resident id) masked unless asked for in full."""

from __future__ import annotations

import json
import re
from typing import Any

from contracts.ids import InvalidIdentifierError
from contracts.ids.masking import mask_id
from contracts.ids.resident import parse_resident_id
from services.ledger.domain import StoredRow

# The shape of a resident id (18 characters, or the legacy 15 digits) standing alone or inside
# a longer text (a rejection's excerpt of what was received); the checks follow.
_RESIDENT_SHAPE = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")
RECEIVER_KINDS = ("notice", "rejection")
"""Subject kinds whose last token is the organization the message is addressed to."""


def kind_of(r: StoredRow) -> str:
    parts = r.facts.subject.split(".")
    return parts[1] if len(parts) > 1 else ""


def recipient(r: StoredRow) -> str | None:
    """The organization a notice or rejection is addressed to (the subject's last token)."""
    parts = r.facts.subject.split(".")
    return parts[-1] if len(parts) == 5 and parts[1] in RECEIVER_KINDS else None


def _parsed(r: StoredRow) -> Any:
    try:
        return json.loads(r.facts.body)
    except (ValueError, RecursionError):
        return None


def rejection_reasons(r: StoredRow) -> list[str]:
    """`field: reason` of each problem a rejection names."""
    if kind_of(r) != "rejection":
        return []
    msg = _parsed(r)
    data = msg.get("data") if isinstance(msg, dict) else None
    problems = data.get("problems") if isinstance(data, dict) else None
    if not isinstance(problems, list):
        return []
    return [f"{p.get('field')}: {p.get('reason')}" for p in problems if isinstance(p, dict)]


def _is_resident_id(text: str) -> bool:
    try:
        parse_resident_id(text)
    except (InvalidIdentifierError, ValueError):
        return False
    return True


def _mask_match(m: re.Match[str]) -> str:
    return mask_id(m[0]) if _is_resident_id(m[0]) else m[0]


def masked(value: Any) -> Any:
    """`value` with every valid resident id in it masked (`410482********1234`), whether a whole
    string or part of one."""
    if isinstance(value, str):
        return _RESIDENT_SHAPE.sub(_mask_match, value)
    if isinstance(value, list):
        return [masked(v) for v in value]
    if isinstance(value, dict):
        return {k: masked(v) for k, v in value.items()}
    return value


def shown_message(r: StoredRow, show_ids: bool) -> Any:
    """The journaled message as JSON, resident ids masked unless `show_ids`; text otherwise."""
    msg = _parsed(r)
    if msg is None:
        return r.facts.body.decode("utf-8", "replace")
    return msg if show_ids else masked(msg)
