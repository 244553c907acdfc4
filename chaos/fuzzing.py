"""Hostile messages for a run, from the fuzzer's strategies (`chaos.fuzz`), published as an
integrator would: with `Nats-Msg-Id` = the envelope's event id when there is one to read.

A run draws them in a process of its own (`drawn_apart`). While Hypothesis draws it seeds the
process's global `random` and watches it between draws; a run's event loop shares that global
state (the NATS client's server order and reconnect pauses, the checks' case numbers). In a
thread beside the loop each disturbed the other: the loop's draws came from Hypothesis's fixed
seed, and Hypothesis took the loop's draws for a strategy's and warned ("Do not use the `random`
module inside strategies").

    python -m chaos.fuzzing COUNT SEED    # the pickled list on standard output
"""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
from pathlib import Path

from chaos.book import envelope_id
from chaos.fuzz import hostile

ROOT = Path(__file__).resolve().parent.parent
Hostile = tuple[str, bytes, str | None]
"""Subject, bytes, and the `Nats-Msg-Id` to publish them with."""


def hostile_messages(count: int, at_seed: int) -> list[Hostile]:
    """(subject, bytes, Nats-Msg-Id) of `count` hostile messages over every ingress subject."""
    return [(subject, data, envelope_id(data)) for subject, data in hostile(count, at_seed=at_seed)]


async def drawn_apart(count: int, at_seed: int) -> list[Hostile]:
    """`hostile_messages`, the same for the same seed, drawn by a child Python process, so the
    event loop's global `random` is left alone."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "chaos.fuzzing",
        str(count),
        str(at_seed),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": path},
    )
    out, err = await child.communicate()
    if child.returncode != 0:
        why = err.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"the fuzzer exited with {child.returncode}: {why[0]}")
    drawn: list[Hostile] = pickle.loads(out)  # our own child's output, trusted
    return drawn


def main(argv: list[str]) -> None:
    count, at_seed = (int(a) for a in argv)
    sys.stdout.buffer.write(pickle.dumps(hostile_messages(count, at_seed)))


if __name__ == "__main__":
    main(sys.argv[1:])
