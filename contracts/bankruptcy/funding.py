"""破产费用保障资金 — the expense-aid fund's limits as data (`deploy/bankruptcy/expense_aid.yaml`):
per jurisdiction, the cap per case (and for complex cases), the cap on the administrator-fee part,
and the yearly budget. Observed local rules are [W]; every value here is a sample to set per
jurisdiction ([U] in docs/BANKRUPTCY.md), so none is code.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from contracts.bankruptcy.data import (
    DataError,
    EntryId,
    Source,
    Text,
    Version,
    default_path,
    duplicates,
    from_data,
    load,
    source_problems,
)
from contracts.bankruptcy.parties import Yuan
from contracts.base import Contract

CourtPrefix = Annotated[str, StringConstraints(min_length=1, max_length=8)]
"""The start of a court code in a case number: 豫 (a province), 豫04 (a city), 豫0482 (a county)."""


class Fund(Contract):
    """一地的保障资金 — one fund and its limits."""

    id: EntryId
    """E.g. `pingdingshan`; `default` applies where no other entry matches."""
    name: Text
    """名称, e.g. 平顶山市."""
    courts: tuple[CourtPrefix, ...] = ()
    """The court codes the fund serves, by prefix (豫04 covers 豫0482); the longest match
    wins. Empty only for `default`."""
    cap_per_case: Yuan
    """单案上限 — at most this per case."""
    cap_complex: Yuan | None = None
    """复杂案件上限 — the higher cap for complex cases; none where there is none."""
    fee_cap: Yuan
    """管理人报酬上限 — at most this of the amount for the administrator's fee."""
    yearly_budget: Yuan
    """年度预算 — what the fund may approve in one calendar year."""
    source: Source
    """Where the values come from."""

    @model_validator(mode="after")
    def _ordered(self) -> Fund:
        if self.fee_cap > self.cap_per_case:
            raise ValueError("fee_cap is more than cap_per_case")
        if self.cap_complex is not None and self.cap_complex < self.cap_per_case:
            raise ValueError("cap_complex is less than cap_per_case")
        return self

    def cap(self, complex_case: bool) -> Decimal:
        """The cap that applies to a case."""
        return self.cap_complex if complex_case and self.cap_complex else self.cap_per_case


class ExpenseAidLimits(Contract):
    """破产费用保障资金 — one version of the funds' limits."""

    version: Version
    """版本, `YYYY-MM`."""
    source_documents: dict[EntryId, Text] = Field(min_length=1)
    """Document id → citation or address."""
    funds: tuple[Fund, ...] = Field(min_length=1)
    """The funds; one has the id `default`."""

    @model_validator(mode="after")
    def _consistent(self) -> ExpenseAidLimits:
        if problems := list(_problems(self)):
            raise DataError(problems)
        return self

    @classmethod
    def load(cls, path: Path | str | None = None) -> ExpenseAidLimits:
        """Read and validate (default `deploy/bankruptcy/expense_aid.yaml`, or
        `$FUYUAN_BANKRUPTCY_EXPENSE_AID`)."""
        where = (
            Path(path)
            if path
            else default_path("expense_aid.yaml", "FUYUAN_BANKRUPTCY_EXPENSE_AID")
        )
        return load(cls, where)

    @classmethod
    def from_data(cls, data: Any) -> ExpenseAidLimits:
        return from_data(cls, data)

    def for_court(self, court_code: str) -> Fund:
        """The fund serving a court code (the longest prefix), else `default`."""
        matches = [
            (len(prefix), j)
            for j in self.funds
            for prefix in j.courts
            if court_code.startswith(prefix)
        ]
        if matches:
            return max(matches, key=lambda m: m[0])[1]
        return next(j for j in self.funds if j.id == "default")


def _problems(limits: ExpenseAidLimits) -> Iterator[str]:
    yield from duplicates("funds", [j.id for j in limits.funds])
    yield from duplicates("funds.courts", [c for j in limits.funds for c in j.courts])
    if not any(j.id == "default" for j in limits.funds):
        yield "funds: no entry with id 'default'"
    for j in limits.funds:
        yield from source_problems(f"funds.{j.id}", j.source, limits.source_documents)
        if bool(j.courts) == (j.id == "default"):
            yield f"funds.{j.id}.courts: only 'default' has no courts, and it has none"


__all__ = ["ExpenseAidLimits", "Fund"]
