"""`python -m bench.capacity`: what a province's peak hour costs each service, measured.

Every service runs as its own process (`python -m services.runtime <name>`, what
`fuyuan service <name>` runs), as in production, against an embedded NATS server and a durable
embedded PostgreSQL (fsync on). This process plays the courts and the bureaus with the
benchmarks' own parties (`bench/fanout.py`, `bench/sanctions.py`, `bench/bankruptcy.py`):
property queries that 8 bureaus answer, listings of dishonest debtors that reach every
enforcing bureau, and bankruptcy acceptances with their coordination tasks and the release of
the company's freeze.

The load is one *hour-equivalent*: the messages of a province's peak hour (`Province`), sent
as fast as the services take them (at most `--concurrency` operations in flight), in phases.
Around each phase it reads, once the system is quiet again (no consumer has anything pending
and no stream grows): the streams' message counts by subject (`<context>.<kind>`), each
durable consumer's deliveries, each process's CPU time (utime + stime from /proc, children of
the PostgreSQL server included), PostgreSQL's commits and WAL bytes. At the end it reads each
service's resident memory (VmRSS, and its peak VmHWM).

python -m bench.capacity                 # one hour-equivalent, printed as Markdown
python -m bench.capacity --fraction 0.1  # a tenth of it
python -m bench.capacity --quick         # a smoke run (1 % of it)

Outside a git checkout (an exported tree), FUYUAN_BENCH_COMMIT names the commit measured.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import nats
from nats.aio.client import Client
from nats.js import JetStreamContext

from bench import bankruptcy as bankruptcy_bench
from bench import fanout
from bench import sanctions as sanctions_bench
from bench.servers import guarded
from contracts.subjects import DEADLETTER_STREAM, stream_name
from services.ledger.signing import generate_key
from services.runtime import streams
from services.runtime.catalog import SERVICES
from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres, free_port
from services.runtime.heartbeat import BUCKET
from services.runtime.migrations import migrate_all
from services.runtime.settings import PROCESS_ENV

TICK = os.sysconf("SC_CLK_TCK")
WITHIN = 120.0
"""Seconds one operation may take before it counts as lost."""


@dataclass(frozen=True)
class Province:
    """A province's enforcement load at its peak hour; every figure is an assumption, stated."""

    cases_per_year: int = 1_000_000
    working_hours: int = 2_000
    """250 working days of 8 hours: courts and bureaus file and answer in office hours."""
    peak: float = 3.0
    """The busiest hour over the average working hour (mornings, the weeks before a campaign)."""
    queries_per_case: int = 4
    """Property queries in a case's life: at filing, before a measure, before 终本, after it."""
    listed_share: float = 0.3
    """Cases whose debtor is listed (失信), each also restricted (限制消费) first."""
    acceptances_per_year: int = 2_000
    """Bankruptcy acceptances (破产受理) in the province's courts."""

    def per_hour(self, per_year: float) -> float:
        return per_year / self.working_hours * self.peak

    @property
    def cases(self) -> float:
        return self.per_hour(self.cases_per_year)

    @property
    def queries(self) -> float:
        return self.cases * self.queries_per_case

    @property
    def listings(self) -> float:
        return self.cases * self.listed_share

    @property
    def acceptances(self) -> float:
        return self.per_hour(self.acceptances_per_year)


# --- Processes: CPU time and memory from /proc ----------------------------------------------


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # fields from the state on (field 3)


def cpu_seconds(pid: int, children: bool = False) -> float:
    """utime + stime of the process (and of its children it waited for, when asked)."""
    f = _stat(pid)
    ticks = int(f[11]) + int(f[12]) + ((int(f[13]) + int(f[14])) if children else 0)
    return ticks / TICK


def child_pids(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(_stat(int(entry.name))[1]) == parent:
                    found.append(int(entry.name))
    return found


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident) of the process, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


@dataclass
class Watched:
    """A process whose CPU time is read: a service, the NATS server, or the PostgreSQL server
    with its backends (the postmaster's own time, its reaped children's, its live ones')."""

    name: str
    pid: int
    tree: bool = False
    also: tuple[int, ...] = ()
    """More processes counted under the same name (the other nodes of a NATS cluster)."""

    def cpu(self) -> float:
        if not self.tree:
            return cpu_seconds(self.pid) + sum(cpu_seconds(p) for p in self.also)
        total = cpu_seconds(self.pid, children=True)
        for pid in child_pids(self.pid):
            with contextlib.suppress(OSError, IndexError, ValueError):
                total += cpu_seconds(pid)
        return total


