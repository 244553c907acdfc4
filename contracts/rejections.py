"""拒收 — the rejection a service sends back to whoever sent a message it cannot accept.

A rejection is bounded whatever was received (`contracts.limits.REJECTION_BOUND`): it names at
most `MAX_PROBLEMS` problems and shows an excerpt of the message, never the whole; the digest
and the size identify what was received.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any
from uuid import UUID

from pydantic import Field, model_validator

from contracts import limits
from contracts.base import Contract, Rejection


class FieldProblem(Contract):
    """One field at fault and why."""

    field: str
    """Dotted path of the field, e.g. `data.debtors.0.id_number`; `$` for the whole message,
    `subject` for the subject it arrived on."""
    reason: str
    """Why it was refused, in words an integrator can act on."""


class MessageRejectedBase(Rejection):
    """消息拒收 — a message was refused; it is recorded, and sent back to its sender (or, when the
    subject names no organization it can be addressed to, to the platform `FUYUAN`)."""

    rejected_event_id: UUID | None = None
    """The refused message's event id, if its envelope could be read."""
    rejected_type: str | None = None
    """The refused message's type, if its envelope or its subject names one."""
    subject: str = Field(max_length=limits.MAX_SUBJECT_CHARS + 1)
    """The subject the refused message arrived on (cut to 256 characters, control characters
    shown as their pictures)."""
    problems: list[FieldProblem] = Field(min_length=1, max_length=limits.MAX_PROBLEMS + 1)
    """Every field at fault, each with its reason: at most ten, and then a line counting the rest."""
    received_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of the bytes as received, so the sender can match its copy."""
    received_size: int = Field(ge=0)
    """How many bytes were received."""
    received_excerpt: str = Field(max_length=limits.EXCERPT_BYTES + 1)
    """The first 2 KiB received, as text: invalid UTF-8 as U+FFFD, control characters as their
    pictures (U+2400…), `…` at the end when cut. Never the whole message."""

    @model_validator(mode="before")
    @classmethod
    def _from_the_first_form(cls, data: Any) -> Any:
        """Rejections recorded before the excerpt carried the whole input as `received` (UTF-8,
        or `base64:` and the bytes): they stay readable, as an excerpt and a size."""
        if not isinstance(data, dict) or "received" not in data:
            return data
        old = dict(data)
        raw = _first_form_bytes(old.pop("received"))
        old.setdefault("received_size", len(raw))
        old.setdefault("received_excerpt", limits.excerpt(raw))
        old.setdefault("received_sha256", hashlib.sha256(raw).hexdigest())
        return old


def _first_form_bytes(received: Any) -> bytes:
    text = received if isinstance(received, str) else ""
    if text.startswith("base64:"):
        try:
            return base64.b64decode(text[7:], validate=True)
        except binascii.Error:
            pass
    return text.encode("utf-8", "replace")
