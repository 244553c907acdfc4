"""失信 per 法释〔2017〕7号: which deletion grounds end which listings, revocation as its own
outcome, the listing as a dated decision, extension on its two conditions only, no re-listing at
the applicant's request within six months, the ground-(一) exclusion, deadlines in working days."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from contracts.enforcement import (
    CaseRegistered,
    ControlOutcome,
    FreezeProperty,
    Holding,
    Measure,
    Organization,
    Outcome,
    Person,
    PropertyKind,
    party_id,
)
from contracts.enforcement.measures import Catalogue, EndOutcome
from contracts.enforcement.sanctions import (
    CorrectListing,
    ExecutionBasis,
    LiftNotice,
    LiftSanction,
    ListDishonestDebtor,
    ListingCorrected,
    MeasureFor,
    Performance,
    RestrictConsumption,
    SanctionImposed,
    SanctionLifted,
)
from contracts.registry import parse_message
from services.enforcement.domain import Case, control, errors, evolve, sanctions
from services.enforcement.domain.query import Out

COURT = "CT410482"
CASE = "（2026）豫0482执77号"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEBTOR = Person(name="王强", id_number="410482198001010016")
APPLICANT = Organization(name="汝州市某某建材有限公司", credit_code="91410482MA3X4Y5K2E")
CATALOGUE = Catalogue.load()
PLAN: sanctions.Plan = {"RW410000": [MeasureFor(measure="premium_transport", whom=["person"])]}
WEEK = timedelta(days=7)


def apply(c: Case, outs: list[Out]) -> Case:
    for payload, _ in outs:
        c = evolve(c, payload)
    return c


def restricted_case() -> Case:
    return restrict(registered(), restriction())[0]


def registered(amount: str = "86500") -> Case:
    return evolve(
        Case(),
        CaseRegistered(
            case_number=CASE,
            executing_court=COURT,
            filed_on=date(2025, 6, 2),
            debtors=[DEBTOR],
            applicants=[APPLICANT],
            amount=Decimal(amount),
        ),
    )


def listing(
    *grounds: str, decided_on: date = date(2026, 2, 26), **more: object
) -> ListDishonestDebtor:
    return ListDishonestDebtor(
        case_number=CASE,
        debtor=DEBTOR,
        filed_on=date(2025, 6, 2),
        basis=ExecutionBasis(
            issuing_body="汝州市人民法院", document_number="（2025）豫0482民初1号"
        ),
        obligations="给付货款86,500元",
        performance=Performance.NONE,
        grounds=list(grounds or ["ability_refusal"]),
        decision_number="（2026）豫0482执77号之二",
        decided_on=decided_on,
        signed_by="院长 李明",
        **more,
    )


def restriction(
    debtor: Person = DEBTOR, until: date | None = None, ordered_on: date = date(2026, 2, 20)
) -> RestrictConsumption:
    return RestrictConsumption(
        case_number=CASE,
        debtor=debtor,
        order_number="（2026）豫0482执77号之一",
        ordered_on=ordered_on,
        until=until,
        items=[1, 2, 3],
        signed_by="院长 李明",
    )


def restrict(c: Case, cmd: RestrictConsumption, now: datetime = NOW) -> tuple[Case, uuid.UUID]:
    sid = uuid.uuid4()
    outs = sanctions.decide_restrict(
        cmd, c, court=COURT, sanction_id=sid, now=now, plan=PLAN, ack_within=WEEK
    )
    return apply(c, outs), sid


def listed(c: Case, cmd: ListDishonestDebtor, now: datetime = NOW) -> tuple[Case, uuid.UUID]:
    """List, after ordering the consumption restriction a listing needs if none is in force."""
    if not c.restricted(party_id(cmd.debtor), now.date()):
        c, _ = restrict(
            c,
            restriction(cmd.debtor, ordered_on=now.date()),  # type: ignore[arg-type]
            now,
        )
    sid = uuid.uuid4()
    outs = sanctions.decide_list(
        cmd,
        c,
        court=COURT,
        sanction_id=sid,
        now=now,
        plan=PLAN,
        catalogue=CATALOGUE,
        ack_within=WEEK,
    )
    return apply(c, outs), sid


def in_force(listed: tuple[Case, uuid.UUID], on: date | None = None) -> bool:
    """Whether the listing just made is in force (a listing call returns the case and its id)."""
    c, sid = listed
    return c.sanctions[sid].in_force(on or NOW.date())


def lift(c: Case, sid: uuid.UUID, ground: str, now: datetime = NOW, **more: object) -> list[Out]:
    cmd = LiftSanction(case_number=CASE, sanction_id=sid, ground=ground, **more)
    return sanctions.decide_lift(
        cmd, c, court=COURT, now=now, catalogue=CATALOGUE, confirm_within=WEEK
    )


def imposed(outs: list[Out]) -> SanctionImposed:
    return next(p for p, _ in outs if isinstance(p, SanctionImposed))


def lifted(outs: list[Out]) -> SanctionLifted:
    return next(p for p, _ in outs if isinstance(p, SanctionLifted))


# --- D1: which deletion grounds end which listings ------------------------------------------


def test_performance_deletes_an_open_ended_listing() -> None:
    c, sid = listed(registered(), listing("ability_refusal"))
    assert lifted(lift(c, sid, "performed")).outcome is EndOutcome.DELETE


@pytest.mark.parametrize(
    "ground",
    [
        "performed",
        "settlement_performed",
        "applicant_request",
        "no_property_found",
        "execution_suspended",
    ],
)
def test_the_article_ten_grounds_do_not_end_a_listing_with_a_term(ground: str) -> None:
    c, sid = listed(registered(), listing("evasion"))
    with pytest.raises(errors.GroundNotForListingError, match="第十条第二款") as refused:
        lift(c, sid, ground)
    assert refused.value.field == "data.ground"


def test_early_deletion_ends_a_listing_with_a_term_but_not_an_open_ended_one() -> None:
    c, sid = listed(registered(), listing("evasion"))
    assert lift(c, sid, "early_deletion")
    c, sid = listed(registered(), listing("ability_refusal"))
    with pytest.raises(errors.GroundNotForListingError):
        lift(c, sid, "early_deletion")


def test_term_expired_is_refused_before_the_last_day_has_passed() -> None:
    c, sid = listed(registered(), listing("evasion"))
    with pytest.raises(errors.TermNotExpiredError):
        lift(c, sid, "term_expired", now=datetime(2028, 2, 25, 9, tzinfo=UTC))
    assert lift(c, sid, "term_expired", now=datetime(2028, 2, 26, 9, tzinfo=UTC))


def test_an_unknown_deletion_ground_is_refused_naming_data_ground() -> None:
    c, sid = listed(registered(), listing())
    with pytest.raises(errors.UnknownDeletionGroundError) as refused:
        lift(c, sid, "paid_in_full")
    assert refused.value.field == "data.ground"


# --- D3: revocation is its own outcome ------------------------------------------------------


@pytest.mark.parametrize("grounds", [("ability_refusal",), ("evasion",)])
def test_a_wrongful_listing_is_revoked_not_deleted_and_the_bureaus_are_told_so(
    grounds: tuple[str, ...],
) -> None:
    c, sid = listed(registered(), listing(*grounds))
    outs = lift(c, sid, "error_corrected")
    assert lifted(outs).outcome is EndOutcome.REVOKE
    notices = [p for p, _ in outs if isinstance(p, LiftNotice)]
    assert notices and all(n.outcome is EndOutcome.REVOKE for n in notices)
    assert CATALOGUE.deletion_ground("error_corrected").source.provision == "第九条"
    assert CATALOGUE.deletion_ground("term_expired").source.provision == "第十条第二款"
    assert CATALOGUE.deletion_ground("early_deletion").source.provision == "第二条第二款"


def correct(c: Case, sid: uuid.UUID, **more: Any) -> list[Out]:
    cmd = CorrectListing(case_number=CASE, sanction_id=sid, correction="姓名误录，应为汪强", **more)
    return sanctions.decide_correct(cmd, c, court=COURT, now=NOW)


def test_inaccurate_data_is_corrected_and_the_listing_stays_in_force() -> None:
    c, sid = listed(registered(), listing("evasion"))
    [(fixed, to)] = correct(c, sid, ground_arose_on=date(2026, 3, 2))
    assert isinstance(fixed, ListingCorrected) and to == COURT
    assert fixed.due_by == date(2026, 3, 5)
    c = apply(c, [(fixed, to)])
    assert c.sanctions[sid].in_force(NOW.date())


def test_only_a_listing_in_force_is_corrected() -> None:
    c, rid = restrict(registered(), restriction())
    with pytest.raises(errors.NotAListingError) as refused:
        correct(c, rid)
    assert refused.value.field == "data.sanction_id"
    c, sid = listed(registered(), listing())
    c = apply(c, lift(c, sid, "error_corrected"))
    with pytest.raises(errors.SanctionEndedError):
        correct(c, sid)


# --- D6: the listing is a decision, its term runs from the decision date ---------------------


def test_the_term_runs_from_the_decision_date_not_the_processing_date() -> None:
    outs = sanctions.decide_list(
        listing("evasion", decided_on=date(2026, 2, 26)),
        restricted_case(),
        court=COURT,
        sanction_id=uuid.uuid4(),
        now=NOW,
        plan=PLAN,
        catalogue=CATALOGUE,
        ack_within=WEEK,
    )
    event = imposed(outs)
    assert event.effective_on == date(2026, 2, 26)
    assert event.until == date(2028, 2, 25)


def test_a_decision_dated_after_today_is_refused() -> None:
    with pytest.raises(errors.DecisionDateError) as refused:
        listed(registered(), listing(decided_on=NOW.date() + timedelta(days=1)))
    assert refused.value.field == "data.decided_on"


def test_a_listing_without_its_decision_number_or_signer_is_not_a_valid_command() -> None:
    data = listing().model_dump(mode="json")
    for name in ("decision_number", "decided_on", "signed_by"):
        with pytest.raises(ValueError, match=name):
            ListDishonestDebtor.model_validate({k: v for k, v in data.items() if k != name})


# --- D7: extension only on its two conditions -----------------------------------------------


def test_an_open_ended_listing_cannot_be_extended() -> None:
    with pytest.raises(errors.ExtensionNotAllowedError) as refused:
        listed(registered(), listing("ability_refusal", extension_years=1, extension_reason="严重"))
    assert refused.value.field == "data.extension_years"


def test_a_single_ground_other_than_obstruction_cannot_be_extended() -> None:
    with pytest.raises(errors.ExtensionNotAllowedError):
        listed(registered(), listing("evasion", extension_years=1, extension_reason="严重"))


@pytest.mark.parametrize("grounds", [("obstruction",), ("evasion", "property_report_violation")])
def test_obstruction_or_several_grounds_extend_the_term_from_the_decision_date(
    grounds: tuple[str, ...],
) -> None:
    outs = sanctions.decide_list(
        listing(*grounds, extension_years=3, extension_reason="暴力抗拒执行"),
        restricted_case(),
        court=COURT,
        sanction_id=uuid.uuid4(),
        now=NOW,
        plan=PLAN,
        catalogue=CATALOGUE,
        ack_within=WEEK,
    )
    assert imposed(outs).until == date(2031, 2, 25)


def test_an_extension_still_needs_its_reason() -> None:
    with pytest.raises(errors.ExtensionReasonError):
        listed(registered(), listing("obstruction", extension_years=1))


# --- D4: no re-listing at the applicant's request within six months --------------------------


def deleted_at_applicants_request() -> Case:
    c, sid = listed(registered(), listing(on_applicant_request=True))
    return apply(c, lift(c, sid, "applicant_request"))


def test_a_second_listing_at_the_applicants_request_within_six_months_is_refused() -> None:
    c = deleted_at_applicants_request()
    later = datetime(2026, 9, 1, 9, tzinfo=UTC)
    again = listing(on_applicant_request=True, decided_on=date(2026, 9, 1))
    with pytest.raises(errors.RelistingTooSoonError, match="2026-09-02") as refused:
        listed(c, again, later)
    assert refused.value.field == "data.on_applicant_request"


def test_the_applicant_may_ask_again_six_months_after_the_deletion() -> None:
    c = deleted_at_applicants_request()
    again = listing(on_applicant_request=True, decided_on=date(2026, 9, 2))
    c, sid = listed(c, again, datetime(2026, 9, 2, 9, tzinfo=UTC))
    assert c.sanctions[sid].in_force(date(2026, 9, 2))


def test_the_court_may_relist_of_its_own_motion_when_a_ground_arises_again() -> None:
    c = deleted_at_applicants_request()
    april = datetime(2026, 4, 1, 9, tzinfo=UTC)
    again = listed(c, listing("evasion", decided_on=april.date()), april)
    assert in_force(again, april.date())


# --- D5: ground (一) is excluded when frozen property already covers the debt ---------------


def frozen(c: Case, amount: str, outcome: Outcome) -> Case:
    cid = uuid.uuid4()
    account = Holding(kind=PropertyKind.DEPOSIT, reference="6222021705001234567")
    cmd = FreezeProperty(
        case_number=CASE,
        bureau="BKICBC410482",
        holding=account,
        measure=Measure.FREEZE,
        amount=Decimal(amount),
        term_days=300,
    )
    c = apply(c, control.decide_freeze(cmd, c, court=COURT, control_id=cid, now=NOW))
    return apply(
        c,
        control.decide_outcome(
            ControlOutcome(order_id=cid, outcome=outcome), c, bureau="BKICBC410482"
        ),
    )


def test_refusing_while_able_is_no_ground_when_frozen_property_covers_the_debt() -> None:
    c = frozen(registered("86500"), "86500", Outcome.APPLIED)
    with pytest.raises(errors.FrozenPropertyCoversDebtError) as refused:
        listed(c, listing("ability_refusal"))
    assert refused.value.field == "data.grounds"
    assert in_force(
        listed(c, listing("ability_refusal", frozen_property_reason="冻结账户系他人代管，无法扣划"))
    )
    assert in_force(listed(c, listing("evasion")))


def test_a_queued_freeze_secures_nothing_and_does_not_exclude_the_listing() -> None:
    c = frozen(registered("86500"), "86500", Outcome.QUEUED)
    assert in_force(listed(c, listing("ability_refusal")))


# --- D2: the deletion deadline in working days --------------------------------------------------


def test_a_mandatory_deletion_is_due_three_working_days_after_the_ground_arose() -> None:
    c, sid = listed(registered(), listing())
    outs = lift(c, sid, "performed", ground_arose_on=date(2026, 9, 29))
    assert lifted(outs).due_by == date(2026, 10, 9)  # the national holiday is not counted


def test_a_discretionary_deletion_has_no_deadline() -> None:
    c, sid = listed(registered(), listing("evasion"))
    assert lifted(lift(c, sid, "early_deletion", ground_arose_on=date(2026, 3, 2))).due_by is None


def test_a_deadline_in_a_year_the_calendar_does_not_know_is_recorded_at_its_earliest() -> None:
    # A court's lift is never refused for want of a year's holiday calendar: its last day is the
    # earliest the law's can be (Monday 2 March 2099 + three days, every day a working day).
    c, sid = listed(registered(), listing())
    outs = lift(c, sid, "performed", ground_arose_on=date(2099, 3, 2))
    assert (lifted(outs).due_by, lifted(outs).due_by_provisional) == (date(2099, 3, 5), True)
    fix = CorrectListing(
        case_number=CASE, sanction_id=sid, correction="姓名更正", ground_arose_on=date(2099, 3, 2)
    )
    [(corrected, _)] = sanctions.decide_correct(fix, c, court=COURT, now=NOW)
    assert isinstance(corrected, ListingCorrected) and corrected.due_by_provisional


# --- the golden samples an integrator copies ---------------------------------------------------

GOLDEN = Path(__file__).parents[1] / "contract" / "golden"


def golden(name: str) -> Any:
    return parse_message(json.loads((GOLDEN / f"{name}.json").read_text("utf-8"))).data


def test_the_golden_restriction_listing_and_lift_are_accepted_in_turn() -> None:
    cmd: ListDishonestDebtor = golden("enforcement.command.list_dishonest_debtor.v1")
    cmd = cmd.model_copy(update={"case_number": CASE})
    c = evolve(
        Case(),
        CaseRegistered(
            case_number=CASE,
            executing_court=COURT,
            filed_on=date(2026, 7, 13),
            debtors=[cmd.debtor],
            applicants=[APPLICANT],
            amount=Decimal(86500),
        ),
    )
    order: RestrictConsumption = golden("enforcement.command.restrict_consumption.v1")
    when = datetime.combine(cmd.decided_on, datetime.min.time(), UTC)
    c, _ = restrict(c, order.model_copy(update={"case_number": CASE}), when)
    c, sid = listed(c, cmd, when)
    lift_cmd: LiftSanction = golden("enforcement.command.lift_sanction.v1")
    outs = sanctions.decide_lift(
        lift_cmd.model_copy(update={"case_number": CASE, "sanction_id": sid}),
        c,
        court=COURT,
        now=datetime(2026, 11, 20, 9, tzinfo=UTC),
        catalogue=CATALOGUE,
        confirm_within=WEEK,
    )
    assert lifted(outs).ground == lift_cmd.ground
