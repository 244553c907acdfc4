"""Every refusal the enforcement service can give, provoked by a real command or reply through
its consumers, in milliseconds: the sender gets one rejection naming the field and the reason,
and nothing else happens. The refusals are found by walking the class tree of what the intake
refuses, so a new refusal without a scenario here fails the suite."""

from __future__ import annotations

import importlib
import pkgutil
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal

import pytest

from contracts.enforcement import (
    ControlOutcome,
    DeductFunds,
    ExemptProperty,
    Outcome,
    PropertyAnswer,
    PropertyKind,
    RenewControl,
)
from contracts.enforcement.control import EquityShare
from contracts.enforcement.duties import ListingDuty
from contracts.enforcement.exemptions import Emergency, ExemptionBasis
from contracts.enforcement.sanctions import AckOutcome, CorrectListing, SanctionAck
from services.enforcement import domain
from services.enforcement.settings import EnforcementSettings
from tests.fast import builders as b
from tests.fast import test_bankruptcy_effects as bankrupt
from tests.fast import test_listing_requests_flow as requests
from tests.fast.builders import BANK, CASE, COURT, OTHER_BANK, TODAY
from tests.fast.harness import Harness, Published, of_type, reference_data
from tests.fast.refusal_guard import RefusalGuard

NOT_PROVOKED = {
    "EnforcementError": "the base class: the domain raises only its subclasses, each tested here",
}
"""Refusal classes no message can provoke, and why."""

GUARD = RefusalGuard(Harness, "enforcement.rejection.message_rejected.v1", NOT_PROVOKED)
SCENARIOS, REFUSALS = GUARD.scenarios, GUARD.refusals
Scenario = Callable[[Harness], Awaitable[tuple[str, list[Published]]]]


def provokes(error: str, reason: str) -> Callable[[Scenario], Scenario]:
    """The scenario provokes `error`; the rejection names the class's own `field`."""
    return GUARD.provokes(error, reason)


def another_court() -> str:
    registry, _ = reference_data()
    return next(o.code for o in registry if o.code.startswith("CT") and o.code != COURT)


# 立案 and the case


@provokes("NotAnEnforcementCaseError", "not an enforcement case type")
async def _not_enforcement(h: Harness) -> tuple[str, list[Published]]:
    return COURT, await h.send(b.register("（2026）豫0482民初1234号"), COURT)