# --- The stack: servers and the services as processes ---------------------------------------


@dataclass
class Stack:
    nats_url: str
    database_url: str
    watched: list[Watched]
    services: dict[str, asyncio.subprocess.Process]
    logs: Path


@dataclass
class ClusterNode(EmbeddedNats):
    """One node of a three-node JetStream cluster on loopback, as deploy/nats/cluster forms it
    (routes to the two others, default sync interval), without its authorization."""

    name: str = "nats-1"
    cluster_port: int = field(default_factory=free_port)
    routes: tuple[int, ...] = ()

    def config_text(self) -> str:
        routes = ", ".join(f"nats://127.0.0.1:{p}" for p in self.routes)
        return (
            f"server_name: {self.name}\n{super().config_text()}"
            f"cluster {{\n  name: fuyuan\n  listen: 127.0.0.1:{self.cluster_port}\n"
            f"  routes: [{routes}]\n}}\n"
        )


def nats_nodes(root: Path, cluster: bool) -> list[EmbeddedNats]:
    if not cluster:
        return [EmbeddedNats(root / "nats")]
    cluster_nodes = [ClusterNode(root / f"nats-{i}", name=f"nats-{i}") for i in (1, 2, 3)]
    for node in cluster_nodes:
        node.routes = tuple(o.cluster_port for o in cluster_nodes if o is not node)
    return list(cluster_nodes)


@contextlib.contextmanager
def servers(root: Path, cluster: bool) -> Iterator[tuple[list[EmbeddedNats], EmbeddedPostgres]]:
    """NATS with JetStream at its default sync interval (one node, or three in a cluster) and
    PostgreSQL with fsync on, as `bench/servers.py` starts them, kept here for their process
    ids; all stopped whatever happens."""
    pg = EmbeddedPostgres(root / "postgres", durable=True)
    nodes = nats_nodes(root, cluster)
    try:
        pg.start()
        for node in nodes:
            node.start()
        yield nodes, pg
    finally:
        try:
            for node in nodes:
                node.stop()
        finally:
            pg.stop()


async def declare_streams(url: str, replicas: int) -> None:
    """The streams, once the cluster has a JetStream leader (at most a minute)."""
    nc = await nats.connect(url)
    try:
        for _ in range(120):
            with contextlib.suppress(Exception):
                await streams.ensure_all(nc.jetstream(), SERVICES, replicas)
                return
            await asyncio.sleep(0.5)
        await streams.ensure_all(nc.jetstream(), SERVICES, replicas)
    finally:
        await nc.close()


def service_env(nats_url: str, database_url: str, replicas: int) -> dict[str, str]:
    return {
        **PROCESS_ENV,
        **os.environ,
        "NATS_URL": nats_url,
        "FUYUAN_STREAM_REPLICAS": str(replicas),
        "DATABASE_URL": database_url,
        "FUYUAN_LEDGER_SIGNING_KEY": generate_key(),
        # Re-queries of a case come days apart in production, beyond the 1 h result cache:
        # every query of the run goes to the bureaus.
        "FUYUAN_ENFORCEMENT_CACHE_WINDOW": "PT0S",
        "OTEL_TRACES_EXPORTER": "none",
    }


@contextlib.asynccontextmanager
async def stack(root: Path, cluster: bool, log: Callable[[str], None]) -> AsyncIterator[Stack]:
    with guarded() as watchdog, servers(root, cluster) as (nodes, pg):
        # Killed outright, this process leaves nothing running: bench/servers.py's watchdog.
        watchdog.remove(root)
        watchdog.postgres(pg.pgdata)
        for node in nodes:
            watchdog.process(node.proc.pid if node.proc else -1)
        replicas = len(nodes)
        await migrate_all(pg.url, SERVICES)
        await declare_streams(nodes[0].url, replicas)
        logs = root / "logs"
        logs.mkdir()
        env = service_env(",".join(n.url for n in nodes), pg.url, replicas)
        procs: dict[str, asyncio.subprocess.Process] = {}
        try:
            for name in SERVICES:
                with (logs / f"{name}.log").open("ab") as out:
                    procs[name] = await asyncio.create_subprocess_exec(
                        sys.executable,
                        *("-m", "services.runtime", name),
                        stdout=out,
                        stderr=out,
                        env=env,
                        start_new_session=True,
                    )
                watchdog.process(procs[name].pid)
            await until_beating(nodes[0].url, set(SERVICES), procs)
            postmaster = int((pg.pgdata / "postmaster.pid").read_text().split()[0])
            [first, *others] = [n.proc.pid for n in nodes if n.proc is not None]
            watched = [Watched(name, p.pid) for name, p in procs.items()]
            watched += [
                Watched("nats-server", first, also=tuple(others)),
                Watched("postgres", postmaster, True),
            ]
            log(f"  services up: {', '.join(f'{k} (pid {p.pid})' for k, p in procs.items())}")
            yield Stack(nodes[0].url, pg.url, watched, procs, logs)
        finally:
            await stop(procs)


