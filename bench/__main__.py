"""`python -m bench`: run every benchmark against embedded servers and write the results.

python -m bench            # full run, writes docs/PERFORMANCE.md
python -m bench --quick    # smoke run: one small round, writes nothing unless --output
python -m bench --only sanctions   # that section alone, merged into docs/PERFORMANCE.md
python -m bench --only faststream  # FastStream against the services' pull loop, merged likewise
python -m bench --only bankruptcy  # a bankruptcy acceptance's fan-out, merged likewise
python -m bench --only instances   # three enforcement instances, one killed, merged likewise
python -m bench --only wakeup      # the relay's wake-up latency, merged likewise
python -m bench --only fanout      # the property query fan-out (and its search), merged likewise
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import asyncpg
from rich.console import Console

from bench.bankruptcy import BankruptcyResult, run_bankruptcy
from bench.breakdown import Breakdown, run_breakdown, serialization
from bench.fanout import FanoutResult, run_fanout
from bench.ledger import BATCH, LedgerAppendResult, VerifyResult, run_ledger_append, run_verify
from bench.relay import run_relay, run_relay_breakdown
from bench.report import (
    BANKRUPTCY_TITLE,
    FANOUT_TITLE,
    Report,
    bankruptcy_markdown,
    fanout_markdown,
    markdown,
    merge_section,
    print_tables,
    sanctions_markdown,
)
from bench.sanctions import SanctionsResult, run_sanctions
from bench.servers import Servers, embedded
from bench.store import RAW_ONE, AppendResult, run_append

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"


@dataclass(frozen=True)
class Plan:
    rounds: int
    warmup: dict[int, int]
    """Warm-up events per batch size; the warm-up's rates set the round size."""
    fixed_events: dict[int, int | None]
    target_seconds: float
    cap_seconds: float
    relay_events: int
    relay_warmup: int
    breakdown_events: dict[int, int]
    breakdown: bool
    breakdown_rounds: int
    relay_breakdown_events: int
    ledger: bool = True
    ledger_rounds: int = 5
    ledger_warmup: int = 2_560
    ledger_fixed_events: int | None = None
    verify_entries: int = 1_000_000
    verify_parts: int = 50_000
    fanout: bool = True
    fanout_rate: float = 10.0
    """Queries/s of the interleaved rounds: a rate the service sustains (see the search)."""
    fanout_rounds: int = 3
    fanout_seconds: float = 5.0
    fanout_warmup: int = 5
    fanout_search_start: float = 10.0
    """Queries/s the search for the ceiling starts at (0: no search); it doubles while each
    rate is sustained, up to the fsync-bound limit of the run, then bisects."""
    fanout_search_budget: float = 180.0
    """Seconds: the search starts no step after this."""
    fanout_step_seconds: float = 5.0
    fanout_one_case: int = 15
    sanctions: bool = True
    sanctions_rate: float = 10.0
    """Listings/s: a rate the service sustains (trials: p99 well under 1 s at 10 and 20/s)."""
    sanctions_rounds: int = 3
    sanctions_seconds: float = 10.0
    bankruptcy: bool = True
    bankruptcy_rate: float = 10.0
    """Acceptances/s, each owing 18 notices from two services: a rate the services sustain
    (trials of 10 s, one round: p99 about 0.5 s at 5 and 10/s, about 1 s at 15/s, 1.4 s at
    24/s with the achieved rate falling behind)."""
    bankruptcy_rounds: int = 3
    bankruptcy_seconds: float = 10.0
    faststream: bool = True
    """FastStream's pull subscribers against the services' loop (bench/faststream_loop.py)."""
    faststream_rounds: int = 3
    instances: bool = True
    """Three enforcement instances, one killed under load (bench/instances.py)."""
    instances_rate: float = 3.0
    instances_seconds: float = 40.0
    wakeup: bool = True
    """The relay's wake-up latency: local, NOTIFY, polling (bench/wakeup.py)."""
    wakeup_rounds: int = 3
    wakeup_per_round: int = 30
    profile_verify: bool = False
    """Also run `audit.verify` under cProfile and print the top functions (not written)."""


