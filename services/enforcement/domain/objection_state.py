"""The state of a case's objections to control orders (协助执行异议), rebuilt from its stream."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from contracts.base import Payload
from contracts.enforcement.objections import (
    ControlObjected,
    ObjectionAnswered,
    ObjectionAnswerOverdue,
)


@dataclass(frozen=True)
class Objection:
    """一份书面异议 — and whether it was answered or escalated."""

    objection_id: UUID
    control_id: UUID
    bureau: str
    answer_by: date
    answered: bool = False
    escalated: bool = False


OBJECTION_TYPES = frozenset(
    cls.TYPE for cls in (ControlObjected, ObjectionAnswered, ObjectionAnswerOverdue)
)


def evolve_objections(known: dict[UUID, Objection], event: Payload) -> dict[UUID, Objection]:
    match event:
        case ControlObjected():
            o = Objection(event.objection_id, event.control_id, event.bureau, event.answer_by)
            return {**known, o.objection_id: o}
        case ObjectionAnswered():
            return {**known, event.objection_id: replace(known[event.objection_id], answered=True)}
        case ObjectionAnswerOverdue():
            o = replace(known[event.objection_id], escalated=True)
            return {**known, o.objection_id: o}
    return known
