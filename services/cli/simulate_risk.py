"""Simulated joint mechanism 府院联动机制 for `make run`: member units, the joint office and the
leading group of Luoyang and Ruzhou.

Units submit linkage items 联动事项, the office reviews them and the leading group approves or
rejects them, the units carry approved ones out and report, the office closes them. Units ask for
coordination meetings 专题协调会商; the office convenes and holds them and issues a memo 会议备忘 whose
items are owned by units; the owners report progress and claim completion and the office accepts
(sometimes commends) — but some items are left to run late, so the service marks them overdue and
escalates, and the office then records accountability 追责问责 on them. A key problem item's ledger
entries are claimed by the lead unit and reconciled and checked off by the office (对账销号); a
problem real-estate project 问题楼盘 is registered and its status moves from listed to
certificates issued. The law-based-government task 法治政府建设: a court summons a bureau's head
to an administrative case (出庭应诉), records the appearance or an absence (then a judicial
recommendation) and the outcome; the justice bureau files a reconsideration 行政复议 and decides
it or leaves it past its deadline (overdue); a mediation agreement is confirmed by the court or
left unconfirmed past its 30 days (lapsed). A judgment against a government organ is assigned to
the town government (涉党政机关未履行生效判决专项) and performed, or left past its deadline
(overdue). Each story is dated in the past, one day a step, so its deadlines have
passed (or not) by today. Some messages are wrong on purpose: a unit reporting on a memo item
it does not own, which the risk service rejects naming the field.

Every sender publishes only what `contracts/risk/roles.py` allows its kind.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from contracts.envelope import Envelope, Message
from contracts.organizations import Organization as Org
from contracts.organizations import OrgKind, Registry
from contracts.risk import lawgov as lw
from contracts.risk import roles
from contracts.risk.accountability import (
    Basis,
    BasisKind,
    GrantCommendation,
    Ground,
    RaiseAccountability,
)
from contracts.risk.cases import (
    ChangeRiskStatus,
    ProblemProject,
    RegisterRiskCase,
    RiskKind,
    RiskLevel,
    RiskStatus,
)
from contracts.risk.key_item_ledger import (
    AddLedgerEntry,
    AdoptPlan,
    ClaimEntryCompletion,
    CloseEntry,
    FormTaskForce,
    Person,
    ReconcileEntry,
    Stock,
)
from contracts.risk.linkage import (
    CloseLinkageItem,
    DecideLinkageItem,
    RecordImplementation,
    ReportLinkageItem,
    ReviewLinkageItem,
    SubmitLinkageItem,
)
from contracts.risk.meetings import (
    AcceptCompletion,
    ClaimCompletion,
    ConveneMeeting,
    HoldMeeting,
    IssueMemo,
    Matter,
    MemoItemSpec,
    ReportProgress,
    RequestCoordinationMeeting,
)
from contracts.risk.special import AssignGovJudgmentCase, ReportGovJudgmentPerformed
from services.cli.simulate import credit_code

PLACES = ("410300", "410482")
"""Luoyang and Ruzhou: each has its leading group, joint office and member units."""
SPAN_DAYS = 40
"""A story starts this many days before today, one day a step, so it lies in the past."""
LATE_RATE = 0.3
"""Share of memo items left to run late: overdue, escalated, then held to account (at least one
of every memo)."""
REJECT_RATE = 0.2
"""Share of linkage items the leading group rejects."""
MISMATCH_RATE = 0.2
"""Share of ledger claims the office's reconciliation does not bear out."""
WRONG_RATE = 0.1
"""Share of meetings where a unit reports on an item it does not own (rejected on purpose)."""
STAGES = (RiskStatus.WORK_RESUMED, RiskStatus.DELIVERED, RiskStatus.CERTIFICATES_ISSUED)
"""How a problem project moves after it is listed."""
MEMBER_KINDS = (
    OrgKind.COURT,
    OrgKind.HOUSING,
    OrgKind.NATURAL_RESOURCES,
    OrgKind.FINANCE,
    OrgKind.HUMAN_RESOURCES,
    OrgKind.MARKET_REGULATION,
    OrgKind.TAX,
    OrgKind.PROCURATORATE,
    OrgKind.PETITION,
    OrgKind.TOWN_GOVERNMENT,
    OrgKind.JUSTICE_BUREAU,
)
"""The member units the simulation draws on (the justice bureau is also the reconsideration
body and the people's mediation)."""
LINKAGE_TOPICS = (
    (
        "涉企执行案件财产处置联动",
        "请求不动产登记、税务部门协助办理查封房产的处置和过户",
        ("NR", "TX"),
    ),
    ("欠薪案件快立快执", "请求人社部门移送欠薪线索并协助发放执行款", ("HR",)),
    ("困难群众司法救助衔接", "请求财政部门落实司法救助资金，民政部门纳入社会救助", ("FN",)),
    ("问题楼盘保交楼协调", "请求住建部门监管预售资金，法院暂缓处置在建工程", ("HC", "CT")),
)
MEETING_AGENDAS = (
    (Matter.KEY_CASE, "重点执行案件涉政府部门协助事项会商"),
    (Matter.KEY_PROBLEM, "企业破产案件立案难、审理难问题专题会商"),
    (Matter.MAJOR_RISK, "问题楼盘复工交付风险化解专题会商"),
)
MEMO_TASKS = (
    "五个工作日内提供涉案不动产登记信息",
    "协调开发企业制定复工计划并报联席办",
    "落实破产费用保障资金拨付",
    "组织欠薪职工登记并先行垫付",
    "约谈相关行政机关负责人，督促履行生效判决",
)
LEDGER_ITEM = "problem_projects"
"""The key item whose ledger the simulation keeps: 问题楼盘, led by the housing bureau."""
PERSONS = ("王建国", "李红梅", "张志强", "刘晓燕", "陈卫东", "杨秀兰", "赵国庆", "周文静")


