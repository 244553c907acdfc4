"""表单字段 — how a form field is read into a command's payload, and how a validation error
is said in Chinese naming the field."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import ValidationError


class Kind(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    DATE = "date"  # defaults to today
    NEW_ID = "new_id"  # a fresh UUID unless one is given
    ID = "id"  # an existing thing's UUID
    BOOL = "bool"  # 是 / 否
    CODES = "codes"  # organization codes, separated by commas or spaces
    PERIOD = "period"  # YYYY-MM
    LINES = "lines"  # one object per line, columns separated by |
    LIST = "list"  # one string per line
    CHOICE = "choice"


@dataclass(frozen=True)
class Field:
    """One input: its form name, Chinese label, kind and where it goes in the payload."""

    name: str
    label: str
    kind: Kind = Kind.TEXT
    path: tuple[str, ...] = ()
    required: bool = True
    choices: Mapping[str, str] = field(default_factory=dict)
    """value → Chinese label, for a choice."""
    columns: Sequence[str] = ()
    """For lines: the object's keys, in the order they are typed."""
    generated: Mapping[str, str] = field(default_factory=dict)
    """For lines: keys filled for every line (`new_id` → a fresh UUID)."""
    hint: str = ""

    @property
    def where(self) -> tuple[str, ...]:
        return self.path or (self.name,)


_SEPARATORS = re.compile(r"[\s,，、;；]+")


def read(spec: Field, raw: str, today: date) -> Any:
    """The form's text as the payload wants it; pydantic checks what it means."""
    text = raw.strip()
    if spec.kind is Kind.DATE and not text:
        return today.isoformat()
    if spec.kind is Kind.NEW_ID:
        return text or str(uuid.uuid4())
    if spec.kind is Kind.CODES:
        return [code for code in _SEPARATORS.split(text) if code]
    if spec.kind is Kind.PERIOD:
        return _period(text)
    if spec.kind is Kind.LIST:
        return [line.strip() for line in text.splitlines() if line.strip()]
    if spec.kind is Kind.LINES:
        return [_line(spec, line) for line in text.splitlines() if line.strip()]
    return text


def _period(text: str) -> Any:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    return {"year": int(match[1]), "month": int(match[2])} if match else text


def _line(spec: Field, line: str) -> dict[str, Any]:
    cells = [cell.strip() for cell in line.split("|")]
    row: dict[str, Any] = dict(zip(spec.columns, cells, strict=False))
    for key, how in spec.generated.items():
        row[key] = str(uuid.uuid4()) if how == "new_id" else how
    return row


def place(payload: dict[str, Any], where: tuple[str, ...], value: Any) -> None:
    for key in where[:-1]:
        payload = payload.setdefault(key, {})
    payload[where[-1]] = value


@dataclass(frozen=True)
class FieldError:
    """One problem, said to the officer: the field's Chinese label and why."""

    name: str
    label: str
    reason: str

    def __str__(self) -> str:
        return f"{self.label}：{self.reason}"


REASONS: Mapping[str, str] = {
    "missing": "必填",
    "string_too_short": "不能为空",
    "string_too_long": "太长",
    "too_short": "至少填写一项",
    "too_long": "填写的项太多",
    "date_from_datetime_parsing": "日期格式应为 年-月-日，如 2026-12-03",
    "date_parsing": "日期格式应为 年-月-日，如 2026-12-03",
    "date_type": "日期格式应为 年-月-日，如 2026-12-03",
    "uuid_parsing": "编号格式不正确",
    "uuid_type": "编号格式不正确",
    "bool_parsing": "请选择是或否",
    "float_parsing": "应为数字",
    "int_parsing": "应为整数",
    "enum": "请从列表中选择",
    "string_pattern_mismatch": "格式不正确",
    "model_type": "格式不正确",
    "dict_type": "格式不正确，请按 年-月 填写（如 2026-11）",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "extra_forbidden": "不应填写",
}


def errors(fields: Sequence[Field], error: ValidationError) -> list[FieldError]:
    """Each pydantic error as the field whose payload path is the longest prefix of its loc."""
    found: list[FieldError] = []
    for item in error.errors():
        loc = tuple(str(part) for part in item["loc"])
        owner = max(
            (f for f in fields if loc[: len(f.where)] == f.where),
            key=lambda f: len(f.where),
            default=None,
        )
        reason = REASONS.get(item["type"], "格式不正确")
        if owner is None:
            found.append(FieldError("", "表单", reason))
            continue
        rest = loc[len(owner.where) :]
        if owner.kind is Kind.LINES and rest and rest[0].isdigit():
            reason = f"第 {int(rest[0]) + 1} 行{_column(owner, rest[1:])}{reason}"
        found.append(FieldError(owner.name, owner.label, reason))
    return _without_echoes(found)


def _without_echoes(found: list[FieldError]) -> list[FieldError]:
    # A list whose only line is wrong is also reported too short: the line's error says it.
    lines = {e.name for e in found if e.reason.startswith("第 ")}
    return [e for e in found if not (e.name in lines and e.reason == REASONS["too_short"])]


def _column(spec: Field, rest: tuple[str, ...]) -> str:
    if rest and rest[0] in spec.columns:
        return f"第 {spec.columns.index(rest[0]) + 1} 列"
    return ""
