"""`fuyuan up`: embedded servers, migrations, every service, simulated courts, a live view.

Every child is watched: when one exits, the live view says which, with its exit code and the last
lines of its log (the reason), and the overview is printed again with its state. A child that
crashes at start — within `START_GRACE` seconds of it, or, for a service, before it logged that
it started (a bad setting, a missing server) — is not restarted: it would only fail the same way
again; one that crashes later is restarted after 1, 2, then 4 s, at most `MAX_RESTARTS` times
per run.

Killed outright (SIGKILL, the OOM killer), `fuyuan up` leaves nothing running either: a
watchdog (`services.runtime.watchdog`) is told each process it starts (nats-server, every
child, each restart) and PostgreSQL's data folder, and stops them when it dies; the data under
the data folder is kept, as after Ctrl-C.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nats
from nats.aio.msg import Msg
from rich.console import Console
from rich.table import Table

from services.ledger.signing import generate_key, public_key_of
from services.reporting.workbench import demo as workbench_demo
from services.reporting.workbench.settings import free_port
from services.runtime import streams
from services.runtime.catalog import SERVICES
from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres
from services.runtime.migrations import migrate_all
from services.runtime.settings import PROCESS_ENV
from services.runtime.watchdog import Watchdog, guarded

console = Console(stderr=False, highlight=False)

START_GRACE = 10.0
"""Seconds after its start within which an exit counts as a crash at start: not restarted."""
STARTED = b'"service started"'
"""What a service writes to its log once it is up: a service that exits before writing it
crashed at start, however long its start took (on a loaded machine the imports alone of
every service starting at once can take longer than `START_GRACE`)."""
MAX_RESTARTS = 3
"""Restarts of one child per run, after 1, 2 and 4 s; then it stays down."""
LOG_TAIL = 12
"""Lines of a crashed child's log shown in the live view."""


@dataclass
class Child:
    """One process `fuyuan up` started, and what became of it."""

    name: str
    args: tuple[str, ...]
    log: Path
    proc: asyncio.subprocess.Process | None = None
    started: float = 0.0
    log_offset: int = 0
    """Size of the log when this run of the child began: its tail after that is its own."""
    restarts: int = 0
    state: str = "running"
    """running, restarting or exited."""
    exit_code: int | None = None

    def where(self) -> str:
        pid = self.proc.pid if self.proc else "-"
        if self.state == "running":
            restarted = f", restarted {self.restarts}×" if self.restarts else ""
            return f"running, pid {pid}{restarted}, log {self.log}"
        if self.state == "restarting":
            return f"RESTARTING ({self.restarts}/{MAX_RESTARTS}) after {exit_text(self.exit_code)}"
        return f"EXITED: {exit_text(self.exit_code)}, not restarted; log {self.log}"


def exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def command(args: tuple[str, ...]) -> list[str]:
    """How a child is started: a service by its lean runner (what `fuyuan service` hands over
    to, without loading the command line first), anything else by the command line."""
    if args[:1] == ("service",):
        return ["-m", "services.runtime", *args[1:]]
    return ["-m", "services.cli.main", *args]


def came_up(child: Child) -> bool:
    """Whether this run of a service logged that it started (other children: always)."""
    if child.args[:1] != ("service",):
        return True
    try:
        with child.log.open("rb") as f:
            f.seek(child.log_offset)
            return STARTED in f.read()
    except OSError:
        return True


def log_tail(child: Child, lines: int = LOG_TAIL) -> list[str]:
    """The last lines the child wrote since it was started, each cut to a screen line."""
    try:
        with child.log.open("rb") as f:
            f.seek(child.log_offset)
            text = f.read().decode("utf-8", "replace")
    except OSError as error:
        return [f"(log unreadable: {error})"]
    kept = [line.rstrip() for line in text.splitlines() if line.strip()]
    return [line[:300] for line in kept[-lines:]] or ["(the log is empty)"]


