"""被执行企业的案件 — one row per company debtor (by credit code) and enforcement case against it,
written from CaseRegistered and the facts that end a case (`domain.bankruptcy.ends_case`), so the
acceptance of a company's bankruptcy finds its open cases without reading the log."""

from __future__ import annotations

from contracts.enforcement import CaseRegistered, Organization
from contracts.enforcement.aftercare import CaseConcluded, EnforcementResumed
from services.enforcement.domain.bankruptcy import ends_case
from services.runtime.projector import Projected, Projection, Projector, Rows, Table

DEBTOR_CASES = Table(
    "debtor_cases",
    key=("credit_code", "case_number"),
    columns=("credit_code", "case_number", "open", "position"),
)


class DebtorCases(Projection):
    tables = (DEBTOR_CASES,)
    TYPES = frozenset({CaseRegistered.TYPE, CaseConcluded.TYPE, EnforcementResumed.TYPE})

    def wants(self, stream_id: str, type_: str) -> bool:
        return type_ in self.TYPES

    async def apply(self, event: Projected, rows: Rows) -> None:
        data = event.message.data
        if isinstance(data, CaseRegistered):
            for d in data.debtors:
                if isinstance(d, Organization):
                    row = {"credit_code": d.credit_code, "case_number": data.case_number}
                    if await rows.get(DEBTOR_CASES, (d.credit_code, data.case_number)) is None:
                        await rows.put(
                            DEBTOR_CASES, {**row, "open": True, "position": event.position}
                        )
        elif ends_case(data):
            for row in await rows.find(DEBTOR_CASES, case_number=data.case_number):
                await rows.put(DEBTOR_CASES, {**row, "open": False})


class DebtorCasesRead:
    """The open enforcement cases against a company."""

    def __init__(self, projector: Projector) -> None:
        self.projector = projector

    async def open_cases(self, credit_code: str) -> list[str]:
        """Brought up to date first, so every case committed before the question is found."""
        await self.projector.catch_up()
        rows = await self.projector.select(DEBTOR_CASES, equal={"credit_code": credit_code})
        return sorted(r["case_number"] for r in rows if r["open"])
