"""Property query fan-out: a court's query through the enforcement service to 8 simulated
bureaus and back, against bare nats-py request/reply through the same bureaus.

The enforcement service runs in this process as `start_service(spec(), settings)` starts it
(migrations, streams, both consumers, the relay, the deadline timer). Each query is a new
`QueryProperty` command (its own event id) for the debtor of a registered case, published to
JetStream by the court. The service appends the query and 8 notices, the relay publishes the
notices, each bureau (a core NATS subscription) answers with `services.bureaus.replies.answer`
published to JetStream, the service records each answer and, with the eighth, the result,
which the relay publishes to the court. Round trip: from the query's scheduled send time to
the court receiving `property_result` for it.

Cases: for the sustained rates every query has a case of its own, registered beforehand. One
case queried again and again (what the issue describes) is measured apart, one query after
another: every handler replays the case's whole stream, so each query of a case costs more
than the one before, and overlapping queries of one case collide between the service's two
consumers (`ConcurrencyError`, redelivery with backoff).

Bare: the court sends the 8 notices as core NATS requests (`nc.request`, in parallel with
`asyncio.gather`) and each bureau parses the notice, makes the same answer and responds
directly. Round trip: from the scheduled send time until all 8 replies are in.

Both are driven open loop: query i is sent at t0 + i / rate whether or not earlier ones have
come back, so a slow system is not excused by a slower sender.

Transactions per query: during the Fuyuan rounds the bench counts the transactions that wrote
to PostgreSQL (transaction ids assigned, the whole server) and, of them, those that appended to
the service's log or inbox (distinct `xmin` of the new rows), each divided by the queries.

The ceiling: rates double from `search_start` while each is sustained, up to `search_cap`
(the fsync-bound limit measured in the same run, when given), then the bench bisects between
the last rate sustained and the first not, within a time budget. After a step that was not
sustained it waits until the service has answered every query it was sent (bounded), so no
backlog is carried into the next step.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import random
import statistics
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from bench.common import LogCounter
from contracts.enforcement import ALL_KINDS, PropertyKind, QueryProperty
from contracts.envelope import Envelope, Message
from contracts.organizations import Registry
from contracts.registry import parse_message
from contracts.subjects import subject
from services.bureaus.replies import answer, subject_of
from services.cli.simulate import register_case
from services.enforcement.domain.routing import query_routing

COURT = "CT410482"
"""汝州市人民法院: every kind but securities is handled in its jurisdiction, by 8 bureaus."""
KINDS: tuple[PropertyKind, ...] = ALL_KINDS
NOTICE_TYPE = "enforcement.notice.property_query.v1"
RESULT_TYPE = "enforcement.notice.property_result.v1"
REGISTERED_TYPE = "enforcement.event.case_registered.v1"
BARE_ROOT = "bench.bare.property_query"
CACHE_ENV = "FUYUAN_ENFORCEMENT_CACHE_WINDOW"
SUSTAINED_P99 = 1.0
"""Seconds: a rate is sustained only if the p99 round trip stays under this."""
SEARCH_WITHIN = 10.0
"""Seconds a search step waits for a result: one slower fails the step anyway (p99 < 1 s)."""
SCHEMA = "enforcement"

FUYUAN = "fuyuan (JetStream, store, relay)"
BARE = "bare nats-py request/reply"


def bureaus_for(court: str = COURT, kinds: tuple[PropertyKind, ...] = KINDS) -> list[str]:
    """The bureaus the service asks for a query of these kinds by this court: its own routing."""
    return sorted(query_routing(Registry.load(), court, kinds))


@contextlib.contextmanager
def no_result_cache() -> Iterator[None]:
    """A repeat query of the same debtor within the cache window gets the result in hand;
    window zero, so every query asks the bureaus. Set before the service reads its settings."""
    from services.enforcement import main as enforcement_main

    old = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = "PT0S"
    enforcement_main.settings.cache_clear()
    try:
        if enforcement_main.settings().cache_window.total_seconds() != 0:
            raise RuntimeError("the enforcement service did not take the cache window of 0")
        yield
    finally:
        if old is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = old
        enforcement_main.settings.cache_clear()


# --- Latency samples -----------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of the values; NaN when there are none."""
    if not values:
        return float("nan")
    v = sorted(values)
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)]


