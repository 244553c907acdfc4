"""Every refusal the risk service can give, provoked by a real command through its consumers, in
milliseconds: the sender gets one rejection naming the field and the reason, and nothing else
happens. The refusals are found by walking the class tree of what the intake refuses, so a new
refusal without a scenario here fails the suite."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import pytest

from contracts.risk import cases as rc
from contracts.risk import lawgov as lw
from tests.fast import risk_builders as b
from tests.fast import risk_item_builders as ib
from tests.fast.harness import Published
from tests.fast.refusal_guard import RefusalGuard
from tests.fast.risk_harness import RiskHarness

NOT_PROVOKED = {
    "RiskError": "the base class: the domain raises only its subclasses, each tested here",
}
"""Refusal classes no message provokes as themselves, and why."""

GUARD = RefusalGuard(RiskHarness, "risk.rejection.message_rejected.v1", NOT_PROVOKED)
SCENARIOS, REFUSALS = GUARD.scenarios, GUARD.refusals
Scenario = Callable[[RiskHarness], Awaitable[tuple[str, list[Published]]]]


def provokes(error: str, field: str, reason: str) -> Callable[[Scenario], Scenario]:
    """The scenario provokes `error`; the rejection names `field`."""
    return GUARD.provokes(error, reason, field)


LATER = date(2026, 12, 1)


# ---- who may act --------------------------------------------------------------------------------


@provokes("NotPermittedError", "envelope.organization", "may not send risk.command.convene_")
async def _a_unit_convenes(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    return b.UNIT, await h.send(b.convene(), b.UNIT)


@provokes("NotTheOfficeError", "envelope.organization", "only JO410482")
async def _another_office_convenes(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    return b.OTHER_OFFICE, await h.send(b.convene(), b.OTHER_OFFICE)


@provokes("NotTheLeadingGroupError", "envelope.organization", "only the leading group")
async def _another_group_decides(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.submit(), b.UNIT))
    b.assert_effect(await h.send(b.review(), b.OFFICE))
    return "LG410300", await h.send(b.decide(), "LG410300")


@provokes("NotInvolvedError", "envelope.organization", "neither submitted the item nor is needed")
async def _an_outsider_implements(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.approved(h)
    return b.OUTSIDER, await h.send(b.implement(), b.OUTSIDER)


@provokes("NotTheOwnerError", "envelope.organization", "does not own the item")
async def _another_unit_claims(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    return b.OWNER2, await h.send(b.claim(b.MEMO_A), b.OWNER2)


@provokes("UnknownOrganizationError", "data", "ZZ410482")
async def _an_unknown_unit_is_needed(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.UNIT, await h.send(b.submit(needs=("ZZ410482",)), b.UNIT)


# ---- linkage items ------------------------------------------------------------------------------


@provokes("UnknownLinkageItemError", "data.item_id", "no linkage item")
async def _reviews_nothing(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.OFFICE, await h.send(b.review(), b.OFFICE)


@provokes("LinkageItemExistsError", "data.item_id", "exists already")
async def _submits_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.submit(), b.UNIT))
    return b.UNIT, await h.send(b.submit(title="again"), b.UNIT)


@provokes("NotApprovedError", "data.item_id", "before the leading group's approval")
async def _implements_before_approval(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.submit(), b.UNIT))
    b.assert_effect(await h.send(b.review(), b.OFFICE))
    return b.NEEDED, await h.send(b.implement(), b.NEEDED)


@provokes("LinkageStageError", "data.item_id", "the item is submitted, not reviewed")
async def _decides_unreviewed(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.submit(), b.UNIT))
    return b.GROUP, await h.send(b.decide(), b.GROUP)


@provokes("FutureDateError", "data.submitted_on", "after today")
async def _dated_tomorrow(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.UNIT, await h.send(b.submit(submitted_on=LATER), b.UNIT)


# ---- meetings and memo items ------------------------------------------------------------------


@provokes("UnknownMeetingError", "data.meeting_id", "no meeting")
async def _holds_nothing(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.OFFICE, await h.send(b.hold(), b.OFFICE)


@provokes("MeetingExistsError", "data.meeting_id", "exists already")
async def _requests_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    return b.UNIT, await h.send(b.request(), b.UNIT)


@provokes("MeetingStageError", "data.meeting_id", "the meeting is requested, not held")
async def _memo_before_the_meeting(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    return b.OFFICE, await h.send(b.memo(), b.OFFICE)


@provokes("DuplicateMemoItemError", "data.items.1.item_id", "appears twice")
async def _an_item_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    b.assert_effect(await h.send(b.convene(), b.OFFICE))
    b.assert_effect(await h.send(b.hold(), b.OFFICE))
    return b.OFFICE, await h.send(b.memo(b.memo_item(), b.memo_item()), b.OFFICE)


@provokes("DueDateError", "data.items.0.due_on", "not after the memo's issue")
async def _due_before_issue(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(b.request(), b.UNIT))
    b.assert_effect(await h.send(b.convene(), b.OFFICE))
    b.assert_effect(await h.send(b.hold(), b.OFFICE))
    early = b.memo_item(due=b.DAY - timedelta(days=1))
    return b.OFFICE, await h.send(b.memo(early), b.OFFICE)


@provokes("UnknownMemoItemError", "data.item_id", "has no item")
async def _progress_on_no_item(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    return b.OWNER, await h.send(b.progress(b.ITEM), b.OWNER)


@provokes("MemoItemStateError", "data.item_id", "accepts only a claimed completion")
async def _accepts_unclaimed(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    return b.OFFICE, await h.send(b.accept(), b.OFFICE)


@provokes("RemarksRequiredError", "data.remarks", "says why")
async def _returns_without_reasons(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    b.assert_effect(await h.send(b.claim(), b.OWNER))
    return b.OFFICE, await h.send(b.accept(accepted=False), b.OFFICE)


# ---- accountability and commendation ------------------------------------------------------


@provokes("BasisError", "data.basis", "never overdue")
async def _accountability_on_an_item_in_time(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    return b.OFFICE, await h.send(b.accountability(), b.OFFICE)


@provokes("WrongUnitError", "data.unit", "owned by PS410482")
async def _commends_another_unit(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    b.assert_effect(await h.send(b.claim(), b.OWNER))
    b.assert_effect(await h.send(b.accept(), b.OFFICE))
    return b.OFFICE, await h.send(b.commendation(unit=b.OWNER2), b.OFFICE)


@provokes("AlreadyRecordedError", "data.basis", "commended for it already")
async def _commends_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    await b.memo_issued(h)
    b.assert_effect(await h.send(b.claim(), b.OWNER))
    b.assert_effect(await h.send(b.accept(), b.OFFICE))
    b.assert_effect(await h.send(b.commendation(), b.OFFICE))
    return b.OFFICE, await h.send(b.commendation(), b.OFFICE)


# ---- the guard -----------------------------------------------------------------------------------


# ---- the key items, risk cases, the special item, the law-based-government task ---------------

NOT_PROVOKED["ItemRefusal"] = (
    "the base of these workflows' refusals: only its subclasses are raised"
)


@provokes("NotTheLeadUnitError", "envelope.organization", "not the lead unit of problem_projects")
async def _another_unit_adopts_the_plan(h: RiskHarness) -> tuple[str, list[Published]]:
    return ib.OTHER_UNIT, await h.send(ib.plan(), ib.OTHER_UNIT)


@provokes("UnknownKeyItemError", "data.item", "no key item 'nowhere'")
async def _an_unknown_item(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.OFFICE, await h.send(ib.entry(item="nowhere"), b.OFFICE)


@provokes("PlanVersionError", "data.version", "the next plan version is 1")
async def _plan_version_two_first(h: RiskHarness) -> tuple[str, list[Published]]:
    return ib.LEAD, await h.send(ib.plan(version=2), ib.LEAD)


@provokes("NoPlanError", "data.item", "no plan of problem_projects")
async def _an_entry_before_a_plan(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.OFFICE, await h.send(ib.entry(), b.OFFICE)


@provokes("StockDateError", "data.stock", "存量 arose on or before the plan")
async def _existing_after_the_plan(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.plan(), ib.LEAD))
    return b.OFFICE, await h.send(ib.entry(arose_on=date(2026, 7, 1)), b.OFFICE)


@provokes("DuplicateEntryError", "data.entry_id", "already on the ledger")
async def _an_entry_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.on_ledger(h)
    return b.OFFICE, await h.send(ib.entry(), b.OFFICE)


@provokes("UnknownEntryError", "data.entry_id", "no entry")
async def _claims_no_entry(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.plan(), ib.LEAD))
    return ib.LEAD, await h.send(ib.claim(), ib.LEAD)


@provokes("EntryClosedError", "data.entry_id", "checked off on")
async def _claims_a_closed_entry(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.claimed(h)
    b.assert_effect(await h.send(ib.reconcile(), b.OFFICE))
    b.assert_effect(await h.send(ib.close(), b.OFFICE))
    return ib.LEAD, await h.send(ib.claim(), ib.LEAD)


@provokes("ClaimPendingError", "data.entry_id", "not yet reconciled")
async def _claims_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.claimed(h)
    return ib.LEAD, await h.send(ib.claim(), ib.LEAD)


@provokes("NoClaimError", "data.entry_id", "no claim of completion")
async def _reconciles_unclaimed(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.on_ledger(h)
    return b.OFFICE, await h.send(ib.reconcile(), b.OFFICE)


@provokes("NotReconciledError", "data.entry_id", "has not been reconciled")
async def _closes_unreconciled(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.claimed(h)
    return b.OFFICE, await h.send(ib.close(), b.OFFICE)


@provokes("DuplicateRiskCaseError", "data.case_id", "is registered")
async def _registers_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.risk(), b.OFFICE))
    return b.OFFICE, await h.send(ib.risk(), b.OFFICE)


@provokes("UnknownRiskCaseError", "data.case_id", "no risk")
async def _moves_no_risk(h: RiskHarness) -> tuple[str, list[Published]]:
    return ib.LEAD, await h.send(ib.status(rc.RiskStatus.WORK_RESUMED), ib.LEAD)


@provokes("ProjectMismatchError", "data.project", "a problem project, and only one")
async def _a_project_without_its_project(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.OFFICE, await h.send(ib.risk(project=None), b.OFFICE)


@provokes("StatusStepError", "data.status", "the next status is work_resumed")
async def _delivered_before_work_resumed(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.risk(), b.OFFICE))
    return ib.LEAD, await h.send(ib.status(rc.RiskStatus.DELIVERED), ib.LEAD)


@provokes("CaseAlreadyLinkedError", "data.case_number", "is linked already")
async def _links_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.risk(), b.OFFICE))
    link = rc.LinkCaseToRisk(case_id=ib.RISK, case_number=ib.EXEC)
    return b.OFFICE, await h.send(link, b.OFFICE)


@provokes("NotAnEnforcementCaseError", "data.case_number", "not an enforcement case")
async def _assigns_an_administrative_case(h: RiskHarness) -> tuple[str, list[Published]]:
    return b.OFFICE, await h.send(ib.assign(case_number=ib.ADMIN), b.OFFICE)


@provokes("GovCaseAssignedError", "data.case_number", "assigned to TG410482001")
async def _assigns_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.assign(), b.OFFICE))
    return b.OFFICE, await h.send(ib.assign(), b.OFFICE)


@provokes("UnknownGovCaseError", "data.case_number", "not a special-item case")
async def _reports_an_unassigned_case(h: RiskHarness) -> tuple[str, list[Published]]:
    return ib.GOVERNMENT, await h.send(ib.performed(), ib.GOVERNMENT)


@provokes("GovCaseClosedError", "data.case_number", "performed on")
async def _reports_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.assign(), b.OFFICE))
    b.assert_effect(await h.send(ib.performed(), ib.GOVERNMENT))
    return ib.GOVERNMENT, await h.send(ib.performed(), ib.GOVERNMENT)


@provokes("NotTheResponsibleGovernmentError", "envelope.organization", "neither the responsible")
async def _another_unit_reports(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.assign(), b.OFFICE))
    return ib.LEAD, await h.send(ib.performed(), ib.LEAD)


@provokes("NotAnAdministrativeCaseError", "data.case_number", "not an administrative case")
async def _summons_in_an_enforcement_case(h: RiskHarness) -> tuple[str, list[Published]]:
    summons = ib.summon().model_copy(update={"case_number": ib.EXEC})
    return ib.COURT, await h.send(summons, ib.COURT)


@provokes("SummonsTooLateError", "data.hearing_on", "at least 3 days later")
async def _summons_two_days_ahead(h: RiskHarness) -> tuple[str, list[Published]]:
    return ib.COURT, await h.send(ib.summon(served_on=date(2026, 11, 8)), ib.COURT)


@provokes("NotSummonedError", "data.case_number", "was summoned")
async def _appearance_without_summons(h: RiskHarness) -> tuple[str, list[Published]]:
    return ib.COURT, await h.send(ib.appearance(), ib.COURT)


@provokes("AppearanceDetailError", "data.proof", "sealed proof")
async def _excused_without_proof(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.summon(), ib.COURT))
    excused = ib.appearance(
        outcome=lw.AppearanceOutcome.EXCUSED, person=None, role=None, excuse=lw.Excuse.ACCIDENT
    )
    return ib.COURT, await h.send(excused, ib.COURT)


@provokes("NoRecommendationGroundError", "data.case_number", "no absence without excuse")
async def _recommends_after_an_appearance(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.summon(), ib.COURT))
    b.assert_effect(await h.send(ib.appearance(), ib.COURT))
    return ib.COURT, await h.send(ib.recommendation(), ib.COURT)


@provokes("DateOrderError", "data.hearing_on", "before the summons")
async def _hearing_before_the_summons(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.summon(), ib.COURT))
    return ib.COURT, await h.send(ib.appearance(hearing_on=date(2026, 11, 1)), ib.COURT)


@provokes("DuplicateReconsiderationError", "data.reconsideration_id", "filed already")
async def _files_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.file(), ib.JUSTICE))
    return ib.JUSTICE, await h.send(ib.file(), ib.JUSTICE)


@provokes("UnknownReconsiderationError", "data.reconsideration_id", "has no reconsideration")
async def _decides_nothing(h: RiskHarness) -> tuple[str, list[Published]]:
    return ib.JUSTICE, await h.send(ib.decide(), ib.JUSTICE)


@provokes("ExtensionError", "data.reconsideration_id", "extended once")
async def _extends_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.file(), ib.JUSTICE))
    b.assert_effect(await h.send(ib.extend(10), ib.JUSTICE))
    return ib.JUSTICE, await h.send(ib.extend(10), ib.JUSTICE)


@provokes("ReconsiderationDecidedError", "data.reconsideration_id", "decided already")
async def _decides_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.file(), ib.JUSTICE))
    b.assert_effect(await h.send(ib.decide(), ib.JUSTICE))
    return ib.JUSTICE, await h.send(ib.decide(), ib.JUSTICE)


@provokes("DuplicateReferralError", "data.referral_id", "referred already")
async def _refers_twice(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.refer(), ib.COURT))
    return ib.COURT, await h.send(ib.refer(), ib.COURT)


@provokes("UnknownReferralError", "data.referral_id", "mediates no referral")
async def _another_mediator_records(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.refer(), ib.COURT))
    return ib.LEAD, await h.send(ib.agreed(), ib.LEAD)


@provokes("MediationStepError", "data.referral_id", "follows an agreement")
async def _applies_before_an_agreement(h: RiskHarness) -> tuple[str, list[Published]]:
    b.assert_effect(await h.send(ib.refer(), ib.COURT))
    return ib.COURT, await h.send(ib.apply(), ib.COURT)


@provokes("ConfirmationLateError", "data.applied_on", "30 days from the agreement")
async def _applies_late(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.agreement(h)
    return ib.COURT, await h.send(ib.apply(date(2026, 11, 1)), ib.COURT)


@provokes("NoConfirmationNeededError", "data.referral_id", "needs no confirmation")
async def _confirms_judicial_mediation(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.agreement(h, lw.MediationChannel.JUDICIAL)
    return ib.COURT, await h.send(ib.apply(), ib.COURT)


async def _office_accounts_on_a_failure(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.failed(h)
    b.assert_effect(await h.send(ib.accountability(), b.OFFICE))
    return b.OFFICE, await h.send(ib.accountability(), b.OFFICE)


async def _on_a_reconciliation_that_matched(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.claimed(h)
    b.assert_effect(await h.send(ib.reconcile(), b.OFFICE))
    return b.OFFICE, await h.send(ib.accountability(), b.OFFICE)


async def _on_another_day(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.failed(h)
    return b.OFFICE, await h.send(ib.accountability(reconciled_on=LATER), b.OFFICE)


async def _on_an_unknown_entry(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.failed(h)
    return b.OFFICE, await h.send(ib.accountability(entry_id=ib.RECON), b.OFFICE)


async def _against_another_unit(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.failed(h)
    return b.OFFICE, await h.send(ib.accountability(unit=ib.OTHER_UNIT), b.OFFICE)


async def _by_another_office(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.failed(h)
    return b.OTHER_OFFICE, await h.send(ib.accountability(), b.OTHER_OFFICE)


async def _by_the_lead_unit(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.failed(h)
    return ib.LEAD, await h.send(ib.accountability(), ib.LEAD)


async def _commends_on_a_failure(h: RiskHarness) -> tuple[str, list[Published]]:
    await ib.failed(h)
    cmd = b.commendation(unit=ib.LEAD, basis=ib.accountability().basis)
    return b.OFFICE, await h.send(cmd, b.OFFICE)


ON_A_FAILED_RECONCILIATION: dict[str, tuple[Scenario, str, str]] = {
    "twice": (_office_accounts_on_a_failure, "data.basis", "was raised on the failure"),
    "matched": (_on_a_reconciliation_that_matched, "data.basis.reconciled_on", "failed on"),
    "another day": (_on_another_day, "data.basis.reconciled_on", "failed on 2026-12-01"),
    "unknown entry": (_on_an_unknown_entry, "data.basis.entry_id", "no entry"),
    "another unit": (_against_another_unit, "data.unit", "names HC410482, not TX410482"),
    "another office": (_by_another_office, "data.basis.entry_id", "in this jurisdiction"),
    "the lead unit": (_by_the_lead_unit, "envelope.organization", "may not send"),
    "commendation": (_commends_on_a_failure, "data.basis", "accepted done"),
}
"""Accountability on a failed reconciliation, refused: by the refusal classes above, each with
the field it names here."""


@pytest.mark.parametrize("case", sorted(ON_A_FAILED_RECONCILIATION))
async def test_accountability_on_a_failed_reconciliation_refused(case: str) -> None:
    scenario, field, reason = ON_A_FAILED_RECONCILIATION[case]
    sender, out = await scenario(RiskHarness())
    assert [x.type for x in out] == ["risk.rejection.message_rejected.v1"], [
        (x.type, x.problems) for x in out
    ]
    assert out[0].to == sender
    assert [f for f, _ in out[0].problems] == [field], out[0].problems
    assert reason in out[0].problems[0][1], out[0].problems


def test_every_refusal_has_a_scenario_and_every_scenario_a_refusal() -> None:
    GUARD.assert_complete()


@pytest.mark.parametrize("name", GUARD.provokable())
async def test_the_refusal_reaches_the_sender_naming_the_field_and_the_reason(name: str) -> None:
    await GUARD.assert_refused(name)
