"""`fuyuan status` 运行状态 — what runs, what lags, what was set aside.

Read from the servers, never from a process's memory, so it says the same from any machine:
- services and their instances from the heartbeats in the JetStream key-value bucket
  `fuyuan_status` (key `<service>.<instance>`, written every few seconds by each instance); an
  instance whose last heartbeat is older than `STALE_AFTER` is stale, a service without a fresh
  instance is down; each instance names the command partitions it pulls and those its service
  has, so a partition no running instance holds is named too;
- every durable consumer on every stream: messages pending, delivered but not acknowledged,
  redelivered;
- per service schema, the relay's lag (events committed after its checkpoint) and the events it
  set aside (table `relay_set_aside`; a schema without that table has none);
- per service with projections, how many committed events they have not read yet (the lag
  `fuyuan projections lag` gives);
- dead letters per consumer and relay alerts on the `DEADLETTER` stream (operators' actions,
  `deadletter.actions.…`, are not letters).

Exit status: 0 all well, 1 something needs an operator (`Report.problems`), 2 the servers could not
be read. So `fuyuan status` serves as a health check.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
import nats
import typer
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, NotFoundError
from rich.console import Console
from rich.table import Table

from contracts.subjects import DEADLETTER_ACTIONS, DEADLETTER_ROOT, DEADLETTER_STREAM
from services.cli.projections import PROJECTORS, service_lag
from services.runtime.catalog import SERVICES

BUCKET = "fuyuan_status"
"""The heartbeats: one key per running service instance."""
STALE_AFTER = 20.0
"""Seconds after which an instance's last heartbeat no longer says it runs."""
RELAY_STALLED_AFTER = 60.0
"""Seconds an unpublished event may wait before the relay counts as not keeping up."""
SET_ASIDE_RECENT = 24 * 3600.0
"""Seconds during which an event the relay set aside counts as a problem (the table keeps every
one for ever; the alert on the DEADLETTER stream stays a problem until an operator acts on it)."""
RELAY = "jetstream"
"""The relay's name in `relay_checkpoint` (services/runtime/relay.py)."""
TIMEOUT = 5.0
"""Seconds to reach each server."""


@dataclass(frozen=True)
class Task:
    name: str
    state: str
    restarts: int
    last_error: str | None


@dataclass(frozen=True)
class Instance:
    """One running (or lately running) process of a service, from its heartbeat."""

    service: str
    instance: str
    pid: int | None
    host: str
    started_at: str
    at: str
    age: float
    """Seconds since its last heartbeat."""
    paused: str | None
    tasks: list[Task]
    partitions: list[str] = field(default_factory=list)
    """The command partitions it pulls (`<durable>_p<k>`, and `<durable>` for what the stream
    stored unpartitioned); services/runtime/partitions.py."""
    units: list[str] = field(default_factory=list)
    """Every command partition of its service as it found them, held or not (empty in a
    heartbeat from before it said so, or for a service without commands)."""

    @property
    def stale(self) -> bool:
        return self.age > STALE_AFTER

    @property
    def stopped(self) -> bool:
        """Its last heartbeat was that of a clean stop: every loop stopped."""
        return bool(self.tasks) and all(t.state == "stopped" for t in self.tasks)

    @property
    def running(self) -> bool:
        return not self.stale and not self.stopped

    def problems(self) -> list[str]:
        if not self.running:
            return []  # it speaks for nothing now; its service says whether it is down
        found = [f"{self.key} paused: {self.paused}"] if self.paused else []
        for t in self.tasks:
            if t.state != "running":
                error = f": {t.last_error}" if t.last_error else ""
                found.append(f"{self.key} task {t.name} {t.state} ({t.restarts} restarts){error}")
        return found

    @property
    def key(self) -> str:
        return f"{self.service}/{self.instance}"


@dataclass(frozen=True)
class ConsumerState:
    stream: str
    consumer: str
    pending: int
    """In the stream for this consumer, not yet delivered."""
    unacknowledged: int
    """Delivered, not yet acknowledged."""
    redelivered: int


@dataclass(frozen=True)
class RelayState:
    schema: str
    lag: int | None
    """Events committed after the relay's checkpoint; None if the schema could not be read."""
    oldest_wait: float | None
    """Seconds the oldest of them has waited."""
    set_aside: int | None
    """Events set aside for ever; None when the table does not exist."""
    set_aside_recent: int = 0
    last_set_aside: str | None = None
    note: str | None = None

    def problems(self) -> list[str]:
        found = [f"relay {self.schema}: {self.note}"] if self.lag is None and self.note else []
        if self.oldest_wait is not None and self.oldest_wait > RELAY_STALLED_AFTER:
            found.append(
                f"relay {self.schema}: {self.lag} events unpublished, the oldest for "
                f"{self.oldest_wait:.0f} s"
            )
        if self.set_aside_recent:
            found.append(
                f"relay {self.schema}: {self.set_aside_recent} events set aside in the last "
                f"24 h (last: {self.last_set_aside})"
            )
        return found


