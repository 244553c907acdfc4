"""The enforcement service's own facts about queries, kept in the case's stream."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.base import Contract, Event, OrgCode
from contracts.enforcement.parties import Party
from contracts.enforcement.query import Holding, PropertyKind
from contracts.ids import CaseNumber
from contracts.registry import register


class BureauAsked(Contract):
    """One bureau asked, and for which kinds."""

    bureau: OrgCode
    """The bureau."""
    kinds: list[PropertyKind]
    """The kinds it was asked for."""


@register
class PropertyQueryStarted(Event):
    """已发起查询 — the service accepted a court's query and asked these bureaus."""

    TYPE = "enforcement.event.property_query_started.v1"
    query_id: UUID
    """Id of the query (the court's command id)."""
    case_number: CaseNumber
    """案号."""
    debtor: Party
    """被执行人."""
    kinds: list[PropertyKind]
    """The kinds the court asked for."""
    asked: list[BureauAsked]
    """Every bureau asked; empty when no bureau handles these kinds there."""
    respond_by: AwareDatetime
    """答复期限."""
    requery: int | None = None
    """Set when the service itself re-queries a case closed for lack of property (终本):
    1 for the first re-query six months after closing, up to 10 at five years."""


@register
class PropertyAnswerRecorded(Event):
    """已收到答复 — a bureau's answer to a query was recorded."""

    TYPE = "enforcement.event.property_answer_recorded.v1"
    query_id: UUID
    """The query."""
    bureau: OrgCode
    """The bureau that answered."""
    holdings: list[Holding] = Field(default_factory=list)
    """What it found."""


@register
class CaseClosedWithoutProperty(Event):
    """终本 — the court closed the case for lack of property; the service re-queries every six
    months for five years and reports any property newly found."""

    TYPE = "enforcement.event.case_closed_without_property.v1"
    case_number: CaseNumber
    """案号."""
    closed_on: date
    """终结本次执行程序的日期."""
    approved_by: str | None = None
    """Who approved the closing (院长 or the applicant's signed confirmation); absent in
    events recorded before it was required."""
    execution_notice_on: date | None = None
    """When the execution notice and property report order were served; absent in events
    recorded before it was required."""
    applicant_interviewed_on: date | None = None
    """When the applicant was interviewed (约谈); absent in events recorded before it was
    required."""
