"""Simulated courts: register enforcement cases, some of them wrong, query and freeze, list
dishonest debtors and restrict consumption (and lift some of it), so a newcomer sees flows; and
run bankruptcies of companies they enforce against, with the administrators' requests. Between
them the joint mechanism's units, office and leading group take their steps
(services/cli/simulate_risk.py)."""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import nats
import nats.errors
import nats.js.errors
from opentelemetry import trace

from contracts.bankruptcy.administrator import (
    PublishEmployeeClaims,
    ReportDeregistration,
    RequestCoordination,
)
from contracts.bankruptcy.aid import ApplyExpenseAid, ReviewExpenseAid, ReviewStage
from contracts.bankruptcy.parties import Administrator, AdministratorKind, Debtor, PetitionerKind
from contracts.bankruptcy.procedure import (
    AcceptPetition,
    DeclareBankrupt,
    DischargeAdministrator,
    FileBankruptcyPetition,
    NotifyCreditors,
    Procedure,
    RecordCreditorsMeeting,
    RecordDistribution,
    RejectPetition,
    SetClaimsDeadline,
    TerminateProceedings,
    TerminationGround,
)
from contracts.enforcement import (
    CloseWithoutProperty,
    ControlStatus,
    CourtDocuments,
    FreezeProperty,
    Measure,
    Organization,
    Person,
    QueryProperty,
    RegisterCase,
    ReleaseExcess,
)
from contracts.enforcement.measures import Catalogue, ListingTerm
from contracts.enforcement.sanctions import (
    ExecutionBasis,
    LiftSanction,
    ListDishonestDebtor,
    Performance,
    RestrictConsumption,
    SanctionKind,
)
from contracts.envelope import Envelope, Message
from contracts.ids import (
    credit_code_check_character,
    organization_code_check_character,
    resident_id_check_character,
)
from contracts.organizations import Organization as Org
from contracts.organizations import OrgKind, Registry
from contracts.registry import parse_message, peek_envelope
from contracts.subjects import stream_name, subject
from services.enforcement.domain.requery import add_months
from services.runtime.observability import configure_tracing, inject_headers

tracer = trace.get_tracer("fuyuan.courts")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛"]
FIRMS = [
    "洛阳市瀛洲建材有限公司",
    "河南伊洛商贸有限公司",
    "汝州市汝瓷文化发展有限公司",
    "洛阳龙门物流有限公司",
    "栾川县钼业贸易有限公司",
    "偃师区三彩工艺品有限公司",
]
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def resident_id(rng: random.Random, region: str) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
    body = f"{region}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + resident_id_check_character(body)


def credit_code(rng: random.Random, region: str) -> str:
    org = "".join(rng.choice(CREDIT_ALPHABET[:10]) for _ in range(8))
    body = "91" + region + org + organization_code_check_character(org)
    return body + credit_code_check_character(body)


def party(rng: random.Random, region: str) -> Person | Organization:
    if rng.random() < 0.6:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        return Person(name=name, id_number=resident_id(rng, region))
    return Organization(
        name=rng.choice(FIRMS),
        credit_code=credit_code(rng, region),
        legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN),
    )


def register_case(rng: random.Random, court: Org, seq: int, now: datetime) -> Message[Any]:
    region = court.jurisdiction
    cmd = RegisterCase(
        case_number=f"（{now.year}）{court.case_code}执{seq}号",
        filed_on=now.date() - timedelta(days=rng.randrange(0, 30)),
        debtors=[party(rng, region)],
        applicants=[party(rng, region)],
        amount=Decimal(rng.randrange(5_000_00, 5_000_000_00)) / 100,
    )
    event_id = uuid.uuid4()
    env = Envelope(
        event_id=event_id,
        type=cmd.TYPE,
        occurred_at=now,
        organization=court.code,
        officer=f"{court.code}-{rng.randrange(1, 40):03d}",
        correlation_id=event_id,
        case_number=cmd.case_number,
    )
    return Message[RegisterCase](envelope=env, data=cmd)


SERIAL = re.compile(r"^（(\d{4})）.+执(\d+)号$")
"""The year and the serial number of a case number the simulated courts make."""


def serial_of(case_number: str, year: int) -> int:
    """The serial of a case number of `year`, or 0 for another year or another form."""
    found = SERIAL.match(case_number)
    return int(found[2]) if found and int(found[1]) == year else 0


