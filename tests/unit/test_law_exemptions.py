"""D8, the rest: a restricted person's approved exemption (法释〔2015〕17号 第八条), an officer's
spending from personal funds (第三条第二款), the temporary lifting of flights and high-speed rail for
an emergency, at most one month, and the grace period before a listing or restriction is published
(法发〔2019〕35号)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from contracts.enforcement import Organization, Person, party_id
from contracts.enforcement.exemptions import (
    Emergency,
    ExemptionBasis,
    ExemptionNotice,
    GrantRestrictionExemption,
    RestrictionExempted,
)
from contracts.enforcement.publication import PublicationDeferred, SanctionPublished
from contracts.enforcement.sanctions import (
    LiftCompleted,
    MeasureFor,
    RestrictConsumption,
    SanctionImposed,
    SanctionNotice,
)
from services.enforcement.domain import Case, errors, exemptions, publication, sanctions
from services.enforcement.domain.query import Out
from tests.unit.test_law_sanctions import (
    CASE,
    CATALOGUE,
    COURT,
    DEBTOR,
    NOW,
    WEEK,
    apply,
    lift,
    listed,
    listing,
    registered,
    restriction,
)

PLAN: sanctions.Plan = {
    "RW410000": [MeasureFor(measure="premium_transport", whom=["person", "legal_representative"]),
                 MeasureFor(measure="g_trains_first_class", whom=["person", "legal_representative"])],
    "CU410300": [MeasureFor(measure="star_hotels_clubs_golf", whom=["person", "legal_representative"])],
    "NR410300": [MeasureFor(measure="real_estate_purchase_building", whom=["person", "legal_representative"])],
}  # fmt: skip
COMPANY = Organization(name="汝州市某某建材有限公司", credit_code="91410482MA3X4Y5K2E")
OFFICER = Person(name="李华", id_number="410482197505050033")
TOMORROW = NOW.date() + timedelta(days=1)


def restricted(
    cmd: RestrictConsumption | None = None, c: Case | None = None, grace: int = 0
) -> tuple[Case, uuid.UUID, list[Out]]:
    c, sid = c or registered(), uuid.uuid4()
    outs = sanctions.decide_restrict(
        cmd or restriction(),
        c,
        court=COURT,
        sanction_id=sid,
        now=NOW,
        plan=PLAN,
        ack_within=WEEK,
        grace_months=grace,
    )
    return apply(c, outs), sid, outs


def grant(
    c: Case,
    sid: uuid.UUID,
    basis: ExemptionBasis,
    items: list[int],
    whom: str = "person",
    until: date = TOMORROW + timedelta(days=10),
    **more: Any,
) -> list[Out]:
    cmd = GrantRestrictionExemption(
        case_number=CASE,
        sanction_id=sid,
        basis=basis,
        whom=whom,
        items=items,
        from_on=more.pop("from_on", TOMORROW),
        until=until,
        reason="经营必需",
        approved_by="院长 李明",
        **more,
    )
    return exemptions.decide_exempt(
        cmd, c, court=COURT, exemption_id=uuid.uuid4(), now=NOW, catalogue=CATALOGUE
    )


def notices(outs: list[Out]) -> dict[str, list[str]]:
    return {org: p.measures for p, org in outs if isinstance(p, ExemptionNotice)}


def test_spending_needed_for_business_is_allowed_and_only_its_bureaus_are_told() -> None:
    c, sid, _ = restricted()
    outs = grant(c, sid, ExemptionBasis.LIVING_OR_BUSINESS, [2])
    assert isinstance(outs[0][0], RestrictionExempted)
    assert notices(outs) == {"CU410300": ["star_hotels_clubs_golf"]}


def test_an_emergency_lifts_flights_and_high_speed_rail_for_at_most_one_month() -> None:
    c, sid, _ = restricted(restriction().model_copy(update={"items": [1, 2, 3, 9]}))
    month = exemptions.last_travel_day(TOMORROW)
    assert month == date(2026, 4, 2)
    outs = grant(
        c,
        sid,
        ExemptionBasis.EMERGENCY_TRAVEL,
        [1, 9],
        until=month,
        emergency=Emergency.SERIOUS_ILLNESS,
    )
    assert notices(outs) == {"RW410000": ["g_trains_first_class", "premium_transport"]}
    with pytest.raises(errors.ExemptionPeriodError, match="one month") as refused:
        grant(
            c,
            sid,
            ExemptionBasis.EMERGENCY_TRAVEL,
            [1],
            until=month + timedelta(days=1),
            emergency=Emergency.FUNERAL,
        )
    assert refused.value.field == "data.until"


def test_an_emergency_lifting_allows_travel_only_and_names_its_emergency() -> None:
    c, sid, _ = restricted()
    with pytest.raises(errors.ExemptionItemsError, match="item 1"):
        grant(c, sid, ExemptionBasis.EMERGENCY_TRAVEL, [1, 2], emergency=Emergency.FUNERAL)
    with pytest.raises(errors.ExemptionEmergencyError) as refused:
        grant(c, sid, ExemptionBasis.EMERGENCY_TRAVEL, [1])
    assert refused.value.field == "data.emergency"


def test_an_officer_may_pay_from_personal_funds_but_not_the_company() -> None:
    cmd = restriction().model_copy(update={"debtor": COMPANY, "legal_representative": OFFICER})
    c = replace(registered(), debtors=(COMPANY,))
    c, sid, _ = restricted(cmd, c)
    outs = grant(c, sid, ExemptionBasis.PERSONAL_FUNDS, [1], whom="legal_representative")
    [(granted, _)] = [(p, o) for p, o in outs if isinstance(p, RestrictionExempted)]
    assert granted.bound.party == OFFICER
    with pytest.raises(errors.ExemptionPartyError, match="not to the debtor itself") as refused:
        grant(c, sid, ExemptionBasis.PERSONAL_FUNDS, [1], whom="organization")
    assert refused.value.field == "data.whom"
    with pytest.raises(errors.ExemptionPartyError, match="binds no"):
        grant(c, sid, ExemptionBasis.PERSONAL_FUNDS, [1], whom="actual_controller")


def test_only_items_the_order_names_within_its_period_from_today_on() -> None:
    c, sid, _ = restricted(restriction(until=date(2026, 6, 30)))
    with pytest.raises(errors.ExemptionItemsError, match=r"\[5\]"):
        grant(c, sid, ExemptionBasis.LIVING_OR_BUSINESS, [5])
    with pytest.raises(errors.ExemptionStartError) as started:
        grant(c, sid, ExemptionBasis.LIVING_OR_BUSINESS, [3], from_on=NOW.date() - timedelta(1))
    assert started.value.field == "data.from_on"
    with pytest.raises(errors.ExemptionPeriodError):
        grant(c, sid, ExemptionBasis.LIVING_OR_BUSINESS, [3], until=date(2026, 7, 1))


def test_an_exemption_is_from_a_restriction_not_from_a_listing() -> None:
    c, lid = listed(registered(), listing())
    with pytest.raises(errors.NotARestrictionError) as refused:
        grant(c, lid, ExemptionBasis.LIVING_OR_BUSINESS, [3])
    assert refused.value.field == "data.sanction_id"


# 宽限期 — the grace period


def test_a_grace_period_keeps_the_notices_until_it_ends() -> None:
    c, _, outs = restricted(grace=2)
    imposed = next(p for p, _ in outs if isinstance(p, SanctionImposed))
    assert imposed.effective_on == date(2026, 4, 20)  # ordered on 20 February, two months' grace
    assert [p for p, _ in outs if isinstance(p, SanctionNotice)] == []
    [deferred] = [p for p, _ in outs if isinstance(p, PublicationDeferred)]
    assert (deferred.grace_months, len(deferred.notices)) == (2, 3)
    assert not c.restricted(party_id(DEBTOR), NOW.date())  # not in effect in its grace period
    assert publication.decide_publication(c, datetime(2026, 4, 19, 9, tzinfo=UTC), WEEK) == []
    then = datetime(2026, 4, 20, 9, tzinfo=UTC)
    out = publication.decide_publication(c, then, WEEK)
    assert isinstance(out[0][0], SanctionPublished)
    sent = [(p, org) for p, org in out if isinstance(p, SanctionNotice)]
    assert sorted(org for _, org in sent) == ["CU410300", "NR410300", "RW410000"]
    assert {p.acknowledge_by for p, _ in sent} == {then + WEEK}
    assert publication.decide_publication(apply(c, out), then, WEEK) == []


def test_a_restriction_lifted_in_its_grace_period_never_reaches_the_bureaus() -> None:
    c, sid, _ = restricted(grace=1)
    outs = lift(c, sid, "performed")
    assert [type(p) for p, _ in outs][-1] is LiftCompleted
    c = apply(c, outs)
    assert publication.decide_publication(c, datetime(2026, 9, 1, tzinfo=UTC), WEEK) == []


def test_the_setting_gives_the_grace_period_when_the_court_does_not_and_zero_overrides_it() -> None:
    _, _, outs = restricted(grace=3)
    assert next(p for p, _ in outs if isinstance(p, SanctionImposed)).effective_on == date(
        2026, 5, 20
    )
    _, _, outs = restricted(restriction().model_copy(update={"grace_months": 0}), grace=3)
    assert [p for p, _ in outs if isinstance(p, PublicationDeferred)] == []


def test_a_listing_in_its_grace_period_runs_its_term_from_publication() -> None:
    c, _, _ = restricted()
    sid = uuid.uuid4()
    cmd = listing("evasion").model_copy(update={"grace_months": 1})
    outs = sanctions.decide_list(
        cmd,
        c,
        court=COURT,
        sanction_id=sid,
        now=NOW,
        plan=PLAN,
        catalogue=CATALOGUE,
        ack_within=WEEK,
    )
    imposed = next(p for p, _ in outs if isinstance(p, SanctionImposed))
    assert (imposed.effective_on, imposed.until) == (date(2026, 3, 26), date(2028, 3, 25))


def test_the_status_answer_is_silent_in_the_grace_period() -> None:
    _, sid, outs = restricted(grace=1)
    data = next(p for p, _ in outs if isinstance(p, SanctionImposed)).model_dump(mode="json")
    items_of = {m.id: m.restriction_item or 0 for m in CATALOGUE.consumption_restrictions()}
    applicable = {"consumption_restriction": {"person": set(items_of)}}
    party = data["bound"][0]["party"]["id_number"]
    imposed = [(data, COURT)]
    during = sanctions.status(sid, party, None, imposed, applicable, NOW, items_of)
    after = sanctions.status(sid, party, None, imposed, applicable, NOW + timedelta(30), items_of)
    assert during.in_force == [] and len(after.in_force) == 3
