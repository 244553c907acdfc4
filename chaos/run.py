"""One scenario from start to end: stack up, load and faults, the wait for every answer, the
accounts, the audit, the end checks, stack down."""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import structlog

from chaos import checks
from chaos.accounting import account, journal_gaps
from chaos.backlog import caught_up, measure_recovery, poll_ledger, settle
from chaos.book import Book
from chaos.load import Load, Sender
from chaos.observer import Observer
from chaos.result import Result
from chaos.scenarios import Fault, Scenario
from chaos.servers import ClusterNats, Postgres, SingleNats
from chaos.stack import Stack
from contracts.subjects import stream_name
from services.runtime.devstack import nats_server_binary

log = structlog.get_logger("chaos.run")

CONTEXT = "enforcement"


@dataclass(frozen=True)
class Plan:
    rate: float = 4.0
    """Court messages per second (bureau answers come on top, several per query)."""
    settle: float = 150.0
    """Longest wait after the load for every message to be answered and journaled."""
    seed: int = 7


@dataclass
class Run:
    """A scenario while it runs: what the faults and the checks reach for."""

    scenario: Scenario
    plan: Plan
    postgres: Postgres
    stack: Stack
    book: Book
    sender: Sender
    load: Load
    started: float = 0.0
    faults: list[Fault] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    proxy: Any = None
    ledger_floor: list[tuple[float, int]] = field(default_factory=list)
    leaders: list[tuple[float, int]] = field(default_factory=list)
    """(when, how many instances held the relay's lock), in the scenario with two."""
    violations: list[str] = field(default_factory=list)
    """What a fault showed that must never happen, beyond the accounts."""
    stream: str = stream_name(CONTEXT)


async def start_stack(scenario: Scenario, postgres: Postgres, home: Path) -> tuple[Stack, Any]:
    if scenario.topology == "cluster":
        nats: SingleNats | ClusterNats = await asyncio.to_thread(
            ClusterNats.start, home / "nats", str(nats_server_binary())
        )
        replicas = 3
    else:
        nats, replicas = SingleNats.start(home / "nats"), 1
    url = await postgres.fresh_database(f"chaos_{scenario.name}")
    stack = Stack(home, postgres, nats, url, replicas=replicas)
    proxy = None
    if scenario.topology == "proxy":
        from chaos.proxy import Proxy

        proxy = await Proxy.to(nats.url).start()
        stack.service_url = proxy.url
    await stack.prepare()
    for i in range(scenario.enforcement_instances):
        stack.add(CONTEXT, CONTEXT if i == 0 else f"{CONTEXT}-{i + 1}")
    stack.add("ledger")
    await stack.start_all()
    return stack, proxy


async def fuzz_load(run: Run, count: int) -> int:
    """Hostile messages over every ingress subject, spread over the load period."""
    if count <= 0:
        return 0
    from chaos.fuzzing import drawn_apart  # the fuzzer needs hypothesis: only when fuzzing

    examples = await drawn_apart(count, run.plan.seed)
    pause = run.scenario.seconds * 0.8 / max(1, len(examples))
    sent = 0
    for subject, body, msg_id in examples:
        # Short patience: a subject the server refuses (a wildcard token) is never acknowledged.
        if await run.sender.send(subject, body, "fuzz", msg_id, patience=6) is not None:
            sent += 1
        await asyncio.sleep(pause)
    return sent


