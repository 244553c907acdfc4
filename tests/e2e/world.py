"""The court, the bureaus and the enforcement service under test, on a clock the test moves."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from nats.aio.client import Client

from contracts.enforcement import ALL_KINDS, HELD_BY, Holding, Outcome, PropertyKind
from contracts.enforcement.sanctions import AckOutcome, SanctionAck
from contracts.envelope import Envelope, Message
from contracts.organizations import Registry
from contracts.registry import parse_message
from services.bureaus.replies import answer, later, outcome, reply_to, subject_of
from services.cli.simulate import register_case
from services.enforcement.deadlines import Deadlines
from services.enforcement.handlers import Handlers
from services.enforcement.main import settings
from services.runtime.host import RunningService, ServiceSpec, start_service
from services.runtime.settings import RuntimeSettings

COURT = "CT410482"
T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Heard:
    """What arrived on the subjects a test listens to (`take` is the subscription's
    callback), and waiting for it: each e2e party keeps one."""

    seen: list[tuple[str, dict[str, Any]]] = field(default_factory=list, kw_only=True)

    async def take(self, raw: Any) -> None:
        self.seen.append((raw.subject, json.loads(raw.data)))

    def received(self, name: str, to: str | None = None) -> list[dict[str, Any]]:
        """The messages named `name` (e.g. `event.petition_accepted`) sent to `to` (any)."""
        return [
            body
            for subj, body in self.seen
            if f".{name}." in f".{subj}" and (to is None or subj.endswith(f".{to}"))
        ]

    async def wait(
        self, name: str, count: int = 1, to: str | None = None, seconds: float = 20
    ) -> list[dict[str, Any]]:
        for _ in range(int(seconds / 0.02)):
            if len(found := self.received(name, to)) >= count:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {count} {name} for {to}; seen {[s for s, _ in self.seen]}")


@contextlib.asynccontextmanager
async def served(
    spec: Callable[[Clock], ServiceSpec], nats_url: str, database_url: str
) -> AsyncIterator[tuple[RunningService, Clock]]:
    """A service under test on a clock the test moves, closed at the end."""
    clock = Clock()
    service = await start_service(
        spec(clock), RuntimeSettings(NATS_URL=nats_url, DATABASE_URL=database_url)
    )
    try:
        yield service, clock
    finally:
        await service.close()


@dataclass
class World:
    """The court's inbox, the bureaus' behaviour, and the service under test."""

    nc: Client
    service: RunningService
    clock: Clock
    court_inbox: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    notices: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    silent: set[str] = field(default_factory=set)
    holdings: dict[str, list[Holding]] = field(default_factory=dict)
    control_outcome: Outcome = Outcome.APPLIED
    in_force: dict[str, str] = field(default_factory=dict)
    """The bureau's own register: holding reference → the order in force on it."""
    queued: dict[str, list[Message[Any]]] = field(default_factory=dict)
    """Holding reference → the orders waiting on it (轮候), first first."""

    async def publish(self, msg: Message[Any], headers: dict[str, str] | None = None) -> None:
        await self.nc.jetstream().publish(
            subject_of(msg),
            msg.model_dump_json().encode(),
            headers={**(headers or {}), "Nats-Msg-Id": str(msg.envelope.event_id)},
        )

    async def command(
        self, payload: Any, org: str = COURT, headers: dict[str, str] | None = None
    ) -> Message[Any]:
        eid = uuid.uuid4()
        env = Envelope(
            event_id=eid,
            type=payload.TYPE,
            occurred_at=self.clock(),
            organization=org,
            correlation_id=eid,
            case_number=getattr(payload, "case_number", None),
        )
        msg: Message[Any] = Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc]
        await self.publish(msg, headers)
        return msg

    async def bureau(self, raw: Any) -> None:
        bureau = raw.subject.rsplit(".", 1)[1]
        self.notices.append((raw.subject, json.loads(raw.data)))
        if bureau in self.silent:
            return
        notice = parse_message(raw.data)
        if notice.envelope.type.endswith("status.v1"):
            return
        if ".sanction" in notice.envelope.type:
            lift = notice.envelope.type.endswith("sanction_lift.v1")
            ack = SanctionAck(
                notice_id=notice.data.notice_id,
                outcome=AckOutcome.LIFTED if lift else AckOutcome.APPLIED,
                bureau_reference=f"{bureau}-SX-1",
            )
            await self.publish(reply_to(notice.envelope, ack, bureau, self.clock()))
        elif notice.envelope.type.endswith("property_query.v1"):
            found = [h for h in self.holdings.get(bureau, []) if h.kind in notice.data.kinds]
            await self.publish(answer(notice, found, bureau, self.clock()))
        elif not notice.envelope.type.endswith("control_order.v1"):
            return  # exemptions, objection answers, overdue notices: nothing a bureau answers
        elif self.control_outcome is Outcome.APPLIED:
            for reply in self.register(notice, bureau):
                await self.publish(reply)
        else:
            await self.publish(
                outcome(
                    notice,
                    self.control_outcome,
                    bureau,
                    self.clock(),
                    reference=f"{bureau}-2026-0001",
                    reason=None if self.control_outcome is Outcome.APPLIED else "账户已销户",
                )
            )

    def register(self, notice: Message[Any], bureau: str) -> list[Message[Any]]:
        """Apply an order as a bureau does: a second seizure of a held item waits (轮候), and
        takes effect, reported as such, when the one in force is released."""
        ref, action = notice.data.holding.reference, notice.data.action
        if action in ("freeze", "seize") and ref in self.in_force:
            self.queued.setdefault(ref, []).append(notice)
            return [outcome(notice, Outcome.QUEUED, bureau, self.clock(), reason="轮候: 已被查封")]
        if action in ("freeze", "seize"):
            self.in_force[ref] = str(notice.data.control_id)
        out = [
            outcome(notice, Outcome.APPLIED, bureau, self.clock(), reference=f"{bureau}-2026-0001")
        ]
        if action == "release" and self.in_force.get(ref) == str(notice.data.control_id):
            del self.in_force[ref]
            if self.queued.get(ref):
                waiting = self.queued[ref].pop(0)
                self.in_force[ref] = str(waiting.data.control_id)
                now = self.clock()
                out.append(later(waiting, Outcome.TOOK_EFFECT, bureau, now, now.date()))
        return out

    async def court(self, raw: Any) -> None:
        self.court_inbox.append((raw.subject, json.loads(raw.data)))

    def received(self, name: str) -> list[dict[str, Any]]:
        return [body for subj, body in self.court_inbox if f".{name}." in subj]

    async def wait(self, name: str, count: int = 1, seconds: float = 15) -> list[dict[str, Any]]:
        for _ in range(int(seconds / 0.02)):
            if len(self.received(name)) >= count:
                return self.received(name)
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {name} for the court; it has {self.court_inbox}")

    def deadlines(self) -> Deadlines:
        w = self.service.wiring
        handlers = Handlers(w.store, Registry.load(), settings())
        return Deadlines(w.store, w.pool, "enforcement", self.clock, handlers)


