"""证明 — inclusion and consistency proofs, made from the journal and checked offline.

A proof file holds everything an auditor or a bureau needs besides the ledger's public key: the
entry's fields and message, the Merkle audit path, and the signed checkpoint it leads to.
Checking it touches no database.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.ledger.domain import ENTRY_FORMATS, Facts, StoredRow, entry_hash
from services.ledger.merkle import leaf_hash, verify_consistency, verify_inclusion
from services.ledger.signing import Checkpoint, verify_checkpoint

INCLUSION = "fuyuan-ledger-inclusion-proof/v1"
CONSISTENCY = "fuyuan-ledger-consistency-proof/v1"


@dataclass(frozen=True)
class Check:
    what: str
    ok: bool


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(body).decode()


def _bytes(text: str) -> bytes:
    return base64.b64decode(text[7:]) if text.startswith("base64:") else text.encode("utf-8")


def entry_doc(r: StoredRow) -> dict[str, Any]:
    f = r.facts
    return {
        "position": r.position,
        "message_key": f.message_key,
        "type": f.type,
        "subject": f.subject,
        "organization": f.organization,
        "case_number": f.case_number,
        "event_id": f.event_id,
        "correlation_id": f.correlation_id,
        "causation_id": f.causation_id,
        "trace_id": f.trace_id,
        "recorded_at": r.recorded_at.isoformat(timespec="microseconds"),
        "message_sha256": r.message_sha256.hex(),
        "prev_hash": r.prev_hash.hex(),
        "hash": r.hash.hex(),
        "message": _text(f.body),
        "sender": f.sender,
        "forgery": f.forgery,
        "detail": f.detail,
        "entry_format": ENTRY_FORMATS.get(f.version),
    }


def _version(e: dict[str, Any]) -> int:
    """A proof written before senders were kept has no entry_format: it is format v1."""
    names = {name: v for v, name in ENTRY_FORMATS.items()}
    return names[e.get("entry_format", ENTRY_FORMATS[1])]


def checkpoint_doc(cp: Checkpoint) -> dict[str, Any]:
    return {
        "tree_size": cp.tree_size,
        "root_hash": cp.root_hash,
        "signed_at": cp.signed_at,
        "key_id": cp.key_id,
        "signature": cp.signature,
    }


def _checkpoint(doc: dict[str, Any]) -> Checkpoint:
    return Checkpoint(
        int(doc["tree_size"]), doc["root_hash"], doc["signed_at"], doc["key_id"], doc["signature"]
    )


def inclusion_doc(r: StoredRow, path: list[bytes], cp: Checkpoint) -> dict[str, Any]:
    return {
        "format": INCLUSION,
        "entry": entry_doc(r),
        "leaf_index": r.position - 1,
        "tree_size": cp.tree_size,
        "audit_path": [h.hex() for h in path],
        "checkpoint": checkpoint_doc(cp),
    }


def _entry_hash_ok(e: dict[str, Any]) -> bool:
    facts = Facts(
        e["message_key"],
        e["type"],
        e["subject"],
        e["organization"],
        e["case_number"],
        e["event_id"],
        e["correlation_id"],
        e["causation_id"],
        e["trace_id"],
        b"",
        e.get("sender"),
        e.get("forgery", False),
        e.get("detail"),
        _version(e),
    )
    recorded = datetime.fromisoformat(e["recorded_at"])
    digest, prev = bytes.fromhex(e["message_sha256"]), bytes.fromhex(e["prev_hash"])
    return entry_hash(e["position"], facts, recorded, digest, prev).hex() == e["hash"]


def check_inclusion(doc: dict[str, Any], public_key: str) -> list[Check]:
    """Every check a verifier makes, in order; the proof holds only if all are ok."""
    try:
        e, cp = doc["entry"], _checkpoint(doc["checkpoint"])
        path = [bytes.fromhex(h) for h in doc["audit_path"]]
        return [
            Check("format is " + INCLUSION, doc.get("format") == INCLUSION),
            Check(
                "checkpoint signature is valid for this public key",
                verify_checkpoint(cp, public_key),
            ),
            Check(
                "message matches the entry's digest",
                hashlib.sha256(_bytes(e["message"])).hexdigest() == e["message_sha256"],
            ),
            Check("entry hash matches the entry's fields", _entry_hash_ok(e)),
            Check("leaf index is the entry's position", doc["leaf_index"] == e["position"] - 1),
            Check(
                "entry is included in the signed tree",
                verify_inclusion(
                    leaf_hash(bytes.fromhex(e["hash"])),
                    doc["leaf_index"],
                    cp.tree_size,
                    path,
                    bytes.fromhex(cp.root_hash),
                ),
            ),
        ]
    except (KeyError, TypeError, ValueError) as exc:
        return [Check(f"proof file is well formed ({exc!r})", False)]


def consistency_doc(old: Checkpoint, new: Checkpoint, path: list[bytes]) -> dict[str, Any]:
    return {
        "format": CONSISTENCY,
        "old": checkpoint_doc(old),
        "new": checkpoint_doc(new),
        "proof": [h.hex() for h in path],
    }


def check_consistency(doc: dict[str, Any], public_key: str) -> list[Check]:
    """That the newer signed tree extends the older one: nothing before it was changed."""
    try:
        old, new = _checkpoint(doc["old"]), _checkpoint(doc["new"])
        path = [bytes.fromhex(h) for h in doc["proof"]]
        return [
            Check("format is " + CONSISTENCY, doc.get("format") == CONSISTENCY),
            Check("older checkpoint signature is valid", verify_checkpoint(old, public_key)),
            Check("newer checkpoint signature is valid", verify_checkpoint(new, public_key)),
            Check(
                "the newer tree extends the older one",
                verify_consistency(
                    old.tree_size,
                    new.tree_size,
                    bytes.fromhex(old.root_hash),
                    bytes.fromhex(new.root_hash),
                    path,
                ),
            ),
        ]
    except (KeyError, TypeError, ValueError) as exc:
        return [Check(f"proof file is well formed ({exc!r})", False)]
