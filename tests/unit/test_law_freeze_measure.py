"""D17 (i)–(ii): what a freeze order says of how much it holds. A deposit freeze names a specific
amount, the cap of what is frozen, and the order says the rest of the account stays in use
(法发〔2019〕35号 第4条). Equity whose value is unknown may be frozen by a ratio or quantity of
the stake at the applicant's request (强制执行股权规定 第五条): the order names it, the amount is
0, and the over-seizure test (查封规定 第十九条) counts nothing for it."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from pydantic import ValidationError

from contracts.enforcement import ControlOrder, FreezeProperty, Holding, Measure
from contracts.enforcement import PropertyKind as Kind
from contracts.enforcement.control import EquityShare, ShareUnit
from services.enforcement.domain import Case, errors, orders
from services.enforcement.domain.query import Out
from tests.unit.test_law_sanctions import COURT, NOW, apply, registered

CASE = "（2026）豫0482执77号"
STAKE = Holding(kind=Kind.EQUITY, reference="汝州市某某建材有限公司 60% 股权")
ACCOUNT = Holding(kind=Kind.DEPOSIT, reference="6222021705001234567", value=Decimal(300000))
THIRTY_PERCENT = EquityShare(ratio=Decimal("0.3"), on_applicant_request=True)


def freeze(holding: Holding, amount: str, **more: object) -> FreezeProperty:
    return FreezeProperty.model_validate(
        dict(
            case_number=CASE,
            bureau="MR410482",
            holding=holding,
            measure=Measure.FREEZE,
            amount=Decimal(amount),
            term_days=300,
        )
        | more
    )


def decide(c: Case, cmd: FreezeProperty) -> list[Out]:
    return orders.decide_freeze(
        cmd, c, court=COURT, control_id=uuid.uuid4(), now=NOW, tolerance=Decimal("0.2")
    )


def order(outs: list[Out]) -> ControlOrder:
    [found] = [p for p, _ in outs if isinstance(p, ControlOrder)]
    return found


def test_a_deposit_freeze_names_its_amount_as_the_cap_and_leaves_the_rest_in_use() -> None:
    sent = order(decide(registered("86500"), freeze(ACCOUNT, "86500")))
    assert (sent.amount, sent.rest_usable) == (Decimal(86500), True)
    assert sent.share is None


def test_a_deposit_freeze_without_an_amount_is_refused() -> None:
    with pytest.raises(errors.DepositAmountError, match="specific amount") as refused:
        decide(registered("86500"), freeze(ACCOUNT, "0"))
    assert refused.value.field == "data.amount"


def test_only_a_deposit_order_says_the_rest_stays_in_use() -> None:
    house = Holding(kind=Kind.REAL_ESTATE, reference="豫(2021)汝州市不动产权第1号")
    sent = order(decide(registered("86500"), freeze(house, "86500", measure=Measure.SEIZE)))
    assert sent.rest_usable is False


def test_equity_of_unknown_value_is_frozen_by_ratio_and_not_valued() -> None:
    c = registered("86500")
    outs = decide(c, freeze(STAKE, "0", share=THIRTY_PERCENT))
    assert order(outs).share == THIRTY_PERCENT and order(outs).amount == 0
    c = apply(c, outs)
    assert c.secured() == 0
    # not valued, it leaves the whole amount to be secured by other property
    decide(c, freeze(ACCOUNT, "86500"))


def test_equity_is_frozen_by_a_number_of_shares_or_a_capital_contribution() -> None:
    share = EquityShare(quantity=Decimal(600000), unit=ShareUnit.CAPITAL, on_applicant_request=True)
    assert order(decide(registered(), freeze(STAKE, "0", share=share))).share == share


@pytest.mark.parametrize(
    ("holding", "amount", "share", "saying"),
    [
        (ACCOUNT, "1000", THIRTY_PERCENT, "equity only"),
        (STAKE.model_copy(update={"value": Decimal(1)}), "0", THIRTY_PERCENT, "value is known"),
        (STAKE, "0", EquityShare(ratio=Decimal("0.3")), "applicant's request"),
        (STAKE, "86500", THIRTY_PERCENT, "not valued"),
    ],
)
def test_a_share_is_refused_unless_equity_of_unknown_value_at_the_applicants_request_unvalued(
    holding: Holding, amount: str, share: EquityShare, saying: str
) -> None:
    with pytest.raises(errors.EquityShareError, match=saying) as refused:
        decide(registered("86500"), freeze(holding, amount, share=share))
    assert refused.value.field == "data.share"


def test_a_share_names_a_ratio_or_a_quantity_with_its_unit() -> None:
    with pytest.raises(ValidationError, match="either a ratio or a quantity"):
        EquityShare(ratio=Decimal("0.3"), quantity=Decimal(10), unit=ShareUnit.SHARES)
    with pytest.raises(ValidationError, match="names its unit"):
        EquityShare(quantity=Decimal(10))
    with pytest.raises(ValidationError):
        EquityShare(ratio=Decimal("1.5"))