@dataclass
class Run:
    """One open-loop run of one contender."""

    offered_rate: float
    sent: int
    latencies: list[float] = field(default_factory=list)
    """Seconds, one per query that came back."""
    seconds: float = 0.0
    """From the first scheduled send to the last answer."""
    lost: int = 0
    max_lag: float = 0.0
    """Largest delay between a query's scheduled and actual send (the sender's own lag)."""
    cpu: float = 0.0
    """CPU seconds of this process during the run (the service, the court and the bureaus:
    all run in it)."""

    @property
    def qps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else float("nan")

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)


@dataclass
class Contender:
    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def latencies(self) -> list[float]:
        return [x for r in self.runs for x in r.latencies]

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)

    @property
    def qps(self) -> float:
        seconds = sum(r.seconds for r in self.runs)
        return len(self.latencies) / seconds if seconds else float("nan")

    @property
    def sent(self) -> int:
        return sum(r.sent for r in self.runs)

    @property
    def lost(self) -> int:
        return sum(r.lost for r in self.runs)

    @property
    def cpu_per_query(self) -> float:
        """CPU seconds of the process per query sent, over the rounds."""
        return sum(r.cpu for r in self.runs) / self.sent if self.sent else float("nan")


@dataclass
class Step:
    """One step of the search for the highest rate the service sustains."""

    rate: float
    run: Run
    sustained: bool
    phase: str = "doubling"
    """"doubling" (rates up until one fails) or "bisecting" (between the last sustained and
    the first not)."""


@dataclass
class FanoutResult:
    court: str
    bureaus: list[str]
    rate: float
    seconds_per_round: float
    rounds: int
    step_seconds: float
    contenders: dict[str, Contender] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    max_sustained: float | None = None
    first_failed: float | None = None
    """The lowest rate of the search not sustained (None: every rate up to the cap was)."""
    search_cap: float | None = None
    cap_is_fsync_bound: bool = True
    """The cap is the run's fsync-bound commit rate (else 16 × the start: none was measured)."""
    search_seconds: float = 0.0
    transactions: int = 0
    """Writing transactions (transaction ids assigned) during the Fuyuan rounds."""
    appending_transactions: int = 0
    """Of them, those that appended to the service's log or inbox."""
    round_queries: int = 0
    one_case: list[float] = field(default_factory=list)
    """Round trips of queries of one case, one after another, in order."""
    query_bytes: int = 0
    notice_bytes: int = 0
    answer_bytes: int = 0
    handler_failures: int = 0
    rejections: int = 0
    unexpected: int = 0
    log_counts: dict[str, int] = field(default_factory=dict)

    @property
    def transactions_per_query(self) -> float:
        return self.transactions / self.round_queries if self.round_queries else float("nan")

    @property
    def appending_per_query(self) -> float:
        if not self.round_queries:
            return float("nan")
        return self.appending_transactions / self.round_queries

    def ratio(self, which: str) -> float:
        f, b = self.contenders.get(FUYUAN), self.contenders.get(BARE)
        if not f or not b:
            return float("nan")
        num, den = (f.p50, b.p50) if which == "p50" else (f.p99, b.p99)
        return num / den if den else float("nan")

    def round_ratios(self) -> list[float]:
        """Per round: Fuyuan's p50 over the bare path's p50."""
        f, b = self.contenders.get(FUYUAN), self.contenders.get(BARE)
        if not f or not b:
            return []
        return [x.p50 / y.p50 for x, y in zip(f.runs, b.runs, strict=False) if y.p50]

    @property
    def one_case_slope(self) -> float:
        """Seconds each earlier query of the case adds to a query's round trip (least squares)."""
        if len(self.one_case) < 3:
            return float("nan")
        return statistics.linear_regression(range(len(self.one_case)), self.one_case).slope


# --- The bureaus and the court -------------------------------------------------------------


