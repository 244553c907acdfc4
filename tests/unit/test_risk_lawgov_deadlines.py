"""The law-based-government deadlines as facts: a reconsideration undecided past its last day
(with any extension) and a mediation agreement with no confirmation applied for within 30 days
are each overdue once; `next_due` and the decision share one threshold."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contracts.risk import lawgov as g
from services.risk.domain import items, lawgov

BODY, RESPONDENT, MEDIATOR, COURT = "JB410482", "HCCITY01", "PMCITY01", "CT410482"
NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


def fold(state: Any, outs: list[Any]) -> Any:
    for fact, _ in outs:
        state = items.evolve(state, fact)
    return state


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def filed(simplified: bool = False) -> items.ReconsiderationStream:
    c = g.FileReconsideration(
        reconsideration_id=uuid.uuid4(),
        respondent=RESPONDENT,
        act_known_on=date(2026, 9, 1),
        filed_on=date(2026, 10, 5),
        simplified=simplified,
    )
    return fold(items.ReconsiderationStream(), lawgov.decide_file(c, None, by=BODY, now=NOW))


def test_an_undecided_reconsideration_is_overdue_once_the_day_after_its_last_day() -> None:
    state = filed()
    assert state.case is not None
    due = state.case.decision_due
    assert due == date(2026, 12, 4)
    assert items.next_due(state) == at(due + timedelta(days=1))
    assert items.decide_deadlines(state, at(due)) == []
    outs = items.decide_deadlines(state, at(due + timedelta(days=1)))
    [(fact, by)] = outs
    assert isinstance(fact, g.ReconsiderationOverdue) and by == BODY
    assert (fact.respondent, fact.decision_due) == (RESPONDENT, due)
    state = fold(state, outs)
    assert items.next_due(state) is None
    assert items.decide_deadlines(state, at(due + timedelta(days=40))) == []


def test_the_extension_moves_the_deadline_and_a_decision_ends_it() -> None:
    state = filed()
    assert state.case is not None
    ext = g.ExtendReconsideration(reconsideration_id=state.case.reconsideration_id, days=30)
    state = fold(state, lawgov.decide_extend(ext, state.case, by=BODY, now=NOW))
    assert state.case is not None
    assert items.next_due(state) == at(date(2027, 1, 4))
    assert items.decide_deadlines(state, at(date(2026, 12, 20))) == []
    decide = g.DecideReconsideration(
        reconsideration_id=state.case.reconsideration_id,
        outcome=g.CaseOutcome.LOST,
        decided_on=NOW.date(),
    )
    state = fold(state, lawgov.decide_decision(decide, state.case, by=BODY, now=NOW))
    assert items.next_due(state) is None
    assert items.decide_deadlines(state, at(date(2027, 2, 1))) == []


def agreed(channel: g.MediationChannel) -> items.ReferralStream:
    rid = uuid.uuid4()
    refer = g.ReferToMediation(
        referral_id=rid,
        channel=channel,
        mediator=MEDIATOR,
        dispute="物业费",
        referred_on=date(2026, 9, 1),
    )
    state = fold(items.ReferralStream(), lawgov.decide_refer(refer, None, by=COURT, now=NOW))
    result = g.RecordMediationResult(referral_id=rid, agreed=True, on=date(2026, 10, 1))
    return fold(state, lawgov.decide_result(result, state.case, by=MEDIATOR, now=NOW))


def test_no_confirmation_applied_for_within_thirty_days_lapses_once() -> None:
    state = agreed(g.MediationChannel.PEOPLE)
    assert items.next_due(state) == at(date(2026, 11, 1))
    assert items.decide_deadlines(state, at(date(2026, 10, 31))) == []
    outs = items.decide_deadlines(state, at(date(2026, 11, 1)))
    [(fact, by)] = outs
    assert isinstance(fact, g.ConfirmationLapsed) and by == MEDIATOR
    assert fact.confirm_by == date(2026, 10, 31)
    state = fold(state, outs)
    assert items.next_due(state) is None
    assert items.decide_deadlines(state, at(date(2026, 12, 1))) == []


def test_an_application_in_time_or_judicial_mediation_never_lapses() -> None:
    state = agreed(g.MediationChannel.PEOPLE)
    assert state.case is not None
    apply = g.ApplyForConfirmation(referral_id=state.case.referral_id, applied_on=date(2026, 10, 9))
    state = fold(state, lawgov.decide_apply(apply, state.case, by=COURT, now=NOW))
    assert items.next_due(state) is None
    assert items.decide_deadlines(state, at(date(2026, 12, 1))) == []
    judicial = agreed(g.MediationChannel.JUDICIAL)
    assert items.next_due(judicial) is None
    assert items.decide_deadlines(judicial, at(date(2026, 12, 1))) == []