async def until_beating(
    nats_url: str, names: set[str], procs: dict[str, asyncio.subprocess.Process]
) -> None:
    """Wait (at most a minute) for a heartbeat of every service: its consumers are up."""
    nc = await nats.connect(nats_url)
    try:
        for _ in range(600):
            dead = [k for k, p in procs.items() if p.returncode is not None]
            if dead:
                raise RuntimeError(f"services exited at start: {dead}")
            with contextlib.suppress(Exception):
                kv = await nc.jetstream().key_value(BUCKET)
                if names <= {k.split(".", 1)[0] for k in await kv.keys()}:
                    return
            await asyncio.sleep(0.1)
        raise RuntimeError("not every service sent a heartbeat within a minute")
    finally:
        await nc.close()


async def stop(procs: dict[str, asyncio.subprocess.Process]) -> None:
    for proc in procs.values():
        if proc.returncode is None:
            proc.terminate()
    for proc in procs.values():
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()
            await proc.wait()


# --- Snapshots ------------------------------------------------------------------------------


@dataclass
class Snapshot:
    subjects: Counter[str]
    """Stream messages by `<context>.<kind>.<name>` (the dead-letter stream as `deadletter`)."""
    stream_bytes: int
    delivered: Counter[str]
    """Deliveries per durable consumer."""
    pending: int
    cpu: dict[str, float]
    commits: int
    wal: int
    at: float


def kind_of(subject: str) -> str:
    """`<context>.<kind>.<name>` of a subject (no version, no organization)."""
    parts = subject.split(".")
    return "deadletter" if parts[0] == "deadletter" else ".".join(parts[:3])


def by_kind(messages: dict[str, int]) -> Counter[str]:
    """Messages by `<context>.<kind>`."""
    kinds: Counter[str] = Counter()
    for name, n in messages.items():
        kinds[".".join(name.split(".")[:2])] += n
    return kinds


async def snapshot(js: JetStreamContext, db: asyncpg.Connection, st: Stack) -> Snapshot:
    subjects: Counter[str] = Counter()
    delivered: Counter[str] = Counter()
    size = pending = 0
    for name in [*(stream_name(c) for c in SERVICES), DEADLETTER_STREAM]:
        info = await js.stream_info(name, subjects_filter=">")
        size += info.state.bytes or 0
        for subj, count in (info.state.subjects or {}).items():
            subjects[kind_of(subj)] += count
        for c in await js.consumers_info(name):
            if c.name and c.delivered is not None:
                delivered[c.name] += c.delivered.consumer_seq or 0
                pending += (c.num_pending or 0) + (c.num_ack_pending or 0)
    row = await db.fetchrow(
        "SELECT xact_commit, pg_current_wal_lsn() - '0/0'::pg_lsn AS wal "
        "FROM pg_stat_database WHERE datname = current_database()"
    )
    cpu = {w.name: w.cpu() for w in st.watched}
    return Snapshot(
        subjects, size, delivered, pending, cpu, row["xact_commit"], int(row["wal"]), time.time()
    )


async def quiet(js: JetStreamContext, db: asyncpg.Connection, st: Stack) -> Snapshot:
    """The snapshot once nothing is pending and the streams stood still for two looks a second
    apart (the relays have published what was committed); at most five minutes."""
    last = await snapshot(js, db, st)
    still = 0
    for _ in range(300):
        await asyncio.sleep(1.0)
        now = await snapshot(js, db, st)
        calm = now.pending == 0 and now.subjects == last.subjects
        still = still + 1 if calm else 0
        last = now
        if still >= 2:
            return now
    raise RuntimeError(f"the system did not come to rest: {last.pending} pending")


