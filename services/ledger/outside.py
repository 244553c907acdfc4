"""外部检查点 — gathering the checkpoints held outside the ledger's tables for `verify`: those its
relay published on the LEDGER stream, and those in files other organizations keep (optionally
only the ones a named witness countersigned)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from services.ledger.audit import Held
from services.ledger.signing import key_id
from services.ledger.streams import connected, published_checkpoints
from services.ledger.witness import CheckpointFile, witnessed

STREAM_SOURCE = "the LEDGER stream"


@dataclass
class Gathered:
    held: list[Held] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Faults of the external copies themselves (a checkpoint the witness did not sign)."""
    warnings: list[str] = field(default_factory=list)
    """Sources that could not be read."""


async def from_stream(nats_url: str, out: Gathered) -> None:
    try:
        async with connected(nats_url) as nc:
            cps = await published_checkpoints(nc)
    except (
        Exception
    ) as exc:  # NATS down is a warning: the files may still hold the journal to account
        out.warnings.append(f"{STREAM_SOURCE} could not be read: {exc!r}")
        return
    out.held += [Held(cp, STREAM_SOURCE) for cp in cps]


def from_file(path: Path, witness_key: str | None, out: Gathered) -> None:
    try:
        f = CheckpointFile.read(path)
    except (OSError, ValueError) as exc:
        out.problems.append(f"{path}: not a readable checkpoint file ({exc})")
        return
    source = f"file {path.name}"
    if witness_key:
        source += f", countersigned by witness {key_id(witness_key)}"
    for cp in f.checkpoints:
        if witness_key and not witnessed(cp, f, witness_key):
            out.problems.append(
                f"checkpoint {cp.tree_size} (file {path.name}): not countersigned "
                f"by witness {key_id(witness_key)}"
            )
            continue
        out.held.append(Held(cp, source))


async def gather(nats_url: str | None, files: list[Path], witness_key: str | None) -> Gathered:
    out = Gathered()
    if nats_url:
        await from_stream(nats_url, out)
    else:
        out.warnings.append(f"NATS_URL is not set: {STREAM_SOURCE} was not read")
    for path in files:
        from_file(path, witness_key, out)
    return out
