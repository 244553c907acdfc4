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

from contracts.enforcement import Organization, Person, RegisterCase
from contracts.envelope import Envelope, Message
from contracts.ids import (
    credit_code_check_character,
    organization_code_check_character,
    resident_id_check_character,
)
from contracts.organizations import Organization as Org
from contracts.organizations import Registry
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


async def run_courts(nats_url: str, rate: float, invalid: float, count: int, seed: int) -> int:
    rng = random.Random(seed)
    courts = [c for c in Registry.load().courts() if c.case_code]
    nc = await nats.connect(servers=nats_url.split(","), name="simulated-courts")
    js = nc.jetstream()
    sent = 0
    try:
        while count <= 0 or sent < count:
            court = rng.choice(courts)
            msg = register_case(rng, court, rng.randrange(1, 99999), datetime.now(UTC))
            body = msg.model_dump_json().encode()
            if rng.random() < invalid:
                body = spoil(rng, body)
            try:
                await js.publish(subject(msg.envelope.type, court.code), body,
                                 headers={"Nats-Msg-Id": str(msg.envelope.event_id)})  # fmt: skip
            except nats.errors.Error as e:  # the server may be starting or failing over
                print(f"publish failed, will go on: {e!r}", flush=True)
                await asyncio.sleep(1.0)
                continue
            sent += 1
            await asyncio.sleep(1.0 / rate if rate > 0 else 0)
    finally:
        await nc.drain()
    return sent
