"""模拟府 — simulated bureaus: every property bureau of the registry answering from the dataset,
and every bureau that enforces joint sanctions (失信联合惩戒) acknowledging its notices.

Each bureau runs a `BureauClient` (its own connection, its own durable consumer), all in one
process on one asyncio loop. A property query is answered with what `dataset.holdings` says the
bureau holds of the debtor; a control order is applied, queued (轮候) when the holding is
already encumbered by another authority, or now and then refused with a reason a bureau gives. A
queued freeze or seizure is reported again some seconds later (`queue_ms`): taken effect on that
day (the measure before it ended), or now and then lapsed (`disposed_rate`: that authority disposed
of the property in full).
A sanction notice is acknowledged applied with the bureau's record number, or now and then
refused (查无此人 …); a lift notice is confirmed lifted.
Answers take `latency_ms` on average (±50 %), and a share `failure_rate` of notices is never
answered, so deadlines (答复期限), unanswered bureaus (未答复) and overdue acknowledgements
(逾期未回执) show up.

Every choice is a function of the seed and the notice: run it again, get the same answers.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from contracts.enforcement import (
    HELD_BY,
    Action,
    ControlOrder,
    Outcome,
    PropertyKind,
    PropertyQueryNotice,
)
from contracts.enforcement.sanctions import AckOutcome, LiftNotice, SanctionNotice
from contracts.envelope import Message
from contracts.organizations import PROPERTY_KINDS, Capability, Organization, Registry
from services.bureaus.client import BureauClient, Handler, stable, utc_now
from services.bureaus.dataset import holdings, rng_for
from services.bureaus.replies import acknowledge, answer, later, outcome

log = structlog.get_logger("fuyuan.bureau.simulator")


@dataclass(frozen=True)
class Behaviour:
    """How the simulated bureaus behave."""

    latency_ms: float = 300.0
    """Mean time to answer, in milliseconds; each answer takes 50 % to 150 % of it."""
    failure_rate: float = 0.05
    """Share of notices never answered (to show deadlines)."""
    refusal_rate: float = 0.05
    """Share of freeze, seize and deduct orders, and of sanction notices, refused."""
    seed: int = 7
    """Seed of the dataset and of every choice."""
    queue_ms: float = 5000.0
    """Mean time until a queued control (轮候) is reported: the measure before it ended, so it
    took effect, or the property was disposed of, so it lapsed."""
    disposed_rate: float = 0.25
    """Share of queued controls reported lapsed because the property was disposed of in full."""


# ---- control orders --------------------------------------------------------------------------

REFUSALS: dict[PropertyKind, tuple[str, ...]] = {
    PropertyKind.REAL_ESTATE: ("不动产已办理转移登记，现登记权利人非被执行人",
                               "不动产权证书号与登记簿记载不符"),
    PropertyKind.VEHICLE: ("车辆已办理注销登记", "车辆已办理转移登记，现所有人非被执行人"),
    PropertyKind.EQUITY: ("公司已办理注销登记", "被执行人已非该公司股东（股权已变更登记）"),
    PropertyKind.DEPOSIT: ("账户已销户", "账户户名与被执行人不符",
                           "该账户为社会保障卡金融账户，依法不得冻结"),
    PropertyKind.FINANCIAL_PRODUCT: ("理财产品已到期兑付，资金已转入活期账户", "理财账户已销户"),
    PropertyKind.SECURITIES: ("证券账户已销户", "资金账号与证件号码不符"),
    PropertyKind.SECURITIES_CASH: ("资金账号已销户", "客户交易结算资金账户户名与被执行人不符"),
    PropertyKind.PROVIDENT_FUND: ("公积金账户已销户（已提取转出）", "公积金账户已转移至异地"),
    PropertyKind.ONLINE_FUNDS: ("支付账户已注销", "支付账户未完成实名认证，无法核实身份"),
    PropertyKind.SHIP: ("船舶已办理注销登记", "船舶已办理所有权转移登记，现所有人非被执行人"),
    PropertyKind.INSURANCE: ("保险合同已解除（已退保）", "被执行人非该保单投保人"),
}  # fmt: skip
DEDUCT_REFUSAL = "账户可用余额不足，无法扣划"
QUEUED = "该财产已被其他机关{m}，本次{m}登记为轮候{m}，自在先{m}解除之日起自动生效"
DOCUMENT_WORDS = {
    Action.FREEZE: "冻",
    Action.SEIZE: "封",
    Action.RENEW: "续",
    Action.RELEASE: "解",
    Action.DEDUCT: "扣",
    Action.RELEASE_EXCESS: "解",
}


def control_outcome(
    order: ControlOrder, bureau: str, *, seed: int, refusal_rate: float, now: datetime
) -> tuple[Outcome, str | None, str | None]:
    """(outcome, bureau reference, reason) of a control order: renewals and releases are
    applied; a freeze, seizure or deduction is refused at `refusal_rate` with a realistic
    reason, and a freeze or seizure of an encumbered holding is queued 轮候."""
    rng = rng_for(seed, "control", bureau, order.order_id)
    kind, action = order.holding.kind, order.action
    if action in (Action.FREEZE, Action.SEIZE, Action.DEDUCT) and rng.random() < refusal_rate:
        if action == Action.DEDUCT and kind in (PropertyKind.DEPOSIT, PropertyKind.ONLINE_FUNDS):
            return Outcome.REFUSED, None, DEDUCT_REFUSAL
        return Outcome.REFUSED, None, rng.choice(REFUSALS[kind])
    reference = f"（{now.year}）{bureau}{DOCUMENT_WORDS[action]}字第{rng.randrange(1, 10**6):06d}号"
    if action in (Action.FREEZE, Action.SEIZE) and order.holding.encumbered:
        measure = "冻结" if action == Action.FREEZE else "查封"
        return Outcome.QUEUED, reference, QUEUED.format(m=measure)
    return Outcome.APPLIED, reference, None


DISPOSED = "在先{m}机关已将该财产整体处置，本次轮候{m}失效"


def queue_outcome(
    order: ControlOrder, bureau: str, *, seed: int, disposed_rate: float
) -> tuple[Outcome, str | None]:
    """(outcome, reason) of a queued freeze or seizure when the registry reports it: taken effect
    (the earlier authority's measure ended), or at `disposed_rate` lapsed (it disposed of the
    property in full, 法发〔2004〕5号 第二十条)."""
    rng = rng_for(seed, "queue", bureau, order.order_id)
    if rng.random() < disposed_rate:
        measure = "冻结" if order.action == Action.FREEZE else "查封"
        return Outcome.LAPSED, DISPOSED.format(m=measure)
    return Outcome.TOOK_EFFECT, None


# ---- sanction notices 联合惩戒 ---------------------------------------------------------------

SANCTION_REFUSALS = {
    "person": ("查无此人：该公民身份号码在本系统无登记记录",
               "被执行人姓名与公民身份号码不一致，无法核实身份",
               "该公民身份号码已注销，请核实后重新推送"),
    "organization": ("查无此单位：该统一社会信用代码在本系统无登记记录",
                     "该单位已办理注销登记，无法实施惩戒措施",
                     "单位名称与统一社会信用代码不一致，无法核实主体"),
}  # fmt: skip
"""Why a bureau refuses a sanction notice, by whom the notice binds first."""


def number(rng: random.Random) -> str:
    """A bureau's six-digit record number."""
    return f"{rng.randrange(1, 10**6):06d}"


