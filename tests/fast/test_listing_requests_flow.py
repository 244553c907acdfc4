"""D6: an applicant's request to list a debtor, through the service's consumers and its deadline
runner in memory — recorded, decided by a listing at the applicant's request or by a refusal, or
told to the court and the joint office once when the fifteen days pass undecided."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from contracts.enforcement.duties import RecordListingRequest, RefuseListingRequest
from services.enforcement.domain.query import midnight
from services.enforcement.projections import DUE_CASES
from tests.fast.builders import (
    APPLICANT,
    CASE,
    COURT,
    DEBTOR,
    TODAY,
    imposed,
    listing,
    only,
    registered,
    restrict,
)
from tests.fast.harness import Harness, of_type

SECOND = timedelta(seconds=1)
DECIDE_BY = date(2026, 12, 7)
"""Fifteen days from Friday 20 November (TODAY) end on Saturday 5 December, a rest day: the last
day is Monday 7 December (民事诉讼法 第八十五条)."""


def listing_request(**more: Any) -> RecordListingRequest:
    fields: dict[str, Any] = dict(
        case_number=CASE,
        debtor=DEBTOR,
        applicant=APPLICANT,
        received_on=TODAY,
        detail="被执行人有履行能力而拒不履行",
    )
    return RecordListingRequest(**(fields | more))


def refusal(request_id: uuid.UUID | str, **more: Any) -> RefuseListingRequest:
    fields: dict[str, Any] = dict(
        case_number=CASE,
        request_id=request_id,
        decision_number=f"{CASE}之三",
        decided_on=TODAY,
        reasons="被执行人已提供担保",
    )
    return RefuseListingRequest(**(fields | more))


async def requested(h: Harness) -> uuid.UUID:
    await registered(h)
    event = only(await h.send(listing_request(), COURT), "event.listing_requested", to=COURT)
    assert event.data["decide_by"] == str(DECIDE_BY)
    return uuid.UUID(event.data["request_id"])


async def test_an_undecided_request_is_told_to_the_court_and_the_joint_office_once() -> None:
    h = Harness()
    request_id = await requested(h)
    await h.projector.catch_up()
    [row] = await h.projector.select(DUE_CASES)
    first_overdue = midnight(DECIDE_BY + timedelta(days=1))
    assert row["due_at"] == first_overdue
    h.clock.now = first_overdue - SECOND
    assert await h.tick_deadlines() == []
    h.clock.now = first_overdue
    told = of_type(await h.tick_deadlines(), "notice.listing_request_overdue")
    assert sorted(n.to[:2] for n in told) == ["CT", "JO"]
    assert {n.data["request_id"] for n in told} == {str(request_id)}
    h.clock.advance(timedelta(days=3))
    assert await h.tick_deadlines() == []


async def test_a_refusal_decides_the_request_and_nothing_falls_due() -> None:
    h = Harness()
    request_id = await requested(h)
    refused = only(await h.send(refusal(request_id), COURT), "event.listing_request_refused")
    assert refused.data["late"] is False
    h.clock.now = midnight(TODAY + timedelta(days=30))
    assert await h.tick_deadlines() == []


async def test_the_listing_at_the_applicants_request_decides_it() -> None:
    h = Harness()
    await requested(h)
    await imposed(h, restrict())
    await imposed(h, listing(on_applicant_request=True))
    h.clock.now = midnight(DECIDE_BY + timedelta(days=1))
    assert of_type(await h.tick_deadlines(), "notice.listing_request_overdue") == []
