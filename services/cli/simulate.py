"""Simulated courts: register enforcement cases, some of them wrong, so a newcomer sees flows."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import nats
import nats.errors

from contracts.enforcement import (
    CloseWithoutProperty,
    FreezeProperty,
    Measure,
    Organization,
    Person,
    QueryProperty,
    RegisterCase,
)
from contracts.envelope import Envelope, Message
from contracts.ids import (
    credit_code_check_character,
    organization_code_check_character,
    resident_id_check_character,
)
from contracts.organizations import Organization as Org
from contracts.organizations import Registry
from contracts.registry import parse_message
from contracts.subjects import subject

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛"]
FIRMS = ["洛阳市瀛洲建材有限公司", "河南伊洛商贸有限公司", "汝州市汝瓷文化发展有限公司",
         "洛阳龙门物流有限公司", "栾川县钼业贸易有限公司", "偃师区三彩工艺品有限公司"]  # fmt: skip
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
    return Organization(name=rng.choice(FIRMS), credit_code=credit_code(rng, region),
                        legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN))  # fmt: skip


def register_case(rng: random.Random, court: Org, seq: int, now: datetime) -> Message[Any]:
    region = court.jurisdiction
    cmd = RegisterCase(
        case_number=f"（{now.year}）{court.case_code}执{seq}号",
        filed_on=now.date() - timedelta(days=rng.randrange(0, 30)),
        debtors=[party(rng, region)], applicants=[party(rng, region)],
        amount=Decimal(rng.randrange(5_000_00, 5_000_000_00)) / 100,
    )  # fmt: skip
    event_id = uuid.uuid4()
    env = Envelope(event_id=event_id, type=cmd.TYPE, occurred_at=now, organization=court.code,
                   officer=f"{court.code}-{rng.randrange(1, 40):03d}", correlation_id=event_id,
                   case_number=cmd.case_number)  # fmt: skip
    return Message[RegisterCase](envelope=env, data=cmd)


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
    env = Envelope(event_id=event_id, type=payload.TYPE, occurred_at=now, organization=court.code,
                   correlation_id=event_id, case_number=case_number)  # fmt: skip
    return Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]


class Courts:
    """Simulated courts: register cases, query their debtors' property, freeze what is found,
    close some cases for lack of property (终本). Some messages are deliberately wrong."""

    def __init__(self, js: Any, rng: random.Random, invalid: float) -> None:
        self.js, self.rng, self.invalid = js, rng, invalid
        self.courts = {c.code: c for c in Registry.load().courts() if c.case_code}
        self.cases: list[tuple[Org, RegisterCase]] = []

    async def send(self, msg: Message[Any], spoilable: bool = False) -> None:
        body = msg.model_dump_json().encode()
        if spoilable and self.rng.random() < self.invalid:
            body = spoil(self.rng, body)
        await self.js.publish(subject(msg.envelope.type, msg.envelope.organization), body,
                              headers={"Nats-Msg-Id": str(msg.envelope.event_id)})  # fmt: skip

    async def step(self) -> None:
        now, roll = datetime.now(UTC), self.rng.random()
        if not self.cases or roll < 0.5:
            court = self.rng.choice(list(self.courts.values()))
            msg = register_case(self.rng, court, self.rng.randrange(1, 99999), now)
            self.cases.append((court, msg.data))
            await self.send(msg, spoilable=True)
        elif roll < 0.9:
            court, case = self.rng.choice(self.cases[-50:])
            query = QueryProperty(case_number=case.case_number, debtor=case.debtors[0])
            await self.send(command(court, query, case.case_number, now))
        else:
            court, case = self.rng.choice(self.cases[-50:])
            close = CloseWithoutProperty(case_number=case.case_number, closed_on=now.date())
            await self.send(command(court, close, case.case_number, now))

    async def on_result(self, raw: Any) -> None:
        """Freeze or seize the first holding a result names, within the statutory term."""
        court = self.courts.get(raw.subject.rsplit(".", 1)[1])
        result = parse_message(raw.data).data
        found = [(a.bureau, h) for a in result.answers for h in a.holdings]
        if court is None or not found or result.from_cache:
            return
        bureau, holding = found[0]
        measure = Measure.SEIZE if holding.kind in ("real_estate", "vehicle") else Measure.FREEZE
        freeze = FreezeProperty(case_number=result.case_number, bureau=bureau, holding=holding,
                                measure=measure, amount=min(holding.value or 1, 50_000),
                                term_days=300)  # fmt: skip
        await self.send(command(court, freeze, result.case_number, datetime.now(UTC)))


async def run_courts(nats_url: str, rate: float, invalid: float, count: int, seed: int) -> int:
    nc = await nats.connect(servers=nats_url.split(","), name="simulated-courts")
    courts = Courts(nc.jetstream(), random.Random(seed), invalid)
    await nc.subscribe("enforcement.notice.property_result.v1.*", cb=courts.on_result)
    sent = 0
    try:
        while count <= 0 or sent < count:
            try:
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
