"""审计链 — the ledger's public messages: signed checkpoints any party can hold it to."""

from __future__ import annotations

from pydantic import Field

from contracts.base import Event
from contracts.registry import register

HexDigest = str


@register
class CheckpointSigned(Event):
    """检查点 — the journal's Merkle root at a size, signed by the ledger (Ed25519).

    The signed bytes are the UTF-8 of `fuyuan-ledger-checkpoint/v1\\n{tree_size}\\n{root_hash}\\n
    {signed_at}\\n` (see docs/LEDGER.md); any Ed25519 tool verifies them with the public key.
    """

    TYPE = "ledger.event.checkpoint_signed.v1"
    tree_size: int = Field(ge=1)
    """Number of journal entries the root covers (positions 1 … tree_size)."""
    root_hash: HexDigest = Field(pattern=r"^[0-9a-f]{64}$")
    """RFC 6962 Merkle root of the entry hashes, hex."""
    signed_at: str = Field(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
    """When the ledger signed it, ISO 8601 with its offset, exactly the text that was signed."""
    key_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    """First 16 hex characters of SHA-256 of the raw public key."""
    signature: str = Field(min_length=1)
    """Base64 Ed25519 signature over the signed bytes."""