class World:
    """The court and the 8 bureaus, each side on its own NATS connection."""

    def __init__(self, court: Client, bureaus: Client, codes: list[str]) -> None:
        self.court, self.bureau_nc, self.codes = court, bureaus, codes
        self.js = court.jetstream()
        self.bureau_js = bureaus.jetstream()
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.registering: dict[str, asyncio.Future[None]] = {}
        self.notices: dict[str, bytes] = {}
        """The last notice each bureau got through the service: the bare path sends these."""
        self.answer_bytes = 0
        self.unexpected: list[str] = []
        self.seq = 0
        self.outstanding: set[str] = set()
        """Queries sent whose result has not come, in time or late."""
        self.drained = asyncio.Event()
        """Set whenever nothing is outstanding."""

    async def start(self) -> None:
        for code in self.codes:
            await self.bureau_nc.subscribe(subject(NOTICE_TYPE, code), cb=self._fuyuan_bureau(code))
            await self.bureau_nc.subscribe(f"{BARE_ROOT}.{code}", cb=self._bare_bureau(code))
        await self.court.subscribe(subject(RESULT_TYPE, COURT), cb=self._result)
        await self.court.subscribe(subject(REGISTERED_TYPE, COURT), cb=self._registered)
        await self.court.subscribe(f"enforcement.rejection.*.*.{COURT}", cb=self._rejected)
        await self.court.flush()
        await self.bureau_nc.flush()

    # Bureaus: parse the notice, make the answer (no holdings), send it back.
    def _fuyuan_bureau(self, code: str) -> Callable[[Msg], Awaitable[None]]:
        async def handle(raw: Msg) -> None:
            self.notices[code] = raw.data
            reply = answer(parse_message(raw.data), [], code, datetime.now(UTC))
            body = reply.model_dump_json().encode()
            self.answer_bytes = len(body)
            await self.bureau_js.publish(
                subject_of(reply), body, headers={"Nats-Msg-Id": str(reply.envelope.event_id)}
            )

        return handle

    def _bare_bureau(self, code: str) -> Callable[[Msg], Awaitable[None]]:
        async def handle(raw: Msg) -> None:
            reply = answer(parse_message(raw.data), [], code, datetime.now(UTC))
            await raw.respond(reply.model_dump_json().encode())

        return handle

    # The court.
    async def _result(self, raw: Msg) -> None:
        now = time.perf_counter()
        data = json.loads(raw.data)["data"]
        self.outstanding.discard(data["query_id"])
        if not self.outstanding:
            self.drained.set()
        fut = self.waiting.pop(data["query_id"], None)
        if fut is None or fut.done():
            return
        if (
            data.get("from_cache")
            or not data.get("complete")
            or len(data["answers"]) != len(self.codes)
        ):
            self.unexpected.append(
                f"result of {data['query_id']}: from_cache="
                f"{data.get('from_cache')}, complete={data.get('complete')}"
            )
        fut.set_result(now)

    async def _registered(self, raw: Msg) -> None:
        cause = json.loads(raw.data)["envelope"].get("causation_id")
        fut = self.registering.pop(str(cause), None)
        if fut is not None and not fut.done():
            fut.set_result(None)

    async def _rejected(self, raw: Msg) -> None:
        if len(self.unexpected) < 20:
            problems = json.loads(raw.data).get("data", {}).get("problems")
            self.unexpected.append(f"rejection on {raw.subject}: {problems}")

    async def register(self, count: int, within: float = 60) -> list[Message[Any]]:
        """Register `count` new cases of the court (published at once, pipelined) and wait
        until the service confirmed every one."""
        court = Registry.load().get(COURT)
        rng = random.Random(self.seq)
        cases, futures = [], []
        loop = asyncio.get_running_loop()
        acks = []
        for _ in range(count):
            self.seq += 1
            reg = register_case(rng, court, 10_000 + self.seq, datetime.now(UTC))
            fut: asyncio.Future[None] = loop.create_future()
            self.registering[str(reg.envelope.event_id)] = fut
            cases.append(reg)
            futures.append(fut)
            acks.append(
                await self.js.publish_async(
                    subject_of(reg),
                    reg.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": str(reg.envelope.event_id)},
                )
            )
        await asyncio.gather(*acks)
        await asyncio.wait_for(asyncio.gather(*futures), within)
        return cases

    def query(self, case: Message[Any]) -> Message[Any]:
        eid = uuid.uuid4()
        cmd = QueryProperty(
            case_number=case.data.case_number, debtor=case.data.debtors[0], kinds=list(KINDS)
        )
        env = Envelope(
            event_id=eid,
            type=cmd.TYPE,
            occurred_at=datetime.now(UTC),
            organization=COURT,
            officer=f"{COURT}-007",
            correlation_id=eid,
            case_number=cmd.case_number,
        )
        return Message[QueryProperty](envelope=env, data=cmd)

    async def fuyuan_once(self, case: Message[Any], within: float) -> float | None:
        """Publish one query; the perf_counter time its result arrived, or None."""
        msg = self.query(case)
        eid = str(msg.envelope.event_id)
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[eid] = fut
        self.outstanding.add(eid)
        self.drained.clear()
        await self.js.publish(
            subject(QueryProperty.TYPE, COURT),
            msg.model_dump_json().encode(),
            headers={"Nats-Msg-Id": eid},
        )
        try:
            return await asyncio.wait_for(fut, within)
        except TimeoutError:
            self.waiting.pop(eid, None)
            return None

    async def settle(self, limit: float) -> bool:
        """Wait (at most `limit` seconds) until every query sent has its result, late or not:
        the service has no backlog left."""
        if self.outstanding:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.drained.wait(), limit)
        return not self.outstanding

    async def bare_once(self, within: float) -> float | None:
        try:
            await asyncio.gather(
                *(
                    self.court.request(f"{BARE_ROOT}.{code}", self.notices[code], timeout=within)
                    for code in self.codes
                )
            )
        except TimeoutError:
            return None
        return time.perf_counter()


