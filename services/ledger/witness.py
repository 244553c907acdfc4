"""见证 — checkpoints kept outside the ledger: an exported file another organization keeps, and
its countersignature (a witness signs each checkpoint it has checked with its own Ed25519 key).

A checkpoint file is UTF-8 JSON:

    {"format": "fuyuan-ledger-checkpoints/v1",
     "checkpoints": [{"tree_size", "root_hash", "signed_at", "key_id", "signature"}, …],
     "witnesses":   [{"tree_size", "root_hash", "ledger_key_id", "witness_key_id",
                      "witnessed_at", "signature"}, …]}

A witness signs exactly the UTF-8 bytes of five lines, each ending in a line feed:

    fuyuan-ledger-witness/v1
    <tree_size>
    <root_hash>
    <ledger key_id>
    <witnessed_at, ISO 8601 with a UTC offset>
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.ledger.signing import (
    Checkpoint,
    key_id,
    public_key_of,
    sign_bytes,
    verify_bytes,
    verify_checkpoint,
)

FILE_FORMAT = "fuyuan-ledger-checkpoints/v1"
WITNESS_FORMAT = "fuyuan-ledger-witness/v1"


@dataclass(frozen=True)
class Countersignature:
    """副署 — a witness's signature over a checkpoint it verified with the ledger's key."""

    tree_size: int
    root_hash: str
    ledger_key_id: str
    witness_key_id: str
    witnessed_at: str
    signature: str

    def signed_payload(self) -> bytes:
        return (
            f"{WITNESS_FORMAT}\n{self.tree_size}\n{self.root_hash}\n{self.ledger_key_id}\n"
            f"{self.witnessed_at}\n"
        ).encode()

    def covers(self, cp: Checkpoint) -> bool:
        return (self.tree_size, self.root_hash, self.ledger_key_id) == (
            cp.tree_size,
            cp.root_hash,
            cp.key_id,
        )


@dataclass
class CheckpointFile:
    checkpoints: list[Checkpoint]
    witnesses: list[Countersignature]

    def to_json(self) -> str:
        doc = {
            "format": FILE_FORMAT,
            "checkpoints": [asdict(c) for c in self.checkpoints],
            "witnesses": [asdict(w) for w in self.witnesses],
        }
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"

    def write(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> CheckpointFile:
        """Raises ValueError when the file is not a checkpoint file."""
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != FILE_FORMAT:
            raise ValueError(f"{path} is not a {FILE_FORMAT} file")
        try:
            cps = [Checkpoint.from_json(json.dumps(c)) for c in doc["checkpoints"]]
            ws = [Countersignature(**w) for w in doc.get("witnesses", [])]
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}: {exc!r}") from exc
        return cls(cps, ws)


def exported(checkpoints: list[Checkpoint]) -> CheckpointFile:
    """One copy of each checkpoint (the same one may come from the table and the stream)."""
    unique = {(c.tree_size, c.root_hash, c.signature): c for c in checkpoints}
    return CheckpointFile(sorted(unique.values(), key=lambda c: c.tree_size), [])


def countersign(
    f: CheckpointFile, witness_private: str, ledger_public: str, now: datetime
) -> tuple[int, list[str]]:
    """Add the witness's signature to every checkpoint the ledger's key verifies and the witness
    has not signed yet; returns (how many were signed, problems with the others)."""
    witness_id = key_id(public_key_of(witness_private))
    at = now.astimezone(UTC).isoformat(timespec="microseconds")
    signed, problems = 0, []
    for cp in f.checkpoints:
        if not verify_checkpoint(cp, ledger_public):
            problems.append(f"checkpoint {cp.tree_size}: the ledger's signature does not verify")
            continue
        if any(w.covers(cp) and w.witness_key_id == witness_id for w in f.witnesses):
            continue
        unsigned = Countersignature(cp.tree_size, cp.root_hash, cp.key_id, witness_id, at, "")
        sig = sign_bytes(unsigned.signed_payload(), witness_private)
        f.witnesses.append(Countersignature(**{**asdict(unsigned), "signature": sig}))
        signed += 1
    return signed, problems


def witnessed(cp: Checkpoint, f: CheckpointFile, witness_public: str) -> bool:
    """Whether the witness with this public key countersigned exactly this checkpoint."""
    wid = key_id(witness_public)
    return any(
        w.covers(cp)
        and w.witness_key_id == wid
        and verify_bytes(w.signed_payload(), w.signature, witness_public)
        for w in f.witnesses
    )
