"""D2 per 法释〔2017〕7号 第九条、第十条: a duty to delete, revoke or correct a listing is due three
working days after its ground arose, on the official holiday calendar; still open after that, it
is escalated once to the court and the joint office. A term that ends is deleted by the service,
with its last day recorded."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.enforcement.duties import (
    ListingDuty,
    ListingDutyArose,
    ListingDutyOverdue,
    RecordListingDuty,
)
from contracts.enforcement.sanctions import CorrectListing, SanctionLifted
from services.enforcement.domain import Case, duties, errors, sanctions
from services.enforcement.domain.query import Out
from tests.unit.test_law_sanctions import (
    CATALOGUE,
    COURT,
    NOW,
    WEEK,
    apply,
    lift,
    listed,
    listing,
    registered,
)

OFFICE = "JO410482"


def record(
    c: Case,
    sid: uuid.UUID,
    duty: ListingDuty,
    ground: str | None = None,
    arose: date = date(2026, 3, 2),
    now: datetime = NOW,
) -> list[Out]:
    cmd = RecordListingDuty(
        case_number=c.case_number or "",
        sanction_id=sid,
        duty=duty,
        ground=ground,
        ground_arose_on=arose,
        detail="被执行人已全部履行",
    )
    return duties.decide_record_duty(cmd, c, court=COURT, now=now, catalogue=CATALOGUE)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def overdue(c: Case, day: date) -> list[Out]:
    return duties.decide_duty_overdue(c, at(day), OFFICE)


def test_a_mandatory_ground_is_due_three_working_days_after_it_arose() -> None:
    c, sid = listed(registered(), listing("ability_refusal"))
    # Friday 2026-04-03: Qingming (4–6 April) falls in between, so the third working day is 9 April.
    [(arose, court)] = record(
        c, sid, ListingDuty.DELETE, "performed", date(2026, 4, 3), at(date(2026, 4, 3))
    )
    assert isinstance(arose, ListingDutyArose) and court == COURT
    assert (arose.ground, arose.due_by) == ("performed", date(2026, 4, 9))


def test_a_duty_still_open_after_its_last_day_is_escalated_to_the_court_and_the_joint_office() -> (
    None
):
    c, sid = listed(registered(), listing("ability_refusal"))
    c = apply(c, record(c, sid, ListingDuty.DELETE, "performed"))
    due = c.sanctions[sid].duties[0].due_by
    assert due == date(2026, 3, 5)
    assert overdue(c, due) == []  # the last day itself is still in time
    told = overdue(c, due + timedelta(days=1))
    assert [(type(p), org) for p, org in told] == [
        (ListingDutyOverdue, COURT),
        (ListingDutyOverdue, OFFICE),
    ]
    c = apply(c, told)
    assert overdue(c, due + timedelta(days=2)) == []  # once


def test_a_listing_deleted_in_time_is_not_escalated_and_its_lift_carries_the_last_day() -> None:
    c, sid = listed(registered(), listing("ability_refusal"))
    c = apply(c, record(c, sid, ListingDuty.DELETE, "performed"))
    outs = lift(c, sid, "performed", now=at(date(2026, 3, 4)))
    [lifted] = [p for p, _ in outs if isinstance(p, SanctionLifted)]
    assert lifted.due_by == date(2026, 3, 5)
    assert overdue(apply(c, outs), date(2026, 3, 20)) == []


def test_a_correction_is_due_too_and_ends_when_the_data_are_corrected() -> None:
    c, sid = listed(registered(), listing("ability_refusal"))
    c = apply(c, record(c, sid, ListingDuty.CORRECT))
    assert len(overdue(c, date(2026, 3, 10))) == 2
    fix = CorrectListing(case_number=c.case_number or "", sanction_id=sid, correction="姓名更正")
    c = apply(c, sanctions.decide_correct(fix, c, court=COURT, now=at(date(2026, 3, 4))))
    assert overdue(c, date(2026, 3, 10)) == []


def test_a_revocation_rests_on_the_revocation_ground_of_any_listing() -> None:
    c, sid = listed(registered(), listing("evasion"))
    [(arose, _)] = record(c, sid, ListingDuty.REVOKE)
    assert isinstance(arose, ListingDutyArose) and arose.ground == "error_corrected"


def test_a_deletion_duty_needs_a_mandatory_ground_that_applies_to_the_listing() -> None:
    c, sid = listed(registered(), listing("ability_refusal"))
    with pytest.raises(errors.DutyGroundError, match="names its ground"):
        record(c, sid, ListingDuty.DELETE)
    with pytest.raises(errors.DutyGroundError, match="discretion"):
        record(*listed(registered(), listing("evasion")), ListingDuty.DELETE, "early_deletion")
    with pytest.raises(errors.GroundNotForListingError):
        record(*listed(registered(), listing("evasion")), ListingDuty.DELETE, "performed")


def test_a_ground_that_arose_after_today_or_twice_is_refused() -> None:
    c, sid = listed(registered(), listing("ability_refusal"))
    with pytest.raises(errors.DutyDateError):
        record(c, sid, ListingDuty.DELETE, "performed", NOW.date() + timedelta(days=1))
    c = apply(c, record(c, sid, ListingDuty.DELETE, "performed"))
    with pytest.raises(errors.DutyAlreadyRecordedError):
        record(c, sid, ListingDuty.DELETE, "settlement_performed")


def test_a_duty_on_a_restriction_or_a_deleted_listing_is_refused() -> None:
    c, sid = listed(registered(), listing("ability_refusal"))
    restriction_id = next(s for s in c.sanctions if s != sid)
    with pytest.raises(errors.NotAListingError):
        record(c, restriction_id, ListingDuty.DELETE, "performed")
    c = apply(c, lift(c, sid, "performed"))
    with pytest.raises(errors.SanctionEndedError):
        record(c, sid, ListingDuty.CORRECT)


def test_a_duty_reaching_a_year_the_calendar_does_not_know_is_recorded_at_its_earliest() -> None:
    # Wednesday 30 December 2026: Thursday the 31st is a working day; 2027's holidays are not
    # published in the pinned calendar, so its days count as working days. The law's last day
    # (1 January is a public holiday every year) is later, never earlier: provisional.
    c, sid = listed(registered(), listing("ability_refusal"))
    on = date(2026, 12, 30)
    [(arose, court)] = record(c, sid, ListingDuty.DELETE, "performed", on, at(on))
    assert isinstance(arose, ListingDutyArose) and court == COURT
    assert (arose.due_by, arose.due_by_provisional) == (date(2027, 1, 2), True)
    c = apply(c, [(arose, court)])
    [late, _] = [p for p, _ in overdue(c, date(2027, 1, 3))]
    assert isinstance(late, ListingDutyOverdue) and late.due_by_provisional
    [lifted] = [p for p, _ in lift(c, sid, "performed") if isinstance(p, SanctionLifted)]
    assert (lifted.due_by, lifted.due_by_provisional) == (date(2027, 1, 2), True)


def test_a_duty_in_a_year_known_is_not_provisional() -> None:
    c, sid = listed(registered(), listing("ability_refusal"))
    [(arose, _)] = record(c, sid, ListingDuty.DELETE, "performed")
    assert isinstance(arose, ListingDutyArose) and not arose.due_by_provisional


def test_a_term_that_ended_is_deleted_by_the_service_with_its_last_day_recorded() -> None:
    c, sid = listed(registered(), listing("evasion"))
    # A term whose last day is Wednesday 30 September 2026: the National Day holiday follows,
    # and Saturday 10 October is a working day in lieu (调休), the third one.
    last = date(2026, 9, 30)
    c = replace(c, sanctions={**c.sanctions, sid: replace(c.sanctions[sid], until=last)})
    outs = sanctions.decide_expiry(c, at(last + timedelta(days=1)), WEEK)
    [lifted] = [p for p, _ in outs if isinstance(p, SanctionLifted)]
    assert (lifted.ground, lifted.due_by) == ("term_expired", date(2026, 10, 10))


def test_a_term_ending_in_a_year_the_calendar_does_not_know_is_deleted_by_its_earliest_day() -> (
    None
):
    # A term whose last day is Wednesday 30 December 2026: Thursday the 31st is a working day,
    # 2027's holidays are not in the pinned calendar, so each of its days counts as a working day.
    # The law's last day (1 January is a public holiday every year) is later, never earlier.
    c, sid = listed(registered(), listing("evasion"))
    last = date(2026, 12, 30)
    c = replace(c, sanctions={**c.sanctions, sid: replace(c.sanctions[sid], until=last)})
    outs = sanctions.decide_expiry(c, at(last + timedelta(days=1)), WEEK)
    [lifted] = [p for p, _ in outs if isinstance(p, SanctionLifted)]
    assert (lifted.ground, lifted.due_by, lifted.due_by_provisional) == (
        "term_expired",
        date(2027, 1, 2),
        True,
    )


def test_a_term_ending_in_a_year_known_is_not_provisional() -> None:
    c, sid = listed(registered(), listing("evasion"))
    last = date(2026, 9, 30)
    c = replace(c, sanctions={**c.sanctions, sid: replace(c.sanctions[sid], until=last)})
    outs = sanctions.decide_expiry(c, at(last + timedelta(days=1)), WEEK)
    [lifted] = [p for p, _ in outs if isinstance(p, SanctionLifted)]
    assert not lifted.due_by_provisional


def test_the_ground_four_notice_is_a_duty_that_escalates_like_the_others() -> None:
    from contracts.enforcement.sanctions import DeletionDue

    c, sid = listed(registered(), listing("ability_refusal"))
    notice = DeletionDue(
        sanction_id=sid,
        case_number=c.case_number or "",
        ground="no_property_found",
        arose_on=date(2026, 9, 29),
        due_by=date(2026, 10, 9),
    )
    c = apply(c, [(notice, COURT)])
    assert overdue(c, date(2026, 10, 9)) == []
    [(late, _), _] = overdue(c, date(2026, 10, 10))
    assert isinstance(late, ListingDutyOverdue) and late.ground == "no_property_found"
    assert replace(c.sanctions[sid], lifted=True).discharged(c.sanctions[sid].duties[0])