@dataclass
class Stack:
    data_dir: Path
    nats_url: str = ""
    database_url: str = ""
    servers: list[EmbeddedNats | EmbeddedPostgres] = field(default_factory=list)
    children: dict[str, Child] = field(default_factory=dict)
    stopping: bool = False
    crashed: list[str] = field(default_factory=list)
    watchdog: Watchdog | None = None
    """Told what this stack starts, to stop it if `fuyuan up` is killed outright."""

    def _guard(self, pid: int | None) -> None:
        if self.watchdog is not None and pid is not None:
            self.watchdog.process(pid)

    def start_servers(self) -> None:
        self.nats_url = os.environ.get("NATS_URL", "")
        self.database_url = os.environ.get("DATABASE_URL", "")
        if not self.nats_url:
            n = EmbeddedNats(self.data_dir / "nats", sync_always=True).start()
            self.servers.append(n)
            self._guard(n.proc.pid if n.proc else None)
            self.nats_url = n.url
        if not self.database_url:
            console.print("starting the embedded PostgreSQL …")
            pg = EmbeddedPostgres(self.data_dir / "postgres")
            if self.watchdog is not None:  # shut down, its data kept; told before it starts
                self.watchdog.postgres(pg.pgdata)
            pg.start()
            self.servers.append(pg)
            self.database_url = pg.url

    def signing_key(self) -> str:
        """The ledger's key: FUYUAN_LEDGER_SIGNING_KEY, or one kept under the data folder."""
        if key := os.environ.get("FUYUAN_LEDGER_SIGNING_KEY"):
            return key
        path = self.data_dir / "ledger-signing.key"
        if not path.exists():
            path.write_text(generate_key() + "\n")
            path.chmod(0o600)
        return path.read_text().strip()

    def env(self) -> dict[str, str]:
        # Short deadlines so a newcomer sees a silent bureau named within minutes, not days.
        demo = {
            "FUYUAN_ENFORCEMENT_RESPOND_WITHIN": "PT2M",
            "FUYUAN_ENFORCEMENT_DEADLINE_TICK": "5",
            "FUYUAN_BANKRUPTCY_DEADLINE_TICK": "5",
            "FUYUAN_RISK_DEADLINE_TICK": "5",
            "FUYUAN_REPORTING_DEADLINE_TICK": "5",
            "FUYUAN_WORKBENCH_SECURE_COOKIES": "false",  # the workbench over plain local HTTP
        }
        return {
            **demo,
            **PROCESS_ENV,
            **os.environ,
            "NATS_URL": self.nats_url,
            "DATABASE_URL": self.database_url,
            "FUYUAN_LEDGER_SIGNING_KEY": self.signing_key(),
            # The workbench's audit screen checks the checkpoints the ledger signs with it.
            "FUYUAN_LEDGER_PUBLIC_KEY": public_key_of(self.signing_key()),
        }

    async def spawn(self, name: str, *args: str) -> Child:
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        child = Child(name, args, logs / f"{name}.log")
        self.children[name] = child
        await self.start(child)
        return child

    async def start(self, child: Child) -> None:
        out = open(child.log, "ab")  # noqa: SIM115, ASYNC230 - owned by the child
        with out:
            child.log_offset = out.tell()
            child.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                *command(child.args),
                stdout=out,
                stderr=out,
                env=self.env(),
                start_new_session=True,
            )
        self._guard(child.proc.pid)
        child.started, child.state, child.exit_code = time.monotonic(), "running", None

    async def stop_children(self) -> None:
        self.stopping = True  # from here on an exit is the stop, not a crash
        running = [c.proc for c in self.children.values() if c.proc and c.proc.returncode is None]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        for name, child in self.children.items():
            if child.proc is None:
                continue
            try:
                await asyncio.wait_for(child.proc.wait(), 15)
            except TimeoutError:
                console.print(f"{name} did not stop in time: killed")
                child.proc.kill()
                await child.proc.wait()

    def stop_servers(self) -> None:
        for server in reversed(self.servers):
            server.stop()