def sanction_outcome(
    notice: SanctionNotice | LiftNotice,
    bureau: str,
    *,
    seed: int,
    refusal_rate: float,
    now: datetime,
) -> tuple[AckOutcome, str | None, str | None]:
    """(outcome, bureau reference, reason) of a sanction or lift notice: a lift is confirmed;
    a sanction is applied with the bureau's record number, or refused at `refusal_rate` with
    the reason a bureau gives when it cannot find the party (查无此人 …)."""
    rng = rng_for(seed, "sanction", bureau, notice.notice_id)
    if isinstance(notice, LiftNotice):
        return AckOutcome.LIFTED, f"（{now.year}）{bureau}解惩字第{number(rng)}号", None
    if rng.random() < refusal_rate:
        party = notice.bound[0].party
        return AckOutcome.REFUSED, None, rng.choice(SANCTION_REFUSALS[party.kind])
    return AckOutcome.APPLIED, f"（{now.year}）{bureau}惩字第{number(rng)}号", None


# ---- the handler -----------------------------------------------------------------------------


def asked_kinds(bureau: Organization, notice: PropertyQueryNotice) -> list[PropertyKind]:
    """The kinds asked that the bureau handles."""
    handled = {kind for kind, capability in HELD_BY.items() if capability in bureau.handles}
    return [kind for kind in notice.kinds if kind in handled]


Report = Callable[[Message[Any]], Awaitable[None]]
"""Publishes a reply the bureau makes of its own accord (`BureauClient.report`)."""


