"""`fuyuan up` killed outright (SIGKILL, the OOM killer) runs no code of its own, yet leaves
nothing running: its watchdog stops the embedded NATS, the embedded PostgreSQL (its data kept)
and every child it started."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.integration

WAIT = 90.0
"""Seconds, at most, for everything to be gone: the services' stop (SIGKILL after 15 s), then
PostgreSQL's fast shutdown."""
READY = "messages as they flow"
"""What `fuyuan up` prints once every child is started."""


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def running(proc: psutil.Process) -> bool:
    """Still the process seen (not a reused pid) and not a zombie waiting for its reaper."""
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def until(fact: Callable[[], bool], what: Callable[[], str]) -> None:
    deadline = time.monotonic() + WAIT
    while not fact():
        assert time.monotonic() < deadline, what()
        time.sleep(0.2)


def test_up_killed_outright_leaves_nothing_running_and_keeps_its_data(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "DATABASE_URL")}
    up = subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "up", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env | {"COLUMNS": "160"},
        text=True,
        start_new_session=True,
    )
    seen: list[psutil.Process] = []
    pgdata = tmp_path / "postgres" / "pgdata"
    try:
        assert up.stdout is not None
        printed: list[str] = []
        deadline = time.monotonic() + 180
        while READY not in "".join(printed) and time.monotonic() < deadline:
            line = up.stdout.readline()
            if not line:
                break
            printed.append(line)
        text = "".join(printed)
        assert READY in text, text

        # Every process it started: nats-server, the services, the workbench, the simulated
        # courts and bureaus, its watchdog; PostgreSQL's postmaster, started by pg_ctl, is not
        # its child.
        seen = psutil.Process(up.pid).children(recursive=True)
        postmaster = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
        seen.append(postmaster)
        names = " ".join(" ".join(p.cmdline()) for p in seen)
        for part in ("nats-server", "services.runtime enforcement", "workbench", "courts"):
            assert part in names, names
        assert len(seen) >= 11, names  # 5 services, 3 more children, 2 servers, the watchdog
        ports = [
            int(port)
            for pattern in (r"nats://127\.0\.0\.1:(\d+)", r"postgresql://\S+@127\.0\.0\.1:(\d+)/")
            for port in re.findall(pattern, text)[:1]
        ]
        assert len(ports) == 2, text
        assert all(running(p) for p in seen) and all(listening(p) for p in ports)

        up.kill()
        up.wait(10)

        until(
            lambda: not any(running(p) for p in seen),
            lambda: f"left running: {[' '.join(p.cmdline()) for p in seen if running(p)]}",
        )
        until(lambda: not any(listening(p) for p in ports), lambda: f"still listening: {ports}")
        assert (pgdata / "PG_VERSION").exists(), "its data was removed"
        assert not (pgdata / "postmaster.pid").exists()  # shut down, not killed
    finally:
        if up.poll() is None:
            up.kill()
            up.wait()
        for proc in seen:  # what the test failed on, not left behind it
            if running(proc):
                proc.send_signal(signal.SIGINT if proc.name() == "postgres" else signal.SIGKILL)