def overview(stack: Stack) -> Table:
    table = Table(title="Fuyuan 府院联动 — running", show_lines=False)
    table.add_column("part")
    table.add_column("where")
    table.add_row("NATS (JetStream)", stack.nats_url)
    table.add_row("PostgreSQL", stack.database_url)
    for name, child in stack.children.items():
        style = None if child.state == "running" else "bold red"
        table.add_row(name, child.where(), style=style)
    if workbench := stack.children.get("workbench"):
        table.add_row("workbench 工作台", f"http://127.0.0.1:{workbench.args[-1]}")
    table.add_row("demo accounts", workbench_demo.summary())
    table.add_row("ledger public key", public_key_of(stack.signing_key()))
    table.add_row("deadlines", deadlines(stack.env()))
    table.add_row("audit", "fuyuan audit verify · fuyuan trace CASE_NUMBER (with the URLs above)")
    table.add_row("status", "fuyuan status: what runs, lags, was set aside (with the URLs above)")
    table.add_row("dead letters", "fuyuan dlq list")
    table.add_row("stop", "Ctrl-C")
    return table


def deadlines(env: dict[str, str]) -> str:
    """The deadlines the services run with, the production defaults beside them."""
    from services.bankruptcy.settings import BankruptcySettings
    from services.enforcement.settings import EnforcementSettings
    from services.reporting.settings import ReportingSettings
    from services.risk.settings import RiskSettings

    fields = EnforcementSettings.model_fields
    hours = fields["respond_within"].default.total_seconds() / 3600
    respond = env.get("FUYUAN_ENFORCEMENT_RESPOND_WITHIN", f"{hours:g} h")
    tick = env.get("FUYUAN_ENFORCEMENT_DEADLINE_TICK", f"{fields['deadline_tick'].default:g}")
    default = BankruptcySettings.model_fields["deadline_tick"].default
    clocks = env.get("FUYUAN_BANKRUPTCY_DEADLINE_TICK", f"{default:g}")
    risk_default = RiskSettings.model_fields["deadline_tick"].default
    risk = env.get("FUYUAN_RISK_DEADLINE_TICK", f"{risk_default:g}")
    reporting_default = ReportingSettings.model_fields["deadline_tick"].default
    reporting = env.get("FUYUAN_REPORTING_DEADLINE_TICK", f"{reporting_default:g}")
    return (
        f"a bureau answers a query within {respond} (production {hours:g} h), deadlines looked "
        f"at every {tick} s (production {fields['deadline_tick'].default:g} s), bankruptcy clocks "
        f"and tasks every {clocks} s (production {default:g} s), memo items and leading-group "
        f"meetings every {risk} s (production {risk_default:g} s), monthly-report reminders "
        f"and overdue reports every {reporting} s (production {reporting_default:g} s); "
        "FUYUAN_ENFORCEMENT_RESPOND_WITHIN / _DEADLINE_TICK, FUYUAN_BANKRUPTCY_DEADLINE_TICK, "
        "FUYUAN_RISK_DEADLINE_TICK and FUYUAN_REPORTING_DEADLINE_TICK change them "
        "(docs/OPERATIONS.md)"
    )


def describe(subject: str, data: bytes) -> str:
    """One short line: time, kind, message name, organization, case number, problems."""
    message_type, _, org = subject.rpartition(".")
    _context, kind, name, _version = ([*message_type.split("."), "", "", "", ""])[:4]
    try:
        obj = json.loads(data)
        env, body = obj["envelope"], obj.get("data", {})
        when, case = env["occurred_at"][11:19], env.get("case_number") or ""
        problems = "; ".join(f"{p['field']}: {p['reason']}" for p in body.get("problems", []))
    except (ValueError, KeyError, TypeError):
        when, case, problems = "--:--:--", f"({len(data)} bytes, not a valid message)", ""
    line = f"{when}  {kind:<9} {name:<26} {org:<15} {case}"
    return f"{line}\n          {problems}" if problems else line


async def watch(nats_url: str, stop: asyncio.Event) -> None:
    """Print one line per message that crosses the system, until stopped."""
    nc = await nats.connect(servers=nats_url.split(","), name="fuyuan-up-view")
    for root in SERVICES:
        await nc.subscribe(f"{root}.>", cb=_show)
    await stop.wait()
    await nc.close()


async def _show(msg: Msg) -> None:
    subject = msg.subject
    kind = subject.split(".")[1] if subject.count(".") > 1 else ""
    style = {"rejection": "red", "event": "green", "notice": "yellow", "reply": "magenta"}.get(
        kind, "cyan"
    )
    console.print(describe(subject, msg.data), style=style, markup=False)