async def run_scenario(
    scenario: Scenario, postgres: Postgres, home: Path, plan: Plan, say: Any = print
) -> Result:
    result = Result(scenario.name, scenario.title)
    began = time.monotonic()
    stack: Stack | None = None
    proxy: Any = None
    observer: Observer | None = None
    stop_polls = asyncio.Event()
    try:
        stack, proxy = await start_stack(scenario, postgres, home)
        assert stack.nc is not None
        book = Book()
        sender = Sender(stack.nc, book)
        load = Load(sender, plan.rate, plan.seed)
        run = Run(scenario, plan, postgres, stack, book, sender, load, proxy=proxy)
        observer = Observer(stack.nc, book, run.stream, CONTEXT, load.react)
        observer.start()
        stack.start_sampling()
        poller = asyncio.create_task(poll_ledger(run, stop_polls))
        say(
            f"  {scenario.name}: services up in {time.monotonic() - began:.0f} s; load "
            f"{plan.rate:g} court messages/s for {scenario.seconds:g} s"
        )
        run.started = result.load_started = time.monotonic()
        _, _, result.fuzzed = await asyncio.gather(
            load.run(scenario.seconds), scenario.inject(run), fuzz_load(run, scenario.fuzz)
        )
        if scenario.fuzz and not result.fuzzed:
            run.violations.append("no hostile message reached the server")
        await load.settle()
        say(f"  {scenario.name}: load done: {len(book.sent)} messages; waiting for answers")
        result.settled = await settle(run)
        measure_recovery(run)
        await finish(run, result, say)
        stop_polls.set()
        await poller
    except Exception as e:
        first = "".join(traceback.format_exception_only(e)).strip().splitlines()[0]
        result.error = first[:300]
        say(f"  {scenario.name}: [red]failed: {result.error}[/red]")
        log.error("scenario failed", scenario=scenario.name, error=traceback.format_exc())
    finally:
        stop_polls.set()
        if observer is not None:
            await observer.close()
        if stack is not None:
            await teardown(stack, result, proxy)
        result.seconds = time.monotonic() - began
    return result


async def finish(run: Run, result: Result, say: Any) -> None:
    stack, book = run.stack, run.book
    _probe_seq, probe_ok = await checks.probe(run.sender, book)
    # The probe's effects too: the journal and the audit below see the whole stream.
    ledger_ok = await caught_up(run, 45)
    for s in stack.services:
        working = ledger_ok if s.service == "ledger" else probe_ok
        result.alive[s.name] = s.alive() and working
    assert stack.nc is not None
    beats = await checks.heartbeats(stack.nc)
    if not beats:
        run.notes.append("no heartbeats in the fuyuan_status bucket")
    running = {s.pid: s for s in stack.services if s.alive()}
    for key, beat in beats.items():
        if (instance := running.get(beat.get("pid"))) is not None:
            for problem in checks.unhealthy_tasks(beat):
                run.notes.append(f"heartbeat of {key}: {problem}")
                result.alive[instance.name] = False
    result.faults, result.notes = run.faults, [*run.notes, *run.scenario.notes]
    result.violations = run.violations
    pool = await asyncpg.create_pool(stack.database_url, min_size=1, max_size=2)
    try:
        result.tally = await account(pool, CONTEXT, book, len(run.sender.unsent))
        try:
            result.not_journaled = len(await journal_gaps(pool, book, run.stream))
        except Exception as e:
            result.tally.journal_error = repr(e)
            result.not_journaled = -1
    finally:
        await pool.close()
    result.verify = await checks.audit("verify", stack.audit_env())
    result.reconcile = checks.injected(
        await checks.audit("reconcile", stack.audit_env()), foreign_events(book)
    )
    result.peak_rss_mib = {s.name: s.peak_rss_kib / 1024 for s in stack.services}
    say(
        f"  {run.scenario.name}: {dict(result.tally.outcome)}, duplicated "
        f"{result.tally.duplicated}, recovery {result.recovery_text()}, verify "
        f"{'ok' if result.verify.ok else 'FAILED'}, reconcile "
        f"{'ok' if result.reconcile.ok else 'FAILED'}"
    )


def foreign_events(book: Book) -> set[str]:
    """Event ids of what the fuzzer published on another service's own subjects (its events,
    notices, rejections: the bankruptcy service's events the enforcement service reads), which
    production permissions give that service alone."""
    return {
        s.event_id
        for s in book.sent.values()
        if s.kind == "fuzz"
        and s.event_id
        and s.subject.split(".")[0] != CONTEXT
        and s.subject.split(".")[1:2] in (["event"], ["notice"], ["rejection"])
    }


async def teardown(stack: Stack, result: Result, proxy: Any) -> None:
    if stack.sampler:
        stack.sampler.cancel()
    for s in stack.services:
        if s.alive():
            result.clean_stop[s.name] = await asyncio.to_thread(s.stop, 20)
    await stack.close()
    if proxy is not None:
        with contextlib.suppress(Exception):
            await proxy.stop()
    with contextlib.suppress(Exception):
        await asyncio.to_thread(stack.nats.stop)