async def open_loop(
    once: Callable[[], Awaitable[float | None]], rate: float, seconds: float
) -> Run:
    """Start query i at t0 + i / rate, each in its own task; wait for all (or their timeout)."""
    n = max(1, round(rate * seconds))
    run = Run(rate, n)
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.05
    offset = time.perf_counter() - loop.time()

    async def one(at: float) -> None:
        done = await once()
        if done is None:
            run.lost += 1
        else:
            run.latencies.append(done - (at + offset))
            run.seconds = max(run.seconds, done - (t0 + offset))

    tasks = []
    for i in range(n):
        at = t0 + i / rate
        delay = at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        run.max_lag = max(run.max_lag, loop.time() - at)
        tasks.append(asyncio.create_task(one(at)))
    await asyncio.gather(*tasks)
    return run


async def alternating_rounds(
    fuyuan: Callable[[float, float], Awaitable[Run]],
    bare: Callable[[float, float], Awaitable[Run]],
    *,
    rate: float,
    seconds: float,
    rounds: int,
    per: str,
    width: int,
    log: Callable[[str], None],
    bare_name: str = BARE,
) -> dict[str, Contender]:
    """The measured rounds: Fuyuan and the bare path at `rate` for `seconds` each, in turns
    (the one first alternating, so neither always runs on a warmer machine); `per` names what
    a second counts (q, listings, acceptances); `bare_name` is how the bare path is named in
    the results (request/reply for queries, publish for notices)."""
    contenders = {FUYUAN: Contender(FUYUAN), bare_name: Contender(bare_name)}
    for r in range(rounds):
        for name in (FUYUAN, bare_name) if r % 2 == 0 else (bare_name, FUYUAN):
            cpu = time.process_time()
            run = await (fuyuan if name == FUYUAN else bare)(rate, seconds)
            run.cpu = time.process_time() - cpu
            contenders[name].runs.append(run)
            log(
                f"  round {r + 1}/{rounds} {name:<{width}} {rate:g}/s for {seconds:g} s: "
                f"p50 {run.p50 * 1e3:,.1f} ms, p99 {run.p99 * 1e3:,.1f} ms, "
                f"{run.qps:,.1f} {per}/s, lost {run.lost}, sender lag ≤ "
                f"{run.max_lag * 1e3:.0f} ms, CPU {run.cpu / run.sent * 1e3:,.1f} ms/{per}"
            )
            await asyncio.sleep(0.5)
    return contenders


def sustained(run: Run) -> bool:
    """Every query answered, at least 95 % of the offered rate achieved, p99 under a second."""
    return run.lost == 0 and run.qps >= 0.95 * run.offered_rate and run.p99 < SUSTAINED_P99