def _route(w: World) -> Any:
    async def route(raw: Any) -> None:
        await (w.court(raw) if raw.subject.endswith(f".{COURT}") else w.bureau(raw))

    return route


async def registered(w: World, seq: int = 2001, debtor: Any = None) -> Message[Any]:
    reg = register_case(random.Random(11), Registry.load().get(COURT), seq, w.clock())
    change: dict[str, Any] = {"amount": Decimal("100000")}
    if debtor is not None:
        change["debtors"] = [debtor]
    reg = reg.model_copy(update={"data": reg.data.model_copy(update=change)})
    await w.publish(reg)
    await w.wait("case_registered", len(w.received("case_registered")) + 1)
    return reg


def expected_bureaus(kinds: tuple[PropertyKind, ...] = ALL_KINDS) -> set[str]:
    reg = Registry.load()
    where = reg.get(COURT).jurisdiction
    return {b.code for k in kinds for b in reg.handling(HELD_BY[k], where)}


HOUSE = Holding(
    kind=PropertyKind.REAL_ESTATE,
    reference="豫(2021)汝州市不动产权第0012345号",
    description="汝州市丹阳中路88号",
    value=Decimal("865000.00"),
)
ACCOUNT = Holding(
    kind=PropertyKind.DEPOSIT,
    reference="6222021705001234567",
    description="活期",
    value=Decimal("48210.55"),
)
