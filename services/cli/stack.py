"""`fuyuan up`: embedded servers, migrations, every service, simulated courts, a live view."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nats
from nats.aio.msg import Msg
from rich.console import Console
from rich.table import Table

from services.ledger.signing import generate_key, public_key_of
from services.runtime import streams
from services.runtime.catalog import SERVICES
from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres
from services.runtime.migrations import migrate_all

console = Console(stderr=False, highlight=False)


@dataclass
class Stack:
    data_dir: Path
    nats_url: str = ""
    database_url: str = ""
    servers: list[EmbeddedNats | EmbeddedPostgres] = field(default_factory=list)
    children: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)

    def start_servers(self) -> None:
        self.nats_url = os.environ.get("NATS_URL", "")
        self.database_url = os.environ.get("DATABASE_URL", "")
        if not self.nats_url:
            n = EmbeddedNats(self.data_dir / "nats", sync_always=True).start()
            self.servers.append(n)
            self.nats_url = n.url
        if not self.database_url:
            console.print("starting the embedded PostgreSQL …")
            pg = EmbeddedPostgres(self.data_dir / "postgres").start()
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
        }
        return {**demo, **os.environ, "NATS_URL": self.nats_url,
                "DATABASE_URL": self.database_url,
                "FUYUAN_LEDGER_SIGNING_KEY": self.signing_key()}  # fmt: skip

    async def spawn(self, name: str, *args: str) -> None:
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        out = open(logs / f"{name}.log", "ab")  # noqa: SIM115, ASYNC230 - owned by the child
        self.children[name] = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "services.cli.main", *args,
            stdout=out, stderr=out, env=self.env(), start_new_session=True,
        )  # fmt: skip

    async def stop_children(self) -> None:
        for proc in self.children.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc in self.children.items():
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                console.print(f"{name} did not stop in time: killed")
                proc.kill()
                await proc.wait()

    def stop_servers(self) -> None:
        for server in reversed(self.servers):
            server.stop()


def overview(stack: Stack) -> Table:
    table = Table(title="Fuyuan 府院联动 — running", show_lines=False)
    table.add_column("part")
    table.add_column("where")
    table.add_row("NATS (JetStream)", stack.nats_url)
    table.add_row("PostgreSQL", stack.database_url)
    for name, proc in stack.children.items():
        table.add_row(name, f"pid {proc.pid}, log {stack.data_dir / 'logs' / (name + '.log')}")
    table.add_row("ledger public key", public_key_of(stack.signing_key()))
    table.add_row("audit", "fuyuan audit verify · fuyuan trace CASE_NUMBER (with the URLs above)")
    table.add_row("dead letters", "fuyuan dlq list")
    table.add_row("stop", "Ctrl-C")
    return table


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


async def declare_streams(nats_url: str) -> None:
    """Streams exist before any service or simulator publishes."""
    nc = await nats.connect(servers=nats_url.split(","))
    try:
        await streams.ensure_all(nc.jetstream(), SERVICES, 1)
    finally:
        await nc.close()


async def up(data_dir: Path, simulate: bool, rate: float) -> None:
    stack = Stack(data_dir)  # resolved by the caller
    stack.start_servers()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await migrate_all(stack.database_url, SERVICES)
        await declare_streams(stack.nats_url)
        for name in SERVICES:
            await stack.spawn(name, "service", name)
        if simulate:
            await stack.spawn("simulated-bureaus", "simulate", "bureaus", "--latency-ms", "300",
                              "--failure-rate", "0.05")  # fmt: skip
            await stack.spawn("simulated-courts", "simulate", "courts", "--rate", str(rate))
        console.print(overview(stack))
        console.print("messages as they flow: commands cyan, events green, notices yellow, "
                      "replies magenta, rejections red")  # fmt: skip
        await watch(stack.nats_url, stop)
    finally:
        console.print("stopping …")
        with contextlib.suppress(Exception):
            await stack.stop_children()
        stack.stop_servers()
        console.print("stopped; nothing left running.")
