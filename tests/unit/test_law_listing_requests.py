"""D6 per 法释〔2017〕7号 第五条: an applicant may ask the court to list a debtor, and the court
decides within fifteen days of receiving the request — by listing the debtor at the applicant's
request, or by refusing with reasons. Undecided after them, the court and the joint office are
told, once; the due-cases projection finds the case on the first day overdue."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.enforcement.duties import (
    ListingRequested,
    ListingRequestOverdue,
    ListingRequestRefused,
    RecordListingRequest,
    RefuseListingRequest,
)
from services.enforcement.domain import Case, duties, errors
from services.enforcement.domain.due import next_due
from services.enforcement.domain.query import Out, midnight
from tests.unit.test_law_sanctions import (
    APPLICANT,
    COURT,
    DEBTOR,
    NOW,
    apply,
    listed,
    listing,
    registered,
)

OFFICE = "JO410482"
RECEIVED = date(2026, 2, 20)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def request(c: Case, received_on: date = RECEIVED, **more: object) -> list[Out]:
    fields: dict[str, object] = dict(
        case_number=c.case_number or "",
        debtor=DEBTOR,
        applicant=APPLICANT,
        received_on=received_on,
        detail="被执行人有履行能力而拒不履行",
    )
    cmd = RecordListingRequest.model_validate(fields | more)
    return duties.decide_record_request(cmd, c, court=COURT, request_id=uuid.uuid4(), now=NOW)


def requested(received_on: date = RECEIVED) -> tuple[Case, ListingRequested]:
    c = registered()
    [(event, court)] = request(c, received_on)
    assert isinstance(event, ListingRequested) and court == COURT
    return apply(c, [(event, court)]), event


def refuse(c: Case, rid: uuid.UUID, decided_on: date, now: datetime = NOW) -> list[Out]:
    cmd = RefuseListingRequest(
        case_number=c.case_number or "",
        request_id=rid,
        decision_number="（2026）豫0482执77号之三",
        decided_on=decided_on,
        reasons="被执行人已提供担保，不属于第一条规定的情形",
    )
    return duties.decide_refuse_request(cmd, c, court=COURT, now=now)


def test_the_court_decides_within_fifteen_calendar_days_of_the_request() -> None:
    _, event = requested(date(2026, 2, 20))
    # 十五日, calendar days from the day after receipt: the Spring Festival days are counted too;
    # the fifteenth is Saturday 7 March, a rest day, so the last day is Monday 9 March
    assert event.decide_by == date(2026, 3, 9)


def test_undecided_after_fifteen_days_the_court_and_the_joint_office_are_told_once() -> None:
    c, event = requested()
    assert duties.decide_request_overdue(c, at(event.decide_by), OFFICE) == []
    outs = duties.decide_request_overdue(c, at(event.decide_by + timedelta(days=1)), OFFICE)
    assert [org for _, org in outs] == [COURT, OFFICE]
    late = outs[0][0]
    assert isinstance(late, ListingRequestOverdue)
    assert (late.request_id, late.decide_by) == (event.request_id, event.decide_by)
    c = apply(c, outs[:1])
    assert duties.decide_request_overdue(c, at(event.decide_by + timedelta(days=9)), OFFICE) == []


def test_the_case_is_due_the_first_moment_the_request_is_overdue() -> None:
    c, event = requested()
    assert next_due(c) == midnight(event.decide_by + timedelta(days=1))
    assert duties.request_next_due(c) == next_due(c)


def test_a_refusal_decides_the_request_and_says_whether_it_was_late() -> None:
    c, event = requested()
    [(refused, court)] = refuse(c, event.request_id, date(2026, 3, 2))
    assert isinstance(refused, ListingRequestRefused) and court == COURT
    assert refused.late is False
    decided = apply(c, [(refused, court)])
    assert duties.request_next_due(decided) is None
    assert duties.decide_request_overdue(decided, at(date(2026, 4, 1)), OFFICE) == []
    with pytest.raises(errors.ListingRequestDecidedError):
        refuse(decided, event.request_id, date(2026, 3, 2))


def test_a_refusal_after_the_fifteen_days_is_recorded_as_late() -> None:
    c, event = requested(date(2026, 2, 10))
    [(refused, _)] = refuse(c, event.request_id, date(2026, 3, 2))
    assert isinstance(refused, ListingRequestRefused) and refused.late is True


def test_a_listing_at_the_applicants_request_decides_it() -> None:
    c, event = requested()
    c, _ = listed(c, listing("ability_refusal", on_applicant_request=True))
    assert c.listing_requests[event.request_id].decided
    assert duties.request_next_due(c) is None


def test_a_listing_on_the_courts_own_motion_does_not_decide_the_request() -> None:
    c, event = requested()
    c, _ = listed(c, listing("ability_refusal"))
    assert not c.listing_requests[event.request_id].decided


def test_a_request_is_refused_when_the_dates_or_parties_are_wrong() -> None:
    c = registered()
    with pytest.raises(errors.RequestDateError):
        request(c, NOW.date() + timedelta(days=1))
    with pytest.raises(errors.RequestDateError):
        request(c, date(2025, 6, 1))  # before the case was filed
    with pytest.raises(errors.NotAnApplicantError):
        request(c, applicant=DEBTOR)
    with pytest.raises(errors.NotADebtorError):
        request(c, debtor=APPLICANT)
    c, _ = requested()
    with pytest.raises(errors.ListingRequestOpenError):
        request(c)


def test_a_refusal_is_refused_for_an_unknown_request_or_a_date_out_of_range() -> None:
    c, event = requested()
    with pytest.raises(errors.UnknownListingRequestError):
        refuse(c, uuid.uuid4(), date(2026, 3, 2))
    with pytest.raises(errors.DecisionDateError):
        refuse(c, event.request_id, NOW.date() + timedelta(days=1))
    with pytest.raises(errors.DecisionDateError):
        refuse(c, event.request_id, RECEIVED - timedelta(days=1))
