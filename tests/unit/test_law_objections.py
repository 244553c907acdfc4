"""D20: a bureau objects in writing to a control order; the court answers in writing within fifteen
days (网络查询冻结存款规定 第六条); unanswered after them, the court and the joint office are told,
once."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from contracts.enforcement.objections import (
    AnswerObjection,
    ControlObjected,
    ObjectionAnswered,
    ObjectionAnswerNotice,
    ObjectionAnswerOverdue,
    ObjectionNotice,
    ObjectToControl,
)
from services.enforcement.domain import Case, errors, objections
from services.enforcement.domain.query import Out
from tests.unit.test_law_orders import BANK, freeze, frozen
from tests.unit.test_law_sanctions import CASE, COURT, NOW, apply

OFFICE = "JO410482"


def frozen_account() -> tuple[Case, uuid.UUID]:
    return frozen(freeze())


def objected(c: Case, cid: uuid.UUID, bureau: str = BANK) -> list[Out]:
    reply = ObjectToControl(
        control_id=cid, reason="户名与被执行人不一致", document_number="异字3号"
    )
    return objections.decide_objection(reply, c, bureau=bureau, objection_id=uuid.uuid4(), now=NOW)


def answer(c: Case, oid: uuid.UUID, days: int = 3) -> list[Out]:
    cmd = AnswerObjection(case_number=CASE, objection_id=oid, upheld=False, answer="户名系录入错误")
    return objections.decide_answer_objection(cmd, c, court=COURT, now=NOW + timedelta(days))


def test_an_objection_is_recorded_and_the_court_told_to_answer_within_fifteen_days() -> None:
    c, cid = frozen_account()
    outs = objected(c, cid)
    [(recorded, by), (told, to)] = outs
    assert isinstance(recorded, ControlObjected) and by == BANK
    assert isinstance(told, ObjectionNotice) and to == COURT
    assert recorded.answer_by == told.answer_by == date(2026, 3, 17)


def test_the_answer_goes_to_the_bureau_and_is_late_after_fifteen_days() -> None:
    c, cid = frozen_account()
    c = apply(c, objected(c, cid))
    oid = next(iter(c.objections))
    [(answered, _), (told, to)] = answer(c, oid)
    assert isinstance(answered, ObjectionAnswered) and not answered.late
    assert isinstance(told, ObjectionAnswerNotice) and to == BANK
    [(late, _), _] = answer(c, oid, days=16)
    assert isinstance(late, ObjectionAnswered) and late.late


def test_an_unanswered_objection_is_escalated_once_after_its_last_day() -> None:
    c, cid = frozen_account()
    c = apply(c, objected(c, cid))
    last = NOW + timedelta(days=15)
    assert objections.decide_objection_overdue(c, last, OFFICE) == []
    outs = objections.decide_objection_overdue(c, last + timedelta(days=1), OFFICE)
    assert [(type(p), to) for p, to in outs] == [
        (ObjectionAnswerOverdue, COURT),
        (ObjectionAnswerOverdue, OFFICE),
    ]
    c = apply(c, outs)
    assert objections.decide_objection_overdue(c, last + timedelta(days=2), OFFICE) == []
    c = apply(c, answer(c, next(iter(c.objections)), days=17))
    assert objections.decide_objection_overdue(c, last + timedelta(days=3), OFFICE) == []


def test_fifteen_days_ending_on_a_weekend_end_on_the_monday() -> None:
    # received Friday 6 March: the fifteenth day is Saturday 21 March (民事诉讼法 第八十五条)
    c, cid = frozen_account()
    reply = ObjectToControl(control_id=cid, reason="户名与被执行人不一致")
    received = NOW + timedelta(days=4)
    outs = objections.decide_objection(
        reply, c, bureau=BANK, objection_id=uuid.uuid4(), now=received
    )
    [(recorded, _), (told, _)] = outs
    assert isinstance(recorded, ControlObjected) and isinstance(told, ObjectionNotice)
    assert recorded.answer_by == told.answer_by == date(2026, 3, 23)
    c = apply(c, outs)
    assert objections.decide_objection_overdue(c, received + timedelta(days=17), OFFICE) == []
    assert objections.decide_objection_overdue(c, received + timedelta(days=18), OFFICE) != []


def test_only_the_bureau_holding_the_property_objects_and_once_at_a_time() -> None:
    c, cid = frozen_account()
    with pytest.raises(errors.WrongBureauError):
        objected(c, cid, "BKRZRCB410482")
    with pytest.raises(errors.UnknownControlError):
        objected(c, uuid.uuid4())
    c = apply(c, objected(c, cid))
    with pytest.raises(errors.ObjectionOpenError) as refused:
        objected(c, cid)
    assert refused.value.field == "data.control_id"


def test_an_objection_is_answered_once_and_only_a_known_one() -> None:
    c, cid = frozen_account()
    c = apply(c, objected(c, cid))
    with pytest.raises(errors.UnknownObjectionError):
        answer(c, uuid.uuid4())
    oid = next(iter(c.objections))
    c = apply(c, answer(c, oid))
    with pytest.raises(errors.ObjectionAnsweredError) as refused:
        answer(c, oid)
    assert refused.value.field == "data.objection_id"
