"""表单 — the workbench's forms, one per command it sends, and how a posted form becomes the
command's payload (or the Chinese errors naming its fields).

The payload classes are the contracts' own (`contracts.registry.PAYLOADS`): a form checks
nothing the contract does not; who may send it is `roles.commands`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

import contracts.catalog  # noqa: F401 — registers every payload class in PAYLOADS
from contracts.base import Payload
from contracts.registry import PAYLOADS
from services.reporting.workbench.fields import Field, FieldError, Kind, errors, place, read

YES_NO = {"true": "是", "false": "否"}
MATTERS = {
    "key_case": "重点案件",
    "key_problem": "重点问题",
    "major_risk": "重大风险隐患",
    "bankruptcy_task": "破产协调事项受阻",
}
STOCKS = {"existing": "存量", "new": "增量"}


@dataclass(frozen=True)
class Form:
    """A command's form: its type, Chinese title, the screen it sits on and its fields."""

    type: str
    title: str
    screen: str
    fields: Sequence[Field]

    @property
    def name(self) -> str:
        """The command's name (`submit_linkage_item`): the form's id and its URL."""
        return self.type.split(".")[2]


def _on(name: str, label: str) -> Field:
    return Field(name, label, Kind.DATE, hint="留空即今日")


def _id(name: str, label: str) -> Field:
    return Field(name, label, Kind.ID)


ITEM, MEETING = _id("item_id", "事项编号"), _id("meeting_id", "会商编号")
KEY_ITEM = Field("item", "重点事项")
ENTRY = _id("entry_id", "台账条目编号")


def _risk(name: str, title: str, screen: str, *fields: Field) -> Form:
    return Form(f"risk.command.{name}.v1", title, screen, fields)


def _reporting(name: str, title: str, *fields: Field) -> Form:
    return Form(f"reporting.command.{name}.v1", title, "reports", fields)


LINKAGE = (
    _risk(
        "submit_linkage_item",
        "提交联动事项",
        "linkage",
        Field("item_id", "事项编号", Kind.NEW_ID, required=False, hint="留空自动生成"),
        Field("title", "事项名称"),
        Field("content", "事项内容", Kind.TEXTAREA),
        Field("needs", "需联动的单位", Kind.CODES, hint="单位代码，以逗号分隔"),
        _on("submitted_on", "提交日期"),
    ),
    _risk(
        "review_linkage_item",
        "审核联动事项",
        "linkage",
        ITEM,
        _on("reviewed_on", "审核日期"),
        Field("opinion", "审核意见", Kind.TEXTAREA),
    ),
    _risk(
        "decide_linkage_item",
        "审批联动事项",
        "linkage",
        ITEM,
        _on("decided_on", "审批日期"),
        Field("approved", "是否批准", Kind.BOOL, choices=YES_NO),
        Field("reasons", "理由", Kind.TEXTAREA),
    ),
    _risk(
        "report_linkage_item",
        "报告办理情况",
        "linkage",
        ITEM,
        _on("reported_on", "报告日期"),
        Field("summary", "办理情况", Kind.TEXTAREA),
    ),
    _risk("close_linkage_item", "办结联动事项", "linkage", ITEM, _on("closed_on", "办结日期")),
)

MEETINGS = (
    _risk(
        "request_coordination_meeting",
        "申请专题会商",
        "meetings",
        Field("meeting_id", "会商编号", Kind.NEW_ID, required=False, hint="留空自动生成"),
        Field("matter", "会商事由", Kind.CHOICE, choices=MATTERS),
        Field("reference", "关联编号", required=False, hint="案号或事项编号"),
        Field("agenda", "会商议题", Kind.TEXTAREA),
        Field("units", "参会单位", Kind.CODES, hint="单位代码，以逗号分隔"),
        _on("requested_on", "申请日期"),
    ),
    _risk(
        "convene_meeting",
        "召集会商",
        "meetings",
        MEETING,
        _on("convened_on", "召集日期"),
        Field("meets_on", "会商日期", Kind.DATE),
        Field("attendees", "参会单位", Kind.CODES, hint="单位代码，以逗号分隔"),
    ),
    _risk(
        "hold_meeting",
        "召开会商",
        "meetings",
        MEETING,
        _on("held_on", "召开日期"),
        Field("resolution", "会商结论", Kind.TEXTAREA),
    ),
    _risk(
        "issue_memo",
        "印发会商备忘录",
        "meetings",
        MEETING,
        Field("memo_number", "备忘录编号"),
        _on("issued_on", "印发日期"),
        Field(
            "items",
            "备忘录事项",
            Kind.LINES,
            columns=("task", "owner_unit", "owner_person", "due_on"),
            generated={"item_id": "new_id"},
            hint="每行一项：任务|责任单位代码|责任人|完成时限(年-月-日)",
        ),
    ),
    _risk(
        "report_progress",
        "报告进展",
        "meetings",
        MEETING,
        ITEM,
        _on("reported_on", "报告日期"),
        Field("progress", "进展情况", Kind.TEXTAREA),
    ),
    _risk(
        "claim_completion",
        "申请销号",
        "meetings",
        MEETING,
        ITEM,
        _on("claimed_on", "申请日期"),
        Field("evidence", "完成佐证", Kind.TEXTAREA),
    ),
    _risk(
        "accept_completion",
        "验收销号",
        "meetings",
        MEETING,
        ITEM,
        _on("decided_on", "验收日期"),
        Field("accepted", "是否通过", Kind.BOOL, choices=YES_NO),
        Field("remarks", "备注", Kind.TEXTAREA, required=False),
    ),
)

