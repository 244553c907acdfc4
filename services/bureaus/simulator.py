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

Bankruptcy (破产府院联动): the lead unit of a coordination task acknowledges its notice at once,
reports progress and completes it with evidence some seconds later (`task_ms`); a share of tasks
is completed after its due day (`late_rate`, where the due day has passed) and a share is blocked
(`blocked_rate`: the lead needs others, which asks the joint office for a meeting). A co-unit has
nothing to answer. The finance bureau decides an expense-aid application (approved within the
budget left, or now and then not) and then pays what it approved. The answers carry the days of
the bankruptcy (no day before the task's, none after today), so the simulated courts' cases,
dated in the past, stay consistent.

Every choice is a function of the seed and the notice: run it again, get the same answers.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import random
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import structlog

from contracts.bankruptcy.aid import DisburseExpenseAid, ExpenseAidDecisionRequested
from contracts.bankruptcy.tasks import CoordinationTaskNotice, Document, Role
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
from contracts.organizations import (
    NOT_BUREAUS,
    PROPERTY_KINDS,
    Capability,
    Organization,
    OrgKind,
    Registry,
)
from services.bureaus.client import CONTEXTS, BureauClient, Handler, stable, utc_now
from services.bureaus.dataset import holdings, rng_for
from services.bureaus.replies import (
    acknowledge,
    acknowledge_task,
    answer,
    blocked,
    complete,
    decide_aid,
    later,
    outcome,
    progress,
    reply_to,
)

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
    task_ms: float = 4000.0
    """Mean time from a task's acknowledgement to its completion (progress comes halfway)."""
    late_rate: float = 0.2
    """Share of coordination tasks completed after their due day (where it has passed)."""
    blocked_rate: float = 0.08
    """Share of coordination tasks the lead unit reports blocked instead of completing."""
    aid_refusal_rate: float = 0.15
    """Share of expense-aid applications the finance bureau does not approve."""


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


# ---- bankruptcy: coordination tasks and expense aid -------------------------------------------

EVIDENCE = {
    "livelihood_employees": "职工债权清册及社会保险费欠缴核定表",
    "social_stability": "社会稳定风险评估报告",
    "property_takeover": "财产接管及现场安保情况说明",
    "tax": "税收债权申报书",
    "asset_disposal": "不动产转移登记办理回执",
    "financial_coordination": "管理人账户开立及解冻情况说明",
    "credit_repair": "信用修复办理回执",
    "debt_evasion": "线索核查情况通报",
    "change_deregistration": "登记状态变更及注销办理回执",
    "expense_guarantee": "破产费用保障资金拨付说明",
}
"""The document a lead unit gives as evidence, by topic."""
OBSTACLES = (
    "涉案不动产存在多轮查封，需法院与自然资源部门会商解封顺序",
    "职工安置资金缺口较大，需政府协调垫付",
    "企业账册缺失，需公安部门协助调取",
)


def answered_on(notice: CoordinationTaskNotice, today: date) -> date:
    """The day a lead unit acknowledges: its acknowledgement day, or today if that is later
    than today; never before the task (which is on or before both)."""
    return min(today, notice.acknowledge_by or notice.due_on)


def completed_on(
    notice: CoordinationTaskNotice, today: date, late: bool, rng: random.Random
) -> date:
    """On time: the due day or today, whichever comes first; late: a few days after the due
    day, where that day has passed."""
    if late and notice.due_on < today:
        return min(today, notice.due_on + timedelta(days=rng.randint(1, 5)))
    return min(today, notice.due_on)


def aid_decision(
    notice: ExpenseAidDecisionRequested, bureau: str, *, seed: int, refusal_rate: float
) -> tuple[bool, Decimal, Decimal, str]:
    """(approved, amount, fee part, opinion) of the finance bureau: what was asked, within the
    budget left, or now and then nothing."""
    rng = rng_for(seed, "aid", bureau, notice.application_id)
    asked = notice.fee_part + notice.costs
    amount = min(asked, notice.remaining_budget)
    if rng.random() < refusal_rate or amount <= 0:
        return False, Decimal(0), Decimal(0), "经审核，该案不符合破产费用保障资金使用条件"
    return True, amount, min(notice.fee_part, amount), "经审核，同意从破产费用保障资金中拨付"


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
        later_on(report_queue(notice))

    def later_on(work: Coroutine[Any, Any, None]) -> None:
        if report is None:
            work.close()  # nobody to report to: not made
            return
        task = asyncio.get_running_loop().create_task(_quietly(work))
        reporting.add(task)
        task.add_done_callback(reporting.discard)

    async def _quietly(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception as exc:  # the connection closed meanwhile: the report is not made
            log.info("simulated bureau could not report", org=code, error=repr(exc))

    async def follow_task(notice: Message[CoordinationTaskNotice], ack_day: date) -> None:
        """Progress halfway, then completion with evidence (late now and then), or blockage."""
        assert report is not None
        data = notice.data
        rng = rng_for(seed, "task", code, data.task_id)
        wait = behaviour.task_ms / 1000 * rng.uniform(0.5, 1.5)
        await sleep(wait / 2)
        today = clock().date()
        if rng.random() < behaviour.blocked_rate:
            needs = list(data.co_units[:2])
            await report(blocked(notice, code, clock(), rng.choice(OBSTACLES), needs, ack_day))
            return
        await report(progress(notice, code, clock(), "已召集相关科室对接管理人，正在办理", ack_day))
        await sleep(wait / 2)
        day = max(ack_day, completed_on(data, today, rng.random() < behaviour.late_rate, rng))
        document = Document(
            title=EVIDENCE.get(data.topic, "办理情况说明"),
            number=f"{code}-{data.item}-{rng.randrange(1, 10**4):04d}",
            issued_on=day,
        )
        await report(complete(notice, code, clock(), "已按要求办结", [document], day))

    async def pay(notice: Message[ExpenseAidDecisionRequested], amount: Decimal) -> None:
        """The finance bureau pays what it approved (a command of its own)."""
        assert report is not None
        rng = rng_for(seed, "aid-pay", code, notice.data.application_id)
        await sleep(behaviour.task_ms / 1000 * rng.uniform(0.5, 1.5))
        now = clock()
        cmd = DisburseExpenseAid(
            case_number=notice.data.case_number,
            application_id=notice.data.application_id,
            disbursed_on=now.date(),
            amount=amount,
        )
        await report(stable(reply_to(notice.envelope, cmd, code, now), notice))

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
        if isinstance(data, CoordinationTaskNotice):
            if data.role is not Role.LEAD:
                return None  # a co-unit works with the lead; the lead answers
            ack_day = answered_on(data, clock().date())
            later_on(follow_task(notice, ack_day))
            return acknowledge_task(notice, code, clock(), f"{code}承办人", ack_day)
        if isinstance(data, ExpenseAidDecisionRequested):
            approved, amount, fee, opinion = aid_decision(
                data, code, seed=seed, refusal_rate=behaviour.aid_refusal_rate
            )
            if approved:
                later_on(pay(notice, amount))
            return decide_aid(
                notice,
                code,
                clock(),
                approved=approved,
                amount=amount,
                fee_part=fee,
                opinion=opinion,
                on=clock().date(),
            )
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


def bankruptcy_units(registry: Registry) -> list[Organization]:
    """Every organization a bankruptcy's coordination task or expense-aid request can reach:
    the bureaus and the joint offices (which lead a task where the jurisdiction has no unit of
    the lead's kind)."""
    return [o for o in registry if o.kind not in NOT_BUREAUS or o.kind == OrgKind.JOINT_OFFICE]


def simulated_bureaus(registry: Registry, codes: Sequence[str] = ()) -> list[Organization]:
    """The property and sanction bureaus and the bankruptcy units, or those of `codes`."""
    every = {o.code: o for o in [*property_bureaus(registry), *bankruptcy_units(registry)]}
    if not codes:
        return sorted(every.values(), key=lambda o: o.code)
    unknown = [code for code in codes if code not in every]
    if unknown:
        raise ValueError("not a bureau the simulation answers for: " + ", ".join(unknown))
    return [every[code] for code in dict.fromkeys(codes)]


def contexts_of(bureau: Organization, contexts: Sequence[str]) -> list[str]:
    """The contexts a simulated bureau listens to: enforcement if it handles a property kind or
    enforces joint sanctions, bankruptcy if it is a bureau or a joint office."""
    takes = {
        "enforcement": bool(bureau.handles & SIMULATED),
        "bankruptcy": bureau.kind not in NOT_BUREAUS or bureau.kind == OrgKind.JOINT_OFFICE,
    }
    return [c for c in contexts if takes.get(c, False)]


async def _report(clients: list[BureauClient], index: int, reply: Message[Any]) -> None:
    await clients[index].report(reply)


async def run_bureaus(
    nats_url: str,
    bureaus: Sequence[Organization],
    behaviour: Behaviour,
    stop: asyncio.Event,
    contexts: Sequence[str] = CONTEXTS,
    **client_options: Any,
) -> dict[str, collections.Counter[str]]:
    """Run one client per bureau and context until `stop` is set; returns each bureau's counts
    (over its contexts)."""
    options = {"concurrency": 16, **client_options}
    clients: list[BureauClient] = []
    for b in bureaus:
        # the handler reports through the bureau's first client, made just after it
        send = functools.partial(_report, clients, len(clients))
        handler = simulated_handler(b, behaviour, report=send)
        for context in contexts_of(b, contexts):
            clients.append(BureauClient(b.code, nats_url, handler, context=context, **options))
    async with asyncio.TaskGroup() as group:
        for client in clients:
            group.create_task(client.run(stop), name=f"bureau-{client.org}-{client.context}")
    stats: dict[str, collections.Counter[str]] = {}
    for client in clients:
        stats.setdefault(client.org, collections.Counter()).update(client.stats)
    return stats