async def last_serials(js: Any, courts: list[Org], year: int) -> dict[str, int]:
    """Court → the serial of the last case it sent for registration this year, read from the
    stream, so that a new run numbers its cases after those of every run before it on the same
    data (a case number registered twice is refused)."""
    found: dict[str, int] = {}
    for court in courts:
        where = subject(RegisterCase.TYPE, court.code)
        for last in await last_commands(js, stream_name("enforcement"), where):
            envelope = peek_envelope(last)
            serial = serial_of((envelope and envelope.case_number) or "", year)
            found[court.code] = max(found.get(court.code, 0), serial)
    return found


async def last_commands(js: Any, stream: str, published_on: str) -> list[bytes]:
    """The last command published on a subject, as its stream stores it: under its partition
    (`<subject>.<k>`), and, from before commands were partitioned, under the subject itself."""
    found = []
    for where in (f"{published_on}.*", published_on):
        try:
            found.append((await js.get_last_msg(stream, where)).data or b"")
        except nats.js.errors.NotFoundError:
            continue
    return found


def spoil(rng: random.Random, body: bytes) -> bytes:
    """Make a message wrong the way integrations get it wrong: a bad check digit, a missing field."""
    text = body.decode()
    if rng.random() < 0.5 and '"id_number":"' in text:
        i = text.index('"id_number":"') + len('"id_number":"') + 17
        last = text[i]
        return (text[:i] + ("0" if last != "0" else "1") + text[i + 1 :]).encode()
    return text.replace('"amount":', '"amount_typo":').encode()


def command(court: Org, payload: Any, case_number: str, now: datetime) -> Message[Any]:
    event_id = uuid.uuid4()
    env = Envelope(
        event_id=event_id,
        type=payload.TYPE,
        occurred_at=now,
        organization=court.code,
        correlation_id=event_id,
        case_number=case_number,
    )
    return Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]


# ---- 失信联合惩戒: listings, consumption restrictions, their lifting --------------------------

OBLIGATIONS = (
    "给付申请执行人货款人民币{amount}元及逾期付款利息",
    "偿还申请执行人借款本金人民币{amount}元及利息",
    "支付申请执行人工程款人民币{amount}元",
    "支付申请执行人劳动报酬人民币{amount}元",
    "赔偿申请执行人各项损失人民币{amount}元",
    "返还申请执行人租赁物并支付租金人民币{amount}元",
)  # fmt: skip
GROUND_WEIGHTS = {
    "ability_refusal": 10,
    "property_report_violation": 5,
    "evasion": 3,
    "consumption_order_violation": 2,
    "settlement_refusal": 2,
    "obstruction": 1,
}
"""How often courts list on each statutory ground; most listings are for refusing to perform
while able (第一条第（一）项) or for not reporting property."""
EXTENSION_REASON = "被执行人以暴力、威胁方法妨碍、抗拒执行，情节严重，且具有多项失信行为"
DELETION_WEIGHTS = {
    "performed": 12,
    "settlement_performed": 4,
    "applicant_request": 2,
    "error_corrected": 1,
    "early_deletion": 1,
}
"""How often courts lift on each deletion ground; most debtors listed end up paying."""
LIFTING_WEIGHTS = {"performed": 6, "applicant_consent": 2, "security_provided": 2}
"""How often courts lift a consumption restriction on each of its own grounds."""


@dataclass(frozen=True)
class Issued:
    """A listing or restriction a court issued: lift it later by its id (the command's event
    id)."""

    court: Org
    case_number: str
    sanction_id: uuid.UUID
    kind: SanctionKind
    open_ended: bool = False
    """A listing without a fixed term (only such a listing takes the 第十条第一款 grounds)."""


def document_number(rng: random.Random, court: Org, filed_on: date) -> str:
    """执行依据文号 — the judgment the case enforces, e.g. （2025）豫0482民初1234号."""
    year = filed_on.year - rng.choice((0, 1, 1, 1, 2))
    trial = rng.choice(("民初", "民初", "民初", "民初", "民特"))
    return f"（{year}）{court.case_code}{trial}{rng.randrange(1, 20000)}号"


def weighted(rng: random.Random, weights: dict[str, int], known: set[str]) -> str:
    """A choice among the weighted ids the catalogue knows."""
    ids = [i for i in weights if i in known] or sorted(known)
    return rng.choices(ids, weights=[weights.get(i, 1) for i in ids])[0]


def representative(rng: random.Random, debtor: Organization, region: str) -> Person:
    """法定代表人 of an organization debtor, with an ID number."""
    name = debtor.legal_representative or rng.choice(SURNAMES) + rng.choice(GIVEN)
    return Person(name=name, id_number=resident_id(rng, region))