@dataclass(frozen=True)
class ProjectionLag:
    service: str
    lag: int | None
    """Committed events its projections have not read yet; None if they could not be read."""
    note: str | None = None


@dataclass(frozen=True)
class DeadLetters:
    subject: str
    kind: str
    """`consumer` (a message a consumer gave up on) or `relay` (an event the relay set aside)."""
    context: str
    consumer: str
    count: int


@dataclass
class Report:
    at: str
    services: dict[str, list[Instance]] = field(default_factory=dict)
    consumers: list[ConsumerState] = field(default_factory=list)
    relays: list[RelayState] = field(default_factory=list)
    dead_letters: list[DeadLetters] = field(default_factory=list)
    projections: list[ProjectionLag] = field(default_factory=list)

    def down(self) -> list[str]:
        return [s for s, found in self.services.items() if not any(i.running for i in found)]

    def unheld(self, service: str) -> list[str]:
        """The service's command partitions that no running instance says it holds: their
        commands wait. Known only from instances that name their service's partitions."""
        running = [i for i in self.services.get(service, []) if i.running]
        held = {p for i in running for p in i.partitions}
        return partition_order({u for i in running for u in i.units} - held)

    def problems(self) -> list[str]:
        found = [
            f"{s} is down: no running instance heartbeat in the last {STALE_AFTER:.0f} s"
            for s in self.down()
        ]
        for s in self.services:
            if s not in self.down() and (unheld := self.unheld(s)):
                found.append(
                    f"{s}: {len(unheld)} command partition(s) held by no running instance: "
                    f"{compact(unheld)}"
                )
        for instances in self.services.values():
            found += [p for i in instances for p in i.problems()]
        found += [p for r in self.relays for p in r.problems()]
        for d in self.dead_letters:
            what = "relay alerts" if d.kind == "relay" else "dead letters"
            found.append(f"{d.count} {what} on {d.subject} (fuyuan dlq list)")
        return found

    def as_json(self) -> dict[str, Any]:
        services = [
            {
                "service": s,
                "state": "down" if s in self.down() else "up",
                "unheld": self.unheld(s),
                "instances": [{**asdict(i), "stale": i.stale, "stopped": i.stopped} for i in found],
            }
            for s, found in self.services.items()
        ]
        return {
            "at": self.at,
            "ok": not self.problems(),
            "problems": self.problems(),
            "services": services,
            "consumers": [asdict(c) for c in self.consumers],
            "relays": [asdict(r) for r in self.relays],
            "projections": [asdict(p) for p in self.projections],
            "dead_letters": [asdict(d) for d in self.dead_letters],
        }


_PARTITION = re.compile(r"(.+)_p(\d+)")


def _partition_key(durable: str) -> tuple[str, int, int]:
    # `<durable>_p<k>` in k's order, then `<durable>` itself (the owner's order).
    found = _PARTITION.fullmatch(durable)
    return (found.group(1), 0, int(found.group(2))) if found else (durable, 1, 0)


def partition_order(durables: set[str] | list[str]) -> list[str]:
    return sorted(set(durables), key=_partition_key)


def compact(durables: list[str]) -> str:
    """`enforcement_commands_p{0,3,6}, enforcement_commands`: the partitions of one durable in
    one word, as many as there are."""
    groups: dict[str, list[str]] = {}
    for d in partition_order(durables):
        found = _PARTITION.fullmatch(d)
        base, k = (found.group(1), found.group(2)) if found else (d, "")
        groups.setdefault(base, [])
        if k:
            groups[base].append(k)
    words = []
    for base, ks in groups.items():
        if ks:
            words.append(f"{base}_p{ks[0]}" if len(ks) == 1 else f"{base}_p{{{','.join(ks)}}}")
        if base in durables:
            words.append(base)
    return ", ".join(words)


# ---- reading -----------------------------------------------------------------------------------


