"""D18 and D20 on control orders: property that may not be seized is refused (查封规定 第三条);
the only home is seized but never sold (第四条); a deduction from income keeps the living expenses
back; an order carries its ruling, notice of assistance and electronic seal (网络查询冻结存款规定
第三条、第四条); a deduction goes online only to a bureau ready for it (第九条)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from contracts.enforcement import (
    ControlOrder,
    ControlOutcome,
    CourtDocuments,
    DeductFunds,
    DeductionChannel,
    ExemptProperty,
    FreezeProperty,
    Holding,
    Measure,
    Outcome,
    PropertyKind,
    RenewControl,
)
from services.enforcement.domain import Case, control, errors, orders
from services.enforcement.domain.query import Out
from tests.unit.test_law_sanctions import COURT, NOW, apply, registered

CASE = "（2026）豫0482执77号"
BANK = "BKICBC410482"
ONLINE = frozenset({BANK})
ACCOUNT = Holding(kind=PropertyKind.DEPOSIT, reference="6222021705001234567", value=Decimal(9000))
HOUSE = Holding(
    kind=PropertyKind.REAL_ESTATE, reference="豫(2021)汝州市不动产权第1号", value=Decimal(60000)
)
DOCUMENTS = CourtDocuments(
    ruling_number="（2026）豫0482执77号之一",
    assistance_notice_number="（2026）豫0482执77号之一（协助执行通知书）",
    seal_reference="CT410482-ESEAL-2026-000077",
)


def freeze(holding: Holding = ACCOUNT, bureau: str = BANK, **more: Any) -> FreezeProperty:
    measure = Measure.SEIZE if holding.kind is PropertyKind.REAL_ESTATE else Measure.FREEZE
    return FreezeProperty(
        case_number=CASE,
        bureau=bureau,
        holding=holding,
        measure=measure,
        amount=holding.value or Decimal(1),
        term_days=300,
        **more,
    )


def order(outs: list[Out]) -> ControlOrder:
    [found] = [p for p, _ in outs if isinstance(p, ControlOrder)]
    return found


def frozen(cmd: FreezeProperty) -> tuple[Case, uuid.UUID]:
    c, cid = registered(), uuid.uuid4()
    c = apply(c, orders.decide_freeze(cmd, c, court=COURT, control_id=cid, now=NOW))
    reply = ControlOutcome(order_id=cid, outcome=Outcome.APPLIED)
    return apply(c, control.decide_outcome(reply, c, bureau=cmd.bureau)), cid


def deduct(c: Case, cid: uuid.UUID, amount: str, **more: Any) -> list[Out]:
    cmd = DeductFunds(
        case_number=CASE,
        control_id=cid,
        amount=Decimal(amount),
        court_account="41050166360800000123",
        **more,
    )
    return orders.decide_deduct(cmd, c, court=COURT, order_id=uuid.uuid4(), online=ONLINE)


@pytest.mark.parametrize("why", list(ExemptProperty))
def test_property_that_may_not_be_seized_is_refused(why: ExemptProperty) -> None:
    exempt = ACCOUNT.model_copy(update={"exempt": why})
    with pytest.raises(errors.ExemptPropertyError, match="第三条") as refused:
        orders.decide_freeze(
            freeze(exempt), registered(), court=COURT, control_id=uuid.uuid4(), now=NOW
        )
    assert refused.value.field == "data.holding.exempt"


def test_the_only_home_is_seized_and_the_registry_told_it_may_never_be_sold() -> None:
    outs = orders.decide_freeze(
        freeze(HOUSE, "NR410482", only_home=True),
        registered(),
        court=COURT,
        control_id=uuid.uuid4(),
        now=NOW,
    )
    assert order(outs).sale_barred
    plain = orders.decide_freeze(
        freeze(HOUSE, "NR410482"), registered(), court=COURT, control_id=uuid.uuid4(), now=NOW
    )
    assert not order(plain).sale_barred


def test_only_real_estate_is_an_only_home() -> None:
    with pytest.raises(errors.OnlyHomeError) as refused:
        orders.decide_freeze(
            freeze(only_home=True), registered(), court=COURT, control_id=uuid.uuid4(), now=NOW
        )
    assert refused.value.field == "data.only_home"


def test_the_rules_of_the_control_come_first() -> None:
    exempt = ACCOUNT.model_copy(update={"exempt": ExemptProperty.LIVING_EXPENSES})
    with pytest.raises(errors.TermTooLongError):
        orders.decide_freeze(
            freeze(exempt).model_copy(update={"term_days": 400}),
            registered(),
            court=COURT,
            control_id=uuid.uuid4(),
            now=NOW,
        )


def test_a_deduction_from_income_keeps_the_living_expenses_back() -> None:
    c, cid = frozen(freeze())
    with pytest.raises(errors.LivingExpensesError) as refused:
        deduct(c, cid, "5000", from_income=True)
    assert refused.value.field == "data.living_expenses"
    with pytest.raises(errors.OverFreezeError, match="at most 7000"):
        deduct(c, cid, "7001", from_income=True, living_expenses=Decimal(2000))
    assert deduct(c, cid, "7000", from_income=True, living_expenses=Decimal(2000))


def test_a_deduction_goes_online_only_to_a_bureau_ready_for_it() -> None:
    c, cid = frozen(freeze(bureau="BKRZRCB410482"))
    with pytest.raises(errors.DeductionChannelError, match="counter") as refused:
        deduct(c, cid, "100")
    assert refused.value.field == "data.channel"
    outs = deduct(c, cid, "100", channel=DeductionChannel.COUNTER)
    assert order(outs).channel is DeductionChannel.COUNTER
    c, cid = frozen(freeze())
    assert order(deduct(c, cid, "100")).channel is DeductionChannel.ONLINE


def test_the_ruling_and_notice_of_assistance_go_to_the_bureau_with_the_order() -> None:
    outs = orders.decide_freeze(
        freeze(documents=DOCUMENTS), registered(), court=COURT, control_id=uuid.uuid4(), now=NOW
    )
    assert order(outs).documents == DOCUMENTS
    c, cid = frozen(freeze())
    renew = RenewControl(case_number=CASE, control_id=cid, term_days=30, documents=DOCUMENTS)
    assert (
        order(orders.decide_renew(renew, c, court=COURT, order_id=uuid.uuid4(), now=NOW)).documents
        == DOCUMENTS
    )


def test_an_order_without_its_documents_is_refused_where_the_service_requires_them() -> None:
    with pytest.raises(errors.CourtDocumentsMissingError) as refused:
        orders.decide_freeze(
            freeze(),
            registered(),
            court=COURT,
            control_id=uuid.uuid4(),
            now=NOW,
            require_documents=True,
        )
    assert refused.value.field == "data.documents"
    assert orders.decide_freeze(
        freeze(documents=DOCUMENTS),
        registered(),
        court=COURT,
        control_id=uuid.uuid4(),
        now=NOW,
        require_documents=True,
    )
