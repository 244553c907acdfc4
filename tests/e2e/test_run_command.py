"""`make run` as a newcomer sees it: `fuyuan up` starts everything, shows flows, stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

pytestmark = pytest.mark.integration


def _leftovers(folder: Path) -> list[str]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = " ".join(proc.info["cmdline"] or [])
        if str(folder) in cmd:
            found.append(cmd)
    return found


def test_up_runs_the_stack_shows_real_flows_and_stops_with_nothing_left(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "DATABASE_URL")}
    env["COLUMNS"] = "160"
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "up", "--data-dir", str(tmp_path), "--rate", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            text = "".join(seen)
            if "case_registered" in text and "rejection" in text:
                break
        text = "".join(seen)
        assert "running" in text and "enforcement" in text
        assert "case_registered" in text, text
        assert "rejection" in text, text
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, rest
    assert "nothing left running" in rest
    assert _leftovers(tmp_path) == []
