"""What must hold at the end of a scenario: `fuyuan audit verify` and `fuyuan audit reconcile`
say the journal is intact and complete, and every service answers a new message."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
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
    """The outcome of one `fuyuan audit` command: whether it exited 0, what the report shows of
    its output (what failed first, in full), and the whole output."""

    command: str
    ok: bool
    summary: str
    lines: tuple[str, ...] = ()
    """Every line it printed, indented as printed."""


PROBLEM_COUNT = re.compile(r"\b[1-9][\d,]* (missing|differ|only in the journal)")
"""A count of `fuyuan audit reconcile` that makes it fail (set aside and removed letters do not)."""
SHOWN_DETAILS = 12
"""Detail lines (ids, keys) a failed command's summary names before counting the rest."""


def problems(lines: list[str] | tuple[str, ...]) -> list[str]:
    """The lines of a failed command that name a problem: a stream or log with a failing count,
    the ids and keys printed under it (indented), a FAIL, a warning or an error."""
    out = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if (
            line.startswith(" ")
            or PROBLEM_COUNT.search(text)
            or text.startswith(("FAIL", "WARNING", "Error", "Traceback"))
            or "Error:" in text
        ):
            out.append(text)
    return out


def summarize(ok: bool, lines: list[str] | tuple[str, ...]) -> str:
    """Of a command that passed, its first two lines; of one that failed, what failed first and
    in full (details beyond `SHOWN_DETAILS` counted), then how many lines showed no problem."""
    texts = [line.strip() for line in lines if line.strip()]
    if ok:
        return "; ".join(texts[:2])
    failing = problems(lines)
    if not failing:
        return "; ".join(texts[-3:]) or "failed without a word"
    heads = [t for t in failing if not _detail(t, lines)]
    details = [t for t in failing if _detail(t, lines)]
    shown = details[:SHOWN_DETAILS]
    more = len(details) - len(shown)
    parts = [*heads, *shown] + ([f"… and {more} more"] if more else [])
    clean = len(texts) - len(failing)
    return "; ".join(parts) + (f" ({clean} other lines without a problem)" if clean else "")


def _detail(text: str, lines: list[str] | tuple[str, ...]) -> bool:
    return any(line.startswith(" ") and line.strip() == text for line in lines)


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
    lines = tuple(line.rstrip() for line in out.decode(errors="replace").splitlines())
    ok = proc.returncode == 0
    return Audit(command, ok, summarize(ok, lines), tuple(line for line in lines if line.strip()))


NOT_IN_LOG = "journaled, not in the service's log: "
"""How `fuyuan audit reconcile` names a journaled event of a service that its log lacks."""


def injected(reconcile: Audit, ids: set[str]) -> Audit:
    """A failed reconcile judged against the events the suite itself published on another
    service's subjects (`ids`), as no court can in production: the journal holds them, that
    service's log does not, and reconcile must say so. It passes when those events are all it
    names; anything else it names, or an id the suite did not publish, fails it still."""
    if reconcile.ok or not ids:
        return reconcile
    failing = problems(reconcile.lines)
    named = {t.removeprefix(NOT_IN_LOG) for t in failing if t.startswith(NOT_IN_LOG)}
    heads = [t for t in failing if not _detail(t, reconcile.lines)]
    only_those = all(_only_missing_from_service(h) for h in heads)
    others = [t for t in failing if _detail(t, reconcile.lines) and not t.startswith(NOT_IN_LOG)]
    if not named or named - ids or others or not only_those:
        return reconcile
    return Audit(
        reconcile.command,
        True,
        f"it names the {len(named)} events the suite published on another service's subjects "
        "(journaled, not in that service's log), and nothing else: "
        + "; ".join([*heads, *sorted(named)[:SHOWN_DETAILS]]),
        reconcile.lines,
    )


def _only_missing_from_service(head: str) -> bool:
    """A log's line whose only failing count is of events missing from the service."""
    counts = list(PROBLEM_COUNT.finditer(head))
    return bool(counts) and all(
        m.group(1) == "missing" and head[m.end() :].startswith(" from the service") for m in counts
    )


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
