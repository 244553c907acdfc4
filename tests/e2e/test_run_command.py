"""`make run` as a newcomer sees it: `fuyuan up` starts everything, shows flows, stops cleanly."""

from __future__ import annotations

import os
import re
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


def _up(folder: Path, **extra_env: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "DATABASE_URL")}
    env |= {"COLUMNS": "160", **extra_env}
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli.main", "up", "--data-dir", str(folder), "--rate", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )


def _read_until(proc: subprocess.Popen[str], done: re.Pattern[str], seconds: float) -> str:
    """What `fuyuan up` printed until `done` matches it, or the deadline, or its end."""
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if done.search("".join(seen)):
            break
    return "".join(seen)


def test_up_runs_the_stack_shows_real_flows_and_stops_with_nothing_left(tmp_path: Path) -> None:
    proc = _up(tmp_path)
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


def test_a_service_that_crashes_at_start_is_named_with_its_reason_and_not_restarted(
    tmp_path: Path,
) -> None:
    """A bad setting: every service exits at once. The live view names each with its exit code
    and the lines of its log that say why, the overview shows it exited, and Ctrl-C still stops
    everything else."""
    proc = _up(tmp_path, FUYUAN_MAX_ATTEMPTS="0")
    crashed = re.compile(
        r"✗ enforcement EXITED with exit code \d+.*?\n(?:.*\n)*?.*max_attempts", re.I
    )
    try:
        text = _read_until(proc, crashed, 120)
        assert crashed.search(text), text
        assert "crashed at start" in text and "NOT restarted" in text, text
        # The overview's row, not the live view's "✗ enforcement EXITED with …" line.
        row = re.compile(r"enforcement\s+│?\s*EXITED: exit code")
        text += _read_until(proc, row, 60)
        assert row.search(text), text
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    assert "enforcement restarted" not in text + rest
    assert proc.returncode == 1, rest
    assert "nothing left running" in rest
    assert "crashed during this run: " in rest and "enforcement" in rest
    assert _leftovers(tmp_path) == []
