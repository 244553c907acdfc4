"""The services as real processes: started, killed with SIGKILL, started again, measured.

Each runs as `fuyuan up` runs it (`python -m services.cli.main service <name>`), in its own
session, logging to a file of the run. Memory is the kernel's resident set (VmRSS).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB, 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


@dataclass
class Service:
    """One service instance: which service, its environment, its log, its process."""

    name: str
    """Instance name in the report: `enforcement`, `enforcement-2`, `ledger`."""
    service: str
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    peak_rss_kib: int = 0
    kills: int = 0
    starts: int = 0
    exit_codes: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log, "ab")  # noqa: SIM115 - owned by the child
        out.write(f"---- start {self.starts + 1} at {time.strftime('%H:%M:%S')} ----\n".encode())
        out.flush()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "service", self.service],
            stdout=out,
            stderr=out,
            env={**os.environ, **self.env},
            start_new_session=True,
        )
        self.starts += 1

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.kills += 1

    def sample(self) -> None:
        if self.alive() and self.pid:
            self.peak_rss_kib = max(self.peak_rss_kib, rss_kib(self.pid))

    def stop(self, seconds: float = 20.0) -> bool:
        """SIGTERM; whether it exited cleanly (code 0) within `seconds` (else SIGKILL)."""
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None and self.proc.returncode is not None:
                self.exit_codes.append(self.proc.returncode)
            return False
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            self.exit_codes.append(-9)
            return False
        self.exit_codes.append(code)
        return code == 0

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def started_since(self, marker: int) -> bool:
        """Whether the log says `service started` after byte offset `marker`."""
        try:
            with self.log.open("rb") as f:
                f.seek(marker)
                return b"service started" in f.read()
        except OSError:
            return False

    def log_size(self) -> int:
        try:
            return self.log.stat().st_size
        except OSError:
            return 0


def socket_inodes(pid: int) -> set[str]:
    out = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with_target = os.readlink(fd) if fd.is_symlink() else ""
            if with_target.startswith("socket:["):
                out.add(with_target[8:-1])
    except OSError:
        pass
    return out


def local_ports(pid: int) -> set[int]:
    """Local TCP ports of a process's sockets (from /proc/net/tcp and tcp6)."""
    inodes, ports = socket_inodes(pid), set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if len(cols) > 9 and cols[9] in inodes:
                ports.add(int(cols[1].rsplit(":", 1)[1], 16))
    return ports
