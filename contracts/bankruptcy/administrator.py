"""管理人请求 — what the administrator asks of the service: coordination on a topic, publication
of the employee claim list, and the report that the company is deregistered. (Expense aid has its
own module, `aid`.) The sender must be the administrator the court appointed."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from contracts.bankruptcy.parties import Text, Yuan
from contracts.base import Command, Event
from contracts.ids import CaseNumber
from contracts.registry import register


@register
class RequestCoordination(Command):
    """提请协调 — the administrator (or the court) asks for a task on a topic of the catalogue,
    ad hoc."""

    TYPE = "bankruptcy.command.request_coordination.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    topic: str = Field(min_length=1, max_length=64)
    """议题 — a topic id of the catalogue, e.g. `asset_disposal`."""
    item: str | None = Field(default=None, max_length=64)
    """事项 — an item of the topic; none for the topic's ad hoc item."""
    request: Text
    """事项内容 — what is asked, in words."""
    requested_on: date
    """提请日期."""
    due_on: date | None = None
    """办结期限 — as set in the meeting memo (会议备忘); none for the catalogue's default."""


@register
class PublishEmployeeClaims(Command):
    """职工债权清单公示 — the administrator published the list of employees' claims (wages,
    medical and disability costs, pension and social-insurance items, compensation); employees
    are not asked to declare them, they may ask for corrections and then sue (第四十八条)."""

    TYPE = "bankruptcy.command.publish_employee_claims.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    published_on: date
    """公示日期."""
    employees: int = Field(ge=0, le=10_000_000)
    """职工人数 — how many employees the list names."""
    total: Yuan
    """总额 — the claims' total, in yuan."""
    where: str = Field(min_length=1, max_length=200)
    """公示地点 — where the list is published (the premises, a web page)."""


@register
class EmployeeClaimsPublished(Event):
    """职工债权清单已公示."""

    TYPE = "bankruptcy.event.employee_claims_published.v1"
    published_on: date
    """公示日期."""
    employees: int
    """职工人数."""
    total: Yuan
    """总额."""
    where: str
    """公示地点."""


@register
class ReportDeregistration(Command):
    """注销登记 — the administrator deregistered the company with its registration authority,
    with the termination ruling (第一百二十一条)."""

    TYPE = "bankruptcy.command.report_deregistration.v1"
    case_number: CaseNumber
    """案号 — the 破 number."""
    deregistered_on: date
    """注销日期."""
    authority: str = Field(min_length=1, max_length=200)
    """登记机关 — the registration authority, e.g. 汝州市市场监督管理局."""


@register
class DeregistrationCompleted(Event):
    """已注销登记; the administrator's duties end the next day (第一百二十二条)."""

    TYPE = "bankruptcy.event.deregistration_completed.v1"
    deregistered_on: date
    """注销日期."""
    authority: str
    """登记机关."""
