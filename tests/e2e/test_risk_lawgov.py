"""The law-based-government task through the running risk service, on real NATS and PostgreSQL,
on a clock the test moves: a head summoned three days ahead and absent without excuse, then a
judicial recommendation; the case's outcome; a reconsideration left undecided past its last day
and a mediation agreement with no confirmation applied for, each overdue once; a mediation
referral confirmed by the court; a summons from a unit the roles table does not allow refused
naming the field."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from contracts.risk import lawgov as lw
from tests.e2e.test_risk_flow import Mechanism, mechanism
from tests.fast import risk_item_builders as ib

pytestmark = pytest.mark.integration
_ = mechanism


async def test_a_head_absent_without_excuse_and_the_recommendation(mechanism: Mechanism) -> None:
    w = mechanism
    summoned = await w.step(ib.summon(), "event.appearance_summoned", ib.COURT)
    assert summoned["data"]["hearing_on"] == "2026-11-10"
    absent = ib.appearance(outcome=lw.AppearanceOutcome.ABSENT, person=None, role=None)
    recorded = await w.step(absent, "event.head_absent", ib.COURT)
    assert recorded["data"]["defendant"] == ib.LEAD
    sent = await w.step(ib.recommendation(), "event.judicial_recommendation_sent", ib.COURT)
    assert sent["data"]["defendant"] == ib.LEAD
    outcome = lw.RecordAdminCaseOutcome(
        case_number=ib.ADMIN, defendant=ib.LEAD, outcome=lw.CaseOutcome.LOST, decided_on=ib.DAY
    )
    concluded = await w.step(outcome, "event.admin_case_concluded", ib.COURT)
    assert concluded["data"]["outcome"] == "lost"


async def test_a_unit_may_not_summon_a_head(mechanism: Mechanism) -> None:
    w = mechanism
    refused = await w.step(ib.summon(), "rejection.message_rejected", ib.LEAD)
    assert refused["data"]["problems"][0]["field"] == "envelope.organization"
    assert not w.received("event.appearance_summoned")


async def test_the_deadlines_of_reconsideration_and_confirmation_once(mechanism: Mechanism) -> None:
    w = mechanism
    filed = await w.step(ib.file(), "event.reconsideration_filed", ib.JUSTICE)
    assert filed["data"]["decision_due"] == "2027-01-01"

    on = date(2026, 11, 15)
    await w.step(ib.refer(), "event.mediation_referred", ib.COURT)
    await w.step(ib.agreed(on), "event.mediation_agreement_reached", ib.JUSTICE)
    await w.step(ib.apply(date(2026, 11, 18)), "event.judicial_confirmation_applied", ib.COURT)
    granted = await w.step(ib.grant(), "event.judicial_confirmation_granted", ib.COURT)
    assert granted["data"]["referral_id"] == str(ib.REFERRAL)

    unconfirmed = uuid.uuid4()
    other = ib.refer().model_copy(update={"referral_id": unconfirmed})
    await w.step(other, "event.mediation_referred", ib.COURT)
    result = ib.agreed(on).model_copy(update={"referral_id": unconfirmed})
    agreed = await w.step(result, "event.mediation_agreement_reached", ib.JUSTICE)
    assert agreed["data"]["confirm_by"] == "2026-12-15"

    w.clock.now += timedelta(days=44)  # 2027-01-03: both last days have passed
    await w.tick()
    overdue = await w.wait("event.reconsideration_overdue")
    assert overdue[0]["data"]["respondent"] == ib.LEAD
    assert overdue[0]["data"]["decision_due"] == "2027-01-01"
    assert overdue[0]["envelope"]["organization"] == ib.JUSTICE
    lapsed = await w.wait("event.confirmation_lapsed")
    assert [x["data"]["referral_id"] for x in lapsed] == [str(unconfirmed)]
    assert await w.tick() == 0  # however often the runner looks, once
