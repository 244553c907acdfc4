"""The audit screen's signature check: the documented four lines, Ed25519, the public key."""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from contracts.ledger import CheckpointSigned
from services.ledger.signing import Checkpoint
from services.reporting.workbench.audit import signed_payload, verified


def signed(key: Ed25519PrivateKey, tree_size: int = 3) -> CheckpointSigned:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    unsigned = CheckpointSigned(
        tree_size=tree_size,
        root_hash="ab" * 32,
        signed_at="2026-12-03T01:30:00.000000+00:00",
        key_id=hashlib.sha256(raw).hexdigest()[:16],
        signature="x",
    )
    signature = base64.b64encode(key.sign(signed_payload(unsigned))).decode()
    return unsigned.model_copy(update={"signature": signature})


def public(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def test_a_checkpoint_signed_by_the_ledgers_key_is_verified() -> None:
    key = Ed25519PrivateKey.generate()
    assert verified(signed(key), public(key))


def test_another_key_or_a_changed_size_is_not() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    assert not verified(signed(key), public(other))
    changed = signed(key).model_copy(update={"tree_size": 4})
    assert not verified(changed, public(key))
    assert not verified(signed(key), "not base64!")


def test_the_signed_bytes_are_the_ledgers_own() -> None:
    checkpoint = signed(Ed25519PrivateKey.generate())
    ledgers = Checkpoint(**checkpoint.model_dump(include=set(Checkpoint.__dataclass_fields__)))
    assert signed_payload(checkpoint) == ledgers.signed_payload()
