"""协助执行异议 — a bureau's written objection to a control order, and the court's written answer,
due within fifteen days (网络查询冻结存款规定 第六条); unanswered after them, the court and the joint
office are told."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from contracts.base import Command, Event, Notice, OrgCode, Reply
from contracts.ids import CaseNumber
from contracts.registry import register


@register
class ObjectToControl(Reply):
    """书面异议 — the bureau that holds the property objects in writing to an order of a control
    (the document is defective, the property is a third party's …)."""

    TYPE = "enforcement.reply.object_to_control.v1"
    control_id: UUID
    """The control objected to."""
    order_id: UUID | None = None
    """The order objected to, if it is one order of the control."""
    document_number: str | None = Field(default=None, max_length=100)
    """The bureau's own number of its written objection (异议书)."""
    reason: str = Field(min_length=1, max_length=2000)
    """The objection, in words."""


@register
class ControlObjected(Event):
    """已提出异议 — a bureau's written objection was recorded; the court answers by `answer_by`."""

    TYPE = "enforcement.event.control_objected.v1"
    objection_id: UUID
    """The objection (the bureau's reply id); the court's answer names it."""
    control_id: UUID
    """The control objected to."""
    order_id: UUID | None = None
    """The order objected to, if one."""
    bureau: OrgCode
    """The objecting bureau."""
    document_number: str | None = None
    """The bureau's number of its objection."""
    reason: str
    """The objection."""
    received_on: date
    """The day it arrived."""
    answer_by: date
    """The last day of the court's written answer: fifteen days after it arrived."""


@register
class ObjectionNotice(Notice):
    """异议通知 — the executing court is told of the objection and by when to answer."""

    TYPE = "enforcement.notice.control_objection.v1"
    objection_id: UUID
    """The objection."""
    case_number: CaseNumber
    """案号."""
    control_id: UUID
    """The control objected to."""
    bureau: OrgCode
    """The objecting bureau."""
    reason: str
    """The objection."""
    answer_by: date
    """The last day of the written answer."""


@register
class AnswerObjection(Command):
    """书面答复 — the court answers a bureau's objection in writing."""

    TYPE = "enforcement.command.answer_objection.v1"
    case_number: CaseNumber
    """案号."""
    objection_id: UUID
    """The objection answered."""
    upheld: bool
    """True: the objection is right and the order will be changed or withdrawn; false: the order
    stands and the bureau is to carry it out."""
    answer: str = Field(min_length=1, max_length=2000)
    """The answer, in words."""
    document_number: str | None = Field(default=None, max_length=100)
    """The number of the court's written answer."""


@register
class ObjectionAnswered(Event):
    """已答复 — the court answered the objection."""

    TYPE = "enforcement.event.objection_answered.v1"
    objection_id: UUID
    """The objection."""
    upheld: bool
    """Whether the objection was upheld."""
    answer: str
    """The answer."""
    document_number: str | None = None
    """The number of the written answer."""
    answered_on: date
    """The day of the answer."""
    late: bool
    """Answered after the fifteen days."""


@register
class ObjectionAnswerNotice(Notice):
    """异议答复 — the bureau gets the court's written answer."""

    TYPE = "enforcement.notice.objection_answer.v1"
    objection_id: UUID
    """The objection."""
    case_number: CaseNumber
    """案号."""
    control_id: UUID
    """The control."""
    upheld: bool
    """Whether the objection was upheld."""
    answer: str
    """The answer."""
    document_number: str | None = None
    """The number of the written answer."""


@register
class ObjectionAnswerOverdue(Notice):
    """异议逾期未答复 — the court, and the joint office of its jurisdiction, are told that a
    bureau's objection was not answered within fifteen days; once per objection."""

    TYPE = "enforcement.notice.objection_answer_overdue.v1"
    objection_id: UUID
    """The objection."""
    case_number: CaseNumber
    """案号."""
    control_id: UUID
    """The control."""
    bureau: OrgCode
    """The objecting bureau."""
    answer_by: date
    """The last day the answer was due."""