FULL = Plan(
    rounds=7,
    warmup={1: 300, 100: 3000},
    fixed_events={1: None, 100: None},
    target_seconds=1.5,
    cap_seconds=3.0,
    relay_events=20_000,
    relay_warmup=2_000,
    breakdown_events={1: 300, 100: 5_000},
    breakdown=True,
    breakdown_rounds=5,
    relay_breakdown_events=10_000,
)

QUICK = Plan(
    rounds=1,
    warmup={1: 10, 100: 200},
    fixed_events={1: 50, 100: 500},
    target_seconds=0.2,
    cap_seconds=0.5,
    relay_events=1_000,
    relay_warmup=500,
    breakdown_events={1: 50, 100: 500},
    breakdown=False,
    breakdown_rounds=1,
    relay_breakdown_events=1_000,
    ledger_rounds=1,
    ledger_warmup=512,
    ledger_fixed_events=2_560,
    verify_entries=20_000,
    verify_parts=5_000,
    fanout_rounds=1,
    fanout_seconds=2.0,
    fanout_warmup=2,
    fanout_search_start=0,
    fanout_one_case=3,
    sanctions_rounds=1,
    sanctions_seconds=2.0,
    bankruptcy_rounds=1,
    bankruptcy_seconds=2.0,
    faststream=False,
    instances_seconds=8.0,
    wakeup_rounds=1,
    wakeup_per_round=5,
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


async def _postgres_settings(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1::text[]) ORDER BY name",
            [
                "fsync",
                "synchronous_commit",
                "full_page_writes",
                "wal_sync_method",
                "shared_buffers",
                "max_wal_size",
            ],
        )
    finally:
        await conn.close()
    out = []
    for r in rows:
        value = r["setting"]
        if r["unit"] == "8kB":
            value = f"{int(value) * 8 // 1024} MB"
        elif r["unit"] == "MB":
            value = f"{value} MB"
        out.append(f"{r['name']}={value}")
    return ", ".join(out)


def _psycopg() -> str:
    try:
        import psycopg

        return f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__} implementation, libpq {psycopg.pq.version()})"
    except Exception as e:  # pragma: no cover - informational only
        return f"psycopg unavailable: {e}"


def _code() -> str:
    """The commit measured, and which files of the measured code (services/runtime and the
    migrations) differed from it."""
    root = DEFAULT_OUTPUT.parent.parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "not a git checkout"
    changed = [
        line.split(maxsplit=1)[-1]
        for line in git(
            "status", "--porcelain", "--", "services/runtime", "deploy/migrations"
        ).splitlines()
    ]
    return f"commit {commit}" + (
        f", with uncommitted changes to {', '.join(changed)}" if changed else ""
    )


def machine(servers: Servers, pg_settings: str) -> list[tuple[str, str]]:
    return [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} cores"),
        ("Memory", _memory()),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("PostgreSQL", f"{servers.postgres_version} (embedded), {pg_settings}"),
        ("NATS", f"{servers.nats_version} (embedded), JetStream file storage, default sync"),
        ("Code", _code()),
        (
            "Libraries",
            f"asyncpg {_version('asyncpg')}, nats-py {_version('nats-py')}, "
            f"pydantic {_version('pydantic')}, eventsourcing {_version('eventsourcing')} "
            f"with {_psycopg()}",
        ),
    ]


def _fsync_bound(appends: list[AppendResult]) -> float | None:
    """The raw single-row inserts per second of this run: the most commits per second one
    writer gets through fsync; a query that needs one transaction could go no faster."""
    for a in appends:
        if a.batch == 1 and RAW_ONE in a.samples:
            return a.samples[RAW_ONE].median
    return None


