"""The Chinese words the exports print for the read models' codes."""

from __future__ import annotations

from contracts.catalog import PAYLOADS

STATUS = {"open": "未办结", "due_soon": "即将到期", "overdue": "已逾期", "checked_off": "已销号"}
ITEM_KINDS = {
    "ledger_entry": "重点事项台账",
    "memo_item": "备忘录事项",
    "linkage_item": "联动事项",
    "coordination_task": "破产协调事项",
    "risk_case": "重大风险案件",
    "gov_judgment": "涉党政机关执行案件",
}
CONTEXTS = {
    "enforcement": "执行联动",
    "bankruptcy": "破产府院联动",
    "risk": "重大风险与联动机制",
    "reporting": "报送",
}
RESPONSES = {"query": "网络查控", "sanction": "失信联合惩戒", "lift": "惩戒解除"}
VERDICTS = {"none": "—", "commendation": "表扬", "accountability": "问责"}
STOCK = {True: "存量", False: "增量"}
DIRECTIONS = {"higher": "越高越好", "lower": "越低越好"}
ALL_UNITS = "全部单位"
WHOLE_SCOPE = "合计"


def event_type(type_: str) -> str:
    """The Chinese name a message type's contract gives itself (its docstring's head), with the
    item kind where the head alone would not say what went overdue; the type's name otherwise."""
    parts = type_.split(".")
    name = parts[2] if len(parts) == 4 else type_
    cls = PAYLOADS.get(type_)
    head = (cls.__doc__ or "").split(" — ")[0].strip() if cls is not None else ""
    if not head or head.isascii() or "\n" in head:
        return name
    kind = next((label for k, label in ITEM_KINDS.items() if name.startswith(k)), "")
    return f"{kind}{head}" if head == "已逾期" and kind else head