@provokes("NotTheExecutingCourtError", "not the executing court")
async def _other_court(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    court = another_court()
    return court, await h.send(b.query(), court)


@provokes("CaseAlreadyRegisteredError", "already registered")
async def _registered_twice(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.register(), COURT)


@provokes("CaseNotRegisteredError", "not registered")
async def _unregistered(h: Harness) -> tuple[str, list[Published]]:
    return COURT, await h.send(b.query(), COURT)


@provokes("NotADebtorError", "not a debtor")
async def _not_a_debtor(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.query(b.APPLICANT), COURT)


@provokes("MissingCaseNumberError", "case_number")
async def _no_case_number(h: Harness) -> tuple[str, list[Published]]:
    # A reply names its case only in the envelope.
    return BANK, await h.send(PropertyAnswer(query_id=uuid.uuid4()), BANK)


@provokes("UnknownOrganizationError", "ZZ410482")
async def _unknown_sender(h: Harness) -> tuple[str, list[Published]]:
    # A well-formed organization code no registry entry has.
    return "ZZ410482", await h.send(b.register(), "ZZ410482")


# 查询 — property queries


async def _asked_two_banks(h: Harness) -> dict[str, uuid.UUID]:
    await b.registered(h)
    notices = of_type(await h.send(b.query(), COURT), "notice.property_query")
    asked = {n.to: uuid.UUID(n.data["query_id"]) for n in notices}
    assert {BANK, OTHER_BANK} <= set(asked)
    return asked


@provokes("UnknownQueryError", "no query")
async def _unknown_query(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return BANK, await h.send(PropertyAnswer(query_id=uuid.uuid4()), BANK, case_number=CASE)


@provokes("BureauNotAskedError", "was not asked")
async def _not_asked(h: Harness) -> tuple[str, list[Published]]:
    query_id = next(iter((await _asked_two_banks(h)).values()))
    return "NR410482", await h.send(PropertyAnswer(query_id=query_id), "NR410482", case_number=CASE)


@provokes("ResultClosedError", "already closed")
async def _closed(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    asked = await b.queried(h)
    return BANK, await h.send(PropertyAnswer(query_id=asked[BANK]), BANK, case_number=CASE)


@provokes("DuplicateAnswerError", "already answered")
async def _answered_twice(h: Harness) -> tuple[str, list[Published]]:
    asked = await _asked_two_banks(h)
    await h.send(PropertyAnswer(query_id=asked[BANK]), BANK, case_number=CASE)
    return BANK, await h.send(PropertyAnswer(query_id=asked[BANK]), BANK, case_number=CASE)


# 控制 — freezes, renewals, deductions


@provokes("TermTooLongError", "at most 1 year")
async def _term_too_long(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.freeze(term_days=400), COURT)


@provokes("OverFreezeError", "would exceed")
async def _over_freeze(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h, amount="10000")
    return COURT, await h.send(b.freeze("50000"), COURT)


@provokes("UnknownControlError", "no control")
async def _unknown_control(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    renew = RenewControl(case_number=CASE, control_id=uuid.uuid4(), term_days=30)
    return COURT, await h.send(renew, COURT)


@provokes("ControlStateError", "must be sold first")
async def _deduct_a_house(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    house = b.freeze("50000", PropertyKind.REAL_ESTATE, bureau="NR410482")
    control_id = await b.frozen(h, house)
    deduct = DeductFunds(case_number=CASE, control_id=control_id, amount=100, court_account="6222")
    return COURT, await h.send(deduct, COURT)


@provokes("UnknownOrderError", "no pending order")
async def _unknown_order(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    reply = ControlOutcome(order_id=uuid.uuid4(), outcome=Outcome.APPLIED)
    return BANK, await h.send(reply, BANK, case_number=CASE)


@provokes("WrongBureauError", "went to")
async def _wrong_bureau(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    order = b.only(await h.send(b.freeze(), COURT), "notice.control_order", to=BANK)
    reply = ControlOutcome(order_id=order.data["order_id"], outcome=Outcome.APPLIED)
    return OTHER_BANK, await h.send(reply, OTHER_BANK, case_number=CASE)


@provokes("OutcomeNotForOrderError", "not queued")
async def _renewal_queued(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    control_id = await b.frozen(h)
    renew = RenewControl(case_number=CASE, control_id=control_id, term_days=30)
    order = b.only(await h.send(renew, COURT), "notice.control_order", to=BANK)
    reply = ControlOutcome(order_id=order.data["order_id"], outcome=Outcome.QUEUED)
    return BANK, await h.send(reply, BANK, case_number=CASE)


@provokes("NotQueuedError", "no queued order")
async def _applied_took_effect(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    control_id = await b.frozen(h)
    reply = ControlOutcome(order_id=control_id, outcome=Outcome.TOOK_EFFECT, effective_on=TODAY)
    return BANK, await h.send(reply, BANK, case_number=CASE)


@provokes("EffectiveDateError", "state effective_on")
async def _took_effect_undated(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    control_id = await b.frozen(h, outcome=Outcome.QUEUED)
    reply = ControlOutcome(order_id=control_id, outcome=Outcome.TOOK_EFFECT)
    return BANK, await h.send(reply, BANK, case_number=CASE)


@provokes("ExcessTooLargeError", "release all of it with ReleaseControl")
async def _excess_is_everything(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    control_id = await b.frozen(h)
    return COURT, await h.send(b.release_excess(control_id, "50000"), COURT)


@provokes("RulingDateError", "cannot take effect after today")
async def _excess_ruling_ahead(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    control_id = await b.frozen(h)
    ahead = b.release_excess(control_id, ruling_effective_on=TODAY + timedelta(days=1))
    return COURT, await h.send(ahead, COURT)


@provokes("ExemptPropertyError", "may not be seized, frozen or detained")
async def _freeze_exempt(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.freeze(exempt=ExemptProperty.LIVING_EXPENSES), COURT)


@provokes("OnlyHomeError", "only a home")
async def _only_home_deposit(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.freeze(only_home=True), COURT)


@provokes("DepositAmountError", "specific amount")
async def _deposit_freeze_without_amount(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.freeze("0"), COURT)


@provokes("EquityShareError", "equity only")
async def _deposit_frozen_by_ratio(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    share = EquityShare(ratio=Decimal("0.3"), on_applicant_request=True)
    return COURT, await h.send(b.freeze(share=share), COURT)


@provokes("CourtDocumentsMissingError", "electronic seal")
async def _freeze_without_documents(h: Harness) -> tuple[str, list[Published]]:
    # The service refuses an order without its documents only when set to require them: the
    # same service, composed with that setting.
    strict = Harness(h.clock, settings=EnforcementSettings(require_court_documents=True))
    await b.registered(strict)
    return COURT, await strict.send(b.freeze(), COURT)


@provokes("DeductionChannelError", "takes no online deduction")
async def _deduct_online_from_the_fund(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    fund = b.freeze("20000", PropertyKind.PROVIDENT_FUND, bureau="HF410482")
    control_id = await b.frozen(h, fund)
    return COURT, await h.send(b.deduct(control_id), COURT)


@provokes("LivingExpensesError", "keeps back the living expenses")
async def _deduct_wages_to_the_last_yuan(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    control_id = await b.frozen(h)
    return COURT, await h.send(b.deduct(control_id, from_income=True), COURT)


# 协助执行异议 — a bureau's objection to a control


@provokes("ObjectionOpenError", "awaits the court's answer")
async def _objected_twice(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    control_id = await b.frozen(h)
    b.only(await h.send(b.object_to(control_id), BANK, case_number=CASE), "event.control_objected")
    return BANK, await h.send(b.object_to(control_id), BANK, case_number=CASE)


@provokes("UnknownObjectionError", "no objection")
async def _unknown_objection(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.answer(uuid.uuid4()), COURT)


@provokes("ObjectionAnsweredError", "answered already")
async def _answered_objection_twice(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    control_id = await b.frozen(h)
    objection_id = uuid.uuid4()
    await h.send(b.object_to(control_id), BANK, case_number=CASE, event_id=objection_id)
    b.only(await h.send(b.answer(objection_id), COURT), "event.objection_answered")
    return COURT, await h.send(b.answer(objection_id), COURT)


# 限制消费令 之 例外 — exemptions from a consumption restriction


@provokes("NotARestrictionError", "not a restriction")
async def _exempt_from_a_listing(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    await b.imposed(h, b.restrict())
    listed = await b.imposed(h, b.listing())
    return COURT, await h.send(b.exempt(listed), COURT)


@provokes("ExemptionPartyError", "the order binds no legal_representative")
async def _exempt_an_unbound_officer(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    restricted = await b.imposed(h, b.restrict())
    return COURT, await h.send(b.exempt(restricted, whom="legal_representative"), COURT)


@provokes("ExemptionItemsError", "flights (item 1) and high-speed rail (item 9) only")
async def _emergency_lifting_of_a_hotel(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    restricted = await b.imposed(h, b.restrict())
    cmd = b.exempt(
        restricted,
        basis=ExemptionBasis.EMERGENCY_TRAVEL,
        items=[2],
        emergency=Emergency.SERIOUS_ILLNESS,
    )
    return COURT, await h.send(cmd, COURT)


@provokes("ExemptionStartError", "approval comes first")
async def _exempt_from_yesterday(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    restricted = await b.imposed(h, b.restrict())
    return COURT, await h.send(b.exempt(restricted, from_on=TODAY - timedelta(days=1)), COURT)


@provokes("ExemptionPeriodError", "at most one month")
async def _emergency_lifting_too_long(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    restricted = await b.imposed(h, b.restrict())
    cmd = b.exempt(
        restricted,
        basis=ExemptionBasis.EMERGENCY_TRAVEL,
        items=[1],
        emergency=Emergency.FUNERAL,
        until=TODAY + timedelta(days=60),
    )
    return COURT, await h.send(cmd, COURT)


@provokes("ExemptionEmergencyError", "name the emergency")
async def _emergency_lifting_without_emergency(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    restricted = await b.imposed(h, b.restrict())
    cmd = b.exempt(restricted, basis=ExemptionBasis.EMERGENCY_TRAVEL, items=[1, 9])
    return COURT, await h.send(cmd, COURT)


# 限制消费 and 失信 — sanctions


@provokes("MinorError", "minor")
async def _minor(h: Harness) -> tuple[str, list[Published]]:
    child = b.Person(name="陈小明", id_number=b.resident("20150301"))
    await b.registered(h, child)
    return COURT, await h.send(b.restrict(child), COURT)


@provokes("BoundPartyMissingError", "legal representative")
async def _no_representative(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h, b.COMPANY)
    return COURT, await h.send(b.restrict(b.COMPANY), COURT)


@provokes("AlreadySanctionedError", "already in force")
async def _restricted_twice(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    await b.imposed(h, b.restrict())
    return COURT, await h.send(b.restrict(), COURT)


@provokes("OrderDateError", "after today")
async def _order_tomorrow(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.restrict(ordered_on=TODAY + timedelta(days=1)), COURT)


@provokes("RestrictionPeriodError", "before it starts")
async def _period_backwards(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.restrict(until=TODAY - timedelta(days=1)), COURT)


@provokes("UnknownGroundError", "not a statutory ground")
async def _unknown_listing_ground(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.listing("bad_luck"), COURT)


@provokes("DecisionDateError", "after today")
async def _decided_tomorrow(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.listing(decided_on=TODAY + timedelta(days=1)), COURT)


@provokes("ExtensionNotAllowedError", "cannot be extended")
async def _extend_open_ended(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    cmd = b.listing("ability_refusal", extension_years=1, extension_reason="情节严重")
    return COURT, await h.send(cmd, COURT)


@provokes("ExtensionReasonError", "needs its reason")
async def _extension_without_reason(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.listing("obstruction", extension_years=1), COURT)


@provokes("FrozenPropertyCoversDebtError", "frozen_property_reason")
async def _frozen_covers(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h, amount="50000")
    await b.frozen(h, b.freeze("50000"))
    await b.imposed(h, b.restrict())
    return COURT, await h.send(b.listing("ability_refusal"), COURT)


@provokes("ListingWithoutRestrictionError", "限制消费令")
async def _listing_unrestricted(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.listing(), COURT)


@provokes("RelistingTooSoonError", "may ask again")
async def _relisted_too_soon(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    await b.imposed(h, b.restrict())
    listed = await b.imposed(h, b.listing(on_applicant_request=True))
    b.only(await h.send(b.lift(listed, "applicant_request"), COURT), "event.sanction_lifted")
    h.clock.advance(timedelta(days=30))
    again = b.listing(on_applicant_request=True, decided_on=h.clock().date())
    return COURT, await h.send(again, COURT)


@provokes("UnknownSanctionError", "no listing or restriction")
async def _unknown_sanction(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.lift(uuid.uuid4(), "performed"), COURT)


@provokes("SanctionEndedError", "already lifted")
async def _lifted_twice(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    restricted = await b.imposed(h, b.restrict())
    b.only(await h.send(b.lift(restricted, "performed"), COURT), "event.sanction_lifted")
    return COURT, await h.send(b.lift(restricted, "performed"), COURT)


@provokes("UnknownDeletionGroundError", "not a deletion ground")
async def _unknown_deletion_ground(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    await b.imposed(h, b.restrict())
    listed = await b.imposed(h, b.listing())
    return COURT, await h.send(b.lift(listed, "bad_luck"), COURT)


@provokes("GroundNotForListingError", "only a listing without a term")
async def _ground_for_open_ended_only(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    await b.imposed(h, b.restrict())
    listed = await b.imposed(h, b.listing("evasion"))
    return COURT, await h.send(b.lift(listed, "performed"), COURT)


@provokes("TermNotExpiredError", "the term runs until")
async def _term_running(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    await b.imposed(h, b.restrict())
    listed = await b.imposed(h, b.listing("evasion"))
    return COURT, await h.send(b.lift(listed, "term_expired"), COURT)


@provokes("RestrictionHeldByListingError", "stays restricted")
async def _restriction_under_listing(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    restricted = await b.imposed(h, b.restrict())
    await b.imposed(h, b.listing())
    return COURT, await h.send(b.lift(restricted, "performed"), COURT)


@provokes("NotAListingError", "consumption restriction")
async def _correct_a_restriction(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    restricted = await b.imposed(h, b.restrict())
    fix = CorrectListing(case_number=CASE, sanction_id=restricted, correction="姓名更正为陈静")
    return COURT, await h.send(fix, COURT)


async def _notice_of(h: Harness) -> Published:
    await b.registered(h)
    return of_type(await h.send(b.restrict(), COURT), "notice.sanction")[0]


@provokes("UnknownNoticeError", "no notice")
async def _unknown_notice(h: Harness) -> tuple[str, list[Published]]:
    notice = await _notice_of(h)
    ack = SanctionAck(notice_id=uuid.uuid4(), outcome=AckOutcome.APPLIED)
    return notice.to, await h.send(ack, notice.to, case_number=CASE)


@provokes("DuplicateAckError", "already acknowledged")
async def _acknowledged_twice(h: Harness) -> tuple[str, list[Published]]:
    notice = await _notice_of(h)
    ack = SanctionAck(notice_id=notice.data["notice_id"], outcome=AckOutcome.APPLIED)
    await h.send(ack, notice.to, case_number=CASE)
    return notice.to, await h.send(ack, notice.to, case_number=CASE)


# 删除期限 — the court's duties to delete, revoke or correct a listing


async def _listed(h: Harness) -> uuid.UUID:
    await b.registered(h)
    await b.imposed(h, b.restrict())
    return await b.imposed(h, b.listing())


@provokes("DutyGroundError", "names its ground")
async def _deletion_duty_without_ground(h: Harness) -> tuple[str, list[Published]]:
    listed = await _listed(h)
    return COURT, await h.send(b.duty(listed, duty=ListingDuty.DELETE), COURT)


@provokes("DutyDateError", "after today")
async def _duty_arising_tomorrow(h: Harness) -> tuple[str, list[Published]]:
    listed = await _listed(h)
    return COURT, await h.send(b.duty(listed, ground_arose_on=TODAY + timedelta(days=1)), COURT)


@provokes("DutyAlreadyRecordedError", "is open already")
async def _duty_recorded_twice(h: Harness) -> tuple[str, list[Published]]:
    listed = await _listed(h)
    b.only(await h.send(b.duty(listed), COURT), "event.listing_duty_arose")
    return COURT, await h.send(b.duty(listed), COURT)


# 纳入申请 — an applicant's request to list, decided within fifteen days


@provokes("NotAnApplicantError", "not an applicant")
async def _request_by_a_stranger(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(requests.listing_request(applicant=b.DEBTOR), COURT)


@provokes("RequestDateError", "after today")
async def _request_received_tomorrow(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    cmd = requests.listing_request(received_on=TODAY + timedelta(days=1))
    return COURT, await h.send(cmd, COURT)


@provokes("ListingRequestOpenError", "awaits the court's decision")
async def _request_recorded_twice(h: Harness) -> tuple[str, list[Published]]:
    await requests.requested(h)
    return COURT, await h.send(requests.listing_request(), COURT)


@provokes("UnknownListingRequestError", "no request")
async def _refuse_an_unknown_request(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(requests.refusal(uuid.uuid4()), COURT)


@provokes("ListingRequestDecidedError", "decided already")
async def _refused_twice(h: Harness) -> tuple[str, list[Published]]:
    request_id = await requests.requested(h)
    b.only(await h.send(requests.refusal(request_id), COURT), "event.listing_request_refused")
    return COURT, await h.send(requests.refusal(request_id), COURT)


# 终本 — closing without property


@provokes("CloseTooEarlyError", "only after more than three months")
async def _close_today(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.close(), COURT)


@provokes("PropertyNotQueriedError", "no completed property query")
async def _close_unqueried(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h, filed_on=TODAY - timedelta(days=120))
    return COURT, await h.send(b.close(), COURT)


@provokes("RestrictionMissingError", "no consumption restriction")
async def _close_unrestricted(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h, filed_on=TODAY - timedelta(days=120))
    await b.queried(h)
    return COURT, await h.send(b.close(), COURT)


@provokes("ApproverMissingError", "approved")
async def _close_unapproved(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h, filed_on=TODAY - timedelta(days=120))
    await b.queried(h)
    await b.imposed(h, b.restrict())
    return COURT, await h.send(b.close(approved_by=" "), COURT)


async def _ready_to_close(h: Harness) -> None:
    await b.registered(h, filed_on=TODAY - timedelta(days=120))
    await b.queried(h)
    await b.imposed(h, b.restrict())


@provokes("ExecutionNoticeMissingError", "execution notice")
async def _close_without_notice(h: Harness) -> tuple[str, list[Published]]:
    await _ready_to_close(h)
    return COURT, await h.send(b.close(), COURT)


@provokes("InterviewMissingError", "applicant was interviewed")
async def _close_without_interview(h: Harness) -> tuple[str, list[Published]]:
    await _ready_to_close(h)
    cmd = b.close(execution_notice_on=TODAY - timedelta(days=100))
    return COURT, await h.send(cmd, COURT)


# 恢复执行 and 结案 — after 终本


@provokes("NotClosedError", "only a case closed for lack of property")
async def _resume_an_open_case(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.resume(), COURT)


@provokes("ResumptionNumberError", "a number of type 执恢")
async def _resume_under_an_execution_number(h: Harness) -> tuple[str, list[Published]]:
    await b.closed(h)
    return COURT, await h.send(b.resume(resumed_case_number="（2026）豫0482执99号"), COURT)


@provokes("ResumptionDateError", "not after today")
async def _resume_tomorrow(h: Harness) -> tuple[str, list[Published]]:
    await b.closed(h)
    return COURT, await h.send(b.resume(resumed_on=TODAY + timedelta(days=1)), COURT)


@provokes("CaseConcludedError", "the case is already")
async def _concluded_twice(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    b.only(await h.send(b.conclude(), COURT), "event.case_concluded")
    return COURT, await h.send(b.conclude(), COURT)


@provokes("ConclusionDateError", "not after today")
async def _concluded_tomorrow(h: Harness) -> tuple[str, list[Published]]:
    await b.registered(h)
    return COURT, await h.send(b.conclude(TODAY + timedelta(days=1)), COURT)


# 破产受理 — after a bankruptcy petition against the debtor was accepted (企业破产法 第十九条)


@provokes("DebtorInBankruptcyError", "enforcement against it is suspended")
async def _query_a_bankrupt_company(h: Harness) -> tuple[str, list[Published]]:
    await bankrupt.company_case(h)
    await bankrupt.announce(h)
    return COURT, await h.send(b.query(b.COMPANY), COURT)


@provokes("PropertyInBankruptcyError", "no new control")
async def _freeze_a_bankrupt_company(h: Harness) -> tuple[str, list[Published]]:
    await bankrupt.company_case(h)
    await bankrupt.announce(h)
    return COURT, await h.send(b.freeze(), COURT)


@provokes("ControlInBankruptcyError", "released, not renewed or deducted")
async def _renew_a_control_of_a_bankrupt_company(h: Harness) -> tuple[str, list[Published]]:
    await bankrupt.company_case(h)
    control = await b.frozen(h)
    order = b.only(await bankrupt.announce(h), "notice.control_order", BANK)
    refused = ControlOutcome(order_id=order.data["order_id"], outcome=Outcome.REFUSED, reason="x")
    await h.send(refused, BANK, case_number=CASE)  # the release refused: the freeze stays
    return COURT, await h.send(
        RenewControl(case_number=CASE, control_id=control, term_days=30), COURT
    )


def test_every_refusal_has_a_scenario_and_every_scenario_a_refusal() -> None:
    GUARD.assert_complete()


@pytest.mark.parametrize("name", GUARD.provokable())
async def test_the_refusal_reaches_the_sender_naming_the_field_and_the_reason(name: str) -> None:
    await GUARD.assert_refused(name)


INTERNAL: dict[str, str] = {}
"""Errors of the domain package that are not refusals, and why. (The working-day calendar's
`CalendarUnknownError` is the shared calendar's, `contracts.workdays`: no command is refused for
it; a deadline reaching a year it does not know is recorded at its earliest, provisional.)"""


def domain_errors() -> dict[str, type[Exception]]:
    """Every exception class defined in a module of the enforcement domain package."""
    found: dict[str, type[Exception]] = {}
    for info in pkgutil.iter_modules(domain.__path__, domain.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            defined_here = getattr(value, "__module__", None) == module.__name__
            if defined_here and isinstance(value, type) and issubclass(value, Exception):
                found[name] = value
    return found


def test_every_error_the_domain_defines_is_a_refusal_or_said_to_be_internal() -> None:
    errors = domain_errors()
    assert "OverFreezeError" in errors, "the walk found the domain's errors"
    assert sorted(set(errors) - set(REFUSALS) - set(INTERNAL)) == []
    assert set(INTERNAL) <= set(errors)
