"""The embedded servers every benchmark runs against, in one temporary folder.

A benchmark stopped from outside stops them too. SIGINT, SIGTERM and SIGHUP end the run through
its `finally` blocks, which stop the servers (SIGTERM and SIGHUP, fatal by default, become
`SystemExit` while the servers run). A benchmark killed outright (SIGKILL, the OOM killer) runs
no code: for that, the watchdog of `services.runtime.watchdog`, told the servers' processes,
PostgreSQL's data folder and the temporary folder, stops them and removes the folder.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres, _pg_bin, nats_server_binary
from services.runtime.watchdog import guarded

__all__ = ["Servers", "embedded", "guarded"]  # `guarded`: for bench/capacity.py too


@dataclass(frozen=True)
class Servers:
    postgres_url: str
    nats_url: str
    postgres_version: str
    nats_version: str
    pids: tuple[int, ...] = ()
    """nats-server, PostgreSQL's postmaster and the watchdog."""
    folder: str = ""
    """Where they keep their data (removed at the end)."""


def _version(*command: str) -> str:
    done = subprocess.run(list(command), capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip()


@contextlib.contextmanager
def embedded() -> Iterator[Servers]:
    """PostgreSQL with fsync on and the default synchronous_commit, and NATS with JetStream at
    its default sync interval; both stopped (and their data removed) whatever happens: an
    exception, SIGINT, SIGTERM, SIGHUP, or the benchmark killed (the watchdog)."""
    with guarded() as watchdog, tempfile.TemporaryDirectory(prefix="fuyuan-bench-") as tmp:
        root = Path(tmp)
        watchdog.remove(root)
        pg = EmbeddedPostgres(root / "postgres", durable=True)
        watchdog.postgres(pg.pgdata)
        nats = EmbeddedNats(root / "nats")
        try:
            pg.start()
            nats.start()
            assert nats.proc is not None
            watchdog.process(nats.proc.pid)
            postmaster = int((pg.pgdata / "postmaster.pid").read_text().split()[0])
            yield Servers(
                postgres_url=pg.url,
                nats_url=nats.url,
                postgres_version=_version(_pg_bin("postgres"), "--version"),
                nats_version=_version(str(nats_server_binary()), "--version"),
                pids=(nats.proc.pid, postmaster, watchdog.pid),
                folder=tmp,
            )
        finally:
            try:
                nats.stop()
            finally:
                pg.stop()
