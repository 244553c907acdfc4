"""页面 — the workbench's screens: Chinese title, who sees them, and the tables they show
from the read models."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from contracts.risk.meetings import Matter
from services.reporting.domain import readmodel
from services.reporting.views import Item
from services.reporting.workbench.audit import verified
from services.reporting.workbench.reads import Reads
from services.reporting.workbench.roles import Role

STATUS = {
    readmodel.OPEN: "办理中",
    readmodel.DUE_SOON: "临期",
    readmodel.OVERDUE: "逾期",
    readmodel.CHECKED_OFF: "已销号",  # checked off by the office: 销号 on the ledger
}
"""An item's status on the day it is read (`readmodel.status`)."""
KINDS = {
    "ledger_entry": "重点事项",
    "memo_item": "备忘录事项",
    "linkage_item": "联动事项",
    "coordination_task": "破产协调事项",
    "risk_case": "重大风险案件",
    "gov_judgment": "涉党政机关执行案件",
}
"""An item's kind in the read models (`readmodel` item kinds)."""
MATTERS: Mapping[str, str] = {
    Matter.KEY_CASE: "重点案件",
    Matter.KEY_PROBLEM: "重点问题",
    Matter.MAJOR_RISK: "重大风险隐患",
    Matter.BANKRUPTCY_TASK: "破产协调事项受阻",
}
"""A coordination meeting's 事由."""
STOCK = {"existing": "存量", "new": "增量", None: ""}


@dataclass(frozen=True)
class Table:
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    id: str = ""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the officer's organization and role, the moment and the query."""

    organization: str
    role: Role
    now: datetime
    query: Mapping[str, str] = field(default_factory=dict)

    @property
    def own_unit(self) -> str | None:
        """Member units see their own rows; the office, the leading group and auditors all."""
        wide = {Role.OFFICE, Role.LEADING_GROUP, Role.AUDITOR}
        return None if self.role in wide else self.organization


Loader = Callable[[Reads, Viewer], Awaitable[list[Table]]]


@dataclass(frozen=True)
class Screen:
    id: str
    title: str
    load: Loader
    roles: frozenset[Role] = frozenset(Role)


ITEM_HEADERS = ("类别", "编号", "单位", "重点事项", "事项", "时限", "状态", "存量/增量", "案号")


def _items(items: Sequence[Item]) -> list[list[Any]]:
    return [
        [
            KINDS.get(i.kind, i.kind),
            i.id,
            i.unit,
            i.key_item,
            i.title,
            i.due or "",
            STATUS.get(i.status, i.status),
            STOCK.get(i.stock, i.stock),
            i.case_number,
        ]
        for i in items
    ]


async def today(reads: Reads, viewer: Viewer) -> list[Table]:
    due = await reads.due_items(viewer.organization, viewer.now)
    tables = [Table("本单位临期与逾期事项", ITEM_HEADERS, _items(due), "due-items")]
    if viewer.own_unit is None:  # the office, the leading group, auditors: every unit's
        rows = [
            [o.context, o.type, o.unit, o.item, o.due or "", o.since.date(), o.case_number]
            for o in await reads.overdue()
        ]
        headers = ("业务", "逾期事项", "单位", "事项", "时限", "逾期自", "案号")
        tables.append(Table("各单位逾期清单", headers, rows, "overdue"))
    return tables


async def ledger(reads: Reads, viewer: Viewer) -> list[Table]:
    items = await reads.ledger(viewer.own_unit, viewer.now)
    entries = [i for i in items if i.kind == "ledger_entry"] or items
    return [Table("重点事项台账", ITEM_HEADERS, _items(entries), "ledger-items")]


async def linkage(reads: Reads, viewer: Viewer) -> list[Table]:
    items = await reads.linkage_items(viewer.own_unit)
    return [Table("联动事项", ITEM_HEADERS, _items(items), "linkage-items")]


async def meetings(reads: Reads, viewer: Viewer) -> list[Table]:
    rows = [
        [
            m.id,
            MATTERS.get(m.matter, m.matter),
            m.agenda,
            "、".join(m.units),
            m.meets_on or "",
            m.held_on or "",
            m.memo_number,
            m.memo_items,
        ]
        for m in await reads.meetings()
    ]
    headers = ("会商编号", "事由", "议题", "参会单位", "会商日期", "召开日期", "备忘录", "事项数")
    memo = await reads.memo_items(viewer.own_unit)
    return [
        Table("专题会商", headers, rows, "meetings"),
        Table("备忘录事项", ITEM_HEADERS, _items(memo), "memo-items"),
    ]


