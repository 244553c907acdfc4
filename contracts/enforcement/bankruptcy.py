"""破产受理对执行的效力 — what the acceptance of a bankruptcy petition does to enforcement
(企业破产法 第十九条): the enforcement service learns of it from the bankruptcy court's
`bankruptcy.event.petition_accepted.v1`, records it on the debtor, suspends each open case of the
debtor, releases its controls and hands deducted money over to the administrator."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from contracts.base import Event, Notice, OrgCode
from contracts.enforcement.parties import Yuan
from contracts.ids import CaseNumber, CreditCode
from contracts.registry import register


@register
class DebtorBankruptcyRecorded(Event):
    """已登记破产受理 — the enforcement service recorded that a bankruptcy petition against the
    company was accepted: from then on no new query or control is taken against it, and a case
    registered against it is suspended at once. On the debtor's own stream, once per 破 case."""

    TYPE = "enforcement.event.debtor_bankruptcy_recorded.v1"
    credit_code: CreditCode
    """统一社会信用代码 — the company in bankruptcy."""
    debtor_name: str = Field(min_length=1, max_length=200)
    """名称."""
    bankruptcy_case_number: CaseNumber
    """破产案号 — the 破 case."""
    bankruptcy_court: OrgCode
    """受理法院."""
    accepted_on: date
    """受理日期 — the effects of 第十九条 run from it."""
    administrator: OrgCode
    """管理人 — organization code of the administrator the court appointed."""
    administrator_name: str = Field(min_length=1, max_length=200)
    """管理人名称."""
    cases: list[CaseNumber] = Field(default_factory=list)
    """The open enforcement cases against the company when the acceptance was recorded."""


@register
class EnforcementSuspendedForBankruptcy(Event):
    """中止执行 — the case is suspended because a bankruptcy petition against its debtor was accepted
    (企业破产法 第十九条): its controls are released, deducted money goes to the administrator,
    its re-queries stop and each open-ended listing owes its deletion. Once per case and debtor."""

    TYPE = "enforcement.event.enforcement_suspended_for_bankruptcy.v1"
    case_number: CaseNumber
    """案号 — the enforcement case."""
    credit_code: CreditCode
    """统一社会信用代码 — the debtor in bankruptcy."""
    bankruptcy_case_number: CaseNumber
    """破产案号."""
    bankruptcy_court: OrgCode
    """受理法院."""
    accepted_on: date
    """受理日期."""
    administrator: OrgCode
    """管理人 — organization code."""
    administrator_name: str = Field(min_length=1, max_length=200)
    """管理人名称."""
    on_registration: bool = False
    """The case was registered after the acceptance (and suspended with its registration)."""


@register
class DeductedFundsHandedOver(Notice):
    """执行款移交管理人 — money deducted from the debtor's account for the case and not paid out
    is handed over to the administrator (企业破产法 第十九条, 破产法解释（二） 第五条). Sent to the
    administrator; one per deduction."""

    TYPE = "enforcement.notice.deducted_funds_handed_over.v1"
    case_number: CaseNumber
    """案号 — the enforcement case."""
    executing_court: OrgCode
    """执行法院 — holds the money in its enforcement account."""
    bankruptcy_case_number: CaseNumber
    """破产案号."""
    control_id: UUID
    """The freeze the money was deducted from."""
    order_id: UUID
    """The deduction order."""
    amount: Yuan
    """How much was deducted (the order's amount where the bureau did not report it)."""
