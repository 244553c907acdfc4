"""Commands and replies as a court and its bureaus send them, with sensible defaults; and the
steps that bring a case to where a rule can be tried."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from contracts.enforcement import (
    CloseWithoutProperty,
    ControlOutcome,
    DeductFunds,
    ExemptProperty,
    FreezeProperty,
    Holding,
    Organization,
    Outcome,
    Person,
    PropertyAnswer,
    PropertyKind,
    QueryProperty,
    RegisterCase,
    ReleaseExcess,
)
from contracts.enforcement.aftercare import ConcludeCase, Conclusion, ResumeEnforcement
from contracts.enforcement.control import Measure
from contracts.enforcement.duties import ListingDuty, RecordListingDuty
from contracts.enforcement.exemptions import ExemptionBasis, GrantRestrictionExemption
from contracts.enforcement.objections import AnswerObjection, ObjectToControl
from contracts.enforcement.sanctions import (
    AckOutcome,
    ExecutionBasis,
    LiftSanction,
    ListDishonestDebtor,
    Performance,
    RestrictConsumption,
    SanctionAck,
)
from contracts.ids import resident_id_check_character
from tests.fast.harness import T0, Harness, Published, of_type

COURT = "CT410482"
BANK = "BKICBC410482"
OTHER_BANK = "BKRZRCB410482"
CASE = "（2026）豫0482执1234号"
TODAY = T0.date()


def resident(birth: str, serial: str = "123") -> str:
    body = f"410482{birth}{serial}"
    return body + resident_id_check_character(body)


DEBTOR = Person(name="陈静", id_number=resident("19920712"))
APPLICANT = Person(name="罗伟", id_number=resident("19920205", "265"))
COMPANY = Organization(name="汝州市某某建材有限公司", credit_code="91410482MA3X4Y5K2E")


def register(
    case: str = CASE,
    *debtors: Person | Organization,
    filed_on: date = TODAY,
    amount: str = "100000",
) -> RegisterCase:
    return RegisterCase(
        case_number=case,
        filed_on=filed_on,
        debtors=list(debtors) or [DEBTOR],
        applicants=[APPLICANT],
        amount=Decimal(amount),
    )


def query(debtor: Person | Organization = DEBTOR, *kinds: PropertyKind) -> QueryProperty:
    return QueryProperty(
        case_number=CASE, debtor=debtor, kinds=list(kinds or [PropertyKind.DEPOSIT])
    )


def freeze(
    amount: str = "50000",
    kind: PropertyKind = PropertyKind.DEPOSIT,
    term_days: int = 365,
    bureau: str = BANK,
    exempt: ExemptProperty | None = None,
    **more: Any,
) -> FreezeProperty:
    holding = Holding(
        kind=kind, reference="6222 0217 0500 1234 567", value=Decimal(amount), exempt=exempt
    )
    return FreezeProperty(
        case_number=CASE,
        bureau=bureau,
        holding=holding,
        measure=Measure.FREEZE,
        amount=Decimal(amount),
        term_days=term_days,
        **more,
    )


def deduct(control_id: uuid.UUID, amount: str = "100", **more: Any) -> DeductFunds:
    return DeductFunds(
        case_number=CASE,
        control_id=control_id,
        amount=Decimal(amount),
        court_account="6222",
        **more,
    )


def release_excess(control_id: uuid.UUID, amount: str = "10000", **more: Any) -> ReleaseExcess:
    return ReleaseExcess(
        case_number=CASE,
        control_id=control_id,
        amount=Decimal(amount),
        ruling_effective_on=more.pop("ruling_effective_on", TODAY),
        reason="冻结数额明显超出执行标的额",
        **more,
    )


def object_to(control_id: uuid.UUID) -> ObjectToControl:
    return ObjectToControl(control_id=control_id, reason="该账户为案外人所有")


def answer(objection_id: uuid.UUID) -> AnswerObjection:
    return AnswerObjection(
        case_number=CASE, objection_id=objection_id, upheld=False, answer="冻结有据，请协助执行"
    )


def restrict(debtor: Person | Organization = DEBTOR, **more: Any) -> RestrictConsumption:
    fields: dict[str, Any] = dict(
        case_number=CASE,
        debtor=debtor,
        order_number=f"{CASE}之一",
        ordered_on=TODAY,
        items=list(range(1, 10)),
        signed_by="院长 李明",
    )
    return RestrictConsumption(**(fields | more))


def listing(*grounds: str, **more: Any) -> ListDishonestDebtor:
    fields: dict[str, Any] = dict(
        case_number=CASE,
        debtor=DEBTOR,
        filed_on=TODAY,
        basis=ExecutionBasis(
            issuing_body="汝州市人民法院", document_number="（2025）豫0482民初1234号"
        ),
        obligations="给付货款人民币100,000元",
        performance=Performance.NONE,
        grounds=list(grounds or ["ability_refusal"]),
        decision_number=f"{CASE}之二",
        decided_on=TODAY,
        signed_by="院长 李明",
    )
    return ListDishonestDebtor(**(fields | more))


def lift(sanction_id: uuid.UUID, ground: str, **more: Any) -> LiftSanction:
    return LiftSanction(case_number=CASE, sanction_id=sanction_id, ground=ground, **more)


def exempt(sanction_id: uuid.UUID, **more: Any) -> GrantRestrictionExemption:
    fields: dict[str, Any] = dict(
        case_number=CASE,
        sanction_id=sanction_id,
        basis=ExemptionBasis.LIVING_OR_BUSINESS,
        whom="person",
        items=[2],
        from_on=TODAY,
        until=TODAY + timedelta(days=10),
        reason="子女就读私立学校已缴学费",
        approved_by="院长 李明",
    )
    return GrantRestrictionExemption(**(fields | more))


def duty(sanction_id: uuid.UUID, **more: Any) -> RecordListingDuty:
    fields: dict[str, Any] = dict(
        case_number=CASE,
        sanction_id=sanction_id,
        duty=ListingDuty.CORRECT,
        ground_arose_on=TODAY,
        detail="身份证号码有误",
    )
    return RecordListingDuty(**(fields | more))


def close(
    closed_on: date = TODAY, approved_by: str = "院长 李明", **more: Any
) -> CloseWithoutProperty:
    return CloseWithoutProperty(
        case_number=CASE, closed_on=closed_on, approved_by=approved_by, **more
    )


def resume(**more: Any) -> ResumeEnforcement:
    fields: dict[str, Any] = dict(
        case_number=CASE,
        resumed_case_number="（2026）豫0482执恢12号",
        resumed_on=TODAY,
        reason="续查发现被执行人名下存款",
    )
    return ResumeEnforcement(**(fields | more))


def conclude(concluded_on: date = TODAY) -> ConcludeCase:
    return ConcludeCase(
        case_number=CASE, conclusion=Conclusion.PERFORMED, concluded_on=concluded_on
    )


def only(published: list[Published], suffix: str, to: str | None = None) -> Published:
    found = of_type(published, suffix, to)
    assert len(found) == 1, f"{len(found)} × {suffix} in {[p.subject for p in published]}"
    return found[0]


async def registered(h: Harness, *debtors: Person | Organization, **more: Any) -> None:
    only(await h.send(register(CASE, *debtors, **more), COURT), "event.case_registered")


async def queried(h: Harness, debtor: Person | Organization = DEBTOR) -> dict[str, uuid.UUID]:
    """Every bureau asked answers with nothing; bureau → the query id."""
    notices = of_type(await h.send(query(debtor), COURT), "notice.property_query")
    assert notices
    for n in notices:
        await h.send(PropertyAnswer(query_id=n.data["query_id"]), n.to, case_number=CASE)
    return {n.to: uuid.UUID(n.data["query_id"]) for n in notices}


async def frozen(
    h: Harness, cmd: FreezeProperty | None = None, outcome: Outcome = Outcome.APPLIED
) -> uuid.UUID:
    """The control id of a freeze the bank carried out."""
    order = only(await h.send(cmd or freeze(), COURT), "notice.control_order")
    await h.send(
        ControlOutcome(order_id=order.data["order_id"], outcome=outcome), order.to, case_number=CASE
    )
    return uuid.UUID(order.data["control_id"])


async def imposed(h: Harness, cmd: RestrictConsumption | ListDishonestDebtor) -> uuid.UUID:
    out = await h.send(cmd, COURT)
    return uuid.UUID(only(out, "event.sanction_imposed").data["sanction_id"])


async def acknowledged(h: Harness, sanction: list[Published]) -> None:
    for n in of_type(sanction, "notice.sanction"):
        await h.send(
            SanctionAck(notice_id=n.data["notice_id"], outcome=AckOutcome.APPLIED),
            n.to,
            case_number=CASE,
        )


def months_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


async def closed(h: Harness) -> None:
    """A case filed four months ago, queried, its debtor restricted, closed today (终本)."""
    filed_on = TODAY - timedelta(days=120)
    await registered(h, filed_on=filed_on)
    await queried(h)
    await imposed(h, restrict())
    step = filed_on + timedelta(days=7)
    cmd = close(execution_notice_on=step, applicant_interviewed_on=step)
    only(await h.send(cmd, COURT), "event.case_closed_without_property")
