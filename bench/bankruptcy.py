"""Bankruptcy acceptance fan-out: a court's acceptance of a company's bankruptcy petition
(裁定受理) through the bankruptcy service to every bureau of a coordination task, and through the
enforcement service to the bank holding the company's frozen account, against bare nats-py
publishing of the same notices.

Both services run in this process as `start_service(spec(), settings)` starts them. Each
acceptance is its own case, prepared beforehand: a company debtor with an enforcement case of
its own, a deposit freeze the bank applied (`control_report` applied), and the company's
petition filed (破申). The measured command is `AcceptPetition` (a new event id, a 破 number of
its own). The bankruptcy service appends the acceptance, the coordination tasks generated from
the topic catalogue and one `CoordinationTaskNotice` per unit of each task in one transaction;
its relay publishes them; the enforcement service consumes `petition_accepted`, suspends the
debtor's case and orders the bank to release the freeze (a `ControlOrder`, action `release`),
which its relay publishes. The bureaus (core NATS subscriptions on
`bankruptcy.notice.coordination_task.v1.*` and `enforcement.notice.control_order.v1.*`) tick
off each notice. Latency: from the acceptance's scheduled send time until the last bureau holds
its last notice for that acceptance (task notices and the release notice).

Bare: the same notice bytes (the case number swapped for a new one of the same length) are
published with core `nc.publish`, one per notice, to `bench.bare.coordination_task.v1.<bureau>`
and `bench.bare.control_order.v1.<bureau>` (not the real subjects: the streams capture
`bankruptcy.>` and `enforcement.>`, so a core publish there would be stored by JetStream and
delivered to the services' consumers), and received by the same kind of subscriber. Both are
driven open loop at the same rate and duration, in interleaved rounds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import statistics
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from bench.common import LogCounter
from bench.fanout import COURT, Contender, alternating_rounds, open_loop
from contracts.bankruptcy.funding import ExpenseAidLimits
from contracts.bankruptcy.parties import (
    Administrator,
    AdministratorKind,
    Debtor,
    PetitionerKind,
    Procedure,
)
from contracts.bankruptcy.procedure import AcceptPetition, FileBankruptcyPetition
from contracts.bankruptcy.tasks import CoordinationTaskNotice, Trigger
from contracts.bankruptcy.topics import TopicCatalogue
from contracts.enforcement import HELD_BY, Holding, Organization, PropertyKind
from contracts.enforcement.control import FreezeProperty, Measure, Outcome
from contracts.envelope import Message
from contracts.organizations import Registry
from contracts.registry import parse_message
from contracts.subjects import subject
from services.bankruptcy import routing
from services.bankruptcy.domain import tasks
from services.bankruptcy.domain.case import BankruptcyCase
from services.bankruptcy.domain.rules import Rules
from services.bureaus.replies import outcome, subject_of
from services.cli.simulate import FIRMS, GIVEN, SURNAMES, command, credit_code, register_case

ADMINISTRATOR = "AMRUHE410482"
"""河南汝河律师事务所, an administrator of the court's jurisdiction in the sample registry."""
TASK_TYPE = CoordinationTaskNotice.TYPE
ORDER_TYPE = "enforcement.notice.control_order.v1"
REPORT_TYPE = "enforcement.notice.control_report.v1"
REGISTERED_TYPE = "enforcement.event.case_registered.v1"
FILED_TYPE = "bankruptcy.event.bankruptcy_petition_filed.v1"
BARE_TASK = "bench.bare.coordination_task.v1"
BARE_ORDER = "bench.bare.control_order.v1"
SERIAL = 100_000
"""Serials of the bench's cases: six digits, so a bare case number has the same length."""

FUYUAN = "fuyuan (JetStream, store, relay)"
BARE = "bare nats-py publish"

Token = tuple[str, ...]
"""One notice an acceptance owes: ("task", item, role, bureau) or ("release", bureau)."""


def bank(court: str = COURT) -> str:
    """The bank holding the companies' accounts: the first that holds deposits where the
    court is."""
    registry = Registry.load()
    where = registry.get(court).jurisdiction
    return sorted(b.code for b in registry.handling(HELD_BY[PropertyKind.DEPOSIT], where))[0]


