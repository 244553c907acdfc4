"""What must hold at the end of a scenario: `fuyuan audit verify` and `fuyuan audit reconcile`
say the journal is intact and complete, and every service answers a new message."""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client

from chaos.book import Book
from chaos.load import Sender
from contracts.organizations import Registry
from services.cli.simulate import register_case

PROBE_COURT = "CT410482"


@dataclass(frozen=True)
class Audit:
    """The exit code and last words of one `fuyuan audit` command."""

    command: str
    ok: bool
    summary: str


async def audit(command: str, env: dict[str, str], within: float = 180.0) -> Audit:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.cli.main",
        "audit",
        command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, **env, "COLUMNS": "200"},
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), within)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return Audit(command, False, f"did not finish within {within:.0f} s")
    lines = [line.strip() for line in out.decode(errors="replace").splitlines() if line.strip()]
    summary = "; ".join(lines[-3:]) if proc.returncode else "; ".join(lines[:2])
    return Audit(command, proc.returncode == 0, summary[:400])


async def probe(sender: Sender, book: Book, within: float = 45.0) -> tuple[int, bool]:
    """A new case registered now gets its effect published within `within` seconds; returns
    its place in the stream and whether it did."""
    court = Registry.load().get(PROBE_COURT)
    msg = register_case(random.Random(), court, random.randrange(90_000, 99_999), datetime.now(UTC))
    sent = await sender.send(
        f"{msg.envelope.type}.{court.code}",
        msg.model_dump_json().encode(),
        "probe",
        str(msg.envelope.event_id),
    )
    if sent is None:
        return 0, False
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if book.answered_at(sent) is not None:
            return sent.seq, True
        await asyncio.sleep(0.2)
    return sent.seq, False


async def heartbeats(nc: Client, bucket: str = "fuyuan_status") -> dict[str, dict[str, Any]]:
    """Each service instance's last heartbeat (`<service>.<instance>` → its JSON), or nothing
    when the services publish none."""
    out: dict[str, dict[str, Any]] = {}
    try:
        kv = await nc.jetstream(timeout=5).key_value(bucket)
        for key in await kv.keys():
            entry = await kv.get(key)
            if entry.value:
                out[key] = json.loads(entry.value)
    except Exception:  # no bucket, no keys: the services keep no heartbeat
        return {}
    return out


def unhealthy_tasks(beat: dict[str, Any]) -> list[str]:
    """Tasks a heartbeat reports not running, with their last error."""
    tasks = beat.get("tasks") or {}
    return [
        f"{name} {t.get('state')}: {t.get('last_error')}"
        for name, t in tasks.items()
        if isinstance(t, dict) and t.get("state") != "running"
    ]
