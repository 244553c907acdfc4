"""拒收 — the rejection a service sends back to whoever sent a message it cannot accept."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from contracts.base import Contract, Rejection


class FieldProblem(Contract):
    """One field at fault and why."""

    field: str
    """Dotted path of the field, e.g. `data.debtors.0.id_number`; `$` for the whole message."""
    reason: str
    """Why it was refused, in words an integrator can act on."""


class MessageRejectedBase(Rejection):
    """消息拒收 — a message was refused; it is recorded, and sent back to its sender."""

    rejected_event_id: UUID | None = None
    """The refused message's event id, if its envelope could be read."""
    rejected_type: str | None = None
    """The refused message's type, if its envelope could be read."""
    subject: str
    """The subject the refused message arrived on."""
    problems: list[FieldProblem] = Field(min_length=1)
    """Every field at fault, each with its reason."""
    received_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of the bytes as received, so the sender can match its copy."""
    received: str
    """The bytes as received (UTF-8, or `base64:` and the bytes in Base64): nothing is lost."""