async def run(plan: Plan, servers: Servers, say: Callable[[str], None]) -> Report:
    started = time.perf_counter()
    pg_settings = await _postgres_settings(servers.postgres_url)
    appends: list[AppendResult] = []
    for batch in (1, 100):
        say(f"[bold]append, batch {batch}[/bold] ({time.perf_counter() - started:.0f} s)")
        appends.append(
            await run_append(
                servers.postgres_url,
                batch,
                rounds=plan.rounds,
                warmup=plan.warmup[batch],
                target=plan.target_seconds,
                cap=plan.cap_seconds,
                fixed_events=plan.fixed_events[batch],
                log=say,
            )
        )
    say(f"[bold]relay[/bold] ({time.perf_counter() - started:.0f} s)")
    relay = await run_relay(
        servers.postgres_url,
        servers.nats_url,
        count=plan.relay_events,
        rounds=plan.rounds,
        warmup=plan.relay_warmup,
        log=say,
    )
    ledger: LedgerAppendResult | None = None
    if plan.ledger:
        say(f"[bold]ledger append, batch {BATCH}[/bold] ({time.perf_counter() - started:.0f} s)")
        ledger = await run_ledger_append(
            servers.postgres_url,
            rounds=plan.ledger_rounds,
            warmup=plan.ledger_warmup,
            target=plan.target_seconds,
            cap=plan.cap_seconds,
            fixed_events=plan.ledger_fixed_events,
            log=say,
        )
    fanout: FanoutResult | None = None
    if plan.fanout:
        say(f"[bold]property query fan-out[/bold] ({time.perf_counter() - started:.0f} s)")
        fanout = await run_fanout(
            servers.nats_url,
            servers.postgres_url,
            rate=plan.fanout_rate,
            rounds=plan.fanout_rounds,
            seconds=plan.fanout_seconds,
            warmup=plan.fanout_warmup,
            search_start=plan.fanout_search_start,
            search_cap=_fsync_bound(appends),
            search_budget=plan.fanout_search_budget,
            step_seconds=plan.fanout_step_seconds,
            one_case=plan.fanout_one_case,
            log=say,
        )
    sanctions: SanctionsResult | None = None
    if plan.sanctions:
        say(f"[bold]sanction notice fan-out[/bold] ({time.perf_counter() - started:.0f} s)")
        sanctions = await sanctions_only(plan, servers, say)
    bankruptcy: BankruptcyResult | None = None
    if plan.bankruptcy:
        say(f"[bold]bankruptcy acceptance fan-out[/bold] ({time.perf_counter() - started:.0f} s)")
        bankruptcy = await bankruptcy_only(plan, servers, say)
    breakdowns: list[Breakdown] = []
    ser = None
    if plan.breakdown:
        say(f"[bold]append breakdown[/bold] ({time.perf_counter() - started:.0f} s)")
        for batch in (1, 100):
            breakdowns.append(
                await run_breakdown(
                    servers.postgres_url,
                    batch,
                    rounds=plan.breakdown_rounds,
                    count=plan.breakdown_events[batch],
                    log=say,
                )
            )
        ser = serialization()
        say(f"[bold]relay breakdown[/bold] ({time.perf_counter() - started:.0f} s)")
        breakdowns.append(
            await run_relay_breakdown(
                servers.postgres_url,
                servers.nats_url,
                count=plan.relay_breakdown_events,
                rounds=max(1, plan.breakdown_rounds - 2),
                log=say,
            )
        )
    verify: VerifyResult | None = None
    if plan.ledger and plan.verify_entries:
        # Last: it leaves a journal of a million entries (a GiB) behind in the database.
        say(
            f"[bold]audit verify, {plan.verify_entries:,} entries[/bold] "
            f"({time.perf_counter() - started:.0f} s)"
        )
        verify = await run_verify(
            servers.postgres_url,
            entries=plan.verify_entries,
            parts_entries=plan.verify_parts,
            profile=plan.profile_verify,
            log=say,
        )
        if verify.profile:
            say(verify.profile)
    return Report(
        when=datetime.now(UTC),
        machine=machine(servers, pg_settings),
        quick=plan.rounds == 1,
        appends=appends,
        relay=relay,
        breakdowns=breakdowns,
        serialization=ser,
        seconds=time.perf_counter() - started,
        ledger=ledger,
        verify=verify,
        fanout=fanout,
        sanctions=sanctions,
        bankruptcy=bankruptcy,
    )


