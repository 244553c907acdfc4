"""The measure catalogue per the domain review (D9–D12): each measure cites its current authority,
the 2016 memo kept as history, unconfirmed citations marked as data; the measures the first
versions lacked; and how each bureau can intercept, so a bureau that can act only on a report is
not escalated for its silence."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from contracts.enforcement.measures import Catalogue, Interception, Source
from contracts.enforcement.sanctions import MeasureFor, OverdueSanctions
from contracts.organizations import Capability, OrgKind, Registry
from services.enforcement.domain import sanctions
from tests.unit.test_law_sanctions import (
    COURT,
    NOW,
    WEEK,
    apply,
    registered,
    restriction,
)

CATALOGUE = Catalogue.load()


def test_every_measure_from_the_memo_keeps_it_as_history_under_a_current_authority() -> None:
    from_memo = [
        m for m in CATALOGUE.measures if any(s.document == "memo_2016_141" for s in m.history)
    ]
    assert len(from_memo) >= 25
    for m in from_memo:
        assert m.source.document != "memo_2016_141", m.id
        assert m.source.document in {"basic_list", "spc_2016_285"}, m.id


def test_a_citation_not_checked_against_the_official_text_is_marked_unconfirmed() -> None:
    assert {"basic_list", "spc_2016_285"} <= set(CATALOGUE.unconfirmed_documents)
    for m in CATALOGUE.measures:
        if m.source.document in CATALOGUE.unconfirmed_documents:
            assert m.source.confirmed is False, m.id
    statutory = [m for m in CATALOGUE.measures if m.source.document == "spc_2015_17"]
    assert len(statutory) == 9 and all(m.source.confirmed for m in statutory)
    assert Source(document="memo_2016_141", category="x").confirmed is True


def test_the_measures_the_first_versions_lacked_are_there_with_their_enforcers() -> None:
    expected = {
        "intensified_supervision": OrgKind.MARKET_REGULATION,
        "credit_china_publication": OrgKind.DEVELOPMENT_REFORM,
        "enterprise_credit_publication": OrgKind.MARKET_REGULATION,
        "enterprise_bond_issuance": OrgKind.DEVELOPMENT_REFORM,
        "credit_reporting": OrgKind.CREDIT_REFERENCE,
        "tendering_agency": OrgKind.PUBLIC_RESOURCES_TRADING,
        "bid_evaluation_expert": OrgKind.PUBLIC_RESOURCES_TRADING,
    }
    for measure, kind in expected.items():
        assert kind in CATALOGUE.enforcers(measure), measure
    assert CATALOGUE.get("credit_reporting").source.provision == "第八条第二款"
    for bidding in ("tendering_bidding", "tendering_agency", "bid_evaluation_expert"):
        assert CATALOGUE.get(bidding).source.document == "spc_2016_285"


def test_every_new_enforcer_is_an_organization_that_takes_sanction_notices() -> None:
    registry = Registry.load()
    took = {o.kind for o in registry.handling(Capability.CREDIT_SANCTION, "410300")}
    assert OrgKind.CREDIT_REFERENCE in took


def test_each_measure_says_how_it_is_intercepted() -> None:
    by_id = {m.id: m.interception for m in CATALOGUE.measures}
    assert by_id["premium_transport"] is Interception.AUTOMATIC
    assert by_id["g_trains_first_class"] is Interception.AUTOMATIC
    assert by_id["premium_office_lease"] is Interception.ON_REPORT
    assert by_id["credit_granting"] is Interception.ON_APPLICATION
    assert CATALOGUE.on_report() == {
        "premium_office_lease",
        "star_hotels_clubs_golf",
        "travel_holidays",
        "private_school_fees",
    }


PLAN: sanctions.Plan = {
    "HC410300": [MeasureFor(measure="premium_office_lease", whom=["person"])],
    "RW410000": [MeasureFor(measure="premium_transport", whom=["person"])],
}


def test_a_bureau_that_can_act_only_on_a_report_is_not_escalated_as_overdue() -> None:
    c = registered()
    sid = uuid.uuid4()
    c = apply(
        c,
        sanctions.decide_restrict(
            restriction(), c, court=COURT, sanction_id=sid, now=NOW, plan=PLAN, ack_within=WEEK
        ),
    )
    later = NOW + WEEK + timedelta(seconds=1)
    [(overdue, office)] = sanctions.decide_overdue(c, later, "JO410482", CATALOGUE.on_report())
    assert isinstance(overdue, OverdueSanctions) and office == "JO410482"
    assert [o.bureau for o in overdue.overdue] == ["RW410000"]
    [(everyone, _)] = sanctions.decide_overdue(c, later, "JO410482")
    assert isinstance(everyone, OverdueSanctions)
    assert [o.bureau for o in everyone.overdue] == ["HC410300", "RW410000"]


def test_a_lift_notice_to_such_a_bureau_is_not_escalated_either() -> None:
    c = registered()
    sid = uuid.uuid4()
    c = apply(
        c,
        sanctions.decide_restrict(
            restriction(), c, court=COURT, sanction_id=sid, now=NOW, plan=PLAN, ack_within=WEEK
        ),
    )
    lifted_at = datetime(2026, 3, 3, 9, tzinfo=UTC)
    c = apply(
        c,
        sanctions.lift_all(
            c.sanctions[sid], c.case_number or "", "performed", False, lifted_at, WEEK
        ),
    )
    later = lifted_at + WEEK + timedelta(seconds=1)
    [(overdue, _)] = sanctions.decide_overdue(c, later, "JO410482", CATALOGUE.on_report())
    assert isinstance(overdue, OverdueSanctions)
    assert [(o.bureau, o.lift) for o in overdue.overdue] == [("RW410000", True)]