def task_notices(court: str = COURT, on: date | None = None) -> list[Token]:
    """The task notices an acceptance by this court owes: the service's own generation
    (`domain.tasks.generate`) over the topic catalogue and the court's jurisdiction from the
    sample registry, for an accepted case of that court."""
    registry, on = Registry.load(), on or datetime.now(UTC).date()
    rules = Rules(
        catalogue=TopicCatalogue.load(),
        limits=ExpenseAidLimits.load(),
        where=routing.jurisdiction(registry, court),
    )
    case = BankruptcyCase(
        case_number="（2026）豫0482破1号",
        court=court,
        debtor=Debtor(name="某公司", credit_code="91410482MA3X4Y5K2E", legal_representative="赵某"),
        accepted_on=on,
        administrator=administrator(on),
    )
    out = tasks.generate(case, Trigger.ACCEPTANCE, on, rules, by=court)
    return sorted(
        ("task", m.item, str(m.role), code)
        for m, code in out
        if isinstance(m, CoordinationTaskNotice)
    )


def administrator(on: date) -> Administrator:
    return Administrator(
        code=ADMINISTRATOR,
        name="河南汝河律师事务所",
        kind=AdministratorKind.LAW_FIRM,
        lead_person="李某",
        contact="0375-1234567",
        appointed_on=on,
    )


@dataclass
class BankruptcyResult:
    court: str
    bank: str
    tasks: list[Token]
    rate: float
    seconds_per_round: float
    rounds: int
    contenders: dict[str, Contender] = field(default_factory=dict)
    acceptance_bytes: int = 0
    task_bytes: int = 0
    release_bytes: int = 0
    prepared_seconds: float = 0.0
    handler_failures: int = 0
    rejections: int = 0
    unexpected: int = 0

    @property
    def notices(self) -> int:
        """Notices per acceptance: the task notices and the one release notice."""
        return len(self.tasks) + 1

    @property
    def bureaus(self) -> list[str]:
        return sorted({t[-1] for t in self.tasks} | {self.bank})

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


@dataclass
class Prepared:
    """One company ready for its acceptance: its enforcement case and petition filed."""

    serial: int
    debtor: Organization
    enforcement_number: str
    petition_number: str
    number: str


