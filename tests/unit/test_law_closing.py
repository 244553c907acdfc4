"""终本 (`CloseWithoutProperty`) only when its legal conditions hold: more than three months
since filing, every debtor's property queried, a consumption restriction in force on every
natural-person debtor, the approver named (终本规定 第一条, 民诉法解释 第五百一十七条), the execution
notice and property report order served and the applicant interviewed (约谈)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from contracts.enforcement import (
    CaseClosedWithoutProperty,
    CaseRegistered,
    CloseWithoutProperty,
    Organization,
    Person,
    PropertyKind,
    QueryProperty,
)
from contracts.enforcement.measures import Catalogue
from contracts.enforcement.sanctions import LiftSanction, RestrictConsumption
from services.enforcement.domain import Case, closing, errors, evolve, query, sanctions
from services.enforcement.domain.query import Out

COURT = "CT410482"
CASE = "（2026）豫0482执77号"
FILED = date(2026, 3, 2)
NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
RESTRICTED_AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
DEBTOR = Person(name="王强", id_number="410482198001010016")
COMPANY = Organization(name="汝州市某某建材有限公司", credit_code="91410482MA3X4Y5K2E")


def apply(c: Case, outs: list[Out]) -> Case:
    for payload, _ in outs:
        c = evolve(c, payload)
    return c


def registered(*debtors: Person | Organization, filed_on: date = FILED) -> Case:
    return evolve(
        Case(),
        CaseRegistered(
            case_number=CASE,
            executing_court=COURT,
            filed_on=filed_on,
            debtors=list(debtors),
            applicants=[COMPANY],
            amount=Decimal("86500"),
        ),
    )


def queried(c: Case, routing: query.Routing | None = None) -> Case:
    """Every debtor's property asked of no bureau: the result closes at once, empty; asked of
    the bureaus of `routing`, the query stays open until they answer or its deadline."""
    for debtor in c.debtors:
        cmd = QueryProperty(case_number=CASE, debtor=debtor)
        c = apply(
            c,
            query.decide_query(
                cmd,
                c,
                court=COURT,
                query_id=uuid.uuid4(),
                routing=routing or {},
                now=RESTRICTED_AT,
                respond_within=timedelta(hours=72),
                cache_window=timedelta(hours=1),
            ),
        )
    return c


def restricted(
    c: Case, debtor: Person, sanction_id: uuid.UUID | None = None, at: datetime = RESTRICTED_AT
) -> Case:
    cmd = RestrictConsumption(
        case_number=CASE,
        debtor=debtor,
        order_number="（2026）豫0482执77号之一",
        ordered_on=at.date(),
        items=list(range(1, 10)),
        signed_by="院长 李明",
    )
    return apply(
        c,
        sanctions.decide_restrict(
            cmd,
            c,
            court=COURT,
            sanction_id=sanction_id or uuid.uuid4(),
            now=at,
            plan={},
            ack_within=timedelta(days=7),
        ),
    )


NOTICE_SERVED = date(2026, 3, 5)
INTERVIEWED = date(2026, 6, 1)


def close(
    closed_on: date = TODAY, approved_by: str = "院长 李明", **more: object
) -> CloseWithoutProperty:
    steps = {"execution_notice_on": NOTICE_SERVED, "applicant_interviewed_on": INTERVIEWED}
    fields = {"case_number": CASE, "closed_on": closed_on, "approved_by": approved_by}
    return CloseWithoutProperty.model_validate(fields | steps | more)


def ready() -> Case:
    return restricted(queried(registered(DEBTOR)), DEBTOR)


def test_a_case_meeting_every_condition_is_closed_with_its_approver() -> None:
    [(closed, to)] = closing.decide_close(close(), ready(), court=COURT)
    assert isinstance(closed, CaseClosedWithoutProperty)
    assert closed.approved_by == "院长 李明" and to == COURT
    assert (closed.execution_notice_on, closed.applicant_interviewed_on) == (
        NOTICE_SERVED,
        INTERVIEWED,
    )


def test_a_close_without_the_execution_notice_and_report_order_is_refused() -> None:
    with pytest.raises(errors.ExecutionNoticeMissingError, match="报告财产令") as refused:
        closing.decide_close(close(execution_notice_on=None), ready(), court=COURT)
    assert refused.value.field == "data.execution_notice_on"
    with pytest.raises(errors.ExecutionNoticeMissingError):
        closing.decide_close(
            close(execution_notice_on=FILED - timedelta(days=1)), ready(), court=COURT
        )


def test_a_close_without_the_applicants_interview_is_refused() -> None:
    with pytest.raises(errors.InterviewMissingError, match="约谈") as refused:
        closing.decide_close(close(applicant_interviewed_on=None), ready(), court=COURT)
    assert refused.value.field == "data.applicant_interviewed_on"
    with pytest.raises(errors.InterviewMissingError):
        closing.decide_close(
            close(applicant_interviewed_on=TODAY + timedelta(days=1)), ready(), court=COURT
        )


def test_a_close_on_a_case_filed_today_is_refused() -> None:
    c = restricted(queried(registered(DEBTOR, filed_on=NOW.date())), DEBTOR, at=NOW)
    with pytest.raises(errors.CloseTooEarlyError, match="three months") as refused:
        closing.decide_close(close(), c, court=COURT)
    assert refused.value.field == "data.closed_on"


def test_a_close_exactly_three_months_after_filing_is_refused_and_the_day_after_accepted() -> None:
    c = ready()
    with pytest.raises(errors.CloseTooEarlyError):
        closing.decide_close(close(date(2026, 6, 2)), c, court=COURT)
    assert closing.decide_close(close(date(2026, 6, 3)), c, court=COURT)


def test_a_close_before_any_property_query_is_refused() -> None:
    c = restricted(registered(DEBTOR), DEBTOR)
    with pytest.raises(errors.PropertyNotQueriedError) as refused:
        closing.decide_close(close(), c, court=COURT)
    assert refused.value.field == "data.case_number"


def test_a_close_while_the_query_is_still_open_says_so_and_until_when() -> None:
    c = restricted(queried(registered(DEBTOR), {"BKICBC410482": (PropertyKind.DEPOSIT,)}), DEBTOR)
    with pytest.raises(errors.PropertyNotQueriedError) as refused:
        closing.decide_close(close(), c, court=COURT)
    until = (RESTRICTED_AT + timedelta(hours=72)).isoformat(timespec="minutes")
    assert f"still open until {until}" in str(refused.value)
    assert "BKICBC410482" in str(refused.value)
    assert "no completed property query" not in str(refused.value)


def test_a_close_is_refused_while_one_debtor_is_still_unqueried() -> None:
    c = registered(DEBTOR, COMPANY)
    c = restricted(
        apply(
            c,
            query.decide_query(
                QueryProperty(case_number=CASE, debtor=DEBTOR),
                c,
                court=COURT,
                query_id=uuid.uuid4(),
                routing={},
                now=NOW,
                respond_within=timedelta(hours=72),
                cache_window=timedelta(hours=1),
            ),
        ),
        DEBTOR,
    )
    with pytest.raises(errors.PropertyNotQueriedError):
        closing.decide_close(close(), c, court=COURT)


def test_a_close_is_refused_without_a_restriction_on_a_natural_person_debtor() -> None:
    with pytest.raises(errors.RestrictionMissingError) as refused:
        closing.decide_close(close(), queried(registered(DEBTOR)), court=COURT)
    assert refused.value.field == "data.case_number"


def test_an_organization_debtor_needs_no_restriction_of_its_own_to_close() -> None:
    assert closing.decide_close(close(), queried(registered(COMPANY)), court=COURT)


def test_a_lifted_restriction_does_not_count() -> None:
    sid = uuid.uuid4()
    c = restricted(queried(registered(DEBTOR)), DEBTOR, sid)
    lift = LiftSanction(case_number=CASE, sanction_id=sid, ground="performed")
    c = apply(
        c,
        sanctions.decide_lift(
            lift,
            c,
            court=COURT,
            now=NOW - timedelta(days=1),
            catalogue=Catalogue.load(),
            confirm_within=timedelta(days=7),
        ),
    )
    with pytest.raises(errors.RestrictionMissingError):
        closing.decide_close(close(), c, court=COURT)


def test_a_close_with_a_blank_approver_is_refused() -> None:
    with pytest.raises(errors.ApproverMissingError) as refused:
        closing.decide_close(close(approved_by="  "), ready(), court=COURT)
    assert refused.value.field == "data.approved_by"


def test_the_approver_is_a_required_field_of_the_command() -> None:
    with pytest.raises(ValueError, match="approved_by"):
        CloseWithoutProperty.model_validate({"case_number": CASE, "closed_on": "2026-07-01"})
