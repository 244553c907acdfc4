"""The key items, risk cases, the special item and the law-based-government task through the
risk service's consumers and deadline runner, in memory: a ledger entry claimed, reconciled and
checked off (and a check-off refused before reconciliation), a problem project from listed to
certificates issued, a special-item case closed by the enforcement service's own fact, an entry
overdue once."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.enforcement.aftercare import CaseConcluded, Conclusion
from contracts.risk import cases as rc
from contracts.subjects import subject
from tests.fast import risk_builders as b
from tests.fast import risk_item_builders as ib
from tests.fast.harness import Clock, Published, message
from tests.fast.risk_harness import RiskHarness


def types(out: list[Published]) -> list[str]:
    return [p.type for p in out]


async def test_a_ledger_entry_is_checked_off_only_after_the_office_reconciled_the_claim() -> None:
    h = RiskHarness()
    await ib.claimed(h)
    refused = await h.send(ib.close(), b.OFFICE)
    assert types(refused) == ["risk.rejection.message_rejected.v1"]
    assert refused[0].problems[0][0] == "data.entry_id"
    failed = await h.send(ib.reconcile(matched=False), b.OFFICE)
    assert types(failed) == ["risk.event.ledger_reconciliation_failed.v1"]
    assert types(await h.send(ib.claim(), ib.LEAD)) == [
        "risk.event.ledger_entry_completion_claimed.v1"
    ]
    assert types(await h.send(ib.reconcile(), b.OFFICE)) == [
        "risk.event.ledger_entry_reconciled.v1"
    ]
    closed = await h.send(ib.close(), b.OFFICE)
    assert types(closed) == ["risk.event.ledger_entry_closed.v1"] and closed[0].to == b.OFFICE


async def test_an_entry_past_its_deadline_is_overdue_once_as_the_office() -> None:
    h = RiskHarness()
    await ib.on_ledger(h)
    h.clock.advance(timedelta(days=(date(2027, 4, 1) - date(2026, 11, 20)).days))
    out = await h.tick_deadlines()
    assert types(out) == ["risk.event.ledger_entry_overdue.v1"] and out[0].to == b.OFFICE
    h.clock.advance(timedelta(days=30))
    assert await h.tick_deadlines() == []


async def test_a_problem_project_moves_from_listed_to_certificates_issued() -> None:
    h = RiskHarness()
    b.assert_effect(await h.send(ib.risk(), b.OFFICE))
    for to in (
        rc.RiskStatus.WORK_RESUMED,
        rc.RiskStatus.DELIVERED,
        rc.RiskStatus.CERTIFICATES_ISSUED,
    ):
        out = await h.send(ib.status(to), ib.LEAD)
        assert types(out) == ["risk.event.risk_status_changed.v1"]
        assert out[0].to == ib.LEAD


async def test_a_special_item_case_is_closed_by_the_enforcement_services_fact() -> None:
    h = RiskHarness(Clock())
    b.assert_effect(await h.send(ib.assign(), b.OFFICE))
    terminated = CaseConcluded(
        case_number=ib.EXEC, conclusion=Conclusion.TERMINATED, concluded_on=ib.DAY
    )
    msg = message(terminated, ib.COURT, h.clock())
    out = await h.deliver(msg, subject(CaseConcluded.TYPE, ib.COURT))
    assert types(out) == ["risk.event.gov_judgment_enforcement_ended.v1"]
    performed = terminated.model_copy(update={"conclusion": Conclusion.PERFORMED})
    msg = message(performed, ib.COURT, h.clock())
    out = await h.deliver(msg, subject(CaseConcluded.TYPE, ib.COURT))
    assert types(out) == ["risk.event.gov_judgment_performed.v1"] and out[0].to == b.OFFICE
    assert types(await h.send(ib.performed(), ib.GOVERNMENT)) == [
        "risk.rejection.message_rejected.v1"
    ]
    other = performed.model_copy(update={"case_number": "（2026）豫0482执99号"})
    msg = message(other, ib.COURT, h.clock())
    assert await h.deliver(msg, subject(CaseConcluded.TYPE, ib.COURT)) == []


async def test_accountability_cites_a_failed_reconciliation_once_against_the_lead_unit() -> None:
    h = RiskHarness()
    await ib.failed(h)
    out = await h.send(ib.accountability(), b.OFFICE)
    assert types(out) == ["risk.event.accountability_raised.v1"] and out[0].to == b.OFFICE
    basis = out[0].data["basis"]
    assert basis["kind"] == "failed_reconciliation" and basis["entry_id"] == str(ib.ENTRY)
    assert out[0].data["unit"] == ib.LEAD
    again = await h.send(ib.accountability(), b.OFFICE)
    assert types(again) == ["risk.rejection.message_rejected.v1"]
    assert again[0].problems[0][0] == "data.basis"
    # a second claim failing again: accountability once more, on that failure
    b.assert_effect(await h.send(ib.claim(), ib.LEAD))
    b.assert_effect(await h.send(ib.reconcile(matched=False), b.OFFICE))
    assert types(await h.send(ib.accountability(), b.OFFICE)) == [
        "risk.event.accountability_raised.v1"
    ]