def _instance(key: str, raw: bytes, now: datetime) -> Instance:
    service, _, instance = key.partition(".")
    try:
        beat = json.loads(raw)
        at = datetime.fromisoformat(beat["at"])
        age = (now - (at if at.tzinfo else at.replace(tzinfo=UTC))).total_seconds()
        tasks = [
            Task(name, t.get("state", "?"), int(t.get("restarts", 0)), t.get("last_error"))
            for name, t in (beat.get("tasks") or {}).items()
        ]
        return Instance(
            service,
            instance,
            beat.get("pid"),
            str(beat.get("host", "")),
            str(beat.get("started_at", "")),
            beat["at"],
            age,
            beat.get("paused"),
            tasks,
            [str(p) for p in beat.get("partitions") or []],
            [str(u) for u in beat.get("units") or []],
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        bad = Task("heartbeat", "unreadable", 0, repr(error)[:200])
        return Instance(service, instance, None, "", "", "", 0.0, None, [bad])


async def read_heartbeats(js: JetStreamContext, now: datetime) -> list[Instance]:
    try:
        kv = await js.key_value(BUCKET)
        info = await js.stream_info(f"KV_{BUCKET}", subjects_filter=f"$KV.{BUCKET}.>")
    except (BucketNotFoundError, NotFoundError):
        return []
    prefix = f"$KV.{BUCKET}."
    found = []
    for key in sorted(s.removeprefix(prefix) for s in info.state.subjects or {}):
        try:
            entry = await kv.get(key)
        except KeyNotFoundError:  # deleted or purged: the instance stopped
            continue
        found.append(_instance(key, entry.value or b"", now))
    return found


async def read_consumers(js: JetStreamContext) -> list[ConsumerState]:
    found = []
    for stream in sorted(await js.streams_info(), key=lambda s: s.config.name or ""):
        name = stream.config.name or ""
        if name.startswith("KV_"):
            continue
        for c in await js.consumers_info(name):
            if not c.config.durable_name:
                continue  # an ephemeral reader (a watcher, the live view), not a service's work
            found.append(
                ConsumerState(
                    name, c.name, c.num_pending or 0, c.num_ack_pending or 0, c.num_redelivered or 0
                )
            )
    return sorted(found, key=lambda c: (c.stream, c.consumer))


async def read_dead_letters(js: JetStreamContext) -> list[DeadLetters]:
    try:
        info = await js.stream_info(DEADLETTER_STREAM, subjects_filter=f"{DEADLETTER_ROOT}.>")
    except NotFoundError:
        return []
    found = []
    for subject, count in sorted((info.state.subjects or {}).items()):
        _root, context, consumer = [*subject.split(".", 2), "", ""][:3]
        if context == DEADLETTER_ACTIONS or not count:
            continue
        kind = "relay" if consumer == "relay" else "consumer"
        found.append(DeadLetters(subject, kind, context, consumer, count))
    return found


async def read_relay(conn: asyncpg.Connection, schema: str) -> RelayState:
    # Counted from the checkpoint in the relay's own order, (tx, position): what it has not
    # published yet, including events committed late with a smaller position.
    try:
        checkpoint = await conn.fetchrow(
            f'SELECT tx::text AS tx, position FROM "{schema}".relay_checkpoint WHERE relay = $1',
            RELAY,
        )
        tx, position = (checkpoint["tx"], checkpoint["position"]) if checkpoint else ("0", 0)
        lag = await conn.fetchrow(
            f"SELECT count(*) AS n, extract(epoch FROM now() - min(recorded_at)) AS oldest "
            f'FROM "{schema}".events WHERE (tx, position) > ($1::text::xid8, $2)',
            tx,
            position,
        )
    except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        return RelayState(schema, None, None, None, note="schema not migrated")
    oldest = float(lag["oldest"]) if lag["oldest"] is not None else None
    return await _with_set_aside(conn, RelayState(schema, int(lag["n"]), oldest, None))


async def _with_set_aside(conn: asyncpg.Connection, relay: RelayState) -> RelayState:
    try:
        row = await conn.fetchrow(
            f"SELECT count(*) AS n, count(*) FILTER (WHERE set_aside_at > now() - "
            f"make_interval(secs => $1)) AS recent, (SELECT subject || ': ' || reason "
            f'FROM "{relay.schema}".relay_set_aside ORDER BY set_aside_at DESC LIMIT 1) AS last '
            f'FROM "{relay.schema}".relay_set_aside',
            SET_ASIDE_RECENT,
        )
    except asyncpg.UndefinedTableError:
        return relay  # a schema from before the table existed has set nothing aside
    return RelayState(
        relay.schema, relay.lag, relay.oldest_wait, int(row["n"]), int(row["recent"]), row["last"]
    )


async def read_projection_lag(database_url: str, service: str) -> ProjectionLag:
    """The lag of the service's projections (`fuyuan projections lag`); a schema not migrated
    yet has none to read."""
    try:
        return ProjectionLag(service, await service_lag(database_url, service))
    except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError) as error:
        return ProjectionLag(service, None, f"cannot read: {error}")


