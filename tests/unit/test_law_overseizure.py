"""查封规定 第十九条 — not obviously excessive: judged on the controls that secure something
(queued ones do not), at the holding's value net of the claims ranking before the court's, with a
stated tolerance or a stated reason."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from contracts.enforcement import ControlOutcome, FreezeProperty, Holding, Measure, Outcome
from contracts.enforcement import PropertyKind as Kind
from services.enforcement.domain import Case, control, errors
from services.enforcement.settings import EnforcementSettings
from tests.unit.test_law_sanctions import COURT, NOW, apply, registered

CASE = "（2026）豫0482执77号"
HOUSE = Holding(
    kind=Kind.REAL_ESTATE, reference="豫(2021)汝州市不动产权第1号", value=Decimal(865000)
)
FIFTH = Decimal("0.2")


def freeze(amount: str, holding: Holding = HOUSE, **more: object) -> FreezeProperty:
    return FreezeProperty(
        case_number=CASE,
        bureau="NR410482",
        holding=holding,
        measure=Measure.SEIZE,
        amount=Decimal(amount),
        term_days=300,
        **more,
    )  # type: ignore[arg-type]


def freeze_in(c: Case, cmd: FreezeProperty, tolerance: Decimal = FIFTH) -> tuple[Case, uuid.UUID]:
    cid = uuid.uuid4()
    outs = control.decide_freeze(cmd, c, court=COURT, control_id=cid, now=NOW, tolerance=tolerance)
    return apply(c, outs), cid


def answered(c: Case, cid: uuid.UUID, outcome: Outcome) -> Case:
    return apply(
        c,
        control.decide_outcome(ControlOutcome(order_id=cid, outcome=outcome), c, bureau="NR410482"),
    )


def test_a_queued_seizure_secures_nothing_and_leaves_room_for_another() -> None:
    c, cid = freeze_in(registered("86500"), freeze("86500"))
    c = answered(c, cid, Outcome.QUEUED)
    assert c.secured() == 0
    c, second = freeze_in(c, freeze("86500"))
    assert second in c.controls


def test_an_effective_seizure_counts_and_a_second_one_beyond_the_tolerance_is_refused() -> None:
    c, cid = freeze_in(registered("86500"), freeze("86500"))
    c = answered(c, cid, Outcome.APPLIED)
    with pytest.raises(errors.OverFreezeError, match="20%") as refused:
        freeze_in(c, freeze("86500"))
    assert refused.value.field == "data.amount"


def test_a_holding_secures_only_its_value_net_of_prior_claims() -> None:
    c, _ = freeze_in(registered("100000"), freeze("865000", prior_claims=Decimal(800000)))
    assert c.secured() == Decimal(65000)
    c, _ = freeze_in(
        c, freeze("55000", Holding(kind=Kind.DEPOSIT, reference="6222021705001234567"))
    )
    with pytest.raises(errors.OverFreezeError):
        freeze_in(c, freeze("1000", Holding(kind=Kind.DEPOSIT, reference="6222021705009999999")))


def test_up_to_the_tolerance_is_not_obviously_excessive_and_beyond_it_needs_a_reason() -> None:
    money = Holding(kind=Kind.DEPOSIT, reference="6222021705001234567")
    c, cid = freeze_in(registered("100000"), freeze("120000", money))
    assert cid in c.controls
    with pytest.raises(errors.OverFreezeError):
        freeze_in(registered("100000"), freeze("120000.01", money))
    c, cid = freeze_in(
        registered("100000"), freeze("865000", excess_reason="唯一可供执行财产，不可分割")
    )
    assert cid in c.controls


def test_the_tolerance_is_a_setting_with_a_stated_default() -> None:
    assert EnforcementSettings().over_seizure_tolerance == FIFTH