async def watch_child(stack: Stack, child: Child, stop: asyncio.Event) -> None:
    """Wait for the child to exit; say so loudly with its reason; restart it if that can help."""
    while child.proc is not None:
        code = await child.proc.wait()
        if stack.stopping or stop.is_set():
            return
        ran = time.monotonic() - child.started
        child.exit_code = code
        at_start = ran < START_GRACE or not came_up(child)
        again = not at_start and child.restarts < MAX_RESTARTS
        report_exit(child, ran, again, at_start)
        if child.name not in stack.crashed:
            stack.crashed.append(child.name)
        if not again:
            child.state = "exited"
            console.print(overview(stack))
            return
        child.restarts += 1
        child.state = "restarting"
        console.print(overview(stack))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 2 ** (child.restarts - 1))
        if stop.is_set() or stack.stopping:
            return
        await stack.start(child)
        console.print(f"{child.name} restarted (pid {child.proc.pid})", style="bold yellow")


def report_exit(child: Child, ran: float, again: bool, at_start: bool) -> None:
    if again:
        what = f"restarting in {2**child.restarts} s ({child.restarts + 1}/{MAX_RESTARTS})"
    elif at_start:
        what = f"it crashed at start ({ran:.1f} s): NOT restarted, fix the reason below"
    else:
        what = f"NOT restarted: it crashed {MAX_RESTARTS + 1} times"
    header = f"✗ {child.name} EXITED with {exit_text(child.exit_code)} — {what}"
    console.print(header, style="bold red", markup=False)
    console.print(f"  last lines of {child.log}:", style="red", markup=False)
    for line in log_tail(child):
        console.print(f"  │ {line}", style="red", markup=False, soft_wrap=True)


async def declare_streams(nats_url: str) -> None:
    """Streams exist before any service or simulator publishes."""
    nc = await nats.connect(servers=nats_url.split(","))
    try:
        await streams.ensure_all(nc.jetstream(), SERVICES, 1)
    finally:
        await nc.close()


async def up(data_dir: Path, simulate: bool, rate: float) -> int:
    """Run until Ctrl-C (or SIGTERM, or SIGHUP); 0 if every child ran to the end, 1 if one
    crashed on the way. Killed outright, the watchdog stops what it started."""
    with guarded() as watchdog:
        return await run(Stack(data_dir, watchdog=watchdog), simulate, rate)


async def run(stack: Stack, simulate: bool, rate: float) -> int:
    data_dir = stack.data_dir  # resolved by the caller
    watchers: list[asyncio.Task[None]] = []
    stack.start_servers()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    try:
        await migrate_all(stack.database_url, SERVICES)
        await declare_streams(stack.nats_url)

        async def launch(name: str, *args: str) -> None:
            # Watched from its spawn: an exit at start is timed when it happens, not when the
            # last child is up (the demo accounts' password hashing alone takes seconds).
            child = await stack.spawn(name, *args)
            watchers.append(asyncio.create_task(watch_child(stack, child, stop)))

        for name in SERVICES:
            await launch(name, "service", name)
        await workbench_demo.create_on(stack.database_url)
        await launch("workbench", "workbench", "--port", str(free_port()))
        if simulate:
            await launch(
                "simulated-bureaus",
                "simulate",
                "bureaus",
                "--latency-ms",
                "300",
                "--failure-rate",
                "0.05",
            )
            await launch("simulated-courts", "simulate", "courts", "--rate", str(rate))
        console.print(overview(stack))
        console.print(
            "messages as they flow: commands cyan, events green, notices yellow, "
            "replies magenta, rejections red"
        )
        await watch(stack.nats_url, stop)
    finally:
        console.print("stopping …")
        stack.stopping = True
        for task in watchers:
            task.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)
        with contextlib.suppress(Exception):
            await stack.stop_children()
        stack.stop_servers()
        console.print("stopped; nothing left running.")
        if stack.crashed:
            names = ", ".join(stack.crashed)
            note = f"crashed during this run: {names} (logs in {data_dir / 'logs'})"
            console.print(note, style="bold red", markup=False)
    return 1 if stack.crashed else 0
