"""限制消费令 per 法释〔2015〕17号: the order states its period, items and signer (第五条); it has
its own lifting grounds (第九条); a listed debtor is always restricted (第一条第二款)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.enforcement.measures import EndOutcome
from contracts.enforcement.sanctions import RestrictConsumption, SanctionImposed
from services.enforcement.domain import Case, errors, sanctions
from tests.unit.test_law_sanctions import (
    CATALOGUE,
    COURT,
    DEBTOR,
    NOW,
    PLAN,
    WEEK,
    apply,
    imposed,
    lift,
    lifted,
    listing,
    registered,
    restrict,
    restriction,
)


def list_after(c: Case, *grounds: str) -> tuple[Case, uuid.UUID]:
    sid = uuid.uuid4()
    outs = sanctions.decide_list(
        listing(*grounds),
        c,
        court=COURT,
        sanction_id=sid,
        now=NOW,
        plan=PLAN,
        catalogue=CATALOGUE,
        ack_within=WEEK,
    )
    return apply(c, outs), sid


def test_a_listing_without_a_restriction_in_force_is_refused() -> None:
    with pytest.raises(errors.ListingWithoutRestrictionError, match="第一条第二款") as refused:
        list_after(registered(), "evasion")
    assert refused.value.field == "data.debtor"


def test_a_restriction_shorter_than_the_listings_term_does_not_carry_the_listing() -> None:
    c, _ = restrict(registered(), restriction(until=date(2027, 2, 19)))
    with pytest.raises(errors.ListingWithoutRestrictionError):
        list_after(c, "evasion")
    c, _ = restrict(registered(), restriction(until=date(2028, 2, 25)))
    c, sid = list_after(c, "evasion")
    assert c.sanctions[sid].in_force(NOW.date())


def test_an_open_ended_listing_needs_a_restriction_until_performance() -> None:
    c, _ = restrict(registered(), restriction(until=date(2030, 1, 1)))
    with pytest.raises(errors.ListingWithoutRestrictionError):
        list_after(c, "ability_refusal")
    c, _ = restrict(registered(), restriction())
    c, sid = list_after(c, "ability_refusal")
    assert c.sanctions[sid].in_force(NOW.date())


def test_the_order_runs_from_its_date_for_its_stated_period() -> None:
    outs = sanctions.decide_restrict(
        restriction(until=date(2027, 2, 19)),
        registered(),
        court=COURT,
        sanction_id=uuid.uuid4(),
        now=NOW,
        plan=PLAN,
        ack_within=WEEK,
    )
    event = imposed(outs)
    assert isinstance(event, SanctionImposed)
    assert (event.effective_on, event.until) == (date(2026, 2, 20), date(2027, 2, 19))


def test_an_order_dated_after_today_or_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(errors.OrderDateError) as refused:
        restrict(registered(), restriction(ordered_on=NOW.date() + timedelta(days=1)))
    assert refused.value.field == "data.ordered_on"
    with pytest.raises(errors.RestrictionPeriodError) as refused:
        restrict(registered(), restriction(until=date(2026, 2, 19)))
    assert refused.value.field == "data.until"


def test_the_order_names_its_items_among_the_nine_and_its_signer() -> None:
    data = restriction().model_dump(mode="json")
    with pytest.raises(ValueError, match="1–9"):
        RestrictConsumption.model_validate({**data, "items": [1, 10]})
    with pytest.raises(ValueError, match="twice"):
        RestrictConsumption.model_validate({**data, "items": [2, 2]})
    for name in ("items", "signed_by", "ordered_on"):
        with pytest.raises(ValueError, match=name):
            RestrictConsumption.model_validate({k: v for k, v in data.items() if k != name})


@pytest.mark.parametrize("ground", ["security_provided", "applicant_consent", "performed"])
def test_a_restriction_is_lifted_on_its_own_grounds(ground: str) -> None:
    c, sid = restrict(registered(), restriction())
    assert lifted(lift(c, sid, ground)).outcome is EndOutcome.LIFT


@pytest.mark.parametrize("ground", ["early_deletion", "no_property_found", "term_expired"])
def test_a_listing_deletion_ground_does_not_lift_a_restriction(ground: str) -> None:
    c, sid = restrict(registered(), restriction())
    with pytest.raises(errors.UnknownDeletionGroundError) as refused:
        lift(c, sid, ground)
    assert refused.value.field == "data.ground"


def test_full_performance_must_be_lifted_within_three_working_days() -> None:
    c, sid = restrict(registered(), restriction())
    assert lifted(lift(c, sid, "performed", ground_arose_on=date(2026, 3, 2))).due_by == date(
        2026, 3, 5
    )
    assert (
        lifted(lift(c, sid, "applicant_consent", ground_arose_on=date(2026, 3, 2))).due_by is None
    )


def test_a_restriction_is_not_lifted_while_the_debtor_is_listed() -> None:
    c, rid = restrict(registered(), restriction())
    c, lid = list_after(c, "ability_refusal")
    with pytest.raises(errors.RestrictionHeldByListingError) as refused:
        lift(c, rid, "security_provided")
    assert refused.value.field == "data.sanction_id"
    c = apply(c, lift(c, lid, "performed"))
    assert lift(c, rid, "performed")


def test_a_restriction_ends_with_its_period_and_not_before() -> None:
    c, sid = restrict(registered(), restriction(until=date(2026, 8, 31)))
    with pytest.raises(errors.TermNotExpiredError):
        lift(c, sid, "period_ended")
    assert sanctions.decide_expiry(c, datetime(2026, 8, 31, 23, tzinfo=UTC), WEEK) == []
    outs = sanctions.decide_expiry(c, datetime(2026, 9, 1, 9, tzinfo=UTC), WEEK)
    ended = lifted(outs)
    assert (ended.ground, ended.outcome) == ("period_ended", EndOutcome.LIFT)


def test_the_catalogue_cites_the_lifting_grounds() -> None:
    assert CATALOGUE.lifting_ground("performed").source.provision == "第九条"
    assert CATALOGUE.lifting_ground("security_provided").discretionary
    assert not CATALOGUE.lifting_ground("performed").discretionary


def test_a_bureau_asking_hears_only_of_the_items_the_order_names() -> None:
    outs = sanctions.decide_restrict(
        restriction(),
        registered(),
        court=COURT,
        sanction_id=uuid.uuid4(),
        now=NOW,
        plan=PLAN,
        ack_within=WEEK,
    )
    data = imposed(outs).model_dump(mode="json")
    items_of = {m.id: m.restriction_item or 0 for m in CATALOGUE.consumption_restrictions()}
    every = {m.id for m in CATALOGUE.consumption_restrictions()}
    applicable = {"consumption_restriction": {"person": every}}
    answer = sanctions.status(
        uuid.uuid4(), DEBTOR.id_number, None, [(data, COURT)], applicable, NOW, items_of
    )
    assert {items_of[f.measure] for f in answer.in_force} == {1, 2, 3}
