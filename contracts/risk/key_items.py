"""十项重点问题事项 — the catalogue of key problem items: for each, its lead unit and responsible
units (organization kinds, resolved in the jurisdiction), whether it is the named special item,
and its source; with the default milestones of a ledger entry, days before its deadline (倒排工期).

The catalogue is versioned data (`deploy/risk/key_items.yaml`), validated when loaded. Only six
of the ten items are known from public documents; the rest are configuration ([U], `confirmed:
false`). These models are data, not messages: none is a `Payload`, none is registered.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, model_validator

from contracts.bankruptcy.data import (
    DataError,
    EntryId,
    Source,
    Text,
    Version,
    duplicates,
    from_data,
    load,
    source_problems,
)
from contracts.bankruptcy.topics import UnitKind
from contracts.base import Contract

SPECIAL_ITEM = "gov_judgments"
"""涉党政机关未履行生效判决: the named special item, with its own case list."""


class Milestone(Contract):
    """节点 — one step of an entry, due a number of days before the entry's deadline."""

    id: EntryId
    """E.g. `half_done`."""
    zh: Text
    """What must be done by then."""
    days_before: int = Field(ge=0, le=730)
    """Days before the entry's deadline (倒排工期)."""


class KeyItem(Contract):
    """重点问题事项 — one of the ten."""

    id: EntryId
    """E.g. `problem_projects`."""
    zh: Text
    """Chinese name as public documents name it."""
    en: Text
    """English name."""
    lead: UnitKind
    """牵头单位 — the kind of unit that leads it in each jurisdiction."""
    responsible: tuple[UnitKind, ...] = ()
    """责任单位 — the kinds of unit that share the work."""
    special: bool = False
    """Whether it is the named special item, whose cases the special-item workflow runs."""
    source: Source
    """Where the item comes from; `confirmed: false` for a configured one."""


class UnknownKeyItemError(KeyError):
    """No key item has this id."""

    def __str__(self) -> str:
        return str(self.args[0])


class KeyItemCatalogue(Contract):
    """十项重点问题事项目录 — one version, validated as a whole: ten items, unique ids, known
    sources, one special item, milestones in order."""

    version: Version
    """目录版本, `YYYY-MM`."""
    source_documents: dict[EntryId, Text] = Field(min_length=1)
    """Document id → full citation."""
    milestones: tuple[Milestone, ...] = Field(min_length=1)
    """Default milestones of a ledger entry, earliest first."""
    milestones_source: Source
    """Where the milestones come from."""
    items: tuple[KeyItem, ...] = Field(min_length=10, max_length=10)
    """The ten items."""

    _items: dict[str, KeyItem] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> KeyItemCatalogue:
        if problems := list(catalogue_problems(self)):
            raise DataError(problems)
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._items = {i.id: i for i in self.items}

    @classmethod
    def load(cls, path: Path | str | None = None) -> KeyItemCatalogue:
        """Read and validate (default `deploy/risk/key_items.yaml`, or
        `$FUYUAN_RISK_KEY_ITEMS`)."""
        return load(cls, Path(path) if path else default_path())

    @classmethod
    def from_data(cls, data: Any) -> KeyItemCatalogue:
        return from_data(cls, data)

    def item(self, item_id: str) -> KeyItem:
        try:
            return self._items[item_id]
        except KeyError:
            raise UnknownKeyItemError(f"no key item {item_id!r} in {self.version}") from None


def default_path() -> Path:
    """`$FUYUAN_RISK_KEY_ITEMS`, else `$FUYUAN_HOME/deploy/risk/key_items.yaml`, else `deploy/`
    beside `contracts/`."""
    if explicit := os.environ.get("FUYUAN_RISK_KEY_ITEMS"):
        return Path(explicit)
    home = os.environ.get("FUYUAN_HOME") or Path(__file__).resolve().parents[2]
    return Path(home) / "deploy" / "risk" / "key_items.yaml"


def catalogue_problems(catalogue: KeyItemCatalogue) -> Iterator[str]:
    documents = catalogue.source_documents
    yield from duplicates("items", [i.id for i in catalogue.items])
    yield from duplicates("milestones", [m.id for m in catalogue.milestones])
    yield from source_problems("milestones", catalogue.milestones_source, documents)
    days = [m.days_before for m in catalogue.milestones]
    if days != sorted(days, reverse=True) or len(set(days)) != len(days):
        yield "milestones: days_before must fall strictly, earliest milestone first"
    if [i.id for i in catalogue.items if i.special] != [SPECIAL_ITEM]:
        yield f"items: exactly one special item, {SPECIAL_ITEM!r}"
    for i in catalogue.items:
        yield from source_problems(f"items.{i.id}", i.source, documents)
        if i.lead in i.responsible:
            yield f"items.{i.id}.responsible: {i.lead} leads and cannot also be responsible"


__all__ = [
    "SPECIAL_ITEM",
    "DataError",
    "KeyItem",
    "KeyItemCatalogue",
    "Milestone",
    "UnknownKeyItemError",
]