class Bench:
    """The court and the bureaus, each side on its own NATS connection."""

    def __init__(self, court: Client, bureaus: Client, expected: list[Token], bank: str) -> None:
        self.court, self.bureau_nc = court, bureaus
        self.js, self.bureau_js = court.jetstream(), bureaus.jetstream()
        self.expected, self.bank = expected, bank
        self.waiting: dict[str, tuple[set[Token], asyncio.Future[float]]] = {}
        self.pending: dict[str, asyncio.Future[None]] = {}
        """Preparation: futures by the causing event id, or by 'applied:<case number>'."""
        self.of_enforcement: dict[str, str] = {}
        """Enforcement case number → the 破 number of the same company."""
        self.tasks: dict[Token, tuple[str, bytes]] = {}
        self.release: tuple[str, bytes] = ("", b"")
        """The last notices through the service, each with the 破 number it carries."""
        self.unexpected: list[str] = []
        self.serial = SERIAL
        self.bare_serial = 900_000
        self.rng = random.Random(19)
        self.registry = Registry.load()
        self.org = self.registry.get(COURT)
        self.year = datetime.now(UTC).year

    async def start(self) -> None:
        await self.bureau_nc.subscribe(f"{TASK_TYPE}.*", cb=self._task(keep=True))
        await self.bureau_nc.subscribe(f"{BARE_TASK}.*", cb=self._task(keep=False))
        await self.bureau_nc.subscribe(f"{ORDER_TYPE}.*", cb=self._order)
        await self.bureau_nc.subscribe(f"{BARE_ORDER}.*", cb=self._bare_order)
        await self.court.subscribe(subject(REGISTERED_TYPE, COURT), cb=self._caused)
        await self.court.subscribe(subject(FILED_TYPE, COURT), cb=self._caused)
        await self.court.subscribe(subject(REPORT_TYPE, COURT), cb=self._report)
        await self.court.subscribe(f"enforcement.rejection.*.*.{COURT}", cb=self._rejected)
        await self.court.subscribe(f"bankruptcy.rejection.*.*.{COURT}", cb=self._rejected)
        await self.court.flush()
        await self.bureau_nc.flush()

    # -- the bureaus ----------------------------------------------------------------------------

    def _tick(self, number: str, token: Token, now: float) -> None:
        entry = self.waiting.get(number)
        if entry is None:
            return
        left, fut = entry
        if token not in left:
            self.unexpected.append(f"{token} for {number}: not expected (or twice)")
            return
        left.discard(token)
        if not left:
            del self.waiting[number]
            if not fut.done():
                fut.set_result(now)

    def _task(self, keep: bool) -> Callable[[Msg], Any]:
        async def handle(raw: Msg) -> None:
            now = time.perf_counter()
            bureau = raw.subject.rsplit(".", 1)[1]
            data = json.loads(raw.data)["data"]
            token = ("task", data["item"], data["role"], bureau)
            if keep:
                self.tasks[token] = (data["case_number"], raw.data)
            self._tick(data["case_number"], token, now)

        return handle

    async def _order(self, raw: Msg) -> None:
        now = time.perf_counter()
        bureau = raw.subject.rsplit(".", 1)[1]
        data = json.loads(raw.data)["data"]
        if data["action"] == "release":
            number = self.of_enforcement.get(data["case_number"], "")
            if data.get("ground") != "bankruptcy_accepted":
                self.unexpected.append(f"release of {data['case_number']}: {data.get('ground')}")
            self.release = (
                number,
                raw.data.replace(data["case_number"].encode(), number.encode()),
            )
            self._tick(number, ("release", bureau), now)
        elif data["action"] == "freeze":  # the bank applies the freeze it is ordered
            notice = parse_message(raw.data)
            reply = outcome(
                notice, Outcome.APPLIED, bureau, datetime.now(UTC), reference=f"{bureau}-BENCH"
            )
            await self.bureau_js.publish(
                subject_of(reply),
                reply.model_dump_json().encode(),
                headers={"Nats-Msg-Id": str(reply.envelope.event_id)},
            )

    async def _bare_order(self, raw: Msg) -> None:
        now = time.perf_counter()
        bureau = raw.subject.rsplit(".", 1)[1]
        data = json.loads(raw.data)["data"]
        self._tick(data["case_number"], ("release", bureau), now)

    # -- the court ------------------------------------------------------------------------------

    def _done(self, key: str) -> None:
        fut = self.pending.pop(key, None)
        if fut is not None and not fut.done():
            fut.set_result(None)

    async def _caused(self, raw: Msg) -> None:
        self._done(str(json.loads(raw.data)["envelope"].get("causation_id")))

    async def _report(self, raw: Msg) -> None:
        data = json.loads(raw.data)["data"]
        if data["status"] == "applied":
            self._done(f"applied:{data['case_number']}")

    async def _rejected(self, raw: Msg) -> None:
        if len(self.unexpected) < 20:
            problems = json.loads(raw.data).get("data", {}).get("problems")
            self.unexpected.append(f"rejection on {raw.subject}: {problems}")

    async def _send(self, msgs: list[tuple[Message[Any], str]], within: float) -> None:
        """Publish the messages (pipelined) and wait until each key's future is done."""
        loop = asyncio.get_running_loop()
        futures, acks = [], []
        for msg, key in msgs:
            fut: asyncio.Future[None] = loop.create_future()
            self.pending[key] = fut
            futures.append(fut)
            acks.append(
                await self.js.publish_async(
                    subject_of(msg),
                    msg.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": str(msg.envelope.event_id)},
                )
            )
        await asyncio.gather(*acks)
        try:
            await asyncio.wait_for(asyncio.gather(*futures), within)
        except TimeoutError:
            raise RuntimeError(
                f"preparation not confirmed within {within:g} s: {self.unexpected[:3]}"
            ) from None

    async def prepare(self, count: int, within: float = 120) -> list[Prepared]:
        """`count` companies, each with an enforcement case, a deposit freeze the bank applied,
        and its bankruptcy petition filed; all confirmed by the services."""
        now = datetime.now(UTC)
        region = self.org.jurisdiction
        ready, registrations = [], []
        for _ in range(count):
            self.serial += 1
            debtor = Organization(
                name=self.rng.choice(FIRMS),
                credit_code=credit_code(self.rng, region),
                legal_representative=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN),
            )
            reg = register_case(self.rng, self.org, self.serial, now)
            reg = reg.model_copy(
                update={
                    "data": reg.data.model_copy(
                        update={"debtors": [debtor], "amount": Decimal("100000")}
                    )
                }
            )
            p = Prepared(
                serial=self.serial,
                debtor=debtor,
                enforcement_number=reg.data.case_number,
                petition_number=f"（{self.year}）{self.org.case_code}破申{self.serial}号",
                number=f"（{self.year}）{self.org.case_code}破{self.serial}号",
            )
            self.of_enforcement[p.enforcement_number] = p.number
            ready.append(p)
            registrations.append((reg, str(reg.envelope.event_id)))
        await self._send(registrations, within)
        freezes = []
        for i, p in enumerate(ready):
            cmd = FreezeProperty(
                case_number=p.enforcement_number,
                bureau=self.bank,
                holding=Holding(
                    kind=PropertyKind.DEPOSIT,
                    reference=f"622202170{p.serial:010d}",
                    description="活期",
                    value=Decimal("48210.55"),
                ),
                measure=Measure.FREEZE,
                amount=Decimal("40000"),
                term_days=365,
            )
            msg = command(self.org, cmd, p.enforcement_number, now + timedelta(microseconds=i))
            freezes.append((msg, f"applied:{p.enforcement_number}"))
        await self._send(freezes, within)
        petitions = []
        for p in ready:
            d = p.debtor
            petition = FileBankruptcyPetition(
                case_number=p.petition_number,
                filed_on=now.date() - timedelta(days=10),
                debtor=Debtor(
                    name=d.name,
                    credit_code=d.credit_code,
                    legal_representative=d.legal_representative,
                ),
                petitioner=PetitionerKind.DEBTOR,
                petitioner_name=d.name,
            )
            msg = command(self.org, petition, p.petition_number, now)
            petitions.append((msg, str(msg.envelope.event_id)))
        await self._send(petitions, within)
        return ready

    def acceptance(self, p: Prepared) -> Message[Any]:
        today = datetime.now(UTC).date()
        cmd = AcceptPetition(
            case_number=p.number,
            petition_case_number=p.petition_number,
            accepted_on=today,
            procedure=Procedure.LIQUIDATION,
            administrator=administrator(today),
        )
        return command(self.org, cmd, p.number, datetime.now(UTC))

    def _wait(self, number: str) -> asyncio.Future[float]:
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[number] = ({*self.expected, ("release", self.bank)}, fut)
        return fut

    async def _until(self, number: str, fut: asyncio.Future[float], within: float) -> float | None:
        try:
            return await asyncio.wait_for(fut, within)
        except TimeoutError:
            self.waiting.pop(number, None)
            return None

    async def fuyuan_once(self, p: Prepared, within: float) -> float | None:
        """Publish one acceptance; the perf_counter time its last notice arrived, or None."""
        msg = self.acceptance(p)
        fut = self._wait(p.number)
        await self.js.publish(
            subject_of(msg),
            msg.model_dump_json().encode(),
            headers={"Nats-Msg-Id": str(msg.envelope.event_id)},
        )
        return await self._until(p.number, fut, within)

    async def bare_once(self, within: float) -> float | None:
        """Publish the acceptance's notices (a new case number of the same length) with core
        NATS; wait for all."""
        self.bare_serial += 1
        number = f"（{self.year}）{self.org.case_code}破{self.bare_serial}号"
        new = number.encode()
        fut = self._wait(number)
        for token, (old, body) in self.tasks.items():
            await self.court.publish(f"{BARE_TASK}.{token[-1]}", body.replace(old.encode(), new))
        old, body = self.release
        await self.court.publish(f"{BARE_ORDER}.{self.bank}", body.replace(old.encode(), new))
        return await self._until(number, fut, within)


