"""名录解析 — turn the parsed YAML sections into entries, naming every field that fails."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import ValidationError

from contracts.organizations.model import Jurisdiction, Organization
from contracts.organizations.validation import problem

Entry = TypeVar("Entry", Jurisdiction, Organization)


def parse_section(
    data: dict[str, Any], section: str, model: type[Entry]
) -> tuple[list[Entry], list[str]]:
    """The valid entries of `data[section]`, and one problem line per invalid field."""
    entries = data.get(section) or []
    if not isinstance(entries, list):
        return [], [f"{section}: must be a list of entries"]
    items: list[Entry] = []
    problems: list[str] = []
    for index, entry in enumerate(entries):
        try:
            items.append(model.model_validate(entry))
        except ValidationError as error:
            problems += [_error_line(section, index, entry, detail) for detail in error.errors()]
    return items, problems


def _entry_name(entry: object) -> object:
    return entry.get("code", "?") if isinstance(entry, dict) else "?"


def _error_line(section: str, index: int, entry: object, detail: Any) -> str:
    field = ".".join(str(part) for part in detail["loc"]) or "entry"
    return problem(section, index, _entry_name(entry), field, detail["msg"])
