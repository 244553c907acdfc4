"""执行联动 — enforcement: the messages between courts, bureaus and the enforcement service."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from contracts.base import Command, Contract, Event, OrgCode
from contracts.ids import CaseNumber, CreditCode, ResidentId
from contracts.registry import register
from contracts.rejections import MessageRejectedBase

Yuan = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
"""An amount in yuan (元), two decimal places."""


class Person(Contract):
    """自然人 — a natural person party."""

    kind: Literal["person"] = "person"
    name: str = Field(min_length=1, max_length=100)
    """姓名 — full name."""
    id_number: ResidentId
    """公民身份号码 — resident ID number; masked whenever logged or shown."""


class Organization(Contract):
    """法人或其他组织 — an organization party."""

    kind: Literal["organization"] = "organization"
    name: str = Field(min_length=1, max_length=200)
    """名称 — registered name."""
    credit_code: CreditCode
    """统一社会信用代码 — unified social credit code."""
    legal_representative: str | None = Field(default=None, max_length=100)
    """法定代表人 — legal representative's name."""


Party = Annotated[Person | Organization, Field(discriminator="kind")]


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