async def read_status(
    nats_url: str, database_url: str, services: tuple[str, ...] = SERVICES
) -> Report:
    now = datetime.now(UTC)
    report = Report(at=now.isoformat(timespec="seconds"))
    nc = await nats.connect(
        servers=nats_url.split(","),
        connect_timeout=TIMEOUT,
        max_reconnect_attempts=1,
        name="fuyuan-status",
    )
    try:
        js = nc.jetstream(timeout=TIMEOUT)
        instances = await read_heartbeats(js, now)
        report.consumers = await read_consumers(js)
        report.dead_letters = await read_dead_letters(js)
    finally:
        await nc.close()
    known = dict.fromkeys([*services, *(i.service for i in instances)])
    report.services = {s: [i for i in instances if i.service == s] for s in known}
    conn = await asyncpg.connect(database_url, timeout=TIMEOUT)
    try:
        report.relays = [await read_relay(conn, schema) for schema in services]
    finally:
        await conn.close()
    report.projections = [
        await read_projection_lag(database_url, s) for s in services if s in PROJECTORS
    ]
    return report


# ---- showing -----------------------------------------------------------------------------------


def _ago(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.0f} s"


def services_table(report: Report) -> Table:
    table = Table(title="services 服务 (heartbeats)")
    for column in ("service", "instance", "state", "last heartbeat", "tasks", "partitions"):
        table.add_column(column)
    for service, instances in report.services.items():
        if not instances:
            table.add_row(service, "-", "DOWN: no heartbeat", "-", "-", "-", style="bold red")
        for i in instances:
            state = "STALE" if i.stale else "stopped" if i.stopped else "running"
            state = f"PAUSED: {i.paused}" if i.running and i.paused else state
            tasks = ", ".join(
                f"{t.name} {t.state}" + (f" ↻{t.restarts}" if t.restarts else "") for t in i.tasks
            )
            bad = not i.running or i.problems()
            table.add_row(
                service,
                i.instance,
                state,
                f"{_ago(i.age)} ago",
                tasks,
                compact(i.partitions) or "-",
                style="bold red" if bad else None,
            )
        if instances and (unheld := report.unheld(service)):
            table.add_row(service, "-", "NOT HELD", "-", "-", compact(unheld), style="bold red")
    return table


def consumers_table(report: Report) -> Table:
    table = Table(title="consumers 消费者")
    for column in ("stream", "consumer", "pending", "unacknowledged", "redelivered"):
        table.add_column(column, justify="right" if column[0] in "pur" else "left")
    for c in report.consumers:
        table.add_row(
            c.stream, c.consumer, str(c.pending), str(c.unacknowledged), str(c.redelivered)
        )
    return table


def relays_table(report: Report) -> Table:
    table = Table(title="relays 中继 and what they set aside")
    for column in ("schema", "lag (events)", "oldest waits", "set aside (24 h)", "last set aside"):
        table.add_column(column)
    for r in report.relays:
        lag = r.note if r.lag is None else str(r.lag)
        aside = "no table" if r.set_aside is None else f"{r.set_aside} ({r.set_aside_recent})"
        table.add_row(
            r.schema,
            lag,
            _ago(r.oldest_wait),
            aside,
            r.last_set_aside or "-",
            style="bold red" if r.problems() else None,
        )
    return table


def projections_table(report: Report) -> Table:
    table = Table(title="projections 投影", caption="each: fuyuan projections lag / rebuild")
    for column in ("service", "lag (events not read yet)"):
        table.add_column(column)
    for p in report.projections:
        table.add_row(p.service, p.note if p.lag is None else str(p.lag))
    return table


def dead_letters_table(report: Report) -> Table:
    table = Table(title="dead letters 死信", caption="each one: fuyuan dlq list")
    for column in ("subject", "kind", "count"):
        table.add_column(column)
    for d in report.dead_letters:
        table.add_row(d.subject, d.kind, str(d.count), style="bold red")
    if not report.dead_letters:
        table.add_row("-", "-", "0")
    return table


def show(report: Report, console: Console) -> None:
    tables = (services_table, consumers_table, relays_table, projections_table, dead_letters_table)
    for table in tables:
        console.print(table(report))
    problems = report.problems()
    if not problems:
        console.print(f"{report.at}: all well", style="bold green")
        return
    console.print(f"{report.at}: {len(problems)} problem(s)", style="bold red")
    for p in problems:
        console.print(f"  ✗ {p}", style="red", markup=False)


def status(
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON document instead of tables.")
    ] = False,
) -> None:
    """What runs, what lags, what was set aside (reads NATS_URL and DATABASE_URL).

    Exit status 0: all well; 1: something needs an operator (a service down, a paused instance, a
    crashed task, a relay behind, events or messages set aside); 2: the servers could not be read.
    """
    urls = [os.environ.get(name, "") for name in ("NATS_URL", "DATABASE_URL")]
    if not all(urls):
        typer.echo("NATS_URL and DATABASE_URL must both be set", err=True)
        raise typer.Exit(2)
    try:
        report = asyncio.run(read_status(urls[0], urls[1]))
    except (
        OSError,
        TimeoutError,
        NatsError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
    ) as error:
        typer.echo(f"cannot read the status: {error!r}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        show(report, Console(highlight=False))
    raise typer.Exit(1 if report.problems() else 0)