# --- Phases ---------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    operations: int
    lost: int
    seconds: float
    messages: dict[str, int]
    """Stream messages written during the phase, by `<context>.<kind>.<name>`."""
    stream_bytes: int
    handled: dict[str, int]
    """Deliveries to each service's durable consumers."""
    cpu: dict[str, float]
    commits: int
    wal_bytes: int

    @property
    def total(self) -> int:
        return sum(self.messages.values())


def service_of(durable: str) -> str:
    return durable.split("_", 1)[0]


def difference(name: str, ops: int, lost: int, a: Snapshot, b: Snapshot, sec: float) -> Phase:
    handled: Counter[str] = Counter()
    for durable, n in (b.delivered - a.delivered).items():
        handled[service_of(durable)] += n
    return Phase(
        name=name,
        operations=ops,
        lost=lost,
        seconds=sec,
        messages=dict(sorted((b.subjects - a.subjects).items())),
        stream_bytes=b.stream_bytes - a.stream_bytes,
        handled=dict(handled),
        cpu={k: round(b.cpu[k] - a.cpu[k], 3) for k in b.cpu},
        commits=b.commits - a.commits,
        wal_bytes=b.wal - a.wal,
    )


async def bounded(jobs: Iterable[Callable[[], Awaitable[float | None]]], concurrency: int) -> int:
    """Run the jobs, at most `concurrency` at a time; how many got no answer in time."""
    gate = asyncio.Semaphore(concurrency)
    lost = 0

    async def one(job: Callable[[], Awaitable[float | None]]) -> None:
        nonlocal lost
        async with gate:
            if await job() is None:
                lost += 1

    await asyncio.gather(*(one(j) for j in jobs))
    return lost


@dataclass
class Parties:
    queries: fanout.World
    listings: sanctions_bench.Bench
    acceptances: bankruptcy_bench.Bench


async def parties(court: Client, bureaus: Client) -> Parties:
    p = Parties(
        fanout.World(court, bureaus, fanout.bureaus_for()),
        sanctions_bench.Bench(court, bureaus, sanctions_bench.sanction_bureaus()),
        bankruptcy_bench.Bench(
            court, bureaus, bankruptcy_bench.task_notices(), bankruptcy_bench.bank()
        ),
    )
    await p.queries.start()
    await p.listings.start()
    await p.acceptances.start()
    return p


async def warm_up(p: Parties) -> None:
    """A few of each operation first, so that no phase pays for imports and first connections."""
    for case in await p.queries.register(3):
        if await p.queries.fuyuan_once(case, WITHIN) is None:
            raise RuntimeError("warm-up: a property query got no result")
    for case in await p.listings.register(2):
        if await p.listings.fuyuan_once(case, WITHIN) is None:
            raise RuntimeError("warm-up: a listing did not reach every bureau")
    for company in await p.acceptances.prepare(1):
        if await p.acceptances.fuyuan_once(company, WITHIN) is None:
            raise RuntimeError("warm-up: an acceptance's notices did not all arrive")


@dataclass(frozen=True)
class Plan:
    cases: int
    queries_per_case: int
    listings: int
    acceptances: int


def plan_for(province: Province, fraction: float) -> Plan:
    return Plan(
        cases=max(1, round(province.cases * fraction)),
        queries_per_case=province.queries_per_case,
        listings=max(1, round(province.listings * fraction)),
        acceptances=max(1, math.ceil(province.acceptances * fraction)),
    )


