"""A benchmark stopped from outside leaves no server running: its embedded PostgreSQL and NATS
(bench/servers.py) are stopped on SIGINT, SIGTERM and SIGHUP by the benchmark itself, and by
its watchdog when the benchmark is killed outright."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from services.runtime.watchdog import alive

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BENCHMARK = """
import asyncio, json, sys, time
from bench.servers import embedded

async def forever():
    await asyncio.Event().wait()

with embedded() as servers:
    print(json.dumps({"pids": servers.pids, "urls": [servers.postgres_url, servers.nats_url],
                      "folder": servers.folder}), flush=True)
    if sys.argv[1] == "asyncio":  # a benchmark's event loop inside, as `python -m bench` runs
        asyncio.run(forever())
    while True:
        time.sleep(1)
"""
WAIT = 60.0
"""Seconds, at most, for everything to be gone (a PostgreSQL fast shutdown, then SIGKILL)."""


def port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


def listening(p: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", p), timeout=0.5):
            return True
    except OSError:
        return False


def until(fact: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not fact():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("sig", "inside"),
    [
        (signal.SIGINT, "sleep"),
        (signal.SIGTERM, "sleep"),
        (signal.SIGHUP, "sleep"),
        (signal.SIGKILL, "sleep"),
        (signal.SIGINT, "asyncio"),
        (signal.SIGTERM, "asyncio"),
    ],
)
def test_a_benchmark_stopped_from_outside_leaves_no_server_running(
    sig: signal.Signals, inside: str
) -> None:
    bench = subprocess.Popen(
        [sys.executable, "-c", BENCHMARK, inside],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert bench.stdout is not None
        line = bench.stdout.readline()
        assert line, bench.stderr.read() if bench.stderr else ""
        started = json.loads(line)
        pids, ports = started["pids"], [port(u) for u in started["urls"]]
        assert len(pids) == 3 and all(alive(p, None) for p in pids)
        assert all(listening(p) for p in ports)

        bench.send_signal(sig)
        code = bench.wait(WAIT)
        # SIGTERM and SIGHUP end it through its `finally` blocks (SystemExit), not at once.
        expected = {signal.SIGTERM: 128 + sig, signal.SIGHUP: 128 + sig}.get(sig, -sig)
        assert code == expected, bench.stderr.read() if bench.stderr else ""

        until(lambda: not any(alive(p, None) for p in pids), f"left running: {pids}")
        until(lambda: not any(listening(p) for p in ports), f"still listening: {ports}")
        until(lambda: not Path(started["folder"]).exists(), "their data is left")
    finally:
        if bench.poll() is None:
            os.killpg(bench.pid, signal.SIGKILL)
            bench.wait()
