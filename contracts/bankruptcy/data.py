"""版本化数据 — what the bankruptcy catalogues share: sources, versions, loading with every
problem named by entry and field. The catalogues themselves are `topics` and `funding`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, StringConstraints, ValidationError, model_validator

from contracts.base import Contract

EntryId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
"""An entry's id: ASCII snake_case, e.g. `livelihood_employees`. Stable once published."""

Version = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
"""版本 — the month the data version was adopted: `YYYY-MM`, e.g. `2026-12`."""

Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

M = TypeVar("M", bound=BaseModel)


class Source(Contract):
    """出处 — where an entry comes from: a document of `source_documents` and where in it."""

    document: EntryId
    """A key of the file's `source_documents`."""
    provision: Text | None = None
    """条款 — article, paragraph and item, e.g. 第一百二十一条; only when known exactly."""
    category: Text | None = None
    """The part of the document cited, where no article can be named (a local scheme's topic)."""
    confirmed: bool = True
    """False ([U]) when the value rests on practice reported on the web or is a sample: data to
    check and set per jurisdiction, never a certainty."""

    @model_validator(mode="after")
    def _provision_or_category(self) -> Source:
        if self.provision is None and self.category is None:
            raise ValueError("cite a provision (条款) or the part of the document")
        return self


class DataError(ValueError):
    """The data is inconsistent; the message lists every problem, by entry and field."""

    def __init__(self, problems: Iterable[str], where: str = ""):
        self.problems = list(problems)
        prefix = f"{where}: " if where else ""
        super().__init__(
            f"{prefix}{len(self.problems)} problem(s):\n  " + "\n  ".join(self.problems)
        )


def default_path(name: str, variable: str) -> Path:
    """`$<variable>`, else `$FUYUAN_HOME/deploy/bankruptcy/<name>`, else `deploy/` beside
    `contracts/`."""
    if explicit := os.environ.get(variable):
        return Path(explicit)
    # This file is contracts/bankruptcy/data.py: parents[2] is the project root.
    home = os.environ.get("FUYUAN_HOME") or Path(__file__).resolve().parents[2]
    return Path(home) / "deploy" / "bankruptcy" / name


def load(model: type[M], path: Path) -> M:
    """Read and validate a data file; a `DataError` names the file, each entry and field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DataError([f"not valid YAML: {error}"], str(path)) from None
    try:
        return from_data(model, data)
    except DataError as error:
        raise DataError(error.problems, str(path)) from None


def from_data(model: type[M], data: Any) -> M:
    """Build from parsed YAML; raise a `DataError` naming every bad entry and field."""
    if not isinstance(data, dict):
        raise DataError(["expected a mapping with 'version', 'source_documents', …"])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise DataError(list(_lines(data, error.errors()))) from None


def _lines(data: dict[str, Any], details: list[Any]) -> Iterator[str]:
    # A list whose item failed is also "too short" once the item is dropped: the item's error
    # says what is wrong, so that echo is left out.
    failed = {tuple(d["loc"][:-1]) for d in details if d["loc"]}
    for detail in details:
        if detail["type"] == "too_short" and tuple(detail["loc"]) in failed:
            continue
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, DataError):
            yield from cause.problems
            continue
        loc = [str(part) for part in detail["loc"]]
        yield f"{_where(data, loc)}: {detail['msg']}"


def _where(data: Any, loc: list[str]) -> str:
    """`topics[2] tax.items[0] claims_declaration: field 'due_days'` from a pydantic location:
    entries are named by their ids, so a reader finds them in the file."""
    parts, node = [], data
    for part in loc:
        node = node[int(part)] if isinstance(node, list) and part.isdigit() else _get(node, part)
        label = f"[{part}]" if part.isdigit() else f".{part}"
        if part.isdigit() and isinstance(node, dict) and "id" in node:
            label += f" {node['id']}"
        parts.append(label)
    return "field " + "".join(parts).lstrip(".") if parts else "file"


def _get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, dict) else None


def source_problems(where: str, source: Source, documents: dict[str, str]) -> Iterator[str]:
    if source.document not in documents:
        known = ", ".join(sorted(documents))
        yield f"{where}.source: unknown source document {source.document!r} (known: {known})"


def duplicates(section: str, ids: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            yield f"{section}: id {entry_id!r} appears twice"
        seen.add(entry_id)