def message(sender: Org, payload: Any, now: datetime) -> Message[Any]:
    event_id = uuid.uuid4()
    env = Envelope(
        event_id=event_id,
        type=payload.TYPE,
        occurred_at=now,
        organization=sender.code,
        correlation_id=event_id,
    )
    return Message[type(payload)](envelope=env, data=payload)  # type: ignore[misc,operator]


@dataclass
class Story:
    """One flow of the mechanism: its steps in order (sender, payload), sent one a tick."""

    steps: list[tuple[Org, Any]] = field(default_factory=list)
    done: int = 0


@dataclass(frozen=True)
class Place:
    """A jurisdiction's mechanism: its leading group, its joint office, its member units."""

    code: str
    group: Org
    office: Org
    units: tuple[Org, ...]

    def unit(self, rng: random.Random, prefix: str | None = None) -> Org:
        found = [u for u in self.units if prefix is None or u.code.startswith(prefix)]
        return rng.choice(found or list(self.units))


def places(registry: Registry) -> list[Place]:
    found = []
    for code in PLACES:
        units = [
            org
            for kind in MEMBER_KINDS
            for org in registry.of_kind(kind, code)
            if roles.may_publish(SubmitLinkageItem.TYPE, org.kind)
        ]
        units += [u for u in registry.towns(code) if u not in units]
        found.append(
            Place(code, registry.leading_group(code), registry.joint_office(code), tuple(units))
        )
    return found


