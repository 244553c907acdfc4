"""模拟财产数据 — the generated dataset is deterministic, realistic in shape, and answers only the
kinds asked; the simulated bureaus' control outcomes follow the holding."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from contracts.enforcement import (
    Action,
    ControlOrder,
    Holding,
    Organization,
    Outcome,
    Person,
    PropertyKind,
)
from contracts.ids import (
    credit_code_check_character,
    organization_code_check_character,
    parse_credit_code,
    resident_id_check_character,
)
from services.bureaus.dataset import (
    holdings,
    holdings_of_kind,
    luhn_check_digit,
    vin_check_character,
)
from services.bureaus.simulator import control_outcome

ALL = list(PropertyKind)
BUREAUS = {
    PropertyKind.REAL_ESTATE: "NR410300",
    PropertyKind.VEHICLE: "VA410300",
    PropertyKind.EQUITY: "MR410300",
    PropertyKind.DEPOSIT: "BKICBC410300",
    PropertyKind.FINANCIAL_PRODUCT: "BKCCB410300",
    PropertyKind.SECURITIES: "SCZYSC410300",
    PropertyKind.PROVIDENT_FUND: "HF410300",
    PropertyKind.ONLINE_FUNDS: "PYALIPAY410000",
}
SHAPES = {
    PropertyKind.REAL_ESTATE: r"^豫（20\d\d）(洛阳市|新安县|伊川县|汝州市)不动产权第\d{7}号$",
    PropertyKind.VEHICLE: r"^豫[CD]·([A-HJ-NP-Z0-9]{5}|[DF]\d{5})$",
    PropertyKind.EQUITY: r"^\S+有限公司（91[0-9A-HJ-NPQRTUWXY]{16}）\d{1,3}%股权$",
    PropertyKind.DEPOSIT: r"^\d{19}$",
    PropertyKind.FINANCIAL_PRODUCT: r"^Z70\d{11}（理财账户\d{12}）$",
    PropertyKind.SECURITIES: r"^资金账号3\d{10}$",
    PropertyKind.PROVIDENT_FUND: r"^\d{12}$",
    PropertyKind.ONLINE_FUNDS: r"^(2088\d{12}|wxid_[a-z0-9]{14})$",
}


def person(n: int) -> Person:
    body = f"410302{1960 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return Person(name="王伟", id_number=body + resident_id_check_character(body))


def firm(n: int) -> Organization:
    org = f"{n:08d}"
    body = "91410300" + org + organization_code_check_character(org)
    return Organization(
        name="洛阳恒达建材有限公司", credit_code=body + credit_code_check_character(body)
    )


def everything(kind: PropertyKind, debtors: int = 300) -> list[Holding]:
    found: list[Holding] = []
    for n in range(debtors):
        found += holdings(7, BUREAUS[kind], person(n), [kind])
        found += holdings(7, BUREAUS[kind], firm(n), [kind])
    return found


def test_the_same_seed_and_debtor_give_the_same_holdings() -> None:
    for n in range(50):
        for bureau in BUREAUS.values():
            assert holdings(7, bureau, person(n), ALL) == holdings(7, bureau, person(n), ALL)


def test_another_seed_another_bureau_or_another_debtor_give_other_holdings() -> None:
    def world(seed: int, bureau: str, offset: int = 0) -> list[list[Holding]]:
        return [holdings(seed, bureau, person(n + offset), ALL) for n in range(50)]

    assert world(7, "BKICBC410300") != world(8, "BKICBC410300")
    assert world(7, "BKICBC410300") != world(7, "BKABC410300")
    assert world(7, "BKICBC410300") != world(7, "BKICBC410300", offset=100)


@pytest.mark.parametrize("kind", ALL)
def test_every_kind_has_the_shape_a_bureau_of_that_kind_uses(kind: PropertyKind) -> None:
    found = everything(kind)
    assert found, f"no {kind} at all in 600 debtors"
    for h in found:
        assert h.kind == kind
        assert re.match(SHAPES[kind], h.reference), h.reference
        assert h.description
        assert h.value is not None and h.value >= 0
        assert h.value == h.value.quantize(Decimal("0.01"))


def test_only_the_kinds_asked_are_answered_in_the_order_asked() -> None:
    asked = [PropertyKind.DEPOSIT, PropertyKind.FINANCIAL_PRODUCT]
    for n in range(200):
        found = holdings(7, "BKICBC410300", person(n), asked)
        assert {h.kind for h in found} <= set(asked)
        kinds = [h.kind for h in found]
        assert kinds == sorted(kinds, key=asked.index)
    assert holdings(7, "BKICBC410300", person(1), []) == []


def test_many_debtors_hold_nothing_of_a_kind() -> None:
    for kind in ALL:
        empty = sum(not holdings_of_kind(7, BUREAUS[kind], person(n).id_number, kind)
                    for n in range(400))  # fmt: skip
        assert 0.3 * 400 < empty < 0.97 * 400, (kind, empty)


def test_organizations_have_no_personal_provident_fund_and_persons_no_corporate_accounts() -> None:
    for n in range(300):
        assert holdings(7, "HF410300", firm(n), [PropertyKind.PROVIDENT_FUND]) == []
        for h in holdings(7, "BKICBC410300", person(n), [PropertyKind.DEPOSIT]):
            assert h.reference.startswith("622202")  # ICBC's debit-card issuer number


def test_identifiers_carry_valid_check_characters() -> None:
    for h in everything(PropertyKind.DEPOSIT):
        if h.reference.startswith("622202"):
            assert luhn_check_digit(h.reference[:-1]) == h.reference[-1]
    for h in everything(PropertyKind.VEHICLE):
        vin = re.search(r"车辆识别代号([A-HJ-NPR-Z0-9]{17})$", h.description)
        assert vin, h.description
        assert vin_check_character(vin[1][:8] + "0" + vin[1][9:]) == vin[1][8]
    for h in everything(PropertyKind.EQUITY):
        code = re.search(r"（(91\w{16})）", h.reference)
        assert code and parse_credit_code(code[1]) == code[1]


def test_places_follow_the_bureau() -> None:
    ruzhou = [h for n in range(300)
              for h in holdings(7, "NR410482", person(n), [PropertyKind.REAL_ESTATE])]  # fmt: skip
    assert ruzhou and all("汝州市不动产权" in h.reference for h in ruzhou)
    assert all(h.description.startswith("河南省汝州市") for h in ruzhou)
    plates = [h.reference for n in range(300)
              for h in holdings(7, "VA410482", person(n), [PropertyKind.VEHICLE])]  # fmt: skip
    assert plates and all(p.startswith("豫D·") for p in plates)


def test_some_holdings_are_already_encumbered_most_are_not() -> None:
    found = everything(PropertyKind.REAL_ESTATE)
    share = sum(h.encumbered for h in found) / len(found)
    assert 0.02 < share < 0.3


# ---- simulated control outcomes --------------------------------------------------------------

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def order(action: Action, *, encumbered: bool = False,
          kind: PropertyKind = PropertyKind.DEPOSIT) -> ControlOrder:  # fmt: skip
    return ControlOrder(
        order_id=uuid.uuid4(), control_id=uuid.uuid4(), action=action,
        case_number="（2025）豫03执12号", executing_court="CT410300",
        holding=Holding(kind=kind, reference="6222020000000000000", encumbered=encumbered),
        amount=Decimal("1000.00"), until=date(2026, 3, 1),
    )  # fmt: skip


def test_a_freeze_of_an_encumbered_holding_is_queued_with_the_reason() -> None:
    result, reference, reason = control_outcome(order(Action.FREEZE, encumbered=True),
                                                "BKICBC410300", seed=7, refusal_rate=0.0,
                                                now=NOW)  # fmt: skip
    assert result == Outcome.QUEUED and reference and reason and "轮候冻结" in reason


def test_orders_are_applied_with_a_bureau_reference() -> None:
    for action in Action:
        result, reference, reason = control_outcome(order(action), "BKICBC410300", seed=7,
                                                    refusal_rate=0.0, now=NOW)  # fmt: skip
        assert result == Outcome.APPLIED and reason is None
        assert reference and reference.startswith("（2025）BKICBC410300")


def test_refusals_give_a_reason_of_the_kind_and_releases_are_never_refused() -> None:
    result, _, reason = control_outcome(order(Action.SEIZE, kind=PropertyKind.VEHICLE), "VA410300",
                                        seed=7, refusal_rate=1.0, now=NOW)  # fmt: skip
    assert result == Outcome.REFUSED and reason and "车辆" in reason
    result, _, reason = control_outcome(order(Action.DEDUCT), "BKICBC410300", seed=7,
                                        refusal_rate=1.0, now=NOW)  # fmt: skip
    assert result == Outcome.REFUSED and reason == "账户可用余额不足，无法扣划"
    result, _, _ = control_outcome(order(Action.RELEASE), "BKICBC410300", seed=7,
                                   refusal_rate=1.0, now=NOW)  # fmt: skip
    assert result == Outcome.APPLIED


def test_control_outcomes_are_deterministic() -> None:
    o = order(Action.FREEZE)
    first = control_outcome(o, "BKICBC410300", seed=7, refusal_rate=0.5, now=NOW)
    assert all(control_outcome(o, "BKICBC410300", seed=7, refusal_rate=0.5, now=NOW) == first
               for _ in range(5))  # fmt: skip