def listing(
    rng: random.Random,
    court: Org,
    case: RegisterCase,
    catalogue: Catalogue,
    legal_representative: Person | None,
    decided_on: date | None = None,
) -> ListDishonestDebtor:
    """纳入失信被执行人名单, by a decision (决定书) with the fields the published list carries;
    extended only where the law allows (obstruction, or several grounds)."""
    known = {g.id for g in catalogue.grounds}
    grounds = [weighted(rng, GROUND_WEIGHTS, known)]
    if rng.random() < 0.15:
        grounds = sorted({*grounds, weighted(rng, GROUND_WEIGHTS, known)})
    fixed = any(catalogue.ground(g).term_years is not None for g in grounds)
    rule = catalogue.term_extension
    extendable = fixed and (rule.for_ground in grounds or len(grounds) >= rule.for_several)
    extension = rng.randint(1, 3) if extendable and rng.random() < 0.05 else 0
    return ListDishonestDebtor(
        case_number=case.case_number,
        debtor=case.debtors[0],
        legal_representative=legal_representative,
        filed_on=case.filed_on,
        basis=ExecutionBasis(
            issuing_body=court.name, document_number=document_number(rng, court, case.filed_on)
        ),
        obligations=rng.choice(OBLIGATIONS).format(amount=f"{case.amount:,.2f}"),
        performance=Performance.NONE if rng.random() < 0.75 else Performance.PARTIAL,
        grounds=grounds,
        extension_years=extension,
        extension_reason=EXTENSION_REASON if extension else None,
        decision_number=case.case_number.removesuffix("号") + "号之二",
        decided_on=decided_on or case.filed_on,
        signed_by="院长",
    )


def restriction(
    case: RegisterCase, legal_representative: Person | None, on: date
) -> RestrictConsumption:
    """限制消费令 on all nine items until performance, signed by the president."""
    return RestrictConsumption(
        case_number=case.case_number,
        debtor=case.debtors[0],
        legal_representative=legal_representative,
        order_number=case.case_number.removesuffix("号") + "号之一",
        ordered_on=on,
        items=list(range(1, 10)),
        signed_by="院长",
    )


def lift_ground(rng: random.Random, issued: Issued, catalogue: Catalogue) -> str:
    """A ground that applies to what is lifted: a restriction's own, an open-ended listing's
    第十条第一款 grounds, a fixed-term listing's early deletion or revocation."""
    if issued.kind == SanctionKind.CONSUMPTION_RESTRICTION:
        return weighted(rng, LIFTING_WEIGHTS, {g.id for g in catalogue.lifting_grounds})
    wanted = ListingTerm.OPEN_ENDED if issued.open_ended else ListingTerm.FIXED_TERM
    known = {
        g.id
        for g in catalogue.deletion_grounds
        if g.applies_to_listing in (wanted, ListingTerm.ANY) and g.id != "term_expired"
    }
    return weighted(rng, DELETION_WEIGHTS, known)


