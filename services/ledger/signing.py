"""签名检查点 — signed checkpoints: the journal's Merkle root at a tree size, signed with Ed25519
(RFC 8032) so a court or bureau can hold the journal to it later.

Keys travel as standard base64 (RFC 4648, with padding) of the 32 raw key bytes. A key's id is
the first 16 hex characters of SHA-256 over the raw public key.

The signed message is exactly the UTF-8 bytes of four lines, each ending in a line feed:

    fuyuan-ledger-checkpoint/v1
    <tree_size in decimal, no sign or leading zeros>
    <root_hash, 64 lowercase hex characters>
    <signed_at exactly as written in the checkpoint: ISO 8601 with a UTC offset>

(`sign_checkpoint` writes signed_at in UTC, e.g. 2026-03-01T01:30:00.000000+00:00.) The signature is
base64 of the 64-byte Ed25519 signature over those bytes, so any Ed25519 tool verifies a
checkpoint. With OpenSSL 3, having written the payload to the file `payload`, the decoded
signature to `sig` and the public key as DER (hex 302a300506032b6570032100, then the 32 raw
bytes) to `pub.der`:

    openssl pkeyutl -verify -pubin -keyform DER -inkey pub.der -rawin -in payload -sigfile sig
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

CHECKPOINT_FORMAT = "fuyuan-ledger-checkpoint/v1"
_ROOT_HASH = re.compile(r"[0-9a-f]{64}")
# As contracts.ledger.CheckpointSigned publishes it; ASCII digits only.
_SIGNED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", re.ASCII)
_KEY_SIZE = 32
_ROOT_SIZE = 32
_SIGNATURE_SIZE = 64


@dataclass(frozen=True)
class Checkpoint:
    """检查点 — the journal's tree head at `tree_size` leaves, signed by the key `key_id`."""

    tree_size: int
    root_hash: str
    """Merkle root (services.ledger.merkle.root) as lowercase hex."""
    signed_at: str
    """ISO 8601 with a UTC offset, exactly as signed."""
    key_id: str
    signature: str
    """Base64 of the Ed25519 signature over `signed_payload()`."""

    def signed_payload(self) -> bytes:
        return (
            f"{CHECKPOINT_FORMAT}\n{self.tree_size}\n{self.root_hash}\n{self.signed_at}\n"
        ).encode()

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Checkpoint:
        """Raises ValueError unless `text` is an object with exactly the checkpoint's fields,
        of the right JSON types; whether they hold up is verify_checkpoint's question."""
        data: Any = json.loads(text)
        if not isinstance(data, dict) or set(data) != _FIELD_TYPES.keys():
            raise ValueError(f"a checkpoint has exactly the fields {sorted(_FIELD_TYPES)}")
        for name, kind in _FIELD_TYPES.items():
            if type(data[name]) is not kind:
                raise ValueError(f"checkpoint field {name} must be a {kind.__name__}")
        return cls(**data)


_FIELD_TYPES: dict[str, type] = {
    "tree_size": int,
    "root_hash": str,
    "signed_at": str,
    "key_id": str,
    "signature": str,
}


def generate_key() -> str:
    raw = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return _b64(raw)


def public_key_of(private_b64: str) -> str:
    return _b64(_private_key(private_b64).public_key().public_bytes_raw())


def key_id(public_b64: str) -> str:
    return hashlib.sha256(_raw_key(public_b64)).hexdigest()[:16]


def sign_checkpoint(
    tree_size: int, root_hash: bytes, signed_at: datetime, private_b64: str
) -> Checkpoint:
    """Raises ValueError for a negative size, a root that is not 32 bytes or a naive time."""
    if tree_size < 0 or len(root_hash) != _ROOT_SIZE or signed_at.utcoffset() is None:
        raise ValueError("a checkpoint needs a size >= 0, a 32-byte root and an aware time")
    private = _private_key(private_b64)
    unsigned = Checkpoint(
        tree_size=tree_size,
        root_hash=root_hash.hex(),
        signed_at=signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
        key_id=key_id(_b64(private.public_key().public_bytes_raw())),
        signature="",
    )
    return replace(unsigned, signature=_b64(private.sign(unsigned.signed_payload())))


def verify_checkpoint(cp: Checkpoint, public_b64: str) -> bool:
    """True only for a well-formed checkpoint signed by this key; never raises for bad input."""
    try:
        public = Ed25519PublicKey.from_public_bytes(_raw_key(public_b64))
        signature = _unb64(cp.signature)
        if not _well_formed(cp) or cp.key_id != key_id(public_b64):
            return False
        if len(signature) != _SIGNATURE_SIZE:
            return False
        public.verify(signature, cp.signed_payload())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def sign_bytes(payload: bytes, private_b64: str) -> str:
    """Base64 Ed25519 signature of `payload` (a witness's countersignature)."""
    return _b64(_private_key(private_b64).sign(payload))


def verify_bytes(payload: bytes, signature_b64: str, public_b64: str) -> bool:
    """True only for a valid signature of `payload` by this key; never raises for bad input."""
    try:
        public = Ed25519PublicKey.from_public_bytes(_raw_key(public_b64))
        public.verify(_unb64(signature_b64), payload)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _well_formed(cp: Checkpoint) -> bool:
    """Fields that cannot smuggle a line break or a second spelling into the signed payload."""
    return (
        type(cp.tree_size) is int
        and cp.tree_size >= 0
        and isinstance(cp.root_hash, str)
        and _ROOT_HASH.fullmatch(cp.root_hash) is not None
        and _is_aware_timestamp(cp.signed_at)
    )


def _is_aware_timestamp(text: object) -> bool:
    if not isinstance(text, str) or _SIGNED_AT.fullmatch(text) is None:
        return False
    try:
        return datetime.fromisoformat(text).utcoffset() is not None
    except ValueError:  # e.g. a 13th month
        return False


def _private_key(private_b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_raw_key(private_b64))


def _raw_key(key_b64: str) -> bytes:
    raw = _unb64(key_b64)
    if len(raw) != _KEY_SIZE:
        raise ValueError(f"an Ed25519 key is {_KEY_SIZE} bytes, not {len(raw)}")
    return raw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    """Canonical base64 only, so one signature or key has one spelling; else ValueError."""
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError(str(error)) from error
    if _b64(raw) != text:
        raise ValueError("not canonical base64")
    return raw
