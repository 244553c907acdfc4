"""立案 — registering an enforcement case with the service, and refusals."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from contracts.base import Command, Event, OrgCode
from contracts.enforcement.parties import Party, Yuan
from contracts.ids import CaseNumber
from contracts.registry import register
from contracts.rejections import MessageRejectedBase


@register
class RegisterCase(Command):
    """立案登记 — a court registers an enforcement case so the service can act on it.

    The sending court must be the executing court named in the case number.
    """

    TYPE = "enforcement.command.register_case.v1"
    case_number: CaseNumber
    """案号 — the enforcement case number, e.g. （2022）豫0482执1234号."""
    filed_on: date
    """立案日期 — the day the case was filed."""
    debtors: list[Party] = Field(min_length=1, max_length=50)
    """被执行人 — the judgment debtors."""
    applicants: list[Party] = Field(min_length=1, max_length=50)
    """申请执行人 — the applicants for enforcement."""
    amount: Yuan
    """执行标的 — the amount to be enforced: the judgment plus costs, in yuan."""


@register
class CaseRegistered(Event):
    """已立案 — the enforcement case is registered with the service."""

    TYPE = "enforcement.event.case_registered.v1"
    case_number: CaseNumber
    """案号 — the enforcement case number."""
    executing_court: OrgCode
    """执行法院 — code of the executing court."""
    filed_on: date
    """立案日期 — the day the case was filed."""
    debtors: list[Party]
    """被执行人 — the judgment debtors."""
    applicants: list[Party]
    """申请执行人 — the applicants for enforcement."""
    amount: Yuan
    """执行标的 — the amount to be enforced, in yuan."""


@register
class MessageRejected(MessageRejectedBase):
    """消息拒收 — a message to the enforcement service was refused."""

    TYPE = "enforcement.rejection.message_rejected.v1"


@register
class CloseWithoutProperty(Command):
    """终结本次执行 — the court closes the case for lack of property (终本); the service will
    re-query the debtors' property every six months for five years. Refused unless more than
    three months have passed since filing, every debtor's property was queried, a consumption
    restriction is in force on every natural-person debtor, the approver is named, the execution
    notice and property report order were served and the applicant was interviewed (约谈)."""

    TYPE = "enforcement.command.close_without_property.v1"
    case_number: CaseNumber
    """案号."""
    closed_on: date
    """The day the ruling took effect; more than three months after filing (终本规定 第一条)."""
    approved_by: str = Field(min_length=1, max_length=100)
    """Who approved the closing: the president after a collegial panel's review, or the
    applicant's signed confirmation (民诉法解释 第五百一十七条), e.g. 院长 张某."""
    execution_notice_on: date | None = None
    """The day the execution notice and the order to report property (执行通知书、报告财产令)
    were served (终本规定 第一条第（一）项); required: a close without it is refused."""
    applicant_interviewed_on: date | None = None
    """The day the applicant was interviewed (约谈申请执行人) and told of the property
    investigation and the closing; required: a close without it is refused."""