@contextlib.asynccontextmanager
async def enforcement_running(
    nats_url: str, postgres_url: str
) -> AsyncIterator[tuple[Client, Client, LogCounter]]:
    """The enforcement service in this process, as the services run it (an SDK tracer
    provider, no exporter; its log lines counted, not printed; the heap settled once it has
    started), with a court's and the
    bureaus' connections; all stopped on the way out."""
    from services.enforcement.main import spec
    from services.runtime.host import settle_heap, start_service
    from services.runtime.settings import RuntimeSettings

    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    counter = LogCounter()
    with counter.installed():
        running = await start_service(
            spec(), RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=postgres_url)
        )
        settle_heap()  # as `run_service` does once the service has started
        court = await nats.connect(nats_url, name="bench-court")
        bureaus = await nats.connect(nats_url, name="bench-bureaus")
        try:
            yield court, bureaus, counter
        finally:
            await court.drain()
            await bureaus.drain()
            await running.close()


async def run_fanout(
    nats_url: str,
    postgres_url: str,
    *,
    rate: float,
    rounds: int,
    seconds: float,
    warmup: int,
    search_start: float,
    step_seconds: float,
    one_case: int,
    search_cap: float | None = None,
    search_budget: float = 180.0,
    within: float = 30.0,
    log: Callable[[str], None] = print,
) -> FanoutResult:
    """`search_start` 0 skips the search for the ceiling; `search_cap` bounds its doubling
    (default 16 × the start), `search_budget` its seconds."""
    codes = bureaus_for()
    result = FanoutResult(COURT, codes, rate, seconds, rounds, step_seconds=step_seconds)
    result.cap_is_fsync_bound = search_cap is not None
    search = Search(search_start, search_cap or 16 * search_start, search_budget, step_seconds)
    with no_result_cache():
        async with enforcement_running(nats_url, postgres_url) as (court, bureaus, counter):
            world = World(court, bureaus, codes)
            await world.start()
            await _measure(
                world,
                result,
                postgres_url,
                rate=rate,
                rounds=rounds,
                seconds=seconds,
                warmup=warmup,
                search=search,
                one_case=one_case,
                within=within,
                log=log,
            )
            for problem in world.unexpected[:5]:
                log(f"  [yellow]unexpected: {problem}[/yellow]")
            result.unexpected = len(world.unexpected)
    result.handler_failures = counter.failures()
    result.rejections = counter.rejected()
    result.log_counts = dict(counter.counts.most_common())
    return result


@dataclass(frozen=True)
class Search:
    start: float
    cap: float
    budget: float
    """Seconds: no new step starts after this."""
    step_seconds: float


async def transaction_counts(postgres_url: str) -> tuple[int, int]:
    """(the next transaction id of the server, distinct transactions among the rows of the
    service's log and inbox): their growth over an interval counts the writing transactions."""
    conn = await asyncpg.connect(postgres_url)
    try:
        row = await conn.fetchrow(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next, "
            f'(SELECT count(DISTINCT x) FROM (SELECT xmin::text AS x FROM "{SCHEMA}".events '
            f'UNION ALL SELECT xmin::text FROM "{SCHEMA}".inbox) rows) AS appending'
        )
    finally:
        await conn.close()
    return int(row["next"]), int(row["appending"])