LEDGER = (
    _risk(
        "add_ledger_entry",
        "新增台账条目",
        "ledger",
        KEY_ITEM,
        Field("entry_id", "台账条目编号", Kind.NEW_ID, required=False, hint="留空自动生成"),
        Field("target", "工作目标", Kind.TEXTAREA),
        Field("stock", "存量/增量", Kind.CHOICE, choices=STOCKS),
        Field("arose_on", "发生日期", Kind.DATE),
        Field("deadline", "完成时限", Kind.DATE),
    ),
    _risk(
        "claim_entry_completion",
        "申请台账销号",
        "ledger",
        KEY_ITEM,
        ENTRY,
        _on("claimed_on", "申请日期"),
        Field("evidence", "完成佐证", Kind.LIST, hint="每行一条"),
    ),
    _risk(
        "reconcile_entry",
        "对账",
        "ledger",
        KEY_ITEM,
        ENTRY,
        _on("reconciled_on", "对账日期"),
        Field("matched", "是否相符", Kind.BOOL, choices=YES_NO),
        Field("finding", "对账意见", Kind.TEXTAREA),
    ),
    _risk("close_entry", "台账销号", "ledger", KEY_ITEM, ENTRY, _on("closed_on", "销号日期")),
)

REPORTS = (
    _reporting(
        "submit_report",
        "报送月报",
        Field("report_id", "报告编号", Kind.NEW_ID, required=False, hint="留空自动生成"),
        Field("period", "报送期", Kind.PERIOD, hint="年-月，如 2026-11"),
        Field("progress", "工作进展", Kind.TEXTAREA, path=("body", "progress")),
        Field("problems", "存在问题", Kind.TEXTAREA, path=("body", "problems")),
        Field("next_steps", "下步打算", Kind.TEXTAREA, path=("body", "next_steps")),
        Field(
            "indicators",
            "数据指标",
            Kind.LINES,
            path=("body", "indicators"),
            columns=("indicator", "value", "catalogue_version"),
            hint="每行一项：指标|数值|指标目录版本(年-月)",
        ),
        Field(
            "cases",
            "具体事例",
            Kind.LINES,
            path=("body", "cases"),
            columns=("title", "account", "reference"),
            hint="每行一例：标题|经过|案号(可空)",
        ),
    ),
    _reporting(
        "return_report",
        "退回补充",
        _id("report_id", "报告编号"),
        Field("unit", "报送单位"),
        Field("period", "报送期", Kind.PERIOD, hint="年-月，如 2026-11"),
        Field("reason", "退回理由", Kind.TEXTAREA),
    ),
)

FORMS: Mapping[str, Form] = {form.name: form for form in (*LINKAGE, *MEETINGS, *LEDGER, *REPORTS)}


def on_screen(screen: str) -> list[Form]:
    return [form for form in FORMS.values() if form.screen == screen]


def payload_of(form: Form, posted: Mapping[str, str], today: date) -> Payload | list[FieldError]:
    """The command's payload from the posted fields, or what is wrong with them, in Chinese."""
    data: dict[str, Any] = {}
    for spec in form.fields:
        raw = posted.get(spec.name, "")
        if not raw.strip() and not spec.required and spec.kind is not Kind.NEW_ID:
            continue
        place(data, spec.where, read(spec, raw, today))
    try:
        return PAYLOADS[form.type].model_validate(data)
    except ValidationError as error:
        return errors(form.fields, error)


def label_for(command_type: str | None, field_path: str) -> str:
    """A rejection's field (`data.needs.0`) by the Chinese label of the form field it came
    from (`需联动的单位`), else as the service named it."""
    form = FORMS.get((command_type or "..").split(".")[2])
    loc = tuple(field_path.removeprefix("data.").split("."))
    if form is None or not field_path.startswith("data."):
        return field_path
    owners = [f for f in form.fields if loc[: len(f.where)] == f.where]
    return max(owners, key=lambda f: len(f.where)).label if owners else field_path
