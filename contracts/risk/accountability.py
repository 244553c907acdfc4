"""追责问责与表扬表彰 — accountability and commendation, recorded by the joint office, each citing
what it rests on: accountability only on an overdue memo item or on a failed reconciliation of a
key item's ledger entry (对账未通过); commendation on a memo item accepted done (the seed: 分管不负责、归口不办
理、拖拉搪塞 are held to account; marked results are commended; both feed 政府督查 and 法治政府建设
考核)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from pydantic import Field, model_validator

from contracts.bankruptcy.parties import Text
from contracts.base import Command, Contract, Event, OrgCode
from contracts.registry import register


class Ground(StrEnum):
    """追责情形 — the seed's three grounds."""

    IN_CHARGE_NOT_ACTING = "in_charge_not_acting"  # 分管不负责
    UNIT_NOT_HANDLING = "unit_not_handling"  # 归口不办理
    STALLING = "stalling"  # 拖拉搪塞


class BasisKind(StrEnum):
    """What a record rests on."""

    OVERDUE_MEMO_ITEM = "overdue_memo_item"  # 备忘事项逾期 (accountability)
    ACCEPTED_MEMO_ITEM = "accepted_memo_item"  # 备忘事项已办结 (commendation)
    FAILED_RECONCILIATION = "failed_reconciliation"  # 重点事项台账对账未通过 (accountability)


_MEMO = ("meeting_id", "item_id")
_LEDGER = ("key_item", "entry_id", "reconciled_on")
_CITES: dict[BasisKind, tuple[str, ...]] = {
    BasisKind.OVERDUE_MEMO_ITEM: _MEMO,
    BasisKind.ACCEPTED_MEMO_ITEM: _MEMO,
    BasisKind.FAILED_RECONCILIATION: _LEDGER,
}


class Basis(Contract):
    """依据 — the fact cited: a memo item (meeting_id, item_id) or a failed reconciliation of a
    key item's ledger entry (key_item, entry_id, reconciled_on — a reconciliation has no id of
    its own: its entry and day name it)."""

    kind: BasisKind
    """overdue_memo_item · accepted_memo_item · failed_reconciliation."""
    meeting_id: UUID | None = None
    """会商编号 (memo items)."""
    item_id: UUID | None = None
    """备忘事项编号 (memo items)."""
    key_item: str | None = Field(default=None, min_length=1, max_length=64)
    """重点事项 id (failed_reconciliation)."""
    entry_id: UUID | None = None
    """台账条目编号 (failed_reconciliation)."""
    reconciled_on: date | None = None
    """对账日期 of the failed reconciliation cited (failed_reconciliation)."""

    @model_validator(mode="after")
    def _cites_its_kind(self) -> Basis:
        cites = _CITES[self.kind]
        for name in (*_MEMO, *_LEDGER):
            given = getattr(self, name) is not None
            if name in cites and not given:
                raise ValueError(f"{name} is required: a {self.kind.value} basis cites it")
            if given and name not in cites:
                raise ValueError(f"{name} is not part of a {self.kind.value} basis")
        return self


@register
class RaiseAccountability(Command):
    """追责问责 — the joint office holds a unit to account, citing an overdue memo item or a
    failed reconciliation of a key item's ledger entry."""

    TYPE = "risk.command.raise_accountability.v1"
    record_id: UUID
    """记录编号."""
    basis: Basis
    """依据 — the overdue item or the failed reconciliation."""
    unit: OrgCode
    """被问责单位 — the item's owner unit, or the lead unit the failed reconciliation names."""
    ground: Ground
    """追责情形."""
    measures: Text
    """问责方式 — e.g. 约谈、通报批评, and to whom it goes (督查, 考核)."""
    decided_on: date
    """决定日期."""


@register
class AccountabilityRaised(Event):
    """已追责问责."""

    TYPE = "risk.event.accountability_raised.v1"
    record_id: UUID
    """记录编号."""
    basis: Basis
    """依据."""
    overdue_period: int
    """the overdue period cited (0 for the first; 0 on a failed reconciliation)."""
    unit: OrgCode
    """被问责单位."""
    ground: Ground
    """追责情形."""
    measures: str
    """问责方式."""
    decided_on: date
    """决定日期."""


@register
class GrantCommendation(Command):
    """表扬表彰 — the joint office commends a unit, citing a memo item accepted done."""

    TYPE = "risk.command.grant_commendation.v1"
    record_id: UUID
    """记录编号."""
    basis: Basis
    """依据 — the accepted item."""
    unit: OrgCode
    """受表扬单位."""
    reasons: Text
    """表扬事由."""
    granted_on: date
    """日期."""


@register
class CommendationGranted(Event):
    """已表扬表彰."""

    TYPE = "risk.event.commendation_granted.v1"
    record_id: UUID
    """记录编号."""
    basis: Basis
    """依据."""
    unit: OrgCode
    """受表扬单位."""
    reasons: str
    """表扬事由."""
    granted_on: date
    """日期."""


__all__ = [
    "AccountabilityRaised",
    "Basis",
    "BasisKind",
    "CommendationGranted",
    "GrantCommendation",
    "Ground",
    "RaiseAccountability",
]
