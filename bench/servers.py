"""The embedded servers every benchmark runs against, in one temporary folder."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres, _pg_bin, nats_server_binary


@dataclass(frozen=True)
class Servers:
    postgres_url: str
    nats_url: str
    postgres_version: str
    nats_version: str


def _version(*command: str) -> str:
    done = subprocess.run(list(command), capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip()


@contextlib.contextmanager
def embedded() -> Iterator[Servers]:
    """PostgreSQL with fsync on and the default synchronous_commit, and NATS with JetStream at
    its default sync interval; both stopped (and their data removed) whatever happens."""
    with tempfile.TemporaryDirectory(prefix="fuyuan-bench-") as tmp:
        root = Path(tmp)
        pg = EmbeddedPostgres(root / "postgres", durable=True)
        nats = EmbeddedNats(root / "nats")
        try:
            pg.start()
            nats.start()
            yield Servers(
                postgres_url=pg.url,
                nats_url=nats.url,
                postgres_version=_version(_pg_bin("postgres"), "--version"),
                nats_version=_version(str(nats_server_binary()), "--version"),
            )
        finally:
            try:
                nats.stop()
            finally:
                pg.stop()
