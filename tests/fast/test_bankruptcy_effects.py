"""What the acceptance of a company's bankruptcy does to its enforcement cases (企业破产法 第十九条),
through the enforcement service's real consumers: the bankruptcy court's `PetitionAccepted`
arrives on the bankruptcy subject; the open cases of the debtor are suspended once, their controls
released with the ground `bankruptcy_accepted`, deducted money handed over to the administrator,
open-ended listings owe their deletion, and no new query or control of the debtor is taken."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from contracts.bankruptcy import Administrator, AdministratorKind, Debtor, Procedure
from contracts.bankruptcy.procedure import PetitionAccepted
from contracts.enforcement import ControlOutcome, Outcome, PropertyAnswer, RenewControl
from services.enforcement import handlers
from services.enforcement.domain import bankruptcy
from tests.fast import builders as b
from tests.fast.builders import BANK, CASE, COMPANY, COURT, TODAY
from tests.fast.harness import Harness, Published, of_type

ADMIN = "ADHENANLAW"
BANKRUPTCY_CASE = "（2026）豫0482破5号"
LATER_CASE = "（2026）豫0482执1300号"


def accepted(accepted_on: date = TODAY, case_number: str = BANKRUPTCY_CASE) -> PetitionAccepted:
    """The court's acceptance, as the bankruptcy service records it."""
    return PetitionAccepted(
        case_number=case_number,
        petition_case_number="（2026）豫0482破申3号",
        court=COURT,
        debtor=Debtor(name=COMPANY.name, credit_code=COMPANY.credit_code),
        accepted_on=accepted_on,
        procedure=Procedure.LIQUIDATION,
        administrator=Administrator(
            code=ADMIN,
            name="河南某某律师事务所",
            kind=AdministratorKind.LAW_FIRM,
            lead_person="李某",
            contact="0375-1234567",
            appointed_on=accepted_on,
        ),
        announce_by=accepted_on + timedelta(days=25),
    )


async def announce(
    h: Harness, fact: PetitionAccepted | None = None, event_id: uuid.UUID | None = None
) -> list[Published]:
    """The bankruptcy service's relay publishes the acceptance as the court's event."""
    return await h.send(fact or accepted(), COURT, event_id=event_id)


async def company_case(h: Harness) -> None:
    """A case against the company, its deposits queried and found."""
    await b.registered(h, b.COMPANY)
    notices = of_type(await h.send(b.query(COMPANY), COURT), "notice.property_query")
    for n in notices:
        holdings = [b.freeze().holding] if n.to == BANK else []
        answer = PropertyAnswer(query_id=n.data["query_id"], holdings=holdings)
        await h.send(answer, n.to, case_number=CASE)


def types(published: list[Published]) -> list[str]:
    return [p.type.split(".", 1)[1].rsplit(".", 1)[0] for p in published]


async def test_acceptance_suspends_the_case_releases_its_freeze_and_refuses_new_ones() -> None:
    h = Harness()
    await company_case(h)
    control = await b.frozen(h)
    out = await announce(h)
    recorded = b.only(out, "event.debtor_bankruptcy_recorded")
    assert recorded.data["cases"] == [CASE]
    suspended = b.only(out, "event.enforcement_suspended_for_bankruptcy", COURT)
    assert suspended.data["bankruptcy_case_number"] == BANKRUPTCY_CASE
    assert suspended.data["administrator"] == ADMIN
    order = b.only(out, "notice.control_order", BANK)
    assert (order.data["action"], order.data["ground"]) == ("release", "bankruptcy_accepted")
    assert order.data["control_id"] == str(control)
    released = await h.send(
        ControlOutcome(order_id=order.data["order_id"], outcome=Outcome.APPLIED),
        BANK,
        case_number=CASE,
    )
    b.only(released, "event.control_released")
    refused = b.only(await h.send(b.freeze(), COURT), "rejection.message_rejected", COURT)
    assert refused.problems[0][0] == "data.holding"
    refused = b.only(await h.send(b.query(COMPANY), COURT), "rejection.message_rejected", COURT)
    assert refused.problems[0][0] == "data.debtor"


async def test_a_redelivered_or_repeated_acceptance_has_no_second_effect() -> None:
    h = Harness()
    await company_case(h)
    await b.frozen(h)
    event_id = uuid.uuid4()
    first = await announce(h, event_id=event_id)
    assert len(of_type(first, "event.enforcement_suspended_for_bankruptcy")) == 1
    assert await announce(h, event_id=event_id) == []
    assert await announce(h) == []


async def test_an_open_ended_listing_of_the_company_owes_its_deletion() -> None:
    h = Harness()
    await company_case(h)
    boss = b.Person(name="王某", id_number=b.resident("19700301"))
    await b.imposed(h, b.restrict(COMPANY, legal_representative=boss))
    await b.imposed(h, b.listing(debtor=COMPANY, legal_representative=boss))
    out = await announce(h)
    duty = b.only(out, "event.listing_duty_arose")
    assert (duty.data["duty"], duty.data["ground"]) == ("delete", "execution_suspended")


