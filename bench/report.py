"""The results as a rich table on the terminal and as docs/PERFORMANCE.md."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from rich.console import Console
from rich.table import Table

from bench.breakdown import Breakdown, Serialization
from bench.common import measured, service_pool_options
from bench.relay import RELAY, RELAY_SCHEMA, RelayResult, qualified_order_fetch
from bench.store import AppendResult, FuyuanStore

STORE = FuyuanStore.name
RAW_VS_STORE = 0.8
ES_VS_STORE = 3.0
RELAY_VS_RAW = 0.7


@dataclass
class Row:
    benchmark: str
    contender: str
    median: float
    low: float
    high: float
    ratio: float | None
    """Fuyuan ÷ this contender: the median of per-round ratios; None on Fuyuan's own rows."""


@dataclass
class Target:
    text: str
    measured: float
    goal: float

    @property
    def met(self) -> bool:
        return not math.isnan(self.measured) and self.measured >= self.goal


@dataclass
class Report:
    when: datetime
    machine: list[tuple[str, str]]
    quick: bool
    appends: list[AppendResult]
    relay: RelayResult | None
    breakdowns: list[Breakdown] = field(default_factory=list)
    serialization: Serialization | None = None
    seconds: float = 0.0

    def rows(self) -> list[Row]:
        out = []
        for a in self.appends:
            title = f"append, batch {a.batch} ({a.events_per_round:,} events/round)"
            for name, s in a.samples.items():
                lo, hi = s.spread
                out.append(
                    Row(
                        title,
                        name,
                        s.median,
                        lo,
                        hi,
                        None if name == STORE else a.median_ratio(name),
                    )
                )
        if self.relay:
            r = self.relay
            title = f"relay, batch 500 ({r.events_per_round:,} events/round)"
            for name, s in r.samples.items():
                lo, hi = s.spread
                paired = sorted(r.paired)
                med = _median(paired)
                out.append(Row(title, name, s.median, lo, hi, None if name == RELAY else med))
        return out

    def targets(self) -> list[Target]:
        out = []
        for a in self.appends:
            raws = [n for n in a.samples if n.startswith("raw")]
            if raws:
                best = max(raws, key=lambda n: a.samples[n].median)
                out.append(
                    Target(
                        f"store ≥ {RAW_VS_STORE} × raw insert, batch {a.batch} "
                        f"(fastest raw: {best})",
                        a.median_ratio(best),
                        RAW_VS_STORE,
                    )
                )
            if "eventsourcing" in a.samples:
                out.append(
                    Target(
                        f"store ≥ {ES_VS_STORE:g} × eventsourcing, batch {a.batch}",
                        a.median_ratio("eventsourcing"),
                        ES_VS_STORE,
                    )
                )
        if self.relay:
            out.append(
                Target(
                    f"relay ≥ {RELAY_VS_RAW} × raw JetStream publishing, window 500",
                    _median(self.relay.paired),
                    RELAY_VS_RAW,
                )
            )
        return out


def _median(values: list[float]) -> float:
    v = sorted(values)
    if not v:
        return float("nan")
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def _deltas(b: Breakdown) -> list[str]:
    """µs per event each chained row saves against the chained row above: the median of the
    per-round differences (the rows of one round run back to back)."""
    out: list[str] = []
    before: list[float] | None = None
    for st in b.steps:
        if not st.chained:
            out.append("")
            continue
        now = [1e6 / r for r in st.rates]
        out.append(
            ""
            if before is None
            else f"{_median([x - y for x, y in zip(before, now, strict=True)]):+,.0f}"
        )
        before = now
    return out


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"× {value:.2f}"


