"""审计 — for the auditor and the office: the ledger's latest signed checkpoint, checked
against the ledger's public key, and the messages set aside for operators (dead letters).

The checkpoint is read as `fuyuan audit verify` reads the ones outside the ledger's tables:
the last `ledger.event.checkpoint_signed.v1` on the LEDGER stream, its Ed25519 signature over
the four documented lines (contracts/ledger.py) checked with `FUYUAN_LEDGER_PUBLIC_KEY`. The
set-aside messages are counted per subject of the DEADLETTER stream, as `fuyuan status` counts
them; `fuyuan dlq` shows and replays them.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from faststream.nats import NatsBroker
from nats.js.errors import Error as JetStreamError

from contracts.ledger import CheckpointSigned
from contracts.registry import InvalidMessageError, parse_message
from contracts.subjects import DEADLETTER_ACTIONS, DEADLETTER_ROOT, DEADLETTER_STREAM

LEDGER_STREAM = "LEDGER"
CHECKPOINTS = f"{CheckpointSigned.TYPE}.*"


@dataclass(frozen=True)
class SetAside:
    subject: str
    count: int


def signed_payload(checkpoint: CheckpointSigned) -> bytes:
    lines = ("fuyuan-ledger-checkpoint/v1", str(checkpoint.tree_size), checkpoint.root_hash)
    return "".join(f"{line}\n" for line in (*lines, checkpoint.signed_at)).encode()


def verified(checkpoint: CheckpointSigned, public_key: str) -> bool:
    """Whether the checkpoint's signature holds under the base64 Ed25519 public key."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(
            base64.b64decode(checkpoint.signature, validate=True), signed_payload(checkpoint)
        )
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


class Audit:
    """The port; this base knows nothing (no servers)."""

    async def checkpoint(self) -> CheckpointSigned | None:
        return None

    async def set_aside(self) -> list[SetAside]:
        return []


class JetStreamAudit(Audit):
    def __init__(self, broker: NatsBroker) -> None:
        self.broker = broker

    async def checkpoint(self) -> CheckpointSigned | None:
        js = self.broker.config.connection_state.stream
        try:
            raw = await js.get_last_msg(LEDGER_STREAM, CHECKPOINTS)
            message = parse_message(raw.data or b"")
        except (JetStreamError, InvalidMessageError):
            return None
        return message.data if isinstance(message.data, CheckpointSigned) else None

    async def set_aside(self) -> list[SetAside]:
        js = self.broker.config.connection_state.stream
        try:
            info = await js.stream_info(DEADLETTER_STREAM, subjects_filter=f"{DEADLETTER_ROOT}.>")
        except JetStreamError:
            return []
        actions = f"{DEADLETTER_ROOT}.{DEADLETTER_ACTIONS}."
        return [
            SetAside(subject, count)
            for subject, count in sorted((info.state.subjects or {}).items())
            if count and not subject.startswith(actions)
        ]
