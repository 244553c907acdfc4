"""The key items, risk cases and the special item through the running risk service, on real NATS
and PostgreSQL: a key item's ledger entry claimed, a check-off before reconciliation refused
naming the field, a reconciliation that failed and the accountability citing it, then reconciled
and checked off; a problem project's status changes; a
special-item case closed by the enforcement service's own fact that the case was performed."""

from __future__ import annotations

import pytest

from contracts.enforcement.aftercare import CaseConcluded, Conclusion
from contracts.risk import cases as rc
from tests.e2e.test_risk_flow import Mechanism, mechanism
from tests.fast import risk_builders as b
from tests.fast import risk_item_builders as ib

pytestmark = pytest.mark.integration
_ = mechanism


async def test_a_ledger_entry_claimed_reconciled_and_checked_off(mechanism: Mechanism) -> None:
    w = mechanism
    await w.step(ib.plan(), "event.key_item_plan_adopted", ib.LEAD)
    added = await w.step(ib.entry(), "event.ledger_entry_added", b.OFFICE)
    assert added["data"]["lead"] == ib.LEAD
    assert [m["id"] for m in added["data"]["milestones"]] == ["plan_set", "half_done", "claim_due"]
    await w.step(ib.claim(), "event.ledger_entry_completion_claimed", ib.LEAD)

    refused = await w.step(ib.close(), "rejection.message_rejected", b.OFFICE)
    assert refused["data"]["problems"][0]["field"] == "data.entry_id"
    assert "has not been reconciled" in refused["data"]["problems"][0]["reason"]
    assert not w.received("event.ledger_entry_closed")

    failed = await w.step(
        ib.reconcile(matched=False), "event.ledger_reconciliation_failed", b.OFFICE
    )
    assert failed["data"]["lead"] == ib.LEAD
    raised = await w.step(ib.accountability(), "event.accountability_raised", b.OFFICE)
    assert raised["data"]["basis"]["kind"] == "failed_reconciliation"
    assert raised["data"]["basis"]["entry_id"] == str(ib.ENTRY)
    assert raised["data"]["unit"] == ib.LEAD

    await w.step(ib.claim(), "event.ledger_entry_completion_claimed", ib.LEAD)
    await w.step(ib.reconcile(), "event.ledger_entry_reconciled", b.OFFICE)
    closed = await w.step(ib.close(), "event.ledger_entry_closed", b.OFFICE)
    assert closed["envelope"]["organization"] == b.OFFICE
    assert closed["data"]["entry_id"] == str(ib.ENTRY)


async def test_a_problem_projects_status_changes_with_reasons(mechanism: Mechanism) -> None:
    w = mechanism
    registered = await w.step(ib.risk(), "event.risk_case_registered", b.OFFICE)
    assert registered["data"]["project"]["buyers_affected"] == 398
    for to in (rc.RiskStatus.WORK_RESUMED, rc.RiskStatus.DELIVERED):
        changed = await w.step(ib.status(to), "event.risk_status_changed", ib.LEAD)
        assert changed["data"]["status"] == to.value
        assert changed["data"]["reason"] == "续建资金到位"
    refused = await w.step(ib.status(rc.RiskStatus.CLOSED), "rejection.message_rejected", ib.LEAD)
    assert refused["data"]["problems"][0]["field"] == "data.status"


async def test_a_special_item_case_closed_by_the_enforcement_fact(mechanism: Mechanism) -> None:
    w = mechanism
    await w.step(ib.assign(), "event.gov_judgment_case_assigned", b.OFFICE)
    concluded = CaseConcluded(
        case_number=ib.EXEC, conclusion=Conclusion.PERFORMED, concluded_on=ib.DAY
    )
    await w.publish(concluded, ib.COURT)
    performed = (await w.wait("event.gov_judgment_performed"))[-1]
    assert performed["data"]["ground"] == "enforcement"
    assert performed["envelope"]["organization"] == b.OFFICE
    refused = await w.step(ib.performed(), "rejection.message_rejected", ib.GOVERNMENT)
    assert refused["data"]["problems"][0]["field"] == "data.case_number"