async def bankruptcy_only(
    plan: Plan, servers: Servers, say: Callable[[str], None]
) -> BankruptcyResult:
    return await run_bankruptcy(
        servers.nats_url,
        servers.postgres_url,
        rate=plan.bankruptcy_rate,
        rounds=plan.bankruptcy_rounds,
        seconds=plan.bankruptcy_seconds,
        log=say,
    )


async def sanctions_only(
    plan: Plan, servers: Servers, say: Callable[[str], None]
) -> SanctionsResult:
    return await run_sanctions(
        servers.nats_url,
        servers.postgres_url,
        rate=plan.sanctions_rate,
        rounds=plan.sanctions_rounds,
        seconds=plan.sanctions_seconds,
        warmup=3,
        log=say,
    )


def as_json(report: Report) -> dict[str, Any]:
    def plain(obj: Any) -> Any:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return {k: plain(v) for k, v in dataclasses.asdict(obj).items()}
        if isinstance(obj, datetime):
            return obj.isoformat()
        return obj

    return {
        "report": plain(report),
        "rows": [plain(r) for r in report.rows()],
        "targets": [{**plain(t), "met": t.met} for t in report.targets()],
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--quick", action="store_true", help="one small round of each: a smoke run")
    p.add_argument("--rounds", type=int, help="timed rounds per benchmark (default 5, quick 1)")
    p.add_argument(
        "--output", type=Path, help=f"Markdown report (default {DEFAULT_OUTPUT}; none with --quick)"
    )
    p.add_argument("--no-write", action="store_true", help="write no Markdown report")
    p.add_argument("--json", type=Path, help="also write the results as JSON here")
    p.add_argument("--no-breakdown", action="store_true", help="skip the breakdowns")
    p.add_argument(
        "--breakdown", action="store_true", help="run the breakdowns (also with --quick)"
    )
    p.add_argument(
        "--verify-entries",
        type=int,
        help="journal entries for `audit verify` (default 1,000,000, quick 20,000; 0 skips it)",
    )
    p.add_argument(
        "--profile-verify",
        action="store_true",
        help="run audit verify once more under cProfile and print where its time goes",
    )
    p.add_argument("--no-ledger", action="store_true", help="skip the ledger benchmarks")
    p.add_argument("--no-fanout", action="store_true", help="skip the property query fan-out")
    p.add_argument(
        "--search-start",
        type=float,
        help="queries/s the search for the fan-out's ceiling starts at (default 10; quick: no "
        "search; 0 skips it)",
    )
    p.add_argument(
        "--search-budget", type=float, help="seconds after which the search starts no step"
    )
    p.add_argument("--no-sanctions", action="store_true", help="skip the sanction notice fan-out")
    p.add_argument(
        "--no-bankruptcy", action="store_true", help="skip the bankruptcy acceptance fan-out"
    )
    p.add_argument(
        "--bankruptcy-rate", type=float, help="acceptances/s of the bankruptcy fan-out's rounds"
    )
    p.add_argument(
        "--no-faststream", action="store_true", help="skip FastStream against the pull loop"
    )
    p.add_argument("--no-instances", action="store_true", help="skip the three-instance run")
    p.add_argument("--no-wakeup", action="store_true", help="skip the relay's wake-up latency")
    p.add_argument(
        "--only",
        choices=["sanctions", "faststream", "bankruptcy", "instances", "wakeup", "fanout"],
        help="run this benchmark alone and merge its section into the existing report",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    plan = QUICK if args.quick else FULL
    if args.rounds:
        plan = dataclasses.replace(plan, rounds=args.rounds, ledger_rounds=args.rounds)
    if args.no_breakdown:
        plan = dataclasses.replace(plan, breakdown=False)
    if args.breakdown:
        plan = dataclasses.replace(plan, breakdown=True)
    if args.verify_entries is not None:
        plan = dataclasses.replace(plan, verify_entries=args.verify_entries)
    if args.profile_verify:
        plan = dataclasses.replace(plan, profile_verify=True)
    if args.no_ledger:
        plan = dataclasses.replace(plan, ledger=False)
    if args.no_fanout:
        plan = dataclasses.replace(plan, fanout=False)
    if args.search_start is not None:
        plan = dataclasses.replace(plan, fanout_search_start=args.search_start)
    if args.search_budget is not None:
        plan = dataclasses.replace(plan, fanout_search_budget=args.search_budget)
    if args.no_sanctions:
        plan = dataclasses.replace(plan, sanctions=False)
    if args.no_bankruptcy:
        plan = dataclasses.replace(plan, bankruptcy=False)
    if args.bankruptcy_rate:
        plan = dataclasses.replace(plan, bankruptcy_rate=args.bankruptcy_rate)
    if args.no_faststream:
        plan = dataclasses.replace(plan, faststream=False)
    if args.no_instances:
        plan = dataclasses.replace(plan, instances=False)
    if args.no_wakeup:
        plan = dataclasses.replace(plan, wakeup=False)
    output = None if args.no_write else args.output or (None if args.quick else DEFAULT_OUTPUT)
    console = Console(width=None if sys.stdout.isatty() else 130)

    def say(text: str) -> None:
        console.print(text, highlight=False)

    if args.only == "sanctions":
        return only_sanctions(plan, output, say, console)
    if args.only == "faststream":
        return only_faststream(plan, output, say)
    if args.only == "bankruptcy":
        return only_bankruptcy(plan, output, say, console)
    if args.only == "instances":
        return only_instances(plan, output, say)
    if args.only == "wakeup":
        return only_wakeup(plan, output, say)
    if args.only == "fanout":
        return only_fanout(plan, output, say)
    with embedded() as servers:
        say(f"PostgreSQL {servers.postgres_url}, NATS {servers.nats_url}")
        report = asyncio.run(run(plan, servers, say))
    report = dataclasses.replace(report, quick=args.quick)
    print_tables(report, console)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(markdown(report), encoding="utf-8")
        say(f"wrote {output}")
    if args.json:
        args.json.write_text(json.dumps(as_json(report), indent=2, ensure_ascii=False))
        say(f"wrote {args.json}")
    if plan.faststream:
        only_faststream(plan, output, say)
    if plan.instances:
        only_instances(plan, output, say)
    if plan.wakeup:
        only_wakeup(plan, output, say)
    return 0


def only_faststream(plan: Plan, output: Path | None, say: Callable[[str], None]) -> int:
    """FastStream's pull subscribers against the services' loop, against a NATS server of its
    own; its section replaces (or joins) the one in `output`."""
    from bench import faststream_loop

    args = faststream_loop.defaults(rounds=plan.faststream_rounds)
    say(f"FastStream against the pull loop, {args.rounds} rounds")
    lines = faststream_loop.section(
        faststream_loop.compare(args), faststream_loop.settings_of(args)
    )
    say("\n".join(lines))
    if output:
        old = output.read_text(encoding="utf-8") if output.exists() else ""
        output.write_text(merge_section(old, lines, faststream_loop.TITLE), encoding="utf-8")
        say(f"merged the FastStream section into {output}")
    return 0


def _merge(output: Path | None, lines: list[str], title: str, say: Callable[[str], None]) -> None:
    say("\n".join(lines))
    if output:
        old = output.read_text(encoding="utf-8") if output.exists() else ""
        output.write_text(merge_section(old, lines, title), encoding="utf-8")
        say(f"merged the section {title[3:]!r} into {output}")


def only_instances(plan: Plan, output: Path | None, say: Callable[[str], None]) -> int:
    """Three enforcement instances, one killed under load, against servers of their own; the
    section replaces (or joins) the one in `output`."""
    from bench import instances

    with embedded() as servers:
        say(f"[bold]three instances, one killed[/bold] (NATS {servers.nats_url})")
        result = asyncio.run(
            instances.run_instances(
                servers.nats_url,
                servers.postgres_url,
                rate=plan.instances_rate,
                seconds=plan.instances_seconds,
                log=say,
            )
        )
    _merge(output, instances.instances_markdown(result), instances.TITLE, say)
    return 0


def only_wakeup(plan: Plan, output: Path | None, say: Callable[[str], None]) -> int:
    """The relay's wake-up latency against servers of its own; the section replaces (or
    joins) the one in `output`."""
    from bench import wakeup

    with embedded() as servers:
        say(f"[bold]relay wake-up latency[/bold] (NATS {servers.nats_url})")
        result = asyncio.run(
            wakeup.run_wakeup(
                servers.nats_url,
                servers.postgres_url,
                rounds=plan.wakeup_rounds,
                per_round=plan.wakeup_per_round,
                log=say,
            )
        )
    _merge(output, wakeup.wakeup_markdown(result), wakeup.TITLE, say)
    return 0


def only_sanctions(
    plan: Plan, output: Path | None, say: Callable[[str], None], console: Console
) -> int:
    """The sanction notice fan-out alone; its section replaces (or joins) the one in `output`,
    the rest of the file is left as it is."""
    with embedded() as servers:
        say(f"PostgreSQL {servers.postgres_url}, NATS {servers.nats_url}")
        result = asyncio.run(sanctions_only(plan, servers, say))
    empty = Report(
        when=datetime.now(UTC),
        machine=[],
        quick=plan.rounds == 1,
        appends=[],
        relay=None,
        sanctions=result,
    )
    print_tables(empty, console)
    if output:
        old = output.read_text(encoding="utf-8") if output.exists() else ""
        output.write_text(merge_section(old, sanctions_markdown(result)), encoding="utf-8")
        say(f"merged the sanction section into {output}")
    return 0


def only_fanout(plan: Plan, output: Path | None, say: Callable[[str], None]) -> int:
    """The property query fan-out alone, against servers of its own; its section replaces (or
    joins) the one in `output`. Without the append benchmark there is no fsync-bound limit of
    the run: the search doubles up to 16 × its start, and the Targets table is left as it is."""
    with embedded() as servers:
        say(f"[bold]property query fan-out[/bold] (NATS {servers.nats_url})")
        result = asyncio.run(
            run_fanout(
                servers.nats_url,
                servers.postgres_url,
                rate=plan.fanout_rate,
                rounds=plan.fanout_rounds,
                seconds=plan.fanout_seconds,
                warmup=plan.fanout_warmup,
                search_start=plan.fanout_search_start,
                search_budget=plan.fanout_search_budget,
                step_seconds=plan.fanout_step_seconds,
                one_case=plan.fanout_one_case,
                log=say,
            )
        )
    _merge(output, fanout_markdown(result), FANOUT_TITLE, say)
    return 0


def only_bankruptcy(
    plan: Plan, output: Path | None, say: Callable[[str], None], console: Console
) -> int:
    """The bankruptcy acceptance fan-out alone; its section replaces (or joins) the one in
    `output`, the rest of the file is left as it is."""
    with embedded() as servers:
        say(f"PostgreSQL {servers.postgres_url}, NATS {servers.nats_url}")
        result = asyncio.run(bankruptcy_only(plan, servers, say))
    empty = Report(
        when=datetime.now(UTC),
        machine=[],
        quick=plan.rounds == 1,
        appends=[],
        relay=None,
        bankruptcy=result,
    )
    print_tables(empty, console)
    if output:
        old = output.read_text(encoding="utf-8") if output.exists() else ""
        section = bankruptcy_markdown(result)
        output.write_text(merge_section(old, section, BANKRUPTCY_TITLE), encoding="utf-8")
        say(f"merged the bankruptcy section into {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