async def _measure(
    world: World,
    result: FanoutResult,
    postgres_url: str,
    *,
    rate: float,
    rounds: int,
    seconds: float,
    warmup: int,
    search: Search,
    one_case: int,
    within: float,
    log: Callable[[str], None],
) -> None:
    codes = world.codes
    started = time.perf_counter()
    cases = iter(await world.register(warmup + 1 + round(rate * seconds) * rounds))
    log(
        f"  {len(codes)} bureaus asked for {COURT}: {', '.join(codes)}; cases registered in "
        f"{time.perf_counter() - started:.1f} s"
    )

    async def fuyuan_run(r: float, s: float) -> Run:
        return await open_loop(lambda: world.fuyuan_once(next(cases), within), r, s)

    async def bare_run(r: float, s: float) -> Run:
        return await open_loop(lambda: world.bare_once(within), r, s)

    # Warm-up: queries one after another (they also give the bare path its notices), then a
    # second of the bare path at the rate.
    for _ in range(warmup):
        if await world.fuyuan_once(next(cases), within) is None:
            raise RuntimeError("no property result within the timeout in the warm-up")
    if sorted(world.notices) != codes:
        raise RuntimeError(f"notices reached {sorted(world.notices)}, expected {codes}")
    result.notice_bytes = round(statistics.mean(len(b) for b in world.notices.values()))
    result.answer_bytes = world.answer_bytes
    result.query_bytes = len(world.query(next(cases)).model_dump_json().encode())
    await bare_run(rate, 1.0)
    await asyncio.sleep(0.5)

    await world.settle(within)
    before = await transaction_counts(postgres_url)
    result.contenders = await alternating_rounds(
        fuyuan_run, bare_run, rate=rate, seconds=seconds, rounds=rounds, per="q", width=30, log=log
    )
    after = await transaction_counts(postgres_url)
    result.transactions = after[0] - before[0]
    result.appending_transactions = after[1] - before[1]
    result.round_queries = result.contenders[FUYUAN].sent
    log(
        f"  {result.transactions_per_query:.2f} writing transactions per query, "
        f"{result.appending_per_query:.2f} of them appending to the log or inbox"
    )

    if search.start > 0:
        await _search(world, result, search, log)

    # One case, as a court would query the same debtor again and again: one query after
    # another (never two in flight), each a new command.
    if one_case:
        [case] = await world.register(1)
        for _ in range(one_case):
            start = time.perf_counter()
            done = await world.fuyuan_once(case, within)
            if done is None:
                log("  [yellow]one case: a query got no result within the timeout[/yellow]")
                break
            result.one_case.append(done - start)
        if result.one_case:
            log(
                f"  one case, {len(result.one_case)} queries one after another: first "
                f"{result.one_case[0] * 1e3:,.0f} ms, last {result.one_case[-1] * 1e3:,.0f} ms, "
                f"+{result.one_case_slope * 1e3:,.1f} ms per earlier query"
            )


async def _search(
    world: World, result: FanoutResult, search: Search, log: Callable[[str], None]
) -> None:
    """The highest rate sustained, each query on a case of its own: doubling from the start
    while sustained (up to the cap), then bisecting between the last sustained and the first
    not, to within 10 % (or 1 q/s), while the time budget lasts."""
    started = time.perf_counter()
    result.search_cap = search.cap

    async def step(rate: float, phase: str) -> bool:
        count = max(1, round(rate * search.step_seconds))
        cases = iter(await world.register(count, within=max(60.0, count / 5)))
        run = await open_loop(
            lambda: world.fuyuan_once(next(cases), SEARCH_WITHIN), rate, search.step_seconds
        )
        ok = sustained(run)
        result.steps.append(Step(rate, run, ok, phase))
        log(
            f"  search ({phase}) {rate:g}/s for {search.step_seconds:g} s: p50 "
            f"{run.p50 * 1e3:,.0f} ms, p99 {run.p99 * 1e3:,.0f} ms, {run.qps:,.1f} q/s, lost "
            f"{run.lost}: {'sustained' if ok else 'not sustained'}"
        )
        if not await world.settle(120.0):
            log(f"  [yellow]{len(world.outstanding)} queries still unanswered[/yellow]")
            world.outstanding.clear()
            world.drained.set()
        await asyncio.sleep(1.0)
        return ok

    def budget_left() -> bool:
        return time.perf_counter() - started < search.budget

    low: float | None = None
    high: float | None = None
    rate = search.start
    while budget_left():
        if await step(rate, "doubling"):
            low = rate
            if high is not None or rate >= search.cap:
                break
            rate = min(search.cap, rate * 2)
        else:
            high = rate
            if low is not None or rate <= 1:
                break
            rate = max(1.0, rate / 2)  # the start was too high: halve until one is sustained
    while low is not None and high is not None and budget_left():
        if high - low <= max(1.0, 0.1 * low):
            break
        mid = float(round((low + high) / 2))
        if mid in (low, high):
            break
        if await step(mid, "bisecting"):
            low = mid
        else:
            high = mid
    result.max_sustained, result.first_failed = low, high
    result.search_seconds = time.perf_counter() - started
