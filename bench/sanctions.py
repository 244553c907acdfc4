"""Sanction notice fan-out: a court's listing (纳入失信被执行人名单) through the enforcement
service to every bureau that enforces one of its measures, against bare nats-py publishing of
the same notices.

The enforcement service runs in this process as `start_service(spec(), settings)` starts it.
Each listing is a new `ListDishonestDebtor` command (its own event id, which becomes the
sanction id) for the adult person debtor of a case registered beforehand, one case per listing
(a debtor already listed in a case is refused). The service appends `sanction_imposed` and one
`SanctionNotice` per bureau in one transaction, the relay publishes the notices to JetStream,
and the bureaus (one core NATS subscription on `enforcement.notice.sanction.v1.*`) receive
them. Latency: from the listing's scheduled send time until the last bureau holds its notice
for that sanction id.

Bare: the same notice bytes (the sanction id swapped for a new one of the same length) are
published with core `nc.publish`, one per bureau, to `bench.bare.sanction.v1.<bureau>` (not
the real subjects: the enforcement stream captures `enforcement.>`, so a core publish there
would be stored by JetStream and delivered to the service's consumers), and received by the
same kind of subscriber. Both are driven open loop at the same rate and duration.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client
from nats.aio.msg import Msg

from bench.fanout import COURT, Contender, alternating_rounds, enforcement_running, open_loop
from contracts.enforcement import Person
from contracts.enforcement.measures import Catalogue
from contracts.enforcement.sanctions import ListDishonestDebtor, RestrictConsumption
from contracts.envelope import Envelope, Message
from contracts.organizations import Registry
from contracts.subjects import subject
from services.bureaus.replies import subject_of
from services.cli.simulate import (
    GIVEN,
    SURNAMES,
    listing,
    register_case,
    resident_id,
    restriction,
)
from services.enforcement.domain.routing import sanction_plan

NOTICE_TYPE = "enforcement.notice.sanction.v1"
REGISTERED_TYPE = "enforcement.event.case_registered.v1"
IMPOSED_TYPE = "enforcement.event.sanction_imposed.v1"
BARE_ROOT = "bench.bare.sanction.v1"

FUYUAN = "fuyuan (JetStream, store, relay)"
BARE = "bare nats-py publish"


def sanction_bureaus(court: str = COURT) -> list[str]:
    """The bureaus a listing of a person by this court reaches: the service's own sanction plan
    (`domain.routing.sanction_plan`) over the catalogue's measures for a person, with the sample
    registry."""
    registry, catalogue = Registry.load(), Catalogue.load()
    return sorted(sanction_plan(registry, catalogue, court, catalogue.for_party("person")))


@dataclass
class SanctionsResult:
    court: str
    bureaus: list[str]
    rate: float
    seconds_per_round: float
    rounds: int
    contenders: dict[str, Contender] = field(default_factory=dict)
    listing_bytes: int = 0
    notice_bytes: int = 0
    handler_failures: int = 0
    rejections: int = 0
    unexpected: int = 0

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


class Bench:
    """The court and the bureaus, each side on its own NATS connection."""

    def __init__(self, court: Client, bureaus: Client, codes: list[str]) -> None:
        self.court, self.bureau_nc, self.codes = court, bureaus, codes
        self.js = court.jetstream()
        self.waiting: dict[str, tuple[set[str], asyncio.Future[float]]] = {}
        self.registering: dict[str, asyncio.Future[None]] = {}
        self.notices: dict[str, tuple[str, bytes]] = {}
        """The last notice each bureau got through the service (with its sanction id)."""
        self.unexpected: list[str] = []
        self.seq = 0
        self.rng = random.Random(7)
        self.org = Registry.load().get(COURT)
        self.catalogue = Catalogue.load()

    async def start(self) -> None:
        await self.bureau_nc.subscribe(f"{NOTICE_TYPE}.*", cb=self._notice(keep=True))
        await self.bureau_nc.subscribe(f"{BARE_ROOT}.*", cb=self._notice(keep=False))
        await self.court.subscribe(subject(REGISTERED_TYPE, COURT), cb=self._registered)
        await self.court.subscribe(subject(IMPOSED_TYPE, COURT), cb=self._registered)
        await self.court.subscribe(f"enforcement.rejection.*.*.{COURT}", cb=self._rejected)
        await self.court.flush()
        await self.bureau_nc.flush()

    def _notice(self, keep: bool) -> Callable[[Msg], Any]:
        async def handle(raw: Msg) -> None:
            now = time.perf_counter()
            bureau = raw.subject.rsplit(".", 1)[1]
            sid = json.loads(raw.data)["data"]["sanction_id"]
            if keep:
                self.notices[bureau] = (sid, raw.data)
            entry = self.waiting.get(sid)
            if entry is None:
                return
            left, fut = entry
            if bureau not in left:
                self.unexpected.append(f"notice for {sid} to {bureau}, not expected (or twice)")
                return
            left.discard(bureau)
            if not left:
                del self.waiting[sid]
                if not fut.done():
                    fut.set_result(now)

        return handle

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
        """Register `count` new cases, each with one adult person debtor; wait for all."""
        loop = asyncio.get_running_loop()
        cases, futures, acks = [], [], []
        region = self.org.jurisdiction
        for _ in range(count):
            self.seq += 1
            reg = register_case(self.rng, self.org, 20_000 + self.seq, datetime.now(UTC))
            debtor = Person(
                name=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN),
                id_number=resident_id(self.rng, region),
            )  # born 1950–2000
            reg = reg.model_copy(update={"data": reg.data.model_copy(update={"debtors": [debtor]})})
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
        await self.restrict(cases, within)
        return cases

    async def restrict(self, cases: list[Message[Any]], within: float) -> None:
        """The consumption restriction each listing needs first (a listed debtor is always
        restricted), ordered for every case before the measured listings; wait for all."""
        loop = asyncio.get_running_loop()
        futures, acks = [], []
        for case in cases:
            cmd = restriction(case.data, None, case.data.filed_on)
            eid = uuid.uuid4()
            env = Envelope(
                event_id=eid,
                type=cmd.TYPE,
                occurred_at=datetime.now(UTC),
                organization=COURT,
                correlation_id=eid,
                case_number=cmd.case_number,
            )
            fut: asyncio.Future[None] = loop.create_future()
            self.registering[str(eid)] = fut
            futures.append(fut)
            acks.append(
                await self.js.publish_async(
                    subject(cmd.TYPE, COURT),
                    Message[RestrictConsumption](envelope=env, data=cmd).model_dump_json().encode(),
                    headers={"Nats-Msg-Id": str(eid)},
                )
            )
        await asyncio.gather(*acks)
        await asyncio.wait_for(asyncio.gather(*futures), within)

    def listing(self, case: Message[Any]) -> Message[Any]:
        cmd = listing(self.rng, self.org, case.data, self.catalogue, None)
        eid = uuid.uuid4()
        env = Envelope(
            event_id=eid,
            type=cmd.TYPE,
            occurred_at=datetime.now(UTC),
            organization=COURT,
            officer=f"{COURT}-007",
            correlation_id=eid,
            case_number=cmd.case_number,
        )
        return Message[ListDishonestDebtor](envelope=env, data=cmd)

    def _wait(self, sid: str) -> asyncio.Future[float]:
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[sid] = (set(self.codes), fut)
        return fut

    async def _until(self, sid: str, fut: asyncio.Future[float], within: float) -> float | None:
        try:
            return await asyncio.wait_for(fut, within)
        except TimeoutError:
            self.waiting.pop(sid, None)
            return None

    async def fuyuan_once(self, case: Message[Any], within: float) -> float | None:
        """Publish one listing; the perf_counter time its last notice arrived, or None."""
        msg = self.listing(case)
        sid = str(msg.envelope.event_id)
        fut = self._wait(sid)
        await self.js.publish(
            subject(ListDishonestDebtor.TYPE, COURT),
            msg.model_dump_json().encode(),
            headers={"Nats-Msg-Id": sid},
        )
        return await self._until(sid, fut, within)

    async def bare_once(self, within: float) -> float | None:
        """Publish the bureaus' notices (a new sanction id) with core NATS; wait for all."""
        sid = str(uuid.uuid4())
        fut = self._wait(sid)
        for code in self.codes:
            old, body = self.notices[code]
            await self.court.publish(
                f"{BARE_ROOT}.{code}", body.replace(old.encode(), sid.encode())
            )
        return await self._until(sid, fut, within)