class Courts:
    """Simulated courts: register cases, query their debtors' property, freeze what is found,
    close some cases for lack of property (终本), list some debtors as dishonest, restrict some
    organizations' consumption, and lift some of those later. Some messages are deliberately
    wrong."""

    MIX = (
        ("register", 0.45),
        ("query", 0.35),
        ("close", 0.08),
        ("list", 0.07),
        ("restrict", 0.03),
        ("lift", 0.02),
    )
    """What the courts do, and how often: mostly registrations and queries."""
    EXCESS_RATE = 0.1
    """Share of freezes applied that a ruling then finds excessive (release of the excess)."""

    def __init__(
        self, js: Any, rng: random.Random, invalid: float, catalogue: Catalogue | None = None
    ) -> None:
        self.js, self.rng, self.invalid = js, rng, invalid
        self.courts = {c.code: c for c in Registry.load().courts() if c.case_code}
        self.catalogue = catalogue or Catalogue.load()
        self.cases: list[tuple[Org, RegisterCase]] = []
        self.spoiled: set[str] = set()
        """Case numbers whose registration went out wrong: never registered, not sanctioned."""
        self.issued: list[Issued] = []
        """Listings and restrictions in force, oldest first: lifted from the front half."""
        self.representatives: dict[str, Person] = {}
        """Credit code → the generated legal representative, the same in every order."""
        self.serials: dict[str, int] = {}
        """Court → the serial of its last case number: the next case takes the one after."""
        self.frozen: dict[str, tuple[Org, str, Decimal]] = {}
        """Control id → the court, case and amount of a freeze sent and not yet reported on."""

    def next_serial(self, court: Org) -> int:
        self.serials[court.code] = self.serials.get(court.code, 0) + 1
        return self.serials[court.code]

    async def send(self, msg: Message[Any], spoilable: bool = False) -> bool:
        """Publish; returns whether the message went out spoiled."""
        body = msg.model_dump_json().encode()
        spoiled = spoilable and self.rng.random() < self.invalid
        if spoiled:
            body = spoil(self.rng, body)
        target = subject(msg.envelope.type, msg.envelope.organization)
        # each command starts the court's trace, which the service, the bureaus and the
        # result continue
        with tracer.start_as_current_span(f"publish {target}", kind=trace.SpanKind.PRODUCER):
            headers = inject_headers({"Nats-Msg-Id": str(msg.envelope.event_id)})
            await self.js.publish(target, body, headers=headers)
        return spoiled

    def choose(self, roll: float) -> str:
        for action, weight in self.MIX:
            if roll < weight:
                return action
            roll -= weight
        return self.MIX[-1][0]

    async def step(self) -> None:
        now, action = datetime.now(UTC), self.choose(self.rng.random())
        if action == "list" and await self.list_debtor(now):
            return
        if action == "restrict" and await self.restrict(now):
            return
        if action == "lift" and await self.lift(now):
            return
        if not self.cases or action == "register":
            court = self.rng.choice(list(self.courts.values()))
            msg = register_case(self.rng, court, self.next_serial(court), now)
            self.cases.append((court, msg.data))
            if await self.send(msg, spoilable=True):
                self.spoiled.add(msg.data.case_number)
        elif action == "close" and (closable := self.closable(now.date())):
            court, case = self.rng.choice(closable)
            close = CloseWithoutProperty(
                case_number=case.case_number,
                closed_on=now.date(),
                approved_by="院长",
                execution_notice_on=case.filed_on,
                applicant_interviewed_on=now.date(),
            )
            await self.send(command(court, close, case.case_number, now))
        else:  # a query, also when there was nothing to sanction or lift
            court, case = self.rng.choice(self.cases[-50:])
            query = QueryProperty(case_number=case.case_number, debtor=case.debtors[0])
            await self.send(command(court, query, case.case_number, now))

    def closable(self, today: date) -> list[tuple[Org, RegisterCase]]:
        """Recent cases filed more than three months ago: 终本 is refused sooner, so the
        simulated courts query instead of closing a new case (the demonstration's cases are
        new, so it rarely closes one)."""
        return [
            (court, case)
            for court, case in self.cases[-50:]
            if case.filed_on < add_months(today, -3)
        ]

    # ---- 失信联合惩戒 ------------------------------------------------------------------------

    def sanctionable(
        self, kind: SanctionKind, organizations: bool = False
    ) -> tuple[Org, RegisterCase] | None:
        """A recent case, registered (not the newest: it may still be on its way), whose
        debtor is not under this kind of sanction; with `organizations`, an organization."""
        active = {i.case_number for i in self.issued if i.kind == kind}
        recent = [
            (court, case)
            for court, case in self.cases[-50:-1]
            if case.case_number not in self.spoiled
            and case.case_number not in active
            and (not organizations or isinstance(case.debtors[0], Organization))
        ]
        return self.rng.choice(recent) if recent else None

    def legal_representative(self, court: Org, debtor: Person | Organization) -> Person | None:
        if not isinstance(debtor, Organization):
            return None
        if debtor.credit_code not in self.representatives:
            self.representatives[debtor.credit_code] = representative(
                self.rng, debtor, court.jurisdiction
            )
        return self.representatives[debtor.credit_code]

    async def issue(
        self,
        court: Org,
        payload: ListDishonestDebtor | RestrictConsumption,
        kind: SanctionKind,
        now: datetime,
        open_ended: bool = False,
    ) -> None:
        msg = command(court, payload, payload.case_number, now)
        await self.send(msg)
        self.issued.append(
            Issued(court, payload.case_number, msg.envelope.event_id, kind, open_ended)
        )

    async def list_debtor(self, now: datetime) -> bool:
        """纳入失信被执行人名单 of a recent case's debtor."""
        found = self.sanctionable(SanctionKind.LISTING)
        if found is None:
            return False
        court, case = found
        representative = self.legal_representative(court, case.debtors[0])
        restricted = {
            i.case_number for i in self.issued if i.kind == SanctionKind.CONSUMPTION_RESTRICTION
        }
        if case.case_number not in restricted:  # a listed debtor is always restricted
            await self.issue(
                court,
                restriction(case, representative, now.date()),
                SanctionKind.CONSUMPTION_RESTRICTION,
                now,
            )
        cmd = listing(self.rng, court, case, self.catalogue, representative, now.date())
        open_ended = all(self.catalogue.ground(g).term_years is None for g in cmd.grounds)
        await self.issue(court, cmd, SanctionKind.LISTING, now, open_ended)
        return True

    async def restrict(self, now: datetime) -> bool:
        """限制消费令 against an organization debtor, binding its legal representative."""
        found = self.sanctionable(SanctionKind.CONSUMPTION_RESTRICTION, organizations=True)
        if found is None:
            return False
        court, case = found
        cmd = restriction(case, self.legal_representative(court, case.debtors[0]), now.date())
        await self.issue(court, cmd, SanctionKind.CONSUMPTION_RESTRICTION, now)
        return True

    async def lift(self, now: datetime) -> bool:
        """删除 / 屏蔽 one of the older listings or restrictions, by its id."""
        older = self.issued[: len(self.issued) // 2]
        if not older:
            return False
        issued = self.rng.choice(older)
        listed = {i.case_number for i in self.issued if i.kind == SanctionKind.LISTING}
        if issued.kind == SanctionKind.CONSUMPTION_RESTRICTION and issued.case_number in listed:
            return False  # a listed debtor stays restricted
        ground = lift_ground(self.rng, issued, self.catalogue)
        cmd = LiftSanction(
            case_number=issued.case_number, sanction_id=issued.sanction_id, ground=ground
        )
        await self.send(command(issued.court, cmd, issued.case_number, now))
        self.issued.remove(issued)
        return True

    async def on_result(self, raw: Any) -> None:
        """Freeze or seize the first holding a result names, within the statutory term."""
        court = self.courts.get(raw.subject.rsplit(".", 1)[1])
        result = parse_message(raw.data).data
        found = [(a.bureau, h) for a in result.answers for h in a.holdings]
        if court is None or not found or result.from_cache:
            return
        bureau, holding = found[0]
        measure = Measure.SEIZE if holding.kind in ("real_estate", "vehicle") else Measure.FREEZE
        freeze = FreezeProperty(
            case_number=result.case_number,
            bureau=bureau,
            holding=holding,
            measure=measure,
            amount=min(holding.value or 1, 50_000),
            term_days=300,
            documents=documents(court, result.case_number),
        )
        msg = command(court, freeze, result.case_number, datetime.now(UTC))
        self.frozen[str(msg.envelope.event_id)] = (court, result.case_number, freeze.amount)
        await self.send(msg)

    async def on_report(self, raw: Any) -> None:
        """Now and then a ruling finds a freeze in effect excessive (超标的): the court orders
        a fifth of it released, by seven days from the ruling (强制执行股权规定 第五条)."""
        report = parse_message(raw.data).data
        known = self.frozen.pop(str(report.control_id), None)
        if known is None or report.status != ControlStatus.APPLIED:
            return
        court, case_number, amount = known
        excess = (amount / 5).quantize(Decimal("0.01"))
        if excess <= 0 or self.rng.random() >= self.EXCESS_RATE:
            return
        now = datetime.now(UTC)
        cmd = ReleaseExcess(
            case_number=case_number,
            control_id=report.control_id,
            amount=excess,
            ruling_effective_on=now.date(),
            reason="冻结数额明显超出执行标的额，裁定解除超出部分",
            documents=documents(court, case_number),
        )
        await self.send(command(court, cmd, case_number, now))


def documents(court: Org, case_number: str) -> CourtDocuments:
    """The ruling and notice of assistance a control order rests on, with the seal reference."""
    return CourtDocuments(
        ruling_number=f"{case_number}之一",
        assistance_notice_number=f"{case_number}之一（协助执行通知书）",
        seal_reference=f"{court.code}-ESEAL-{uuid.uuid4().hex[:12].upper()}",
    )


BANKRUPTCY_EVERY = 4
"""Every fourth message of the simulated courts is a step of a bankruptcy (0: none)."""
MECHANISM_EVERY = 2
"""Every second message is a step of the joint mechanism's units, office or leading group, when
it is not a bankruptcy's (0: none; services/cli/simulate_risk.py)."""
REPORTING_EVERY = 5
"""Every fifth message is a step of the units' monthly reports while the run's plan lasts, when
it is not a bankruptcy's (0: none; services/cli/simulate_reporting.py)."""


async def run_courts(
    nats_url: str,
    rate: float,
    invalid: float,
    count: int,
    seed: int,
    bankruptcy_every: int = BANKRUPTCY_EVERY,
    mechanism_every: int = MECHANISM_EVERY,
    reporting_every: int = REPORTING_EVERY,
) -> int:
    """Send `count` messages (0: until stopped); spans go where the `OTEL_*` variables say."""
    provider = configure_tracing("courts")
    try:
        return await _send_until(
            nats_url,
            rate,
            invalid,
            count,
            seed,
            bankruptcy_every,
            mechanism_every,
            reporting_every,
        )
    finally:
        provider.shutdown()


async def _send_until(
    nats_url: str,
    rate: float,
    invalid: float,
    count: int,
    seed: int,
    bankruptcy_every: int,
    mechanism_every: int = 0,
    reporting_every: int = 0,
) -> int:
    from services.cli.simulate_reporting import Reporting
    from services.cli.simulate_risk import Mechanism  # it builds on this module's helpers

    nc = await nats.connect(servers=nats_url.split(","), name="simulated-courts")
    courts = Courts(nc.jetstream(), random.Random(seed), invalid)
    bankruptcies = Bankruptcies(courts, random.Random(seed + 1))
    mechanism = Mechanism(random.Random(seed + 2))
    reporting = Reporting(random.Random(seed + 3))
    warned: set[str] = set()
    with contextlib.suppress(nats.errors.Error):  # no bankruptcy stream yet: start from 1
        bankruptcies.serials = await last_petition_serials(courts.js, list(courts.courts.values()))
    year = datetime.now(UTC).year
    courts.serials = await last_serials(courts.js, list(courts.courts.values()), year)
    await nc.subscribe("enforcement.notice.property_result.v1.*", cb=courts.on_result)
    await nc.subscribe("enforcement.notice.control_report.v1.*", cb=courts.on_report)
    sent = 0
    try:
        while count <= 0 or sent < count:
            try:
                turn = bankruptcy_every > 0 and sent % bankruptcy_every == bankruptcy_every - 1
                joint = mechanism_every > 0 and sent % mechanism_every == mechanism_every - 1
                monthly = reporting_every > 0 and sent % reporting_every == reporting_every - 1
                if turn and await bankruptcies.step():
                    pass  # a bankruptcy's step went out
                elif monthly and (report := reporting.next_message(datetime.now(UTC))):
                    await send_or_warn(courts, report, warned)
                elif joint:
                    await send_or_warn(courts, mechanism.next_message(datetime.now(UTC)), warned)
                else:
                    await courts.step()
            except nats.errors.Error as e:  # the server may be starting or failing over
                print(f"publish failed, will go on: {e!r}", flush=True)
                await asyncio.sleep(1.0)
                continue
            sent += 1
            await asyncio.sleep(1.0 / rate if rate > 0 else 0)
    finally:
        await nc.drain()
    return sent


async def send_or_warn(courts: Courts, msg: Message[Any], warned: set[str]) -> None:
    """Publish; without its context's stream (no server has made it yet) the message is lost
    and that is said once per context."""
    try:
        await courts.send(msg)
    except nats.errors.NoRespondersError:
        context = msg.envelope.type.split(".", 1)[0]
        if context not in warned:
            print(f"no {stream_name(context)} stream yet: its messages are not stored", flush=True)
            warned.add(context)


# ---- 破产府院联动: bankruptcies of companies the courts enforce against --------------------------

BANKRUPTCY_SPAN_DAYS = 90
"""A simulated bankruptcy is filed this many days before today, so that its whole procedure —
the claims period of at least 30 days, the first meeting after it, deregistration within ten days
of the termination — lies in the past and shows in a demonstration, one step a tick."""
REJECTION_RATE = 0.1
"""Share of petitions the court rejects (不予受理, 第十二条第一款)."""
SMALL_ESTATE_RATE = 0.4
"""Share of bankruptcies whose estate cannot pay the costs: the administrator applies for
expense aid (破产费用保障资金)."""
AD_HOC = (
    ("asset_disposal", "transfer_registration", "协助办理债务人名下不动产及车辆的解封与转移登记"),
    ("tax", "invoices_and_status", "为管理人代开发票并解除非正常户认定"),
    ("livelihood_employees", "reemployment", "组织失业职工参加就业培训及招聘对接"),
)
"""What an administrator asks for ad hoc (topic, item, request)."""


def administrator_kind(name: str) -> AdministratorKind:
    """The kind of firm an administrator of the registry is, by its name."""
    if "会计师" in name:
        return AdministratorKind.ACCOUNTING_FIRM
    if "清算" in name:
        return AdministratorKind.LIQUIDATION_FIRM
    return AdministratorKind.LAW_FIRM


@dataclass
class Bankruptcy:
    """One simulated bankruptcy: who, its numbers, its first day, and how far it has gone."""

    court: Org
    higher_court: Org
    debtor: Organization
    administrator: Org
    serial: int
    filed_on: date
    rejected: bool
    small_estate: bool
    ad_hoc: tuple[str, str, str]
    application_id: uuid.UUID
    done: int = 0
    """Steps sent so far."""

    @property
    def petition_number(self) -> str:
        return f"（{self.filed_on.year}）{self.court.case_code}破申{self.serial}号"

    @property
    def number(self) -> str:
        return f"（{self.day(7).year}）{self.court.case_code}破{self.serial}号"

    def day(self, offset: int) -> date:
        return self.filed_on + timedelta(days=offset)

    def steps(self) -> list[tuple[Org, Any, str]]:
        """Every message of the case, in order: (sender, payload, the envelope's case number)."""
        first = [(self.court, self.petition(), self.petition_number)]
        if self.rejected:
            reject = RejectPetition(
                case_number=self.petition_number,
                ruled_on=self.day(10),
                served_on=self.day(11),
                reason="债务人不能证明其不能清偿到期债务且明显缺乏清偿能力",
            )
            return [*first, (self.court, reject, self.petition_number)]
        court, admin, n = self.court, self.administrator, self.number
        announced, deadline = self.day(10), self.day(45)
        out: list[tuple[Org, Any, str]] = [
            *first,
            (court, self.acceptance(), n),
            (court, NotifyCreditors(case_number=n, announced_on=announced), n),
            (court, SetClaimsDeadline(case_number=n, claims_deadline=deadline), n),
            (admin, self.employee_claims(), n),
            (admin, self.request(), n),
        ]
        if self.small_estate:
            out += self.expense_aid()
        out += [
            (
                court,
                RecordCreditorsMeeting(
                    case_number=n, held_on=self.day(50), summary="第一次债权人会议核查债权表"
                ),
                n,
            ),
            (court, DeclareBankrupt(case_number=n, declared_on=self.day(60)), n),
            (
                court,
                RecordDistribution(
                    case_number=n, made_on=self.day(75), amount=Decimal("86000.00"), final=True
                ),
                n,
            ),
            (
                court,
                TerminateProceedings(
                    case_number=n,
                    terminated_on=self.day(80),
                    ground=TerminationGround.FINAL_DISTRIBUTION,
                ),
                n,
            ),
            (
                admin,
                ReportDeregistration(
                    case_number=n,
                    deregistered_on=self.day(86),
                    authority=f"{self.court.name.removesuffix('人民法院')}市场监督管理局",
                ),
                n,
            ),
            (court, DischargeAdministrator(case_number=n, discharged_on=self.day(87)), n),
        ]
        return out

    def petition(self) -> FileBankruptcyPetition:
        d = self.debtor
        return FileBankruptcyPetition(
            case_number=self.petition_number,
            filed_on=self.filed_on,
            debtor=Debtor(
                name=d.name, credit_code=d.credit_code, legal_representative=d.legal_representative
            ),
            petitioner=PetitionerKind.DEBTOR,
            petitioner_name=d.name,
            procedure=Procedure.LIQUIDATION,
        )

    def acceptance(self) -> AcceptPetition:
        admin = self.administrator
        return AcceptPetition(
            case_number=self.number,
            petition_case_number=self.petition_number,
            accepted_on=self.day(7),
            procedure=Procedure.LIQUIDATION,
            administrator=Administrator(
                code=admin.code,
                name=admin.name,
                kind=administrator_kind(admin.name),
                lead_person="李明",
                contact=f"{admin.name}，0379-6{self.serial % 1000:03d}8866",
                appointed_on=self.day(7),
            ),
        )

    def employee_claims(self) -> PublishEmployeeClaims:
        return PublishEmployeeClaims(
            case_number=self.number,
            published_on=self.day(20),
            employees=36 + self.serial % 50,
            total=Decimal("1286400.00"),
            where="债务人住所地及管理人办公场所",
        )

    def request(self) -> RequestCoordination:
        topic, item, request = self.ad_hoc
        return RequestCoordination(
            case_number=self.number,
            topic=topic,
            item=item,
            request=request,
            requested_on=self.day(22),
        )

    def expense_aid(self) -> list[tuple[Org, Any, str]]:
        """Applied for by the administrator, reviewed by the court, then by the higher court
        (which asks the finance bureau to decide: the simulated bureaus decide and pay)."""
        n, app = self.number, self.application_id
        apply = ApplyExpenseAid(
            case_number=n,
            application_id=app,
            applied_on=self.day(25),
            fee_part=Decimal("30000.00"),
            costs=Decimal("20000.00"),
            estate_value=Decimal("8000.00"),
            advance_offered=False,
            complex_case=False,
            reason="债务人财产不足以支付破产费用，无人垫付",
        )

        def review(stage: ReviewStage, on: int) -> ReviewExpenseAid:
            return ReviewExpenseAid(
                case_number=n,
                application_id=app,
                stage=stage,
                reviewed_on=self.day(on),
                passed=True,
                opinion="符合破产费用保障资金使用条件",
            )

        return [
            (self.administrator, apply, n),
            (self.court, review(ReviewStage.INITIAL, 27), n),
            (self.higher_court, review(ReviewStage.HIGHER, 30), n),
        ]


PETITION_SERIAL = re.compile(r"^（(\d{4})）.+破申(\d+)号$")


async def last_petition_serials(js: Any, courts: list[Org]) -> dict[str, int]:
    """Court → the serial of the last petition it filed, read from the stream (any year: a
    simulated petition is dated 90 days back), so a new run files new case numbers."""
    found: dict[str, int] = {}
    for court in courts:
        where = subject(FileBankruptcyPetition.TYPE, court.code)
        for last in await last_commands(js, stream_name("bankruptcy"), where):
            envelope = peek_envelope(last)
            matched = PETITION_SERIAL.match((envelope and envelope.case_number) or "")
            serial = int(matched[2]) if matched else 0
            found[court.code] = max(found.get(court.code, 0), serial)
    return found


class Bankruptcies:
    """Simulated courts and administrators running bankruptcies of organizations the courts
    have enforcement cases against: one step of one case per call, a new case now and then."""

    OPEN = 3
    """Cases running at once."""

    def __init__(self, courts: Courts, rng: random.Random) -> None:
        self.courts, self.rng = courts, rng
        self.registry = Registry.load()
        self.open: list[Bankruptcy] = []
        self.debtors: set[str] = set()
        """Credit codes of companies that went bankrupt here."""
        self.serials: dict[str, int] = {}
        self.warned = False

    def higher(self, court: Org) -> Org:
        """The court of the nearest jurisdiction above (the higher court's review)."""
        courts = {o.jurisdiction: o for o in self.registry.courts()}
        for place in self.registry.ancestors(court.jurisdiction)[1:]:
            if place.code in courts:
                return courts[place.code]
        return court

    def administrator(self, court: Org) -> Org:
        """One of the administrators on a roster that covers the court, else any."""
        every = [o for o in self.registry if o.kind == OrgKind.ADMINISTRATOR]
        near = [o for o in every if self.registry.within(court.jurisdiction, o.jurisdiction)]
        return self.rng.choice(near or every)

    def new_case(self, today: date) -> Bankruptcy | None:
        """A bankruptcy of an organization debtor of a registered enforcement case."""
        found = [
            (court, case.debtors[0])
            for court, case in self.courts.cases
            if isinstance(case.debtors[0], Organization)
            and case.case_number not in self.courts.spoiled
            and case.debtors[0].credit_code not in self.debtors
        ]
        if not found:
            return None
        court, debtor = self.rng.choice(found)
        assert isinstance(debtor, Organization)
        self.debtors.add(debtor.credit_code)
        self.serials[court.code] = self.serials.get(court.code, 0) + 1
        return Bankruptcy(
            court=court,
            higher_court=self.higher(court),
            debtor=debtor,
            administrator=self.administrator(court),
            serial=self.serials[court.code],
            filed_on=today - timedelta(days=BANKRUPTCY_SPAN_DAYS),
            rejected=self.rng.random() < REJECTION_RATE,
            small_estate=self.rng.random() < SMALL_ESTATE_RATE,
            ad_hoc=self.rng.choice(AD_HOC),
            application_id=uuid.uuid4(),
        )

    def next_message(self, now: datetime) -> Message[Any] | None:
        """The next step of one running case (a new case when fewer than `OPEN` run)."""
        if len(self.open) < self.OPEN and (case := self.new_case(now.date())) is not None:
            self.open.append(case)
        if not self.open:
            return None
        case = self.rng.choice(self.open)
        steps = case.steps()
        sender, payload, number = steps[case.done]
        case.done += 1
        if case.done == len(steps):
            self.open.remove(case)
        return command(sender, payload, number, now)

    async def step(self) -> bool:
        """Send one step; False when there is nothing to send yet. Without the bankruptcy
        stream (no server has made it yet) the step is lost and said once."""
        msg = self.next_message(datetime.now(UTC))
        if msg is None:
            return False
        try:
            await self.courts.send(msg)
        except nats.errors.NoRespondersError:
            if not self.warned:
                print("no BANKRUPTCY stream yet: bankruptcy steps are not stored", flush=True)
                self.warned = True
        return True