async def risks(reads: Reads, viewer: Viewer) -> list[Table]:
    items = await reads.risk_cases(viewer.own_unit)
    return [Table("重大风险案件", ITEM_HEADERS, _items(items), "risk-cases")]


async def bankruptcy(reads: Reads, viewer: Viewer) -> list[Table]:
    cases = await reads.bankruptcy_cases()
    rows = [
        [c.case_number, c.court, c.debtor, c.state, c.accepted_on or "", c.tasks, c.tasks_done]
        for c in cases
    ]
    headers = ("案号", "法院", "债务人", "状态", "受理日期", "协调事项", "已办结")
    tables = [Table("破产协调案件", headers, rows, "bankruptcy-cases")]
    if case := viewer.query.get("case", "").strip():
        tasks = await reads.bankruptcy_tasks(case)
        tables.append(Table(f"{case} 的协调事项", ITEM_HEADERS, _items(tasks), "bankruptcy-tasks"))
    return tables


async def reports(reads: Reads, viewer: Viewer) -> list[Table]:
    found = await reads.reports()
    mine = [r for r in found if viewer.own_unit in (None, r.unit)]
    rows = [[r.unit, r.period, r.due or "", _report_state(r)] for r in mine]
    return [Table("月报报送情况", ("单位", "报送期", "应报日期", "状态"), rows, "report-status")]


def _report_state(r: Any) -> str:
    if r.returned:
        return "已退回补充"
    if r.submitted_at is not None:
        return "按时报送" if r.on_time else "逾期报送"
    return "逾期未报" if r.overdue else "待报送"


async def assessments(reads: Reads, viewer: Viewer) -> list[Table]:
    verdicts = {"none": "", "commendation": "表扬", "accountability": "问责"}
    rows = [
        [a.unit, a.period, "" if a.score is None else f"{a.score:.1f}", verdicts.get(a.verdict)]
        for a in await reads.assessments()
    ]
    return [Table("考核结果", ("单位", "考核期", "得分", "结论"), rows, "assessments")]


async def timeline(reads: Reads, viewer: Viewer) -> list[Table]:
    case = viewer.query.get("case", "").strip()
    if not case:
        return []
    rows = [
        [
            e.position,
            e.occurred_at.isoformat(timespec="seconds"),
            e.context,
            e.type,
            e.organization,
            e.event_id,
        ]
        for e in await reads.timeline(case)
    ]
    headers = ("序号", "发生时间", "业务", "事件", "单位", "事件编号")
    return [Table(f"{case} 的时间线", headers, rows, "timeline")]


async def indicators(reads: Reads, viewer: Viewer) -> list[Table]:
    return []  # the charts are images: templates/screen.html draws them from /charts


async def audit(reads: Reads, viewer: Viewer) -> list[Table]:
    found = await reads.audit.checkpoint()
    rows = []
    if found is not None:
        if not reads.public_key:
            check = "未配置账本公钥，未验签"
        else:
            check = "验签通过" if verified(found, reads.public_key) else "验签未通过"
        rows.append([found.tree_size, found.root_hash, found.signed_at, found.key_id, check])
    headers = ("条目数", "默克尔根", "签名时间", "密钥编号", "验签")
    aside = [[a.subject, a.count] for a in await reads.audit.set_aside()]
    return [
        Table("账本最近的签名检查点", headers, rows, "checkpoint"),
        Table("搁置消息（由运维以 fuyuan dlq 处理）", ("主题", "条数"), aside, "set-aside"),
    ]


WIDE = frozenset({Role.OFFICE, Role.LEADING_GROUP, Role.AUDITOR})
SCREENS: Mapping[str, Screen] = {
    s.id: s
    for s in (
        Screen("today", "今日待办", today),
        Screen("ledger", "重点事项台账", ledger),
        Screen("linkage", "联动事项", linkage),
        Screen("meetings", "会商与备忘录", meetings),
        Screen("risks", "重大风险案件", risks),
        Screen("bankruptcy", "破产协调案件", bankruptcy),
        Screen("reports", "月报", reports),
        Screen("indicators", "指标", indicators),
        Screen("assessments", "考核", assessments, WIDE),
        Screen("timeline", "案件时间线", timeline),
        Screen("audit", "审计", audit, frozenset({Role.OFFICE, Role.AUDITOR})),
    )
}