async def run_sanctions(
    nats_url: str,
    postgres_url: str,
    *,
    rate: float,
    rounds: int,
    seconds: float,
    warmup: int,
    within: float = 30.0,
    log: Callable[[str], None] = print,
) -> SanctionsResult:
    codes = sanction_bureaus()
    result = SanctionsResult(COURT, codes, rate, seconds, rounds)
    async with enforcement_running(nats_url, postgres_url) as (court, bureaus, counter):
        bench = Bench(court, bureaus, codes)
        await bench.start()
        await _measure(bench, result, within=within, log=log)
        for problem in bench.unexpected[:5]:
            log(f"  [yellow]unexpected: {problem}[/yellow]")
        result.unexpected = len(bench.unexpected)
    result.handler_failures = counter.failures()
    result.rejections = counter.rejected()
    return result


async def _measure(
    bench: Bench, result: SanctionsResult, *, within: float, log: Callable[[str], None]
) -> None:
    rate, seconds, rounds = result.rate, result.seconds_per_round, result.rounds
    started = time.perf_counter()
    warmup = 3
    cases = iter(await bench.register(warmup + 1 + round(rate * seconds) * rounds))
    log(
        f"  a listing by {COURT} reaches {len(bench.codes)} bureaus: {', '.join(bench.codes)}; "
        f"cases registered in {time.perf_counter() - started:.1f} s"
    )
    for _ in range(warmup):
        if await bench.fuyuan_once(next(cases), within) is None:
            raise RuntimeError("not every bureau got its sanction notice in the warm-up")
    if sorted(bench.notices) != bench.codes:
        raise RuntimeError(f"notices reached {sorted(bench.notices)}, expected {bench.codes}")
    result.notice_bytes = round(statistics.mean(len(b) for _, b in bench.notices.values()))
    result.listing_bytes = len(bench.listing(next(cases)).model_dump_json().encode())
    await open_loop(lambda: bench.bare_once(within), rate, 1.0)
    await asyncio.sleep(0.5)

    result.contenders = await alternating_rounds(
        lambda r, s: open_loop(lambda: bench.fuyuan_once(next(cases), within), r, s),
        lambda r, s: open_loop(lambda: bench.bare_once(within), r, s),
        rate=rate,
        seconds=seconds,
        rounds=rounds,
        per="listings",
        width=33,
        log=log,
        bare_name=BARE,
    )
