"""What the deciders of the key items, risk cases, the special item and the law-based-government
task are given besides the state and the clock: the key-item catalogue and the jurisdiction (its
joint office, its units by kind), resolved by the caller from data and the registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from contracts.base import Payload
from contracts.risk.key_items import KeyItem, KeyItemCatalogue
from services.risk.domain import item_errors as errors

Out = tuple[Payload, str]
"""A fact and its organization: the actor of an event."""


@dataclass(frozen=True)
class ItemRules:
    catalogue: KeyItemCatalogue
    office: str
    """联席办 of the jurisdiction."""
    units: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Unit kind → organization codes of the jurisdiction, the one that leads first."""

    def lead(self, item: KeyItem) -> str:
        """The lead unit of the item here; the joint office stands in where none is known."""
        return next(iter(self.units.get(item.lead.value, ())), self.office)


def midnight(day: date) -> datetime:
    """The first moment of `day`, in UTC."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def not_future(day: date, now: datetime, where: str) -> None:
    if day > now.date():
        raise errors.FutureDateError(f"{day} is after today", where)


def not_before(day: date, earlier: date, what: str, where: str) -> None:
    if day < earlier:
        raise errors.DateOrderError(f"{day} is before {what} ({earlier})", where)
