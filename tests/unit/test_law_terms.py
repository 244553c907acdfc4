"""法定期限 per 民诉法解释 第四百八十五条: the term table, equity and securities at three years, the
settlement cash at one, and a renewal that runs on from the day after the old last day."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from contracts.enforcement import (
    HELD_BY,
    CaseRegistered,
    ControlOrdered,
    ControlOutcome,
    FreezeProperty,
    Holding,
    Measure,
    Organization,
    Outcome,
    PropertyKind,
    RenewControl,
)
from contracts.enforcement.terms import STATUTORY_TERMS
from contracts.organizations import PROPERTY_KINDS, Capability, OrgKind, Registry
from services.enforcement.domain import Case, control, errors, evolve, terms
from services.enforcement.domain.case import ControlState
from services.enforcement.domain.query import Out

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
COURT = "CT410482"
CASE = "（2026）豫0482执77号"
DEBTOR = Organization(name="汝州市某某建材有限公司", credit_code="91410482MA3X4Y5K2E")
STAKE = Holding(
    kind=PropertyKind.EQUITY, reference="汝州市某某实业有限公司（91410482MA3X4Y5K2E）30%股权"
)


def case() -> Case:
    return evolve(
        Case(),
        CaseRegistered(
            case_number=CASE,
            executing_court=COURT,
            filed_on=date(2025, 1, 5),
            debtors=[DEBTOR],
            applicants=[DEBTOR],
            amount=Decimal("1000000"),
        ),
    )


def apply(c: Case, outs: list[Out]) -> Case:
    for payload, _ in outs:
        c = evolve(c, payload)
    return c


def ordered_until(outs: list[Out]) -> date | None:
    """The last day the first order of `outs` asks for."""
    first = outs[0][0]
    assert isinstance(first, ControlOrdered)
    return first.until


def days(years: int, start: date = TODAY) -> int:
    return (terms.add_years(start, years) - start).days


def freeze(holding: Holding, term_days: int) -> FreezeProperty:
    return FreezeProperty(
        case_number=CASE,
        bureau="MR410482",
        holding=holding,
        measure=Measure.FREEZE,
        amount=Decimal("100000"),
        term_days=term_days,
    )


def test_every_property_kind_has_exactly_one_statutory_term_with_its_basis() -> None:
    kinds = [t.kind for t in STATUTORY_TERMS]
    assert sorted(kinds) == sorted(PropertyKind)
    assert all("第四百八十五条" in t.basis for t in STATUTORY_TERMS)


def test_a_three_year_equity_freeze_is_accepted() -> None:
    outs = control.decide_freeze(
        freeze(STAKE, days(3)), case(), court=COURT, control_id=uuid.uuid4(), now=NOW
    )
    assert ordered_until(outs) == date(2029, 3, 1)


def test_an_equity_freeze_a_day_over_three_years_is_refused() -> None:
    with pytest.raises(errors.TermTooLongError, match="3 year"):
        control.decide_freeze(
            freeze(STAKE, days(3) + 1), case(), court=COURT, control_id=uuid.uuid4(), now=NOW
        )


@pytest.mark.parametrize(
    ("kind", "years"),
    [(PropertyKind.SECURITIES, 3), (PropertyKind.SECURITIES_CASH, 1), (PropertyKind.EQUITY, 3),
     (PropertyKind.DEPOSIT, 1), (PropertyKind.VEHICLE, 2), (PropertyKind.REAL_ESTATE, 3)],
)  # fmt: skip
def test_securities_run_three_years_and_their_settlement_cash_one(
    kind: PropertyKind, years: int
) -> None:
    assert terms.TERM_YEARS[kind] == years
    assert terms.within_term(kind, NOW.date(), days(years))
    assert not terms.within_term(kind, NOW.date(), days(years) + 1)


def test_settlement_cash_is_asked_of_the_securities_firm_and_can_be_deducted() -> None:
    assert HELD_BY[PropertyKind.SECURITIES_CASH] == Capability.SECURITIES
    assert all(HELD_BY[kind] in PROPERTY_KINDS for kind in PropertyKind)
    assert PropertyKind.SECURITIES_CASH in terms.MONEY
    assert PropertyKind.SECURITIES not in terms.MONEY


def applied_stake(term_days: int) -> tuple[Case, uuid.UUID]:
    c, cid = case(), uuid.uuid4()
    c = apply(
        c, control.decide_freeze(freeze(STAKE, term_days), c, court=COURT, control_id=cid, now=NOW)
    )
    c = apply(
        c,
        control.decide_outcome(
            ControlOutcome(order_id=cid, outcome=Outcome.APPLIED), c, bureau="MR410482"
        ),
    )
    return c, cid


def test_a_renewal_starts_the_day_after_the_old_last_day() -> None:
    c, cid = applied_stake(30)
    last = c.controls[cid].until
    assert last == date(2026, 3, 31)
    outs = control.decide_renew(
        RenewControl(case_number=CASE, control_id=cid, term_days=1),
        c,
        court=COURT,
        order_id=uuid.uuid4(),
        now=NOW + timedelta(days=20),
    )
    assert ordered_until(outs) == last + timedelta(days=1)


def test_a_renewal_may_run_the_full_statutory_term_after_the_old_last_day_and_no_more() -> None:
    c, cid = applied_stake(30)
    start = date(2026, 4, 1)
    ok = RenewControl(case_number=CASE, control_id=cid, term_days=days(3, start))
    outs = control.decide_renew(ok, c, court=COURT, order_id=uuid.uuid4(), now=NOW)
    assert ordered_until(outs) == date(2029, 3, 31)
    with pytest.raises(errors.TermTooLongError):
        control.decide_renew(
            ok.model_copy(update={"term_days": days(3, start) + 1}),
            c,
            court=COURT,
            order_id=uuid.uuid4(),
            now=NOW,
        )


def queued_stake(term_days: int) -> tuple[Case, uuid.UUID]:
    c, cid = case(), uuid.uuid4()
    c = apply(
        c, control.decide_freeze(freeze(STAKE, term_days), c, court=COURT, control_id=cid, now=NOW)
    )
    c = apply(
        c,
        control.decide_outcome(
            ControlOutcome(order_id=cid, outcome=Outcome.QUEUED), c, bureau="MR410482"
        ),
    )
    return c, cid


def took_effect(c: Case, cid: uuid.UUID, on: date) -> list[Out]:
    reply = ControlOutcome(order_id=cid, outcome=Outcome.TOOK_EFFECT, effective_on=on)
    return control.decide_outcome(reply, c, bureau="MR410482", now=NOW.replace(year=2029))


def test_a_queued_freeze_runs_its_term_from_the_day_the_registry_says_it_took_effect() -> None:
    c, cid = queued_stake(365)
    assert c.controls[cid].status is ControlState.QUEUED
    c = apply(c, took_effect(c, cid, date(2026, 9, 1)))
    assert c.controls[cid].status is ControlState.APPLIED
    assert c.controls[cid].until == date(2027, 8, 31)


def test_a_queued_term_counted_from_taking_effect_is_capped_at_the_statutory_term() -> None:
    c, cid = queued_stake(days(3))  # three years from a day before a 29 February: 1096 days
    c = apply(c, took_effect(c, cid, date(2028, 3, 1)))
    assert c.controls[cid].until == date(2031, 2, 28)  # not 1 March: three years at most


def test_a_ship_is_held_two_years_as_a_movable_and_a_policys_cash_value_one() -> None:
    assert terms.TERM_YEARS[PropertyKind.SHIP] == 2
    assert terms.TERM_YEARS[PropertyKind.INSURANCE] == 1
    assert terms.within_term(PropertyKind.SHIP, TODAY, days(2))
    assert not terms.within_term(PropertyKind.SHIP, TODAY, days(2) + 1)
    # A policy's cash value is realised by surrendering the policy, not transferred as money.
    assert PropertyKind.INSURANCE not in terms.MONEY and PropertyKind.SHIP not in terms.MONEY


def test_ships_are_asked_of_the_maritime_registry_and_policies_of_the_insurers() -> None:
    registry = Registry.load()
    assert HELD_BY[PropertyKind.SHIP] == Capability.SHIP
    assert HELD_BY[PropertyKind.INSURANCE] == Capability.INSURANCE
    assert [o.code for o in registry.handling(Capability.SHIP, "410482")] == ["MS410000"]
    insurers = {o.code for o in registry.handling(Capability.INSURANCE, "410311")}
    assert insurers == {"INCLIC410300", "INPALIC410000"}
    assert {o.kind for o in registry.handling(Capability.INSURANCE, "410311")} == {OrgKind.INSURER}


def test_next_due_is_the_first_moment_the_expiry_decision_writes_warning_then_lapse() -> None:
    c, cid = applied_stake(90)
    last = c.controls[cid].until
    assert last is not None
    due = control.next_due(c)
    assert due == datetime.combine(terms.warn_on(last), datetime.min.time(), tzinfo=UTC)
    assert control.decide_expiry(c, due.date() - timedelta(days=1)) == []
    c = apply(c, control.decide_expiry(c, due.date()))
    assert c.controls[cid].warned
    lapse = control.next_due(c)
    assert lapse is not None and lapse.date() == last + timedelta(days=1)
    assert control.decide_expiry(c, last) == []
    c = apply(c, control.decide_expiry(c, lapse.date()))
    assert c.controls[cid].status is ControlState.LAPSED
    assert control.next_due(c) is None
    assert control.next_due(case()) is None