@contextlib.asynccontextmanager
async def services_running(
    nats_url: str, postgres_url: str
) -> AsyncIterator[tuple[Client, Client, LogCounter]]:
    """The bankruptcy and enforcement services in this process, as the services run them (an
    SDK tracer provider, no exporter; their log lines counted, not printed), with a court's and
    the bureaus' connections; all stopped on the way out."""
    from services.bankruptcy.main import spec as bankruptcy_spec
    from services.enforcement.main import spec as enforcement_spec
    from services.runtime.host import start_service
    from services.runtime.settings import RuntimeSettings

    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        trace.set_tracer_provider(TracerProvider())
    counter = LogCounter()
    settings = RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=postgres_url)
    with counter.installed():
        bankruptcy = await start_service(bankruptcy_spec(), settings)
        enforcement = await start_service(enforcement_spec(), settings)
        court = await nats.connect(nats_url, name="bench-court")
        bureaus = await nats.connect(nats_url, name="bench-bureaus")
        try:
            yield court, bureaus, counter
        finally:
            await court.drain()
            await bureaus.drain()
            await enforcement.close()
            await bankruptcy.close()


async def run_bankruptcy(
    nats_url: str,
    postgres_url: str,
    *,
    rate: float,
    rounds: int,
    seconds: float,
    warmup: int = 3,
    within: float = 30.0,
    log: Callable[[str], None] = print,
) -> BankruptcyResult:
    expected, holder = task_notices(), bank()
    result = BankruptcyResult(COURT, holder, expected, rate, seconds, rounds)
    async with services_running(nats_url, postgres_url) as (court, bureaus, counter):
        bench = Bench(court, bureaus, expected, holder)
        await bench.start()
        await _measure(bench, result, warmup=warmup, within=within, log=log)
        for problem in bench.unexpected[:5]:
            log(f"  [yellow]unexpected: {problem}[/yellow]")
        result.unexpected = len(bench.unexpected)
    result.handler_failures = counter.failures()
    result.rejections = counter.rejected()
    return result


