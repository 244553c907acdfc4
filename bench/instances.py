"""Three instances of the enforcement service sharing the commands' partitions, one killed
abruptly in the middle of an open-loop load.

The three run in this process as `start_service(spec(), settings)` starts them, as
tests/e2e/test_several_instances.py runs them: the partitioned consumers' `ack_wait` shortened
(ACK_WAIT, 30 s in production) so that what the killed instance had in hand comes back within
the run. Cases of several courts, each court in a partition of its own, are registered
beforehand; then one `QueryProperty` per case is sent open loop (the courts interleaved) for
`seconds`, and every bureau answers each notice once. Half-way, the instance with commands in
hand (or, if none has, the one holding the most partitions) dies as a process does: its
database sessions and NATS connections cut, its loops stopped where they are; its partitions'
locks go with its session and the others take them over.

Latency: from a query's scheduled send time until the court holds its `property_result`; split
by whether the query was sent before or after the kill. Take-over: from the kill until every
partition the killed one held is pulled by a survivor. Afterwards the event store is read as the
e2e test reads it: a query without a result is lost, a command with more than one outcome (or a
second result for a query) is duplicated, and a case whose events are not registered → query
started → answers → result (or that has a rejection) is out of order.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import asyncpg
import nats
from nats.aio.msg import Msg
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from bench.common import LogCounter
from bench.fanout import no_result_cache, percentile
from contracts.enforcement.query import QueryProperty
from contracts.envelope import Envelope, Message
from contracts.organizations import Registry
from contracts.registry import parse_message
from contracts.subjects import partition_of
from services.bureaus.replies import answer, subject_of
from services.cli.simulate import register_case

TITLE = "## Three instances, one killed"
INSTANCES = 3
COURTS = 4
ACK_WAIT = 6.0
"""Seconds before NATS gives again what the killed instance had in hand (30 in production)."""
NOTICE = "enforcement.notice.property_query.v1"
RESULT = "enforcement.notice.property_result.v1"
REGISTERED = "enforcement.event.case_registered.v1"
NAMES = ("A", "B", "C")


@dataclass
class InstancesResult:
    rate: float
    seconds: float
    courts: list[str] = field(default_factory=list)
    sent: int = 0
    achieved: float = 0.0
    """Results over the time from the first send to the last result."""
    last_result: float = 0.0
    """Seconds from the first send to the last result."""
    before: list[float] = field(default_factory=list)
    """Seconds, queries sent before the kill."""
    after: list[float] = field(default_factory=list)
    killed: str = ""
    killed_in_hand: bool = False
    kill_at: float = 0.0
    """Seconds into the load."""
    take_over: float | None = None
    held_before: dict[str, list[str]] = field(default_factory=dict)
    held_after: dict[str, list[str]] = field(default_factory=dict)
    taken_over: int = 0
    """Partitions taken over with the dead one's messages in hand."""
    lost: int = 0
    duplicated: int = 0
    out_of_order: int = 0
    rejections: int = 0
    handler_failures: int = 0
    failure_kinds: dict[str, int] = field(default_factory=dict)
    """The handler failures logged, by error type."""


def short(durable: str) -> str:
    """A partition's consumer by its partition (p0 … p7), "unpartitioned" for the consumer of
    commands stored without one."""
    last = durable.rsplit("_", 1)[-1]
    return last if last[:1] == "p" and last[1:].isdigit() else "unpartitioned"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _held(held: dict[str, list[str]], name: str) -> str:
    if name not in held:
        return "killed"
    return ", ".join(short(d) for d in held[name]) or "none"