async def test_a_control_in_flight_is_released_once_its_bureau_applied_it() -> None:
    h = Harness()
    await company_case(h)
    order = b.only(await h.send(b.freeze(), COURT), "notice.control_order", BANK)
    out = await announce(h)
    b.only(out, "event.enforcement_suspended_for_bankruptcy")
    assert of_type(out, "notice.control_order") == []
    applied = await h.send(
        ControlOutcome(order_id=order.data["order_id"], outcome=Outcome.QUEUED),
        BANK,
        case_number=CASE,
    )
    release = b.only(applied, "notice.control_order", BANK)
    assert release.data["action"] == "release"


async def test_deducted_money_is_handed_over_to_the_administrator() -> None:
    h = Harness()
    await company_case(h)
    control = await b.frozen(h)
    order = b.only(await h.send(b.deduct(control, "300"), COURT), "notice.control_order", BANK)
    await h.send(
        ControlOutcome(order_id=order.data["order_id"], outcome=Outcome.APPLIED),
        BANK,
        case_number=CASE,
    )
    out = await announce(h)
    handed = b.only(out, "notice.deducted_funds_handed_over", ADMIN)
    assert Decimal(handed.data["amount"]) == Decimal(300)
    assert handed.data["order_id"] == order.data["order_id"]
    b.only(out, "notice.control_order", BANK)


async def test_a_case_registered_after_the_acceptance_is_suspended_with_its_registration() -> None:
    h = Harness()
    await announce(h)
    out = await h.send(b.register(LATER_CASE, COMPANY), COURT)
    assert types(out) == ["event.case_registered", "event.enforcement_suspended_for_bankruptcy"]
    assert of_type(out, "event.enforcement_suspended_for_bankruptcy")[0].data["on_registration"]
    query = b.query(COMPANY).model_copy(update={"case_number": LATER_CASE})
    refused = b.only(await h.send(query, COURT), "rejection.message_rejected", COURT)
    assert refused.problems[0][0] == "data.debtor"


async def test_a_case_performed_before_the_acceptance_is_not_suspended() -> None:
    h = Harness()
    await company_case(h)
    await h.send(b.conclude(), COURT)
    out = await announce(h)
    assert types(out) == ["event.debtor_bankruptcy_recorded"]
    assert b.only(out, "event.debtor_bankruptcy_recorded").data["cases"] == []


async def test_a_case_against_a_person_is_untouched() -> None:
    h = Harness()
    await b.registered(h)
    await b.frozen(h)
    out = await announce(h)
    assert types(out) == ["event.debtor_bankruptcy_recorded"]
    assert b.only(await h.send(b.freeze("10"), COURT), "notice.control_order", BANK)


async def test_a_registration_in_flight_during_the_acceptance_is_suspended_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The registration read the debtor before the acceptance was recorded, and the acceptance
    read the cases before the registration was written: the registration, once written, finds
    the acceptance and suspends its case."""
    h = Harness()
    await announce(h)
    real, calls = handlers.load_debtor, []

    async def before_the_acceptance(store: Any, credit: str) -> Any:
        calls.append(credit)
        return (bankruptcy.Debtor(), 0) if len(calls) == 1 else await real(store, credit)

    monkeypatch.setattr(handlers, "load_debtor", before_the_acceptance)
    out = await h.send(b.register(LATER_CASE, COMPANY), COURT)
    assert types(out) == ["event.case_registered", "event.enforcement_suspended_for_bankruptcy"]
    assert not b.only(out, "event.enforcement_suspended_for_bankruptcy").data["on_registration"]
    assert await announce(h) == []


async def test_a_release_the_bureau_refuses_is_not_ordered_again() -> None:
    h = Harness()
    await company_case(h)
    await b.frozen(h)
    order = b.only(await announce(h), "notice.control_order", BANK)
    refused = ControlOutcome(order_id=order.data["order_id"], outcome=Outcome.REFUSED, reason="x")
    out = await h.send(refused, BANK, case_number=CASE)
    assert b.only(out, "notice.control_report", COURT).data["status"] == "refused"
    assert of_type(out, "notice.control_order") == []


async def test_a_freeze_left_in_force_after_the_acceptance_is_neither_deducted_nor_renewed() -> (
    None
):
    h = Harness()
    await company_case(h)
    control = await b.frozen(h)
    order = b.only(await announce(h), "notice.control_order", BANK)
    refused = ControlOutcome(order_id=order.data["order_id"], outcome=Outcome.REFUSED, reason="x")
    await h.send(refused, BANK, case_number=CASE)  # the bureau refused the release
    for command in (
        b.deduct(control),
        RenewControl(case_number=CASE, control_id=control, term_days=30),
    ):
        out = await h.send(command, COURT)
        rejected = b.only(out, "rejection.message_rejected", COURT)
        assert rejected.problems[0][0] == "data.control_id"
        assert of_type(out, "notice.control_order") == []
