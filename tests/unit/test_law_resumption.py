"""D22 per 终本规定 第九条 and 立案结案意见 第六条: a re-query after 终本 is told to the applicant, not
only the court; the schedule stops when the case is resumed under a new 执恢 number, performed,
suspended for bankruptcy or terminated; and a conclusion of the case makes every open-ended
listing in force owe its deletion."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.enforcement import Holding, PropertyAnswer, PropertyKind, PropertyResult
from contracts.enforcement.aftercare import (
    CaseConcluded,
    ConcludeCase,
    Conclusion,
    EnforcementResumed,
    RequeryForApplicant,
    ResumeEnforcement,
)
from contracts.enforcement.duties import ListingDutyArose
from services.enforcement.domain import Case, conclusion, errors, query, requery
from services.enforcement.domain.query import Out, Routing
from tests.unit.test_law_sanctions import (
    APPLICANT,
    CASE,
    COURT,
    apply,
    listed,
    listing,
    registered,
)

CLOSED = date(2026, 3, 2)
BANK = "BKICBC410482"
ROUTING: Routing = {BANK: (PropertyKind.DEPOSIT,)}
DUE = datetime(2026, 9, 2, 9, tzinfo=UTC)
"""The first re-query falls due six months after closing."""


def closed() -> Case:
    return replace(registered(), closed_on=CLOSED)


def requeried(c: Case, found: list[Holding] | None = None) -> tuple[Case, list[Out]]:
    """The service re-queries; the one bank asked answers."""
    c = apply(c, requery.decide_requery(c, DUE, ROUTING, timedelta(hours=72)))
    [q] = [q for q in c.queries.values() if q.requery == 1]
    outs = query.decide_answer(
        PropertyAnswer(query_id=q.query_id, holdings=found or []), c, bureau=BANK, now=DUE
    )
    return apply(c, outs), outs


def told(outs: list[Out]) -> list[tuple[RequeryForApplicant, str]]:
    return [(p, org) for p, org in outs if isinstance(p, RequeryForApplicant)]


def test_a_requery_with_nothing_found_is_told_to_the_applicant() -> None:
    _, outs = requeried(closed())
    [(notice, to)] = told(outs)
    assert to == COURT  # the court's service of documents delivers it to the party
    assert notice.applicants == [APPLICANT] and notice.requery == 1
    assert notice.newly_found == [] and notice.complete
    assert [p for p, _ in outs if isinstance(p, PropertyResult)]  # and the court has the result


def test_property_newly_found_reaches_the_applicant_too() -> None:
    account = Holding(kind=PropertyKind.DEPOSIT, reference="6222021705001234567")
    _, outs = requeried(closed(), [account])
    [(notice, _)] = told(outs)
    assert [h.reference for b in notice.newly_found for h in b.holdings] == [account.reference]


def test_a_query_the_court_asked_for_is_not_sent_to_the_applicant() -> None:
    c = registered()
    cmd = query.QueryProperty(case_number=CASE, debtor=c.debtors[0], kinds=[PropertyKind.DEPOSIT])
    qid = uuid.uuid4()
    c = apply(
        c,
        query.decide_query(
            cmd,
            c,
            court=COURT,
            query_id=qid,
            routing=ROUTING,
            now=DUE,
            respond_within=timedelta(hours=72),
            cache_window=timedelta(0),
        ),
    )
    outs = query.decide_answer(PropertyAnswer(query_id=qid), c, bureau=BANK, now=DUE)
    assert told(outs) == []


def resume(
    c: Case,
    number: str = "（2026）豫0482执恢3号",
    on: date = date(2026, 10, 8),
    now: datetime = datetime(2026, 10, 9, 9, tzinfo=UTC),
) -> list[Out]:
    cmd = ResumeEnforcement(
        case_number=CASE,
        resumed_case_number=number,
        resumed_on=on,
        reason="续查发现被执行人新开立银行账户",
    )
    return conclusion.decide_resume(cmd, c, court=COURT, now=now)


def test_a_resumed_case_continues_under_a_new_zhihui_number_and_is_no_more_requeried() -> None:
    c, _ = requeried(closed())
    [(resumed, _)] = resume(c)
    assert isinstance(resumed, EnforcementResumed)
    assert resumed.resumed_case_number == "（2026）豫0482执恢3号"
    assert requery.scheduled(c) is not None
    c = apply(c, [(resumed, COURT)])
    assert requery.scheduled(c) is None
    later = datetime(2027, 3, 2, 9, tzinfo=UTC)
    assert requery.decide_requery(c, later, ROUTING, timedelta(hours=72)) == []


def test_a_resumption_needs_a_zhihui_number_of_the_same_court() -> None:
    c = closed()
    with pytest.raises(errors.ResumptionNumberError) as refused:
        resume(c, "（2026）豫0482执12号")
    assert refused.value.field == "data.resumed_case_number"
    with pytest.raises(errors.ResumptionNumberError):
        resume(c, "（2026）豫0302执恢3号")


def test_only_a_closed_case_is_resumed_once_and_not_before_it_closed() -> None:
    with pytest.raises(errors.NotClosedError):
        resume(registered())
    with pytest.raises(errors.ResumptionDateError):
        resume(closed(), on=CLOSED - timedelta(days=1))
    c = apply(closed(), resume(closed()))
    with pytest.raises(errors.CaseConcludedError, match="resumed as"):
        resume(c)


def conclude(c: Case, how: Conclusion, on: date = date(2026, 4, 3)) -> list[Out]:
    cmd = ConcludeCase(
        case_number=CASE,
        conclusion=how,
        concluded_on=on,
        document_number="（2026）豫0482执77号之三",
    )
    return conclusion.decide_conclude(cmd, c, court=COURT, now=datetime(2026, 4, 7, tzinfo=UTC))


@pytest.mark.parametrize(
    ("how", "ground"),
    [
        (Conclusion.PERFORMED, "performed"),
        (Conclusion.BANKRUPTCY_SUSPENDED, "execution_suspended"),
        (Conclusion.TERMINATED, "enforcement_terminated"),
    ],
)
def test_performance_bankruptcy_or_termination_stop_the_requeries_and_owe_the_deletion(
    how: Conclusion, ground: str
) -> None:
    c, sid = listed(closed(), listing("ability_refusal"))
    outs = conclude(c, how)
    assert isinstance(outs[0][0], CaseConcluded)
    [duty] = [p for p, _ in outs if isinstance(p, ListingDutyArose)]
    # Friday 3 April 2026, then the Qingming holiday: due on Thursday 9 April.
    assert (duty.sanction_id, duty.ground, duty.due_by) == (sid, ground, date(2026, 4, 9))
    c = apply(c, outs)
    assert requery.scheduled(c) is None
    with pytest.raises(errors.CaseConcludedError):
        conclude(c, Conclusion.TERMINATED)


def test_a_listing_with_a_term_owes_no_deletion_when_the_case_is_performed() -> None:
    c, _ = listed(closed(), listing("evasion"))
    assert [
        p for p, _ in conclude(c, Conclusion.PERFORMED) if isinstance(p, ListingDutyArose)
    ] == []


def test_a_conclusion_dated_after_today_is_refused() -> None:
    with pytest.raises(errors.ConclusionDateError) as refused:
        conclude(closed(), Conclusion.PERFORMED, date(2026, 4, 8))
    assert refused.value.field == "data.concluded_on"


def test_a_conclusion_whose_three_working_days_reach_an_unknown_year_owes_its_earliest_day() -> (
    None
):
    # Wednesday 30 December 2026: 2027's holidays are not in the pinned calendar, so each of its
    # days counts as a working day; the law's last day is later, never earlier: provisional.
    c, _ = listed(closed(), listing("ability_refusal"))
    on = date(2026, 12, 30)
    cmd = ConcludeCase(
        case_number=CASE,
        conclusion=Conclusion.PERFORMED,
        concluded_on=on,
        document_number="（2026）豫0482执77号之三",
    )
    outs = conclusion.decide_conclude(cmd, c, court=COURT, now=datetime(2026, 12, 30, tzinfo=UTC))
    [duty] = [p for p, _ in outs if isinstance(p, ListingDutyArose)]
    assert (duty.due_by, duty.due_by_provisional) == (date(2027, 1, 2), True)