def instances_markdown(r: InstancesResult) -> list[str]:
    took = f"{r.take_over:.2f} s" if r.take_over is not None else "not within the run"
    lines = [
        TITLE,
        "",
        f"Three enforcement instances in one process share the commands' partitions; courts "
        f"{', '.join(r.courts)} (each in a partition of its own) send one property query per "
        f"case, cases registered beforehand, open loop at {r.rate:g} queries/s for "
        f"{r.seconds:g} s, and every bureau answers each notice once. At {r.kill_at:.1f} s "
        f"instance {r.killed} is killed as a process dies (sessions and connections cut, loops "
        f"stopped){' with commands in hand' if r.killed_in_hand else ''}. The commands' "
        f"partitioned consumers' `ack_wait` is {ACK_WAIT:g} s here (30 s in production): a "
        "command in the dead one's hand comes back after it. The shared consumers (the "
        "bureaus' answers, events) keep their 30 s: an answer in the dead one's hand comes "
        "back only then, and the query waiting for it with it"
        + (
            ", which is what the queries sent before the kill show in their p99"
            if r.before and max(r.before) >= 25
            else ""
        )
        + ". Latency: from the query's scheduled send time until the court holds its "
        "`property_result`.",
        "",
        "| Queries sent | Offered q/s | Last result at | Achieved q/s | Take-over | Lost "
        "| Duplicated | Out of order | Rejections |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {r.sent:,} | {r.rate:g} | {r.last_result:.1f} s | {r.achieved:.1f} | {took} "
        f"| {r.lost} | {r.duplicated} | {r.out_of_order} | {r.rejections} |",
        "",
        "| Sent | Queries | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
        f"| before the kill | {len(r.before):,} | {_ms(percentile(r.before, 50))} "
        f"| {_ms(percentile(r.before, 99))} |",
        f"| after the kill | {len(r.after):,} | {_ms(percentile(r.after, 50))} "
        f"| {_ms(percentile(r.after, 99))} |",
        "",
        "| Instance | Partitions before | Partitions after |",
        "|---|---|---|",
    ]
    for name in sorted(r.held_before):
        lines.append(f"| {name} | {_held(r.held_before, name)} | {_held(r.held_after, name)} |")
    lines += [
        "",
        "Achieved: the results over the time from the first send to the last result (a "
        "command or answer in the dead one's hand comes back only after its `ack_wait`, which "
        "stretches that time). "
        f"Take-over: from the kill until every partition instance {r.killed} held is pulled by "
        f"another; {r.taken_over} partition(s) taken over with the dead one's messages in hand. "
        f"Handler failures logged: {r.handler_failures}"
        + (
            " ("
            + ", ".join(
                f"{k.removeprefix('handler failed ')} {n}" for k, n in r.failure_kinds.items()
            )
            + ", all three instances counted together"
            ")"
            if r.failure_kinds
            else ""
        )
        + ". One run on a machine shared with "
        "other work: the latencies are noisy; lost, duplicated and out of order must be 0.",
    ]
    return lines


def courts() -> list[Any]:
    """Courts in as many distinct partitions."""
    registry = Registry.load()
    found = list({partition_of(c.code, 8): c for c in registry.courts()}.values())[:COURTS]
    if len(found) < COURTS:
        raise RuntimeError("not enough courts in distinct partitions")
    return found


def query_of(case: Message[Any]) -> Message[Any]:
    q = QueryProperty(case_number=case.data.case_number, debtor=case.data.debtors[0])
    eid = uuid.uuid4()
    env = Envelope(
        event_id=eid,
        type=q.TYPE,
        occurred_at=datetime.now(UTC),
        organization=case.envelope.organization,
        correlation_id=eid,
        case_number=q.case_number,
    )
    return Message[QueryProperty](envelope=env, data=q)


async def kill(service: Any) -> None:
    """As a process dies: sessions and connections cut, then every loop stopped where it is."""
    service.wiring.pool.terminate()
    with contextlib.suppress(Exception):
        await service.wiring.nc.close()
    with contextlib.suppress(Exception):
        await service.relay.nc.close()
    for task in service.supervisor.tasks.values():
        task.cancel()
    await asyncio.wait(service.supervisor.tasks.values(), timeout=10)


def out_of_order(rows: list[asyncpg.Record]) -> int:
    """Case streams whose events do not run registered → query started → answers → result."""
    bad = 0
    for stream_id, events in itertools.groupby(rows, key=lambda r: r["stream_id"]):
        if not stream_id.startswith("case-"):
            continue
        kinds = [r["type"].split(".")[2] for r in events]
        try:
            started = kinds.index("property_query_started")
            answers = [i for i, k in enumerate(kinds) if k == "property_answer_recorded"]
            ok = (
                kinds[0] == "case_registered"
                and kinds.count("property_result") == 1
                and bool(answers)
                and min(answers) > started
                and kinds.index("property_result") > max(answers)
            )
        except ValueError:
            ok = False
        bad += not ok
    return bad


