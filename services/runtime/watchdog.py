"""A watchdog: whatever a process started is stopped when it dies, even killed outright.

SIGINT and SIGTERM end `fuyuan up` or a benchmark through code of its own that stops what it
started. A process killed outright (SIGKILL, the OOM killer) runs no code: for that, a watchdog,
a small process of its own session started beside it, holds the read end of a pipe only that
process writes to. The process tells it what to stop (processes, a PostgreSQL data folder, a
folder to remove) and, once it has stopped them itself, that all is done. The pipe closed
without that word means the process died: the watchdog stops what it was told (SIGTERM, then
SIGKILL after `STOP_WAIT` seconds; PostgreSQL by a fast shutdown of the postmaster named in its
`postmaster.pid`, what `pg_ctl stop -m fast` does), removes the folders and exits. A process is
stopped only if it is still the one registered (its start time in /proc, on Linux), and never
pid 0 or -1 (a group, or every process). `prctl(PR_SET_PDEATHSIG)` would not do: PostgreSQL's
postmaster is started by `pg_ctl`, which exits at once, so the process is never its parent.

Only the standard library: the watchdog imports this module alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

STOP_WAIT = 15.0
"""Seconds the watchdog gives a process (and a PostgreSQL fast shutdown) before SIGKILL."""
_WATCH = "import sys, services.runtime.watchdog as w; w.watch(int(sys.argv[1]))"
_ROOT = Path(__file__).resolve().parents[2]
"""The project, where the watchdog imports this module from."""


@dataclass
class Watchdog:
    """This process's side: what to stop if it dies, written to the watchdog's pipe."""

    pid: int
    _fd: int | None

    @classmethod
    def start(cls) -> Watchdog:
        read, write = os.pipe()  # neither end is inherited by the processes started later
        try:
            proc = subprocess.Popen(
                [sys.executable, "-c", _WATCH, str(read)],
                pass_fds=(read,),
                cwd=_ROOT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C or a signal to the process group spares it
            )
        except BaseException:
            os.close(write)
            raise
        finally:
            os.close(read)
        return cls(proc.pid, write)

    def _say(self, *words: str | int | Path) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(BrokenPipeError):  # it died: nothing to tell
            os.write(self._fd, (" ".join(map(str, words)) + "\n").encode())

    def process(self, pid: int) -> None:
        """Stop this process if this one dies (a pid below 1 names none)."""
        if pid > 0:
            self._say("process", pid)

    def postgres(self, pgdata: Path) -> None:
        """Shut down the PostgreSQL server of this data folder if this one dies (its data is
        kept)."""
        self._say("postgres", pgdata)

    def remove(self, folder: Path) -> None:
        """Remove this folder (after the stops) if this one dies."""
        self._say("remove", folder)

    def close(self, *, done: bool) -> None:
        """`done`: everything was stopped here, the watchdog exits without a look."""
        if done:
            self._say("done")
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_GUARDS: list[Watchdog] = []


def guard(pid: int) -> None:
    """Stop this process too if this one dies (no-op outside `guarded()`)."""
    if _GUARDS:
        _GUARDS[-1].process(pid)


def _exit_on(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def guarded() -> Iterator[Watchdog]:
    """A watchdog for the time of the block, and SIGTERM and SIGHUP ending this process through
    its `finally` blocks rather than at once (where their handlers are the default ones and this
    is the main thread). Whoever leaves the block without an exception has stopped everything
    registered; otherwise the watchdog stops it."""
    watchdog = Watchdog.start()
    replaced: list[signal.Signals] = []
    if sys.platform != "win32" and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) == signal.SIG_DFL:
                signal.signal(sig, _exit_on)
                replaced.append(sig)
    _GUARDS.append(watchdog)
    done = False
    try:
        yield watchdog
        done = True
    finally:
        _GUARDS.remove(watchdog)
        watchdog.close(done=done)
        for sig in replaced:
            if signal.getsignal(sig) == _exit_on:  # not one set since, e.g. by an event loop
                signal.signal(sig, signal.SIG_DFL)


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def alive(pid: int, started: str | None = None) -> bool:
    """Running (not a zombie waiting for a reaper), and, given its start time, the process
    registered."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return not Path("/proc/self/stat").exists()  # gone, or a platform without /proc
    except OSError:
        return True
    return fields[0] != "Z" and (started is None or fields[19] == started)


def _named(pid: int, name: str) -> bool:
    """Whether the process's command is `name` (Linux; True where unknown)."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == name
    except FileNotFoundError:
        return not Path("/proc/self/comm").exists()
    except OSError:
        return True


def _stop(pids: dict[int, str | None], first: signal.Signals, wait: float) -> None:
    """`first` to each, SIGKILL to those still there after `wait` seconds."""
    for pid, started in pids.items():
        if alive(pid, started):
            with contextlib.suppress(OSError):
                os.kill(pid, first)
    deadline = time.monotonic() + wait
    while any(alive(p, s) for p, s in pids.items()) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid, started in pids.items():
        if alive(pid, started):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def watch(fd: int) -> None:
    """The watchdog: read what to stop until the pipe closes; unless told `done`, stop it."""
    for sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    processes: dict[int, str | None] = {}
    pgdata: list[Path] = []
    folders: list[Path] = []
    pending = b""
    while chunk := os.read(fd, 4096):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            what, _, arg = line.decode().partition(" ")
            if what == "done":
                return
            if what == "process" and int(arg) > 0:  # never 0 or -1: a group, or all
                processes[int(arg)] = _start_time(int(arg))
            elif what == "postgres":
                pgdata.append(Path(arg))
            elif what == "remove":
                folders.append(Path(arg))
    # Its process died: services (registered last) and servers alike get SIGTERM at once.
    _stop(dict(reversed(processes.items())), signal.SIGTERM, STOP_WAIT)
    postmasters: dict[int, str | None] = {}
    for data in pgdata:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((data / "postmaster.pid").read_text().split()[0])
            if pid > 0 and _named(pid, "postgres"):  # not a stale file's pid, since reused
                postmasters[pid] = _start_time(pid)
    _stop(postmasters, signal.SIGINT, STOP_WAIT)  # SIGINT: PostgreSQL's fast shutdown
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