async def run_phases(
    st: Stack, plan: Plan, concurrency: int, log: Callable[[str], None]
) -> tuple[list[Phase], dict[str, int]]:
    """The phases, and each service's VmRSS (kB) after the warm-up."""
    court = await nats.connect(st.nats_url, name="capacity-court")
    bureaus = await nats.connect(st.nats_url, name="capacity-bureaus")
    watcher = await nats.connect(st.nats_url, name="capacity-watch")
    db = await asyncpg.connect(st.database_url)
    js = watcher.jetstream()
    try:
        p = await parties(court, bureaus)
        await warm_up(p)
        rss = {name: memory_kb(proc.pid)["VmRSS"] for name, proc in st.services.items()}
        phases: list[Phase] = []
        state: dict[str, Any] = {}

        async def phase(name: str, ops: int, work: Callable[[], Awaitable[int]]) -> None:
            before = await quiet(js, db, st)
            started = time.perf_counter()
            lost = await work()
            after = await quiet(js, db, st)
            done = difference(name, ops, lost, before, after, time.perf_counter() - started)
            phases.append(done)
            log(
                f"  {name}: {ops:,} in {done.seconds:,.0f} s, {done.total:,} stream messages, "
                f"lost {lost}, CPU s {sum(done.cpu.values()):,.1f}"
            )

        async def register_cases() -> int:
            state["cases"] = await p.queries.register(plan.cases, within=600)
            return 0

        async def query() -> int:
            lost = 0
            for _ in range(plan.queries_per_case):  # one round per query of a case: no overlap
                jobs = [_once(p.queries.fuyuan_once, c) for c in state["cases"]]
                lost += await bounded(jobs, concurrency)
            return lost

        async def prepare_listings() -> int:
            state["listed"] = await p.listings.register(plan.listings, within=600)
            return 0

        async def list_debtors() -> int:
            return await bounded(
                [_once(p.listings.fuyuan_once, c) for c in state["listed"]], concurrency
            )

        async def prepare_companies() -> int:
            state["companies"] = await p.acceptances.prepare(plan.acceptances, within=600)
            return 0

        async def accept() -> int:
            jobs = [_once(p.acceptances.fuyuan_once, c) for c in state["companies"]]
            return await bounded(jobs, concurrency)

        await phase("case registered", plan.cases, register_cases)
        await phase("property query", plan.cases * plan.queries_per_case, query)
        await phase("case registered and restricted", plan.listings, prepare_listings)
        await phase("debtor listed", plan.listings, list_debtors)
        await phase("company's case, freeze, petition", plan.acceptances, prepare_companies)
        await phase("bankruptcy accepted", plan.acceptances, accept)
        unexpected = [*p.queries.unexpected, *p.listings.unexpected, *p.acceptances.unexpected]
        for problem in unexpected[:5]:
            log(f"  unexpected: {problem}")
        return phases, rss
    finally:
        await db.close()
        for nc in (court, bureaus, watcher):
            await nc.drain()


def _once(send: Callable[[Any, float], Awaitable[float | None]], item: Any) -> Callable[[], Any]:
    return lambda: send(item, WITHIN)


# --- The result -----------------------------------------------------------------------------


@dataclass
class Capacity:
    province: Province
    fraction: float
    plan: Plan
    concurrency: int
    phases: list[Phase]
    memory_kb: dict[str, dict[str, int]]
    """Each service's VmRSS and VmHWM at the end, in kB."""
    memory_start_kb: dict[str, int]
    """Each service's VmRSS after the warm-up, before the first phase."""
    commit: str
    when: str
    machine: str
    seconds: float = 0.0
    nats_nodes: int = 1
    """NATS servers: 1, or a three-node cluster with every stream on 3 replicas."""
    notes: list[str] = field(default_factory=list)

    def cpu(self, process: str) -> float:
        return sum(ph.cpu.get(process, 0.0) for ph in self.phases)

    def handled(self, service: str) -> int:
        return sum(ph.handled.get(service, 0) for ph in self.phases)


async def measure(
    fraction: float, concurrency: int, cluster: bool = False, log: Callable[[str], None] = print
) -> Capacity:
    province = Province()
    plan = plan_for(province, fraction)
    log(f"  hour-equivalent × {fraction:g}: {plan}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuyuan-capacity-") as tmp:
        async with stack(Path(tmp), cluster, log) as st:
            phases, rss = await run_phases(st, plan, concurrency, log)
            memory = {name: memory_kb(proc.pid) for name, proc in st.services.items()}
    return Capacity(
        province=province,
        fraction=fraction,
        plan=plan,
        concurrency=concurrency,
        phases=phases,
        memory_kb=memory,
        memory_start_kb=rss,
        commit=tree_commit(),
        when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end",
        seconds=time.perf_counter() - started,
        nats_nodes=3 if cluster else 1,
    )