async def run_instances(
    nats_url: str,
    postgres_url: str,
    *,
    rate: float = 3.0,
    seconds: float = 40.0,
    within: float = 40.0,
    log: Callable[[str], None] = print,
) -> InstancesResult:
    from services.enforcement.main import spec
    from services.runtime.host import RunningService, ServiceSpec, start_service
    from services.runtime.partitions import is_partitioned
    from services.runtime.settings import RuntimeSettings

    def quick_redelivery(base: ServiceSpec) -> ServiceSpec:
        def consumers(w: Any) -> list[Any]:
            return [
                replace(c, ack_wait=ACK_WAIT) if is_partitioned(c) else c for c in base.consumers(w)
            ]

        return replace(base, consumers=consumers)

    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    chosen = courts()
    result = InstancesResult(rate, seconds, courts=[c.code for c in chosen])
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=postgres_url)
    counter = LogCounter()
    alive: dict[str, RunningService] = {}
    court = await nats.connect(nats_url, name="bench-courts")
    bureaus = await nats.connect(nats_url, name="bench-bureaus")
    db = await asyncpg.connect(postgres_url)
    try:
        with no_result_cache(), counter.installed():
            for name in NAMES[:INSTANCES]:
                alive[name] = await start_service(quick_redelivery(spec()), settings)
            units = len(alive["A"].owner.consumers) if alive["A"].owner else 0

            def owned() -> dict[str, list[str]]:
                return {n: (s.owner.owned() if s.owner else []) for n, s in alive.items()}

            deadline = time.monotonic() + 30
            while True:
                held = [len(v) for v in owned().values()]
                if sum(held) == units and max(held) <= -(-units // len(alive)):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"partitions not shared within 30 s: {owned()}")
                await asyncio.sleep(0.1)
            result.held_before = owned()
            log(f"  partitions shared: {result.held_before}")

            answered: set[str] = set()
            bureau_js = bureaus.jetstream()

            async def bureau(raw: Msg) -> None:
                notice = parse_message(raw.data)
                if str(notice.envelope.event_id) in answered:
                    return
                answered.add(str(notice.envelope.event_id))
                reply = answer(notice, [], raw.subject.rsplit(".", 1)[1], datetime.now(UTC))
                await bureau_js.publish(
                    subject_of(reply),
                    reply.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": str(reply.envelope.event_id)},
                )

            results: Counter[str] = Counter()
            waiting: dict[str, asyncio.Future[float]] = {}
            registering: dict[str, asyncio.Future[None]] = {}

            async def on_result(raw: Msg) -> None:
                now = time.perf_counter()
                qid = json.loads(raw.data)["data"]["query_id"]
                results[qid] += 1
                fut = waiting.pop(qid, None)
                if fut is not None and not fut.done():
                    fut.set_result(now)

            async def on_registered(raw: Msg) -> None:
                cause = str(json.loads(raw.data)["envelope"].get("causation_id"))
                fut = registering.pop(cause, None)
                if fut is not None and not fut.done():
                    fut.set_result(None)

            await bureaus.subscribe(f"{NOTICE}.*", cb=bureau)
            await court.subscribe(f"{RESULT}.*", cb=on_result)
            await court.subscribe(f"{REGISTERED}.*", cb=on_registered)
            await court.flush()
            await bureaus.flush()
            js = court.jetstream()

            count = max(1, round(rate * seconds))
            rng = random.Random(17)
            cases: list[Message[Any]] = []
            loop = asyncio.get_running_loop()
            acks, confirmed = [], []
            for n in range(count):
                c = chosen[n % len(chosen)]
                reg = register_case(rng, c, 20_000 + n, datetime.now(UTC))
                fut: asyncio.Future[None] = loop.create_future()
                registering[str(reg.envelope.event_id)] = fut
                confirmed.append(fut)
                cases.append(reg)
                acks.append(
                    await js.publish_async(
                        subject_of(reg),
                        reg.model_dump_json().encode(),
                        headers={"Nats-Msg-Id": str(reg.envelope.event_id)},
                    )
                )
            await asyncio.gather(*acks)
            started = time.perf_counter()
            await asyncio.wait_for(asyncio.gather(*confirmed), 120)
            log(f"  {count} cases registered in {time.perf_counter() - started:.1f} s")

            queries = [query_of(c) for c in cases]
            sent_at: dict[str, float] = {}
            latencies: dict[str, float] = {}

            async def once(msg: Message[Any], at: float) -> None:
                qid = str(msg.envelope.event_id)
                fut: asyncio.Future[float] = loop.create_future()
                waiting[qid] = fut
                sent_at[qid] = at
                await js.publish(
                    subject_of(msg),
                    msg.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": qid},
                )
                with contextlib.suppress(TimeoutError):
                    latencies[qid] = await asyncio.wait_for(fut, within) - at

            async def killing(at: float) -> None:
                await asyncio.sleep(max(0.0, at - time.perf_counter()))
                victim = ""
                for _ in range(100):  # about a second: one with commands in hand
                    for name, s in alive.items():
                        for durable in s.owner.owned() if s.owner else []:
                            info = await js.consumer_info("ENFORCEMENT", durable)
                            if info.num_ack_pending:
                                victim = name
                                break
                        if victim:
                            break
                    if victim:
                        break
                    await asyncio.sleep(0.01)
                result.killed_in_hand = bool(victim)
                if not victim:
                    victim = max(owned().items(), key=lambda kv: len(kv[1]))[0]
                of_victim = set(owned()[victim])
                killed_at = time.perf_counter()
                await kill(alive.pop(victim))
                result.killed, result.kill_at = victim, killed_at - t0
                log(f"  killed {victim} at {result.kill_at:.1f} s, it held {sorted(of_victim)}")
                while time.perf_counter() - killed_at < 60:
                    if of_victim <= {d for v in owned().values() for d in v}:
                        result.take_over = time.perf_counter() - killed_at
                        break
                    await asyncio.sleep(0.02)
                log(f"  its partitions pulled again after {result.take_over} s")

            t0 = time.perf_counter() + 0.05
            killer = asyncio.create_task(killing(t0 + seconds / 2))
            tasks = []
            for i, msg in enumerate(queries):
                at = t0 + i / rate
                await asyncio.sleep(max(0.0, at - time.perf_counter()))
                tasks.append(asyncio.create_task(once(msg, at)))
            await killer
            await asyncio.gather(*tasks)
            result.sent = len(queries)
            done = [sent_at[q] + lat for q, lat in latencies.items()]
            result.last_result = max(done) - t0 if done else 0.0
            result.achieved = len(done) / result.last_result if done else 0.0
            kill_time = t0 + result.kill_at
            for q, lat in latencies.items():
                (result.before if sent_at[q] < kill_time else result.after).append(lat)
            result.lost = len(queries) - len(latencies)

            # The store, as the e2e test reads it, once the survivors are quiet.
            await asyncio.sleep(0)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                held = [len(v) for v in owned().values()]
                if sum(held) == units:
                    break
                await asyncio.sleep(0.1)
            result.held_after = owned()
            result.taken_over = sum(s.owner.taken_over for s in alive.values() if s.owner)
            rows = await db.fetch(
                "SELECT stream_id, version, type, "
                "message->'envelope'->>'causation_id' AS cause "
                "FROM enforcement.events ORDER BY stream_id, version"
            )
            result.rejections = sum(1 for r in rows if ".rejection." in r["type"])
            caused = Counter((r["cause"], r["type"]) for r in rows)
            firsts = [(reg, "enforcement.event.case_registered.v1") for reg in cases] + [
                (q, "enforcement.event.property_query_started.v1") for q in queries
            ]
            result.duplicated = sum(
                1 for m, t in firsts if caused[(str(m.envelope.event_id), t)] > 1
            ) + sum(1 for n in results.values() if n > 1)
            result.out_of_order = out_of_order(rows)
    finally:
        await db.close()
        await court.drain()
        await bureaus.drain()
        for s in alive.values():
            with contextlib.suppress(Exception):
                await s.close()
    result.handler_failures = counter.failures()
    result.failure_kinds = {
        k: n for k, n in sorted(counter.counts.items()) if k.startswith("handler failed")
    }
    return result