class Mechanism:
    """The simulated leading groups, joint offices and member units: `next_message` gives the
    next step of one running story, starting a new story when few run."""

    OPEN = 3
    MIX = (
        ("linkage", 0.25),
        ("meeting", 0.35),
        ("ledger", 0.12),
        ("project", 0.08),
        ("lawgov", 0.12),
        ("special", 0.08),
    )

    def __init__(self, rng: random.Random, registry: Registry | None = None) -> None:
        self.rng = rng
        self.places = places(registry or Registry.load())
        self.open: list[Story] = []
        self.started = False
        self.planned: set[str] = set()
        """Places whose key item has its task force and plan in this run."""
        self.numbers = 0
        """Case numbers drawn in this run, so each is new."""

    def day(self, today: date, offset: int) -> date:
        return today - timedelta(days=SPAN_DAYS - offset)

    def new_story(self, today: date) -> Story:
        roll, place = self.rng.random(), self.rng.choice(self.places)
        kind = self.choose(roll)
        make = {
            "linkage": self.linkage,
            "meeting": self.meeting,
            "ledger": self.ledger,
            "project": self.project,
            "lawgov": self.lawgov,
            "special": self.special,
        }[kind]
        return Story(make(place, today))

    def choose(self, roll: float) -> str:
        for kind, weight in self.MIX:
            if roll < weight:
                return kind
            roll -= weight
        return self.MIX[-1][0]

    def next_message(self, now: datetime) -> Message[Any]:
        if not self.started:  # a meeting first, so overdue and accountability show early
            self.started = True
            self.open.append(Story(self.meeting(self.rng.choice(self.places), now.date())))
        if len(self.open) < self.OPEN:
            self.open.append(self.new_story(now.date()))
        story = self.rng.choice(self.open)
        sender, payload = story.steps[story.done]
        story.done += 1
        if story.done == len(story.steps):
            self.open.remove(story)
        return message(sender, payload, now)

    # ---- the stories -------------------------------------------------------------------------

    def linkage(self, place: Place, today: date) -> list[tuple[Org, Any]]:
        """提交 → 审核 → 领导小组决定 → 落实 → 报告 → 办结, or stopped at a rejection."""
        title, content, needs = self.rng.choice(LINKAGE_TOPICS)
        unit = place.unit(self.rng, "CT")
        needed = tuple(
            dict.fromkeys(c for p in needs if (c := place.unit(self.rng, p).code) != unit.code)
        )
        item, on = uuid.uuid4(), lambda n: self.day(today, n)
        approved = self.rng.random() >= REJECT_RATE
        steps: list[tuple[Org, Any]] = [
            (
                unit,
                SubmitLinkageItem(
                    item_id=item, title=title, content=content, needs=needed, submitted_on=on(0)
                ),
            ),
            (
                place.office,
                ReviewLinkageItem(
                    item_id=item,
                    reviewed_on=on(2),
                    opinion="事项属实，涉及部门职责明确，建议提请领导小组同意",
                ),
            ),
            (
                place.group,
                DecideLinkageItem(
                    item_id=item,
                    decided_on=on(5),
                    approved=approved,
                    reasons="同意实施" if approved else "涉及事项已由现行机制解决，不予立项",
                ),
            ),
        ]
        if approved:
            steps += [
                (
                    unit,
                    RecordImplementation(
                        item_id=item, done_on=on(10), action="已会同相关部门办理完毕并形成书面记录"
                    ),
                ),
                (
                    unit,
                    ReportLinkageItem(
                        item_id=item, reported_on=on(12), summary="事项已落实，相关款项已到位"
                    ),
                ),
                (place.office, CloseLinkageItem(item_id=item, closed_on=on(14))),
            ]
        return steps

    def meeting(self, place: Place, today: date) -> list[tuple[Org, Any]]:
        """提请 → 召集 → 召开 → 印发备忘; each item: progress, claim, acceptance (some commended)
        — or left late, so it runs overdue and the office then records accountability."""
        matter, agenda = self.rng.choice(MEETING_AGENDAS)
        requester = place.unit(self.rng)
        owners = self.rng.sample(list(place.units), k=min(3, len(place.units)))
        meeting, on = uuid.uuid4(), lambda n: self.day(today, n)
        items = [
            MemoItemSpec(
                item_id=uuid.uuid4(),
                task=self.rng.choice(MEMO_TASKS),
                owner_unit=owner.code,
                owner_person=self.rng.choice(PERSONS),
                due_on=on(12) if self.rng.random() < LATE_RATE else on(SPAN_DAYS + 30),
            )
            for owner in owners
        ]
        if all(i.due_on >= today for i in items):  # every memo has an item that runs late
            items[0] = items[0].model_copy(update={"due_on": on(12)})
        steps: list[tuple[Org, Any]] = [
            (
                requester,
                RequestCoordinationMeeting(
                    meeting_id=meeting,
                    matter=matter,
                    agenda=agenda,
                    units=tuple(o.code for o in owners),
                    requested_on=on(0),
                ),
            ),
            (
                place.office,
                ConveneMeeting(
                    meeting_id=meeting,
                    convened_on=on(1),
                    meets_on=on(4),
                    attendees=tuple(o.code for o in owners),
                ),
            ),
            (
                place.office,
                HoldMeeting(
                    meeting_id=meeting,
                    held_on=on(4),
                    resolution="形成化解方案，明确责任单位和完成时限",
                ),
            ),
            (
                place.office,
                IssueMemo(
                    meeting_id=meeting,
                    memo_number=f"会议备忘〔{on(5).year}〕{self.rng.randint(1, 99)}号",
                    issued_on=on(5),
                    items=tuple(items),
                ),
            ),
        ]
        by_code = {o.code: o for o in owners}
        late = [i for i in items if i.due_on < today]
        if late and self.rng.random() < WRONG_RATE:  # on purpose: not the owner
            other = next((u for u in place.units if u.code != late[0].owner_unit), None)
            if other is not None:
                steps.append(
                    (
                        other,
                        ReportProgress(
                            meeting_id=meeting,
                            item_id=late[0].item_id,
                            reported_on=on(7),
                            progress="已着手办理",
                        ),
                    )
                )
        for n, spec in enumerate(items):
            owner = by_code[spec.owner_unit]
            if spec in late:
                continue
            steps += [
                (
                    owner,
                    ReportProgress(
                        meeting_id=meeting,
                        item_id=spec.item_id,
                        reported_on=on(8 + n),
                        progress="已完成主要工作，正在收尾",
                    ),
                ),
                (
                    owner,
                    ClaimCompletion(
                        meeting_id=meeting,
                        item_id=spec.item_id,
                        claimed_on=on(14 + n),
                        evidence="办理情况报告及相关材料",
                    ),
                ),
                (
                    place.office,
                    AcceptCompletion(
                        meeting_id=meeting,
                        item_id=spec.item_id,
                        decided_on=on(16 + n),
                        accepted=True,
                    ),
                ),
            ]
            if self.rng.random() < 0.3:
                steps.append(
                    (
                        place.office,
                        GrantCommendation(
                            record_id=uuid.uuid4(),
                            basis=Basis(
                                kind=BasisKind.ACCEPTED_MEMO_ITEM,
                                meeting_id=meeting,
                                item_id=spec.item_id,
                            ),
                            unit=owner.code,
                            reasons="按期高质量完成会议交办事项",
                            granted_on=on(18 + n),
                        ),
                    )
                )
        for spec in late:  # after the service marked it overdue (due 28 days before today)
            steps.append(
                (
                    place.office,
                    RaiseAccountability(
                        record_id=uuid.uuid4(),
                        basis=Basis(
                            kind=BasisKind.OVERDUE_MEMO_ITEM,
                            meeting_id=meeting,
                            item_id=spec.item_id,
                        ),
                        unit=spec.owner_unit,
                        ground=Ground.STALLING,
                        measures="约谈单位主要负责人并通报",
                        decided_on=on(SPAN_DAYS - 1),
                    ),
                )
            )
        return steps

    def ledger(self, place: Place, today: date) -> list[tuple[Org, Any]]:
        """列入台账 → 报请销号 → 对账 → 销号 (or a reconciliation that fails, the entry open);
        the place's first entry of a run after the lead unit formed the task force and adopted
        the plan (一问题、一专班、一方案), dated before every entry."""
        lead = place.unit(self.rng, "HC")
        entry, on = uuid.uuid4(), lambda n: self.day(today, n)
        matched = self.rng.random() >= MISMATCH_RATE
        item = LEDGER_ITEM
        steps: list[tuple[Org, Any]] = []
        if place.code not in self.planned:
            self.planned.add(place.code)
            head = Person(name=self.rng.choice(PERSONS), post="分管副市长")
            members = [Person(name=p, post="专班成员") for p in self.rng.sample(PERSONS, 3)]
            steps += [
                (lead, FormTaskForce(item=item, head=head, members=members, formed_on=on(-25))),
                (
                    lead,
                    AdoptPlan(
                        item=item, version=1, title="问题楼盘“一楼一策”化解方案", adopted_on=on(-20)
                    ),
                ),
            ]
        steps += [
            (
                place.office,
                AddLedgerEntry(
                    item=item,
                    entry_id=entry,
                    target="某问题楼盘复工交付",
                    stock=Stock.NEW,
                    arose_on=on(1),
                    deadline=on(90),
                ),
            ),
            (
                lead,
                ClaimEntryCompletion(
                    item=item,
                    entry_id=entry,
                    claimed_on=on(20),
                    evidence=["复工通知书", "交付验收记录"],
                ),
            ),
            (
                place.office,
                ReconcileEntry(
                    item=item,
                    entry_id=entry,
                    reconciled_on=on(25),
                    matched=matched,
                    finding="材料与台账一致" if matched else "交付验收记录缺少购房人签收",
                ),
            ),
        ]
        if matched:
            steps.append((place.office, CloseEntry(item=item, entry_id=entry, closed_on=on(26))))
        return steps

    def project(self, place: Place, today: date) -> list[tuple[Org, Any]]:
        """A problem real-estate project listed, then work resumed, delivered, certificated."""
        lead = place.unit(self.rng, "HC")
        case, on = uuid.uuid4(), lambda n: self.day(today, n)
        n = self.rng.randint(1, 99)
        project = ProblemProject(
            name=f"锦绣家园{n}号地块项目",
            developer=credit_code(self.rng, place.code),
            location=f"{place.code}辖区建设路{n}号",
            units_sold=self.rng.randint(100, 900),
            buyers_affected=self.rng.randint(80, 800),
        )
        steps: list[tuple[Org, Any]] = [
            (
                place.office,
                RegisterRiskCase(
                    case_id=case,
                    category=RiskKind.PROBLEM_PROJECT,
                    title=project.name,
                    level=RiskLevel.SERIOUS,
                    lead=lead.code,
                    deadline=on(SPAN_DAYS + 180),
                    listed_on=on(0),
                    project=project,
                ),
            ),
        ]
        reasons = (
            "续建资金已落实，项目全面复工",
            "主体完工并通过竣工验收",
            "首批不动产权证书已颁发",
        )
        for k, (stage, reason) in enumerate(zip(STAGES, reasons, strict=True)):
            if k and self.rng.random() < 0.3:
                break
            steps.append(
                (
                    lead,
                    ChangeRiskStatus(
                        case_id=case, status=stage, changed_on=on(10 * (k + 1)), reason=reason
                    ),
                )
            )
        return steps

    def case_number(self, place: Place, year: int, kind: str) -> str:
        self.numbers += 1
        court = "豫03" if place.code == "410300" else "豫0482"
        return f"（{year}）{court}{kind}{self.rng.randint(1, 500) * 1000 + self.numbers}号"

    def lawgov(self, place: Place, today: date) -> list[tuple[Org, Any]]:
        """出庭应诉 (summoned three days ahead or more; appeared, or absent and a judicial
        recommendation), the outcome; 行政复议 decided or left overdue; 调解 confirmed or
        left to lapse."""
        court, bureau = place.unit(self.rng, "CT"), place.unit(self.rng, "JB")
        organ, on = place.unit(self.rng, "HC"), lambda n: self.day(today, n)
        number = self.case_number(place, on(0).year, "行初")
        steps: list[tuple[Org, Any]] = [
            (
                court,
                lw.SummonHead(
                    case_number=number,
                    defendant=organ.code,
                    served_on=on(0),
                    hearing_on=on(5),
                    mandatory=True,
                ),
            )
        ]
        if self.rng.random() < 0.5:
            person = self.rng.choice(PERSONS)
            steps.append(
                (
                    court,
                    lw.RecordAppearance(
                        case_number=number,
                        hearing_on=on(5),
                        outcome=lw.AppearanceOutcome.APPEARED,
                        person=person,
                        role=lw.HeadRole.DEPUTY,
                    ),
                )
            )
        else:
            absent = lw.AppearanceOutcome.ABSENT
            steps += [
                (court, lw.RecordAppearance(case_number=number, hearing_on=on(5), outcome=absent)),
                (
                    court,
                    lw.SendJudicialRecommendation(
                        case_number=number, recipients=[place.office.code], sent_on=on(6)
                    ),
                ),
            ]
        outcome = self.rng.choice(list(lw.CaseOutcome))
        steps.append(
            (
                court,
                lw.RecordAdminCaseOutcome(
                    case_number=number, defendant=organ.code, outcome=outcome, decided_on=on(8)
                ),
            )
        )
        rid, referral = uuid.uuid4(), uuid.uuid4()
        # Decided ones in the ordinary procedure (60 days, not yet due); the others simplified
        # (30 days) and left undecided, so overdue by today.
        undecided = self.rng.random() < LATE_RATE
        steps.append(
            (
                bureau,
                lw.FileReconsideration(
                    reconsideration_id=rid,
                    respondent=organ.code,
                    act_known_on=on(0),
                    filed_on=on(1),
                    simplified=undecided,
                ),
            )
        )
        if not undecided:
            decide = lw.DecideReconsideration(
                reconsideration_id=rid, outcome=outcome, decided_on=on(20)
            )
            steps.append((bureau, decide))
        # An agreement left unconfirmed took effect more than 30 days ago; a confirmed one later.
        unconfirmed = self.rng.random() < LATE_RATE
        agreed_on = on(4) if unconfirmed else on(15)
        steps += [
            (
                court,
                lw.ReferToMediation(
                    referral_id=referral,
                    channel=lw.MediationChannel.PEOPLE,
                    mediator=bureau.code,
                    dispute="物业服务费纠纷",
                    referred_on=on(2),
                ),
            ),
            (bureau, lw.RecordMediationResult(referral_id=referral, agreed=True, on=agreed_on)),
        ]
        if not unconfirmed:
            steps += [
                (court, lw.ApplyForConfirmation(referral_id=referral, applied_on=on(18))),
                (court, lw.GrantConfirmation(referral_id=referral, granted_on=on(22))),
            ]
        return steps

    def special(self, place: Place, today: date) -> list[tuple[Org, Any]]:
        """A judgment against a government organ assigned to the town government and performed,
        or left past its deadline."""
        town, on = place.unit(self.rng, "TG"), lambda n: self.day(today, n)
        number = self.case_number(place, on(0).year, "执")
        late = self.rng.random() < LATE_RATE
        steps: list[tuple[Org, Any]] = [
            (
                place.office,
                AssignGovJudgmentCase(
                    case_number=number,
                    debtor_organ="某镇人民政府",
                    responsible_government=town.code,
                    amount=self.rng.randint(10, 500) * 10000,
                    assigned_on=on(0),
                    deadline=on(30) if late else on(SPAN_DAYS + 30),
                ),
            )
        ]
        if not late:
            performed = ReportGovJudgmentPerformed(
                case_number=number, performed_on=on(15), evidence=["付款凭证"]
            )
            steps.append((town, performed))
        return steps