def tree_commit() -> str:
    """The commit the code runs from, marked when the services or contracts differ from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or os.environ.get("FUYUAN_BENCH_COMMIT", "")
    if git("status", "--porcelain", "--", "services", "contracts", "deploy", "bench"):
        commit += " with uncommitted changes"
    return commit or "unknown"


PROCESSES = (*SERVICES, "nats-server", "postgres")


def _share(x: float) -> str:
    """Messages per operation: one decimal, two for the rare (a checkpoint every 1,000)."""
    return f"{x:.1f}" if x >= 0.1 else f"{x:.2g}"


def _nats(nodes: int) -> str:
    return "one NATS server" if nodes == 1 else f"{nodes} NATS nodes, streams on 3 replicas"


def markdown(c: Capacity) -> str:
    """The measured tables of docs/SCALING.md."""
    head = "| phase | operations | lost | seconds | stream messages per operation |"
    lines = [
        f"Measured {c.when} at commit `{c.commit}` on {c.machine}: `python -m bench.capacity "
        f"--fraction {c.fraction:g}{' --cluster' if c.nats_nodes > 1 else ''}` "
        f"({c.plan.cases:,} cases queried {c.plan.queries_per_case}× each, "
        f"{c.plan.listings:,} listings, {c.plan.acceptances:,} acceptances; at most "
        f"{c.concurrency} in flight; {_nats(c.nats_nodes)}; {c.seconds:,.0f} s in all).",
        "",
        head,
        "|---|--:|--:|--:|---|",
    ]
    for ph in c.phases:
        kinds = sorted(by_kind(ph.messages).items())
        per = ", ".join(f"{k} {_share(v / ph.operations)}" for k, v in kinds)
        lines.append(
            f"| {ph.name} | {ph.operations:,} | {ph.lost} | {ph.seconds:,.0f} | "
            f"**{ph.total / ph.operations:.1f}**: {per} |"
        )
    lines += [
        "",
        "| phase | " + " | ".join(f"{p} CPU ms/op" for p in PROCESSES) + " | commits/op |"
        " WAL kB/op | stream kB/op |",
        "|---|" + "--:|" * (len(PROCESSES) + 3),
    ]
    for ph in c.phases:
        cells = [f"{ph.cpu.get(p, 0.0) / ph.operations * 1e3:,.1f}" for p in PROCESSES]
        lines.append(
            f"| {ph.name} | {' | '.join(cells)} | {ph.commits / ph.operations:.1f} | "
            f"{ph.wal_bytes / ph.operations / 1024:,.1f} | "
            f"{ph.stream_bytes / ph.operations / 1024:,.1f} |"
        )
    lines += [
        "",
        "| service | messages handled | CPU s | CPU ms per message | VmRSS after the warm-up "
        "| VmRSS at the end | peak (VmHWM) |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for s in SERVICES:
        n, cpu, mem = c.handled(s), c.cpu(s), c.memory_kb.get(s, {})
        per = f"{cpu / n * 1e3:.2f}" if n else "–"
        lines.append(
            f"| {s} | {n:,} | {cpu:,.1f} | {per} | {c.memory_start_kb.get(s, 0) / 1024:.0f} MiB "
            f"| {mem.get('VmRSS', 0) / 1024:.0f} MiB | {mem.get('VmHWM', 0) / 1024:.0f} MiB |"
        )
    for p in ("nats-server", "postgres"):
        lines.append(f"| {p} (server) | | {c.cpu(p):,.1f} | | | | |")
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__)
    p.add_argument("--fraction", type=float, default=1.0, help="of the hour-equivalent (1)")
    p.add_argument("--quick", action="store_true", help="a smoke run: --fraction 0.01")
    p.add_argument("--concurrency", type=int, default=16, help="operations in flight (16)")
    p.add_argument(
        "--cluster", action="store_true", help="a three-node NATS cluster, streams on 3 replicas"
    )
    p.add_argument("--json", type=Path, help="also write the results as JSON here")
    return p.parse_args(argv)


async def stoppable(fraction: float, concurrency: int, cluster: bool) -> Capacity:
    """The measurement, cancelled by SIGINT or SIGTERM so that the services and servers it
    started are stopped on the way out."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    return await measure(fraction, concurrency, cluster)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    fraction = 0.01 if args.quick else args.fraction
    result = asyncio.run(stoppable(fraction, args.concurrency, args.cluster))
    print(markdown(result))
    if args.json:
        args.json.write_text(json.dumps(asdict(result), indent=1, default=str) + "\n")
    return 0 if all(ph.lost == 0 for ph in result.phases) else 1


if __name__ == "__main__":
    raise SystemExit(main())