def print_tables(report: Report, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(
        title="Fuyuan throughput (median events/s)" + (" — QUICK" if report.quick else "")
    )
    for col, justify in (
        ("benchmark", "left"),
        ("contender", "left"),
        ("median /s", "right"),
        ("min–max /s", "right"),
        ("Fuyuan ÷ it", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    last = ""
    for row in report.rows():
        if last and row.benchmark != last:
            table.add_section()
        table.add_row(
            row.benchmark if row.benchmark != last else "",
            row.contender,
            f"{row.median:,.0f}",
            f"{row.low:,.0f}–{row.high:,.0f}",
            _ratio(row.ratio),
        )
        last = row.benchmark
    console.print(table)
    targets = Table(title="Targets")
    targets.add_column("target")
    targets.add_column("measured", justify="right")
    targets.add_column("met")
    for t in report.targets():
        targets.add_row(
            t.text, f"× {t.measured:.2f}", "[green]yes[/green]" if t.met else "[red]no[/red]"
        )
    console.print(targets)
    for b in report.breakdowns:
        if not b.steps:
            console.print(f"{b.title}: {b.note}")
            continue
        bt = Table(title=f"Where the time goes: {b.title}")
        bt.add_column("step")
        bt.add_column("median /s", justify="right")
        bt.add_column("µs/event", justify="right")
        bt.add_column("µs saved vs above", justify="right")
        bt.add_column("client CPU µs/event", justify="right")
        for st, delta in zip(b.steps, _deltas(b), strict=True):
            bt.add_row(
                st.label, f"{st.median:,.0f}", f"{1e6 / st.median:,.0f}", delta, f"{st.cpu:,.0f}"
            )
        console.print(bt)
        if b.note:
            console.print(b.note)


def markdown(report: Report) -> str:
    lines = [
        "# Performance",
        "",
        f"Measured {report.when:%Y-%m-%d %H:%M} UTC by `make bench` (`python -m bench`), which "
        "rewrites this file; the run took "
        f"{report.seconds / 60:.1f} minutes. Figures are medians of interleaved rounds on a shared, "
        "noisy machine: compare the ratios (measured in the same run, round by round), not the "
        "absolute numbers, with other machines.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in report.machine],
        "",
        "## Results",
        "",
        "Events per second, median of the rounds, with the slowest and fastest round. "
        '"Fuyuan ÷ it" is the median of the per-round ratios Fuyuan / contender (each round '
        "runs every contender back to back).",
        "",
        "| Benchmark | Contender | Median events/s | Min–max events/s | Fuyuan ÷ it |",
        "|---|---|---:|---:|---:|",
    ]
    for row in report.rows():
        lines.append(
            f"| {row.benchmark} | {row.contender} | {row.median:,.0f} | "
            f"{row.low:,.0f}–{row.high:,.0f} | {_ratio(row.ratio)} |"
        )
    lines += ["", "## Targets", "", "| Target | Measured | Met |", "|---|---:|---|"]
    for t in report.targets():
        lines.append(f"| {t.text} | × {t.measured:.2f} | {'yes' if t.met else '**no**'} |")
    lines += ceilings(report)
    lines += ["", *method(report)]
    if report.breakdowns:
        lines += ["", *breakdown_markdown(report)]
    lines += ["", *REPRODUCE]
    return "\n".join(lines) + "\n"


def ceilings(report: Report) -> list[str]:
    """How far the raw baseline itself is ahead of eventsourcing: the most the store could
    reach against eventsourcing if it were as fast as a raw insert."""
    parts = []
    for a in report.appends:
        raws = [n for n in a.samples if n.startswith("raw")]
        if raws and "eventsourcing" in a.samples:
            best = max(a.samples[n].median for n in raws)
            parts.append(f"{best / a.samples['eventsourcing'].median:.2f} × at batch {a.batch}")
    if not parts:
        return []
    return [
        "",
        "For scale: in this run the fastest raw insert ran at "
        + " and ".join(parts)
        + " the eventsourcing rate (ratio of medians): the most the store could reach "
        "against eventsourcing while doing the same work as the raw insert.",
    ]


def breakdown_markdown(report: Report) -> list[str]:
    lines = [
        "## Where the time goes",
        "",
        "`bench/breakdown.py` takes `PostgresEventStore.append` apart: each row of the chain "
        "removes one thing from the chain row above (the store's own statement, edited), down to "
        'the raw baseline, and "µs saved" (the median of the per-round differences) is what '
        'that thing costs; "side" rows measure an alternative beside the chain. Each row writes '
        "to its own table. `bench/relay.py` does the same for the relay with what-if subclasses "
        "(diagnostics only: the services run `Relay` as it is). Rounds are interleaved as above. "
        "Client CPU is this process's CPU time per event: the cores are shared by the client and "
        "the servers, so client CPU is throughput lost to both.",
        "",
    ]
    for b in report.breakdowns:
        if not b.steps:
            lines += [f"{b.title}: {b.note}", ""]
            continue
        lines += [
            f"**{b.title}** — {b.events_per_round:,} events per round, {b.rounds} round(s):",
            "",
            "| Step | Median events/s | µs per event | µs saved vs row above | "
            "Client CPU µs/event |",
            "|---|---:|---:|---:|---:|",
        ]
        for st, delta in zip(b.steps, _deltas(b), strict=True):
            lines.append(
                f"| {st.label} | {st.median:,.0f} | {1e6 / st.median:,.0f} | {delta} | "
                f"{st.cpu:,.0f} |"
            )
        lines.append("")
        if b.note:
            lines += [b.note, ""]
    if any(b.title.startswith("relay") for b in report.breakdowns) and qualified_order_fetch(
        RELAY_SCHEMA
    ):
        lines += [
            "Note: the relay's fetch (`services/runtime/relay.py`, `_fetch_sql`) says `ORDER BY "
            "tx, position`, and `tx` there names the output column `tx::text::bigint AS tx`, not "
            "the table's `tx`: PostgreSQL cannot use the `(tx, position)` index, so every batch "
            "scans and sorts the whole table (see `EXPLAIN`), and a step gets slower as the log "
            "grows. Ordering by `events.tx, events.position` gives an index scan (the what-if "
            "rows).",
            "",
        ]
    if s := report.serialization:
        lines += [
            "Serialization, client CPU per event (every append contender pays the first two): "
            f"message `model_dump_json` {s.message_us:.1f} µs, headers `json.dumps` "
            f"{s.headers_us:.1f} µs; the store's whole `_row_args` (both included, batch 100) "
            f"{s.row_args_us:.1f} µs.",
            "",
        ]
    return lines


def method(report: Report) -> list[str]:
    rounds = report.appends[0].rounds if report.appends else 0
    relay_events = report.relay.events_per_round if report.relay else 0
    size = len(measured(0).message.model_dump_json().encode())
    _, pool = service_pool_options()
    return [
        line.format(rounds=rounds, relay_events=relay_events, message_bytes=size, pool_options=pool)
        for line in METHOD
    ]


METHOD = [
    "## Method",
    "",
    "- **Servers**: one embedded PostgreSQL (`EmbeddedPostgres(durable=True)`: fsync on, "
    "default `synchronous_commit`, `full_page_writes`) and one embedded NATS server with "
    "JetStream (file storage, default sync), both in a temporary folder on free loopback "
    "ports, stopped at the end. Client and servers share the machine's cores.",
    "- **Events**: the registered test type `bench.event.measured.v1`: a typed pydantic "
    "`Message` (envelope + payload, {message_bytes} bytes of JSON) with a `traceparent` header. The "
    "events of a round are built before the clock starts; every contender turns the same "
    "message objects into JSON (`model_dump_json`) inside its timed loop.",
    "- **Append** (batch 1 and 100 events per transaction): each contender appends a round's "
    "events to one new stream, sequentially, from one connection. Before each timed round a "
    "`CHECKPOINT` flushes dirty pages so no contender pays for the one before it. One warm-up "
    "round per contender sets the round size (about 1.5 s for the typical contender, at most "
    "3 s for the slowest); then {rounds} rounds, the contenders' order rotating each round.",
    "  - **fuyuan store**: `PostgresEventStore(pool, schema).append(StreamWrite(stream, "
    "expected_version, events))` on a pool of one connection created with {pool_options}, "
    "the schema made by `migrate`.",
    "  - **raw asyncpg**: one connection, a table with the same columns and constraints as the "
    "store's (identity position, unique id, unique (stream, version), jsonb data and headers) "
    "but without the relay's `tx` column and index. Batch 1: one `INSERT ... VALUES` per "
    "transaction (autocommit, one round trip). Batch 100: two ways, both one statement per "
    "transaction in autocommit — `INSERT ... SELECT FROM unnest($arrays)` and binary `COPY` "
    "(`copy_records_to_table`); `executemany` inside a transaction was slower in trials (about "
    "0.8 × unnest), so it is not run. The target is checked against the faster of the two.",
    "  - **eventsourcing**: `eventsourcing` 9.5.6 (`eventsourcing[postgres]`, psycopg 3), its "
    "`PostgresApplicationRecorder` (the recorder behind an `Application`, with a notification "
    "log like the store's positions) on a `PostgresDatastore` with a pool of one, called "
    "directly with `StoredEvent` objects: one aggregate per round, `batch` events per "
    "`insert_events` call (state = the message JSON). Nothing disabled: it takes its table "
    "lock, NOTIFY and pipelined transaction as it does in an application.",
    "- **Relay** (`Relay(pool, schema, js, batch_size=500)`): {relay_events:,} events are appended once "
    "(500 per transaction). Each round deletes and re-creates the `BENCH` stream, then times "
    "`relay.step` from the start of the log until all are published and acknowledged (each "
    "step reads 500 rows, publishes them pipelined with `publish_async`, awaits every ack and "
    "saves the checkpoint). An SDK tracer provider is installed as in the services (spans are "
    "made, not exported). **raw nats-py**: the same subjects, message bytes and headers "
    "(`Nats-Msg-Id`, `Fuyuan-Type`, `traceparent`) held in memory, `js.publish_async` in "
    "windows of 500, each window's acks awaited before the next. One warm-up each, then {rounds} "
    "rounds, alternating which goes first; every round checks the stream holds all events.",
]

REPRODUCE = [
    "## Reproduce",
    "",
    "```sh",
    "make bench                          # full run (about 3 minutes), rewrites this file",
    ".venv/bin/python -m bench --quick   # smoke run: 1 small round, writes nothing",
    "```",
    "",
    "Options: `--rounds N`, `--output PATH`, `--no-write`, `--json PATH` (results as JSON), "
    "`--no-breakdown`, `--breakdown` (with `--quick`). The servers are embedded and started on "
    "free ports (never 4222 / 5432); nothing else needs to run.",
]
