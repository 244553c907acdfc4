"""The results as a rich table on the terminal and as docs/PERFORMANCE.md."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from rich.console import Console
from rich.table import Table

from bench.bankruptcy import BankruptcyResult
from bench.breakdown import Breakdown, Serialization
from bench.common import measured, service_pool_options
from bench.fanout import BARE, SUSTAINED_P99, FanoutResult
from bench.ledger import CHAINED, JOURNAL, RAW, LedgerAppendResult, VerifyResult
from bench.relay import RELAY, RELAY_SCHEMA, RelayResult, qualified_order_fetch
from bench.sanctions import SanctionsResult
from bench.store import RAW_ONE, AppendResult, FuyuanStore

STORE = FuyuanStore.name
RAW_VS_STORE = 0.8
ES_VS_STORE = 3.0
RELAY_VS_RAW = 0.8
LEDGER_VS_CHAINED = 0.8
CEILING_VS_FSYNC = 0.5
"""The highest sustained query rate against the fsync-bound limit (raw single-row commits
per second ÷ the transactions one query needs)."""
FANOUT_P50, FANOUT_P99 = 5.0, 8.0
"""Fuyuan's round trip within these multiples of the bare request/reply's, at 10 queries/s."""
LISTING_P50 = 4.0
"""A listing's notices to its bureaus within this multiple of a bare fan-out (p50)."""


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
    at_most: bool = False
    """Met when the measured ratio is at most the goal (latency), not at least (throughput)."""
    detail: str = ""
    """What the ratio was made of, shown beside it."""

    @property
    def met(self) -> bool:
        if math.isnan(self.measured):
            return False
        return self.measured <= self.goal if self.at_most else self.measured >= self.goal

    @property
    def shown(self) -> str:
        return f"× {self.measured:.2f}" + (f" ({self.detail})" if self.detail else "")


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
    ledger: LedgerAppendResult | None = None
    verify: VerifyResult | None = None
    fanout: FanoutResult | None = None
    sanctions: SanctionsResult | None = None
    bankruptcy: BankruptcyResult | None = None

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
        if self.ledger:
            led = self.ledger
            title = f"ledger append, batch {led.batch} ({led.events_per_round:,} events/round)"
            for name, s in led.samples.items():
                lo, hi = s.spread
                ratio = None if name == JOURNAL else led.median_ratio(name)
                out.append(Row(title, name, s.median, lo, hi, ratio))
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
                    f"relay ≥ {RELAY_VS_RAW} × raw nats-py `publish_async`, window 500",
                    _median(self.relay.paired),
                    RELAY_VS_RAW,
                )
            )
        if led := self.ledger:
            out.append(
                Target(
                    f"ledger `Journal.append` ≥ {LEDGER_VS_CHAINED} × the chained COPY without "
                    "lock and head (extend + COPY), batch 256",
                    led.median_ratio(CHAINED),
                    LEDGER_VS_CHAINED,
                )
            )
        if f := self.fanout:
            out += self._fanout_targets(f)
        if s := self.sanctions:
            out.append(
                Target(
                    f"listing to its {len(s.bureaus)} bureaus: p50 ≤ {LISTING_P50:g} × a bare "
                    f"fan-out, at {s.rate:g} listings/s",
                    s.ratio("p50"),
                    LISTING_P50,
                    at_most=True,
                )
            )
        return out

    def fsync_bound(self) -> float | None:
        """Raw single-row inserts per second in this run: commits one writer gets through."""
        for a in self.appends:
            if a.batch == 1 and RAW_ONE in a.samples:
                return a.samples[RAW_ONE].median
        return None

    def query_limit(self) -> float | None:
        """The fsync-bound limit of the query fan-out: raw single-row commits per second ÷
        the transactions one query needs (those appending to the log or inbox)."""
        raw, f = self.fsync_bound(), self.fanout
        if raw is None or f is None or not f.appending_per_query > 0:
            return None
        return raw / f.appending_per_query

    def _fanout_targets(self, f: FanoutResult) -> list[Target]:
        out = []
        limit = self.query_limit()
        if f.steps and limit is not None:
            found = f.max_sustained or 0.0
            capped = f.first_failed is None and f.max_sustained is not None
            out.append(
                Target(
                    f"query fan-out through {len(f.bureaus)} bureaus: highest sustained rate "
                    f"≥ {CEILING_VS_FSYNC:g} × the fsync-bound limit",
                    found / limit,
                    CEILING_VS_FSYNC,
                    detail=f"{'at least ' if capped else ''}{found:g} q/s of {limit:,.0f} q/s",
                )
            )
        for which, goal in (("p50", FANOUT_P50), ("p99", FANOUT_P99)):
            out.append(
                Target(
                    f"query fan-out at {f.rate:g} q/s: {which} ≤ {goal:g} × bare nats-py "
                    "request/reply",
                    f.ratio(which),
                    goal,
                    at_most=True,
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
    if report.rows():
        _print_others(report, console)
    if s := report.sanctions:
        st = Table(title=f"Sanction notice fan-out, {s.court} → {len(s.bureaus)} bureaus")
        for col in (
            "contender",
            "offered /s",
            "listings",
            "p50 ms",
            "p99 ms",
            "achieved /s",
            "lost",
        ):
            st.add_column(col, justify="left" if col == "contender" else "right")
        for name, c in s.contenders.items():
            st.add_row(
                name,
                f"{s.rate:g}",
                f"{c.sent:,}",
                _ms(c.p50),
                _ms(c.p99),
                f"{c.qps:,.1f}",
                f"{c.lost}",
            )
        console.print(st)
        console.print(f"fuyuan ÷ bare: p50 × {s.ratio('p50'):.1f}, p99 × {s.ratio('p99'):.1f}")
    if b := report.bankruptcy:
        bt = Table(
            title=f"Bankruptcy acceptance fan-out, {b.court} → {b.notices} notices to "
            f"{len(b.bureaus)} bureaus"
        )
        for col in ("contender", "offered /s", "acceptances", "p50 ms", "p99 ms", "achieved /s"):
            bt.add_column(col, justify="left" if col == "contender" else "right")
        bt.add_column("lost", justify="right")
        for name, c in b.contenders.items():
            bt.add_row(
                name,
                f"{b.rate:g}",
                f"{c.sent:,}",
                _ms(c.p50),
                _ms(c.p99),
                f"{c.qps:,.1f}",
                f"{c.lost}",
            )
        console.print(bt)
        console.print(f"fuyuan ÷ bare: p50 × {b.ratio('p50'):.1f}, p99 × {b.ratio('p99'):.1f}")


def _print_others(report: Report, console: Console) -> None:
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
        targets.add_row(t.text, t.shown, "[green]yes[/green]" if t.met else "[red]no[/red]")
    console.print(targets)
    if v := report.verify:
        console.print(
            f"audit.verify: {v.entries:,} entries, {v.checkpoints} checkpoints in {v.seconds:.1f} s "
            f"= {v.rate:,.0f} entries/s (client CPU {v.cpu_share:.0%}), "
            + ("intact" if v.ok else f"[red]NOT OK: {'; '.join(v.problems)}[/red]")
        )
    if f := report.fanout:
        ft = Table(title=f"Property query fan-out, {f.court} → {len(f.bureaus)} bureaus")
        for col in (
            "contender",
            "offered q/s",
            "queries",
            "p50 ms",
            "p99 ms",
            "achieved q/s",
            "lost",
        ):
            ft.add_column(col, justify="left" if col == "contender" else "right")
        for name, c in f.contenders.items():
            ft.add_row(
                name,
                f"{f.rate:g}",
                f"{c.sent:,}",
                f"{c.p50 * 1e3:,.1f}",
                f"{c.p99 * 1e3:,.1f}",
                f"{c.qps:,.1f}",
                f"{c.lost}",
            )
        for step in f.steps:
            ft.add_row(
                f"search ({step.phase}), {'sustained' if step.sustained else 'not sustained'}",
                f"{step.rate:g}",
                f"{step.run.sent:,}",
                f"{step.run.p50 * 1e3:,.1f}",
                f"{step.run.p99 * 1e3:,.1f}",
                f"{step.run.qps:,.1f}",
                f"{step.run.lost}",
            )
        console.print(ft)
        console.print(
            f"fuyuan ÷ bare: p50 × {f.ratio('p50'):.1f}, p99 × {f.ratio('p99'):.1f}; highest "
            f"sustained rate {_rate(f.max_sustained) if f.steps else 'not searched'}; one case: +{f.one_case_slope * 1e3:,.1f} "
            "ms per earlier query"
        )
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
        "noisy machine (latencies: percentiles pooled over interleaved rounds; `audit verify`: "
        "one run): compare the ratios (measured in the same run, round by round), not the "
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
        lines.append(f"| {t.text} | {t.shown} | {'yes' if t.met else '**no**'} |")
    lines += fsync_limit(report)
    lines += ceilings(report)
    if report.ledger or report.verify:
        lines += ["", *ledger_markdown(report)]
    if report.fanout:
        lines += ["", *fanout_markdown(report.fanout)]
    if report.sanctions:
        lines += ["", *sanctions_markdown(report.sanctions)]
    if report.bankruptcy:
        lines += ["", *bankruptcy_markdown(report.bankruptcy)]
    lines += ["", *method(report)]
    if report.breakdowns:
        lines += ["", *breakdown_markdown(report)]
    lines += ["", *reproduce(report)]
    return "\n".join(lines) + "\n"


def fsync_limit(report: Report) -> list[str]:
    raw, f, limit = report.fsync_bound(), report.fanout, report.query_limit()
    if raw is None or f is None or limit is None:
        return []
    if f.max_sustained is None:
        found = "no rate tried was sustained"
    elif f.first_failed is None:
        found = (
            f"every rate up to the search's cap was sustained: the ceiling is at least "
            f"{f.max_sustained:g} queries/s"
        )
    else:
        found = (
            f"the ceiling found lies between {f.max_sustained:g} (sustained) and "
            f"{f.first_failed:g} queries/s (not)"
        )
    return [
        "",
        f"**The fsync-bound limit**: in this run one writer committed {raw:,.0f} single-row "
        f"transactions per second (the raw asyncpg INSERT at batch 1 above, each its own "
        f"commit and fsync); one property query needed {f.appending_per_query:.2f} "
        f"transactions appending to the service's log or inbox ({f.transactions_per_query:.2f} "
        "writing transactions in all, with the relay's checkpoints, projections and "
        f"heartbeats), so the limit is {raw:,.0f} ÷ {f.appending_per_query:.2f} = "
        f"**{limit:,.0f} queries/s**; {found} (search below).",
    ]


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


def _rate(value: float | None) -> str:
    return "none of the rates tried" if value is None else f"{value:g} queries/s"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}"


def ledger_markdown(report: Report) -> list[str]:
    lines = ["## Ledger", ""]
    if led := report.ledger:
        j, c, r = (
            led.samples[n].median if n in led.samples else float("nan")
            for n in (JOURNAL, CHAINED, RAW)
        )
        to_raw, to_chained = led.median_ratio(RAW), led.median_ratio(CHAINED)
        hashing = led.round_ratio(CHAINED, RAW)
        lines += [
            f"**Append**, batch {led.batch} (the ledger's default `batch_size`), "
            f"{led.events_per_round:,} events per round, {led.rounds} round(s): "
            f"`Journal.append` ran at **{j:,.0f} events/s, × {to_raw:.2f} the raw COPY** of the "
            f"same rows ({r:,.0f}/s, both in the results table above). The middle row, `extend` + "
            f"COPY at {c:,.0f}/s, splits the gap in two: computing the chain in the client "
            f"(raw COPY → `extend` + COPY: × {hashing:.2f}, per round) and the transaction "
            f"around it, with the head row locked and the head moved, the message keys "
            f"looked up only after a batch met one journaled before (`extend` + COPY → journal: "
            f"× {to_chained:.2f}). Client CPU per event "
            "(this process): "
            + ", ".join(f"{name} {led.cpu(name):,.0f} µs" for name in led.samples)
            + f"; wall time per event of `Journal.append`: {1e6 / j:,.0f} µs. The target is on "
            f"the second ratio (≥ {LEDGER_VS_CHAINED:g}, see Targets); none is set against the "
            "raw COPY.",
            "",
            "Before `append`, the ledger's handler turns each delivery into `Facts` "
            "(`handlers.facts_of`: JSON parse, RFC 8785 canonical bytes — the standard "
            "library's sorted compact JSON where that is RFC 8785 byte for byte, the `rfc8785` "
            f"package otherwise —, envelope peek): **{led.facts_us:,.0f} µs of client CPU per "
            f"message**, against {1e6 / j:,.0f} µs of wall time per event for `append` itself. "
            "The ledger's consumer does both, one after the other, so it can record at most "
            f"about {1e6 / (led.facts_us + 1e6 / j):,.0f} messages/s on this machine (an "
            "estimate from the two figures, not measured end to end), "
            f"{led.facts_us / (led.facts_us + 1e6 / j):.0%} of the time in `facts_of`.",
            "",
        ]
    if v := report.verify:
        status = "the journal is intact" if v.ok else "**NOT OK**: " + "; ".join(v.problems)
        lines += [
            f"**Audit verify** at {v.entries:,} entries: `audit.verify` (as `fuyuan audit "
            "verify` calls it, on a pool of up to 4 connections) recomputed every entry hash "
            f"and the Merkle root at {v.checkpoints} signed checkpoints in {v.seconds:,.1f} s: "
            f"**{v.rate:,.0f} entries/s** ({status}). One run, not a median (it takes "
            f"{v.seconds:,.0f} s). Client CPU was {v.cpu_share:.0%} of the wall time: "
            "verify is bound by Python in the client, not by PostgreSQL. The journal (table, "
            f"TOAST and indexes) took {v.table_bytes / 2**30:.2f} GiB; filling it in bulk took "
            f"{v.fill_seconds:,.0f} s.",
            "",
        ]
        if v.parts:
            parts_sum = sum(p.us_per_entry for p in v.parts if not p.within)
            lines += [
                f"Where verify's time goes: each part timed alone on the first "
                f"{v.parts_entries:,} entries, median of 3:",
                "",
                "| Part of `audit.verify` | µs per entry |",
                "|---|---:|",
                *[f"| {p.label} | {p.us_per_entry:,.1f} |" for p in v.parts],
                f"| the rest, by difference: verify's own loop and async generators "
                f"(`_pages`, `_checked`), checkpoints | {1e6 / v.rate - parts_sum:,.1f} |",
                f"| whole `audit.verify`, end to end (above) | {1e6 / v.rate:,.1f} |",
                "",
            ]
    return lines[:-1] if lines[-1] == "" else lines


FANOUT_TITLE = "## Property query fan-out"


def fanout_markdown(f: FanoutResult) -> list[str]:
    lines = [
        FANOUT_TITLE,
        "",
        f"Court {f.court} (汝州市人民法院) queries every kind of property of one debtor; the "
        f"service asks {len(f.bureaus)} bureaus ({', '.join(f.bureaus)}) and sends the court one "
        f"result when all have answered. Open loop at {f.rate:g} queries/s, {f.rounds} round(s) "
        f"of {f.seconds_per_round:g} s per contender, interleaved; each Fuyuan query on a case "
        "of its own (one case queried again and again: below). Round trip from the query's "
        "scheduled send time to the last answer in hand.",
        "",
        "| Contender | Offered q/s | Queries | p50 ms | p99 ms | Achieved q/s | Lost |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, c in f.contenders.items():
        lines.append(
            f"| {name} | {f.rate:g} | {c.sent:,} | {_ms(c.p50)} | {_ms(c.p99)} | "
            f"{c.qps:,.1f} | {c.lost} |"
        )
    per_round = f.round_ratios()
    spread = (
        f"; p50 ratio per round {min(per_round):.1f}–{max(per_round):.1f}"
        if len(per_round) > 1
        else ""
    )
    lines += [
        "",
        f"**Fuyuan ÷ bare: p50 × {f.ratio('p50'):.1f}, p99 × {f.ratio('p99'):.1f}** "
        f"(percentiles pooled over the rounds{spread}). The Fuyuan path includes what the bare "
        f"one does not: JetStream persistence of the command, the {len(f.bureaus)} notices, "
        f"the {len(f.bureaus)} answers and "
        "the result (each acknowledged); PostgreSQL transactions with fsync — "
        f"{f.appending_per_query:.2f} per query appending to the log and recording the "
        f"messages in the consumers' inbox, {f.transactions_per_query:.2f} writing "
        "transactions in all (measured over the rounds: transaction ids assigned, and distinct "
        "transactions among the new log and inbox rows, per query); the relay's reads, "
        "publishing and checkpoint updates; deduplication by `Nats-Msg-Id`. The bare path is "
        f"{len(f.bureaus)} "
        "core NATS requests and their replies: no persistence, no ordering, nothing kept. "
        f"Targets: p50 within {FANOUT_P50:g} ×, p99 within {FANOUT_P99:g} × (see Targets). "
        f"Service log during the run: {f.handler_failures} handler failure(s) redelivered, "
        f"{f.rejections} message(s) rejected.",
    ]
    cpu = {name: c.cpu_per_query for name, c in f.contenders.items()}
    if all(v > 0 for v in cpu.values()):
        lines += [
            "",
            "CPU of the bench's process per query over the rounds (the service, the court and "
            "the bureaus all run in it; the servers not counted): "
            + ", ".join(f"{name} {v * 1e3:,.1f} ms" for name, v in cpu.items())
            + ".",
        ]
    if f.steps:
        best = f.max_sustained
        if best is not None and best < f.rate:
            lines += [
                "",
                f"Note: the rate of the rounds above, {f.rate:g} queries/s, is more than the "
                f"highest rate sustained in the search of this run ({best:g} queries/s).",
            ]
        cap = f"{f.search_cap:,.0f}" if f.search_cap else "?"
        bounds = (
            f"; the lowest rate not sustained: {f.first_failed:g} queries/s"
            if f.first_failed is not None
            else f"; every rate tried up to the cap ({cap} queries/s) was sustained"
        )
        lines += [
            "",
            f"**Highest sustained rate: {_rate(best)}**{bounds} (each query on a new case; "
            f"{f.step_seconds:g} s per step. The search doubles the rate from "
            f"{f.steps[0].rate:g} queries/s while each is sustained, up to "
            + (
                f"the run's fsync-bound commit rate ({cap}/s)"
                if f.cap_is_fsync_bound
                else f"16 × its start ({cap}/s; this run measured no fsync-bound limit)"
            )
            + ", then bisects between the last rate sustained "
            "and the first not, to within 10 %; it took "
            f"{f.search_seconds:,.0f} s. Sustained: every result back within 10 s, at least "
            f"95 % of the offered rate achieved, p99 under {SUSTAINED_P99:g} s. After each step "
            "the bench waits until every query sent has its result, so no backlog is carried "
            "into the next.)",
            "",
            "| Step | Offered q/s | Queries | p50 ms | p99 ms | Achieved q/s | Lost | Sustained |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
            *[
                f"| {st.phase} | {st.rate:g} | {st.run.sent:,} | {_ms(st.run.p50)} | "
                f"{_ms(st.run.p99)} | {st.run.qps:,.1f} | {st.run.lost} | "
                f"{'yes' if st.sustained else '**no**'} |"
                for st in f.steps
            ],
        ]
    if f.one_case:
        n = len(f.one_case)
        lines += [
            "",
            f"**One case** (as the issue describes the load: the same case and debtor queried "
            f"again and again, each query a new command; here one after another, never two in "
            f"flight): the round trip went from {f.one_case[0] * 1e3:,.0f} ms for the first "
            f"query to {f.one_case[-1] * 1e3:,.0f} ms for the last of {n}, "
            f"**+{f.one_case_slope * 1e3:,.1f} ms per earlier query** of the case (least "
            f"squares). A query adds {2 * len(f.bureaus) + 2} events to the case (started, "
            f"{len(f.bureaus)} notices, {len(f.bureaus)} answers, result); the handlers keep "
            "the cases they loaded, and the state their own appends lead to "
            "(`handlers.CaseCache`), and read only what others wrote since, so what growth "
            "remains comes "
            "from the store and the read of the case's log, not from replaying it. Queries of one case that overlap also collide: the commands and "
            "the replies consumers both append to the case's stream, the loser gets a "
            "`ConcurrencyError`, loads the case and decides again at once (up to three tries), "
            "and only then falls back to the consumer's redelivery backoff (0.2 s, 1 s, 5 s, …). "
            "In trials while writing this benchmark, 2 queries/s on one case for 10 s "
            "gave a p50 of about 1 s and a p99 of about 23 s; `make bench` does not run that "
            "(its backlog takes tens of seconds to clear), which is why the rates above put "
            "each query on a case of its own.",
        ]
    return lines


def reproduce(report: Report) -> list[str]:
    minutes = max(1, round(report.seconds / 60)) if not report.quick else 8
    return [
        "## Reproduce",
        "",
        "```sh",
        f"make bench                          # full run (about {minutes} minutes), rewrites this file",
        ".venv/bin/python -m bench --quick   # smoke run: 1 small round, writes nothing",
        "```",
        "",
        "Options: `--rounds N`, `--output PATH`, `--no-write`, `--json PATH` (results as JSON), "
        "`--no-breakdown`, `--breakdown` (with `--quick`), `--verify-entries N` (journal size "
        "for `audit verify`), `--profile-verify` (verify once more under cProfile, printed), "
        "`--no-ledger`, `--no-fanout`, `--search-start N` (queries/s the fan-out's search for "
        "its ceiling starts at; 0 skips it), `--search-budget S` (seconds after which the "
        "search starts no step), `--no-sanctions`, `--only sanctions` (that section alone, "
        "merged into the existing file), `--no-bankruptcy`, `--bankruptcy-rate N`, `--only "
        "bankruptcy` (likewise), `--no-instances`, `--only instances` (three enforcement "
        "instances, one killed under load; likewise), `--no-wakeup`, `--only wakeup` (the "
        "relay's wake-up latency; likewise), `--only fanout` (the property query fan-out and "
        "its search; likewise, with the search capped at 16 × its start: no fsync-bound "
        "limit is measured, and the Targets table is left as it is). The servers are embedded and "
        "started on free ports (never 4222 / 5432); nothing else needs to run.",
    ]


def method(report: Report) -> list[str]:
    rounds = report.appends[0].rounds if report.appends else 0
    relay_events = report.relay.events_per_round if report.relay else 0
    size = len(measured(0).message.model_dump_json().encode())
    _, pool = service_pool_options()
    lines = [
        line.format(rounds=rounds, relay_events=relay_events, message_bytes=size, pool_options=pool)
        for line in METHOD
    ]
    return lines + ledger_method(report) + fanout_method(report)


def ledger_method(report: Report) -> list[str]:
    out = []
    if led := report.ledger:
        out += [
            f"- **Ledger append** (batch {led.batch}): every contender writes the same `Facts` "
            "as the ledger's handler makes them from a delivered message (message key and ids, "
            f"a case number, a trace id, the RFC 8785 canonical bytes of a {led.body_bytes}-byte "
            "bench message), built before the clock starts; `recorded_at` is taken per batch "
            "inside the loop. Each round appends new facts, sequentially, from one connection; a "
            "`CHECKPOINT` before each timed round; one warm-up round per contender sets the round "
            f"size as for the store; then {led.rounds} rounds, the order rotating each round.",
            f'  - **{JOURNAL}**: `Journal(pool, "ledger").append(facts, recorded_at)` on a '
            "pool of one connection with the services' options, the schema made by "
            '`migrate(conn, "ledger")`. One transaction per batch: head row `FOR UPDATE`, '
            "`domain.extend`, binary COPY, head `UPDATE` sent with the `COMMIT`; the message "
            "keys are looked up first only after a batch met a key journaled before (every key "
            "is new here). The journal grows over the rounds, as it does in service.",
            f"  - **{RAW}**: the same 15 columns, one binary COPY per batch in autocommit, into "
            "a table made `LIKE ledger.journal INCLUDING ALL` (same primary key, unique message "
            "key, check and the three partial indexes; no triggers, no head row); the three "
            "digest columns get 32 zero bytes: nothing hashed, looked up or locked.",
            f"  - **{CHAINED}**: as the raw COPY into a table of its own, but the rows are the "
            "entries `domain.extend` makes after a head kept in memory (message digest, entry "
            "JSON, entry hash): the chain's client cost without its transaction.",
        ]
    if v := report.verify:
        out += [
            f"- **Audit verify**: the same `ledger` journal is extended in bulk to {v.entries:,} "
            "entries: `domain.extend` over chunks of 10,000 new facts (in a thread, so the "
            "previous chunk's COPY runs meanwhile), one COPY and head `UPDATE` per chunk in a "
            "transaction. The ledger's `Checkpointer` (its frontier fed during the fill, a new "
            "Ed25519 key from `signing.generate_key`) signs a checkpoint at half and at the end, "
            "appended to the ledger's event store as in service. Then `VACUUM ANALYZE` and "
            "`CHECKPOINT`, and `audit.verify(Journal(pool), PostgresEventStore(pool, "
            '"ledger"), public_key)` is timed once, end to end; the run fails unless it '
            "reports every entry and both checkpoints intact. The parts are then timed alone "
            "on a prefix (`Journal.rows`; `domain.check` on the rows in memory; "
            "`leaf_hash` + `CompactRange.append` on the hashes).",
        ]
    return out


def fanout_method(report: Report) -> list[str]:
    f = report.fanout
    if not f:
        return []
    return [
        "- **Property query fan-out**: the enforcement service runs in this process as "
        "`start_service(spec(), RuntimeSettings(...))` starts it (migrations, streams, both "
        "consumers, relay, deadline timer), with `FUYUAN_ENFORCEMENT_CACHE_WINDOW=PT0S` so no "
        "query is answered from the result cache, an SDK tracer provider without exporter as "
        "in the services, and its log lines counted instead of printed. The court and the "
        f"bureaus are two more NATS connections in the same process. The {len(f.bureaus)} "
        "bureaus are core NATS subscriptions on `enforcement.notice.property_query.v1.<bureau>`; "
        "each parses the notice and answers with `services.bureaus.replies.answer(notice, [], "
        "bureau, now)` (no holdings) published to JetStream with `Nats-Msg-Id`, awaiting the "
        "ack. Cases are registered beforehand (`services.cli.simulate.register_case`, "
        "published to JetStream, confirmed by the `case_registered` event). A query is a new "
        "`QueryProperty` command (new event id; all kinds) published to JetStream with "
        "`Nats-Msg-Id`; it ends when the court's subscription to "
        "`enforcement.notice.property_result.v1.<court>` gets the result with that query id "
        f"(complete, not from cache). Message sizes (JSON): query {f.query_bytes} bytes, "
        f"notice {f.notice_bytes} bytes, answer {f.answer_bytes} bytes.",
        f"  - **{BARE}**: the court sends the same notice bytes the bureaus last got from the "
        f"service as {len(f.bureaus)} core NATS requests (`nc.request`, one per bureau subject, "
        "gathered with "
        "`asyncio.gather`); each bureau parses the notice, makes the same answer and "
        f"`respond`s. Round trip: until all {len(f.bureaus)} replies are in.",
        "  - Open loop: query i is sent at t0 + i / rate in a task of its own, whatever came "
        "back before; latency counts from that scheduled time, so the sender's own lag counts "
        "against the system. Achieved rate: results received over the time from the first "
        "scheduled send to the last result. A query without result within 30 s is lost. "
        "Warm-up: a few queries one after another and a second of the bare path; then the "
        f"rounds ({f.rounds} × {f.seconds_per_round:g} s each, the contenders alternating "
        "which goes first), then the rate search and the one-case series.",
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
    "the schema made by `migrate`, and the relay's wake-up registered (`wake_locally`) as in a "
    "service whose relay leads in the same process: each append wakes it after the commit and "
    "notifies nothing (an append that notifies, for a relay leading in another instance, is a "
    "side row of the breakdown below).",
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
    "saves the checkpoint; after a full batch the next is read meanwhile). An SDK tracer provider is installed as in the services (spans are "
    "made, not exported). **raw nats-py**: the same subjects, message bytes and headers "
    "(`Nats-Msg-Id`, `Fuyuan-Type`, `traceparent`) held in memory, `js.publish_async` in "
    "windows of 500, each window's acks awaited before the next. One warm-up each, then {rounds} "
    "rounds, alternating which goes first; every round checks the stream holds all events.",
]


SANCTIONS_TITLE = "## Sanction notice fan-out"


def merge_section(text: str, section: list[str], title: str = SANCTIONS_TITLE) -> str:
    """`text` with its section `title` replaced by `section` (up to the next `## ` heading),
    or with `section` put before `## Method` (or at the end) when it has none."""
    lines = text.splitlines()
    new = [*section, ""]
    if title in lines:
        start = lines.index(title)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines[start:end] = new
    elif "## Method" in lines:
        at = lines.index("## Method")
        lines[at:at] = new
    else:
        lines += ["", *new]
    return "\n".join(lines).rstrip("\n") + "\n"


def sanctions_markdown(s: SanctionsResult) -> list[str]:
    lines = [
        SANCTIONS_TITLE,
        "",
        f"Court {s.court} (汝州市人民法院) lists a person debtor as dishonest "
        "(`ListDishonestDebtor`); the service sends a `SanctionNotice` to every bureau that "
        "enforces one of the listing's measures in the court's jurisdiction. With the sample "
        f"registry and measures catalogue that is **{len(s.bureaus)} bureaus**, not 40 "
        f"({', '.join(s.bureaus)}): the benchmark uses what `domain.routing.sanction_plan` "
        "computes and does not invent bureaus. Open loop at "
        f"{s.rate:g} listings/s, {s.rounds} round(s) of {s.seconds_per_round:g} s per "
        "contender, interleaved; latency from the listing's scheduled send time until the "
        "last bureau holds its notice for that sanction id.",
        "",
        "| Contender | Offered listings/s | Listings | p50 ms | p99 ms | Achieved listings/s "
        "| Lost |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, c in s.contenders.items():
        lines.append(
            f"| {name} | {s.rate:g} | {c.sent:,} | {_ms(c.p50)} | {_ms(c.p99)} | "
            f"{c.qps:,.1f} | {c.lost} |"
        )
    per_round = s.round_ratios()
    spread = (
        f"; p50 ratio per round {min(per_round):.1f}–{max(per_round):.1f}"
        if len(per_round) > 1
        else ""
    )
    n = len(s.bureaus)
    lines += [
        "",
        f"**Fuyuan ÷ bare: p50 × {s.ratio('p50'):.1f}, p99 × {s.ratio('p99'):.1f}** "
        f"(percentiles pooled over the rounds{spread}). The Fuyuan path includes what the bare "
        "one does not: JetStream persistence of the command (acknowledged) and deduplication "
        "by `Nats-Msg-Id`; the commands consumer loading the case from its events, deciding, "
        f"and one PostgreSQL transaction with fsync appending `sanction_imposed` and the {n} "
        "notices and recording the command in the consumer's inbox; the relay's read, "
        f"publishing of the {n} notices to JetStream (each acknowledged, deduplicated by "
        "`Nats-Msg-Id`) and checkpoint update. The bare path is "
        f"{n} core NATS publishes of the same notice bytes and their delivery: no persistence, "
        f"no ordering, nothing kept. Target: p50 within {LISTING_P50:g} × (see Targets). "
        "Service log during the "
        f"run: {s.handler_failures} handler failure(s) redelivered, {s.rejections} message(s) "
        f"rejected; {s.unexpected} unexpected notice(s) or rejection(s) seen by the bench.",
        "",
        "Method: the enforcement service runs in this process as `start_service(spec(), "
        "RuntimeSettings(...))` starts it, with an SDK tracer provider without exporter and "
        "its log lines counted, not printed; court and bureaus are two more NATS connections. "
        "Each listing has a case of its own, registered beforehand with one adult person "
        "debtor (`register_case`, debtor replaced by a person born 1950–2000; a debtor listed "
        "twice in one case is refused), and is a new command (new event id = sanction id) made "
        "by `services.cli.simulate.listing`, published to JetStream with `Nats-Msg-Id`. The "
        "bureaus are one core subscription on `enforcement.notice.sanction.v1.*` that parses "
        "each notice and ticks off its bureau for its `sanction_id`; no acknowledgements are "
        "sent. **Bare**: per listing the court publishes, with core `nc.publish`, the notice "
        "bytes each bureau last got from the service (the sanction id replaced by a new one "
        f"of the same length) to `bench.bare.sanction.v1.<bureau>`, received by the same kind "
        "of subscriber on `bench.bare.sanction.v1.*`. Not the real subjects: the enforcement "
        "stream captures `enforcement.>`, so a core publish there would be stored by "
        "JetStream and delivered to the service's consumers. Message sizes (JSON): listing "
        f"{s.listing_bytes} bytes, notice {s.notice_bytes} bytes (mean). Open loop as for the "
        "property query fan-out (latency from the scheduled send time, achieved rate over "
        "first scheduled send to last notice, lost after 30 s). Warm-up: 3 listings one after "
        "another and a second of the bare path.",
    ]
    return lines


BANKRUPTCY_TITLE = "## Bankruptcy acceptance fan-out"


def bankruptcy_markdown(b: BankruptcyResult) -> list[str]:
    tasks = len(b.tasks)
    lines = [
        BANKRUPTCY_TITLE,
        "",
        f"Court {b.court} (汝州市人民法院) accepts a company's bankruptcy petition "
        "(`AcceptPetition`, 企业破产法 第十三条). The bankruptcy service generates the "
        "acceptance's coordination tasks from the topic catalogue and sends a "
        f"`CoordinationTaskNotice` to the lead and each co-unit: **{tasks} task notices** to "
        f"{len({t[-1] for t in b.tasks})} units with the sample registry and catalogue (what "
        "`domain.tasks.generate` computes for the court's jurisdiction; nothing invented). The "
        "enforcement service consumes the acceptance, suspends the company's enforcement case "
        "and orders the bank holding its frozen account to release it (第十九条): **1 release "
        f"notice** (`ControlOrder`, action `release`) to {b.bank}. {b.notices} notices per "
        f"acceptance in all. Open loop at {b.rate:g} acceptances/s, {b.rounds} round(s) of "
        f"{b.seconds_per_round:g} s per contender, interleaved; latency from the acceptance's "
        "scheduled send time until the last bureau holds the last of its notices for that "
        "acceptance (task notices and the release notice).",
        "",
        "| Contender | Offered acceptances/s | Acceptances | p50 ms | p99 ms "
        "| Achieved acceptances/s | Lost |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, c in b.contenders.items():
        lines.append(
            f"| {name} | {b.rate:g} | {c.sent:,} | {_ms(c.p50)} | {_ms(c.p99)} | "
            f"{c.qps:,.1f} | {c.lost} |"
        )
    per_round = b.round_ratios()
    spread = (
        f"; p50 ratio per round {min(per_round):.1f}–{max(per_round):.1f}"
        if len(per_round) > 1
        else ""
    )
    lines += [
        "",
        f"**Fuyuan ÷ bare: p50 × {b.ratio('p50'):.1f}, p99 × {b.ratio('p99'):.1f}** "
        f"(percentiles pooled over the rounds{spread}). The Fuyuan path crosses two services: "
        "JetStream persistence of the command (acknowledged, deduplicated by `Nats-Msg-Id`); "
        "the bankruptcy commands consumer finding the case by its petition number, loading it, "
        f"deciding, and one PostgreSQL transaction with fsync appending the acceptance, the "
        f"{tasks} notices and the tasks assigned and recording the command in its inbox; its "
        "relay publishing them to JetStream (each acknowledged); the enforcement service's "
        "consumer of `bankruptcy.event.petition_accepted.v1` finding the debtor's cases by "
        "credit code, suspending the case and ordering the release in one more transaction, "
        "and its relay publishing the release notice. The bare path is "
        f"{b.notices} core NATS publishes of the same notice bytes and their delivery: no "
        "persistence, no ordering, nothing kept, no second service. No target is set for these "
        f"ratios. Service log during the run: {b.handler_failures} handler failure(s) "
        f"redelivered, {b.rejections} message(s) rejected; {b.unexpected} unexpected notice(s) "
        "or rejection(s) seen by the bench.",
        "",
        "Method: both services run in this process as `start_service(spec(), "
        "RuntimeSettings(...))` starts them, with an SDK tracer provider without exporter and "
        "their log lines counted, not printed; court and bureaus are two more NATS connections. "
        "Each acceptance is a case of its own, prepared beforehand (in "
        f"{b.prepared_seconds:.0f} s, not measured): a company debtor (`credit_code` of the "
        "simulator) with an enforcement case registered, a deposit freeze ordered to "
        f"{b.bank} and applied by it (the bench answers the freeze order, and waits for the "
        "court's `control_report`), and its petition filed (`FileBankruptcyPetition`, 破申). The "
        "acceptance is a new command with a 破 number of its own, the administrator appointed "
        "that day, published to JetStream with `Nats-Msg-Id`. The bureaus are core "
        "subscriptions on `bankruptcy.notice.coordination_task.v1.*` and "
        "`enforcement.notice.control_order.v1.*` that parse each notice and tick it off for its "
        "case (no acknowledgements or answers are sent). **Bare**: per acceptance the court "
        f"publishes, with core `nc.publish`, the bytes of the {b.notices} notices the bureaus "
        "last got from the services (the case number replaced by a new one of the same length) to "
        "`bench.bare.coordination_task.v1.<bureau>` and `bench.bare.control_order.v1.<bureau>`, "
        "received by the same kind of subscribers. Not the real subjects: the streams capture "
        "`bankruptcy.>` and `enforcement.>`, so a core publish there would be stored by "
        "JetStream and delivered to the services' consumers. Message sizes (JSON): acceptance "
        f"{b.acceptance_bytes} bytes, task notice {b.task_bytes} bytes (mean), release notice "
        f"{b.release_bytes} bytes. Open loop as for the property query fan-out (latency from "
        "the scheduled send time, achieved rate over first scheduled send to last notice, lost "
        "after 30 s). Warm-up: 3 acceptances one after another and a second of the bare path.",
    ]
    return lines