async def _measure(
    bench: Bench,
    result: BankruptcyResult,
    *,
    warmup: int,
    within: float,
    log: Callable[[str], None],
) -> None:
    rate, seconds, rounds = result.rate, result.seconds_per_round, result.rounds
    started = time.perf_counter()
    companies = iter(await bench.prepare(warmup + 1 + round(rate * seconds) * rounds))
    result.prepared_seconds = time.perf_counter() - started
    log(
        f"  an acceptance by {COURT} owes {result.notices} notices ({len(result.tasks)} task "
        f"notices, 1 release to {result.bank}) to {len(result.bureaus)} bureaus; companies "
        f"prepared (case, applied freeze, petition) in {result.prepared_seconds:.1f} s"
    )
    for _ in range(warmup):
        if await bench.fuyuan_once(next(companies), within) is None:
            raise RuntimeError("not every notice of an acceptance arrived in the warm-up")
    if sorted(bench.tasks) != result.tasks or not bench.release[1]:
        raise RuntimeError(f"task notices reached {sorted(bench.tasks)}, expected {result.tasks}")
    result.task_bytes = round(statistics.mean(len(b) for _, b in bench.tasks.values()))
    result.release_bytes = len(bench.release[1])
    result.acceptance_bytes = len(bench.acceptance(next(companies)).model_dump_json().encode())
    await open_loop(lambda: bench.bare_once(within), rate, 1.0)
    await asyncio.sleep(0.5)

    result.contenders = await alternating_rounds(
        lambda r, s: open_loop(lambda: bench.fuyuan_once(next(companies), within), r, s),
        lambda r, s: open_loop(lambda: bench.bare_once(within), r, s),
        rate=rate,
        seconds=seconds,
        rounds=rounds,
        per="acceptances",
        width=33,
        log=log,
        bare_name=BARE,
    )
