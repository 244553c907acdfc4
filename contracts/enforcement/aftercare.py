"""终本之后 — after a case is closed for lack of property: the re-query result told to the applicant
(申请执行人), and the facts that end the re-query schedule: resumption under a new 执恢 case
number, performance in full, suspension for bankruptcy, termination."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from contracts.base import Command, Event, Notice
from contracts.enforcement.parties import Party
from contracts.enforcement.query import BureauHoldings
from contracts.ids import CaseNumber
from contracts.registry import register


@register
class ResumeEnforcement(Command):
    """恢复执行 — the court resumes a case closed for lack of property (终本), under a new case
    number of type 执恢 (立案结案意见 第六条). The re-query schedule of the old case stops; the
    court registers the 执恢 case as any other."""

    TYPE = "enforcement.command.resume_enforcement.v1"
    case_number: CaseNumber
    """案号 of the case closed by 终本."""
    resumed_case_number: CaseNumber
    """The new case number, type 执恢, of the same court, e.g. （2027）豫0482执恢12号."""
    resumed_on: date
    """立案日期 of the resumed case."""
    reason: str = Field(min_length=1, max_length=1000)
    """Why: property found by a re-query, the applicant's application (no limitation period runs
    against it, 民诉法解释 第五百一十七条第二款) …"""


@register
class EnforcementResumed(Event):
    """已恢复执行 — the case continues as `resumed_case_number`; no more re-queries of this one."""

    TYPE = "enforcement.event.enforcement_resumed.v1"
    case_number: CaseNumber
    """案号 of the case closed by 终本."""
    resumed_case_number: CaseNumber
    """The 执恢 case number."""
    resumed_on: date
    """立案日期 of the resumed case."""
    reason: str
    """Why."""


class Conclusion(StrEnum):
    """How an enforcement case ended, or was suspended for good."""

    PERFORMED = "performed"  # 执行完毕: the obligations are performed in full
    BANKRUPTCY_SUSPENDED = "bankruptcy_suspended"  # 中止执行: bankruptcy accepted (破产法 第十九条)
    TERMINATED = "terminated"  # 终结执行, by ruling


@register
class ConcludeCase(Command):
    """结案 / 中止执行 — the court records that the case was performed in full, suspended because a
    bankruptcy application against the debtor was accepted, or terminated. The re-query schedule
    after 终本 stops, and every open-ended listing in force owes its deletion within three
    working days on the matching ground (法释〔2017〕7号 第十条第一款 (一), (五), (七))."""

    TYPE = "enforcement.command.conclude_case.v1"
    case_number: CaseNumber
    """案号."""
    conclusion: Conclusion
    """performed · bankruptcy_suspended · terminated."""
    concluded_on: date
    """The day it was performed, or the ruling took effect."""
    document_number: str | None = Field(default=None, max_length=100)
    """The ruling's number (中止 / 终结执行裁定书), when there is one."""


@register
class CaseConcluded(Event):
    """已结案 / 已中止 — the case was performed, suspended for bankruptcy or terminated."""

    TYPE = "enforcement.event.case_concluded.v1"
    case_number: CaseNumber
    """案号."""
    conclusion: Conclusion
    """performed · bankruptcy_suspended · terminated."""
    concluded_on: date
    """The day it was performed, or the ruling took effect."""
    document_number: str | None = None
    """The ruling's number, if any."""


@register
class RequeryForApplicant(Notice):
    """终本续查结果告知 — what a re-query after 终本 found, for the applicant (终本规定 第九条:
    "将查询结果告知申请执行人"). Addressed to the executing court's subject, whose service of
    documents to parties (电子送达) delivers it: the applicants are parties, not organizations on
    the platform. A notice of its own, so that it is recorded and delivered even when nothing was
    found."""

    TYPE = "enforcement.notice.requery_for_applicant.v1"
    case_number: CaseNumber
    """案号."""
    applicants: list[Party] = Field(min_length=1)
    """申请执行人 — whom to tell."""
    debtor: Party
    """被执行人 queried."""
    requery: int = Field(ge=1)
    """Which re-query: 1 six months after closing, up to 10 at five years."""
    newly_found: list[BureauHoldings]
    """Property found that earlier queries had not; empty when nothing new was found."""
    complete: bool
    """Whether every bureau asked answered."""
    completed_at: AwareDatetime
    """When the result was taken."""