def simulated_handler(
    bureau: Organization,
    behaviour: Behaviour,
    *,
    clock: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    report: Report | None = None,
) -> Handler:
    """The handler of one simulated bureau. With `report`, a queued control is later reported
    taken effect or lapsed, `queue_ms` on average after it was queued."""
    code, seed = bureau.code, behaviour.seed
    reporting: set[asyncio.Task[None]] = set()

    async def report_queue(notice: Message[ControlOrder]) -> None:
        assert report is not None
        rng = rng_for(seed, "queue-delay", code, notice.data.order_id)
        await sleep(behaviour.queue_ms / 1000 * rng.uniform(0.5, 1.5))
        result, reason = queue_outcome(
            notice.data, code, seed=seed, disposed_rate=behaviour.disposed_rate
        )
        now = clock()
        effective = now.date() if result is Outcome.TOOK_EFFECT else None
        try:
            await report(later(notice, result, code, now, effective, reason))
        except Exception as exc:  # the connection closed meanwhile: the report is not made
            log.info("simulated bureau could not report a queue", org=code, error=repr(exc))

    def queued(notice: Message[ControlOrder]) -> None:
        if report is None:
            return
        task = asyncio.get_running_loop().create_task(report_queue(notice))
        reporting.add(task)
        task.add_done_callback(reporting.discard)

    async def handle(notice: Message[Any]) -> Message[Any] | None:
        rng = rng_for(seed, "notice", code, notice.envelope.event_id)
        if rng.random() < behaviour.failure_rate:
            log.info(
                "simulated bureau leaves a notice unanswered",
                org=code,
                event_id=str(notice.envelope.event_id),
            )
            return None
        await sleep(behaviour.latency_ms / 1000 * rng.uniform(0.5, 1.5))
        data = notice.data
        if isinstance(data, PropertyQueryNotice):
            found = holdings(seed, code, data.debtor, asked_kinds(bureau, data))
            return stable(answer(notice, found, code, clock()), notice)
        if isinstance(data, ControlOrder):
            result, reference, reason = control_outcome(
                data, code, seed=seed, refusal_rate=behaviour.refusal_rate, now=clock()
            )
            if result is Outcome.QUEUED:
                queued(notice)
            return stable(outcome(notice, result, code, clock(), reference, reason), notice)
        if isinstance(data, SanctionNotice | LiftNotice):
            acked, reference, reason = sanction_outcome(
                data, code, seed=seed, refusal_rate=behaviour.refusal_rate, now=clock()
            )
            return stable(acknowledge(notice, acked, code, clock(), reference, reason), notice)
        return None  # a notice of another kind: nothing a simulated bureau answers

    return handle


# ---- running them ----------------------------------------------------------------------------


SIMULATED = PROPERTY_KINDS | {Capability.CREDIT_SANCTION}
"""What a simulated bureau answers: property queries and control orders, sanction notices."""


def property_bureaus(registry: Registry, codes: Sequence[str] = ()) -> list[Organization]:
    """Every bureau that handles a property kind or enforces joint sanctions (credit_sanction),
    or those of `codes` (each must be one)."""
    every = {org.code: org for org in registry.bureaus() if org.handles & SIMULATED}
    if not codes:
        return list(every.values())
    unknown = [code for code in codes if code not in every]
    if unknown:
        raise ValueError(
            "not a bureau that handles a property kind or credit_sanction: " + ", ".join(unknown)
        )
    return [every[code] for code in dict.fromkeys(codes)]


async def _report(clients: list[BureauClient], index: int, reply: Message[Any]) -> None:
    await clients[index].report(reply)


async def run_bureaus(
    nats_url: str,
    bureaus: Sequence[Organization],
    behaviour: Behaviour,
    stop: asyncio.Event,
    **client_options: Any,
) -> dict[str, collections.Counter[str]]:
    """Run one client per bureau until `stop` is set; returns each bureau's counts."""
    options = {"concurrency": 16, **client_options}
    clients: list[BureauClient] = []
    for b in bureaus:
        # the handler reports through its own client, made just after it
        send = functools.partial(_report, clients, len(clients))
        clients.append(
            BureauClient(b.code, nats_url, simulated_handler(b, behaviour, report=send), **options)
        )
    async with asyncio.TaskGroup() as group:
        for client in clients:
            group.create_task(client.run(stop), name=f"bureau-{client.org}")
    return {client.org: client.stats for client in clients}
