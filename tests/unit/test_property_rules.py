"""网络查控 rules, pure: statutory terms, prudence, gathering answers, re-query dates."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.enforcement import (
    CaseRegistered,
    FreezeProperty,
    Holding,
    Measure,
    PropertyAnswer,
    PropertyKind,
    PropertyQueryStarted,
    PropertyResult,
    QueryProperty,
    ReleaseControl,
)
from contracts.organizations import Registry
from services.cli.simulate import register_case
from services.enforcement.domain import Case, control, errors, evolve, query, requery, terms

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
COURT = "CT410482"


def case(amount: str = "100000") -> Case:
    reg = register_case(random.Random(5), Registry.load().get(COURT), 77, NOW).data
    return evolve(
        Case(),
        CaseRegistered(
            case_number=reg.case_number,
            executing_court=COURT,
            filed_on=reg.filed_on,
            debtors=reg.debtors,
            applicants=reg.applicants,
            amount=Decimal(amount),
        ),
    )


def apply(c: Case, outs: list[query.Out]) -> Case:
    for payload, _ in outs:
        c = evolve(c, payload)
    return c


HOUSE = Holding(kind=PropertyKind.REAL_ESTATE, reference="豫(2021)汝州市不动产权第1号")


@pytest.mark.parametrize(
    ("kind", "years"),
    [(PropertyKind.DEPOSIT, 1), (PropertyKind.VEHICLE, 2), (PropertyKind.REAL_ESTATE, 3)],
)
def test_a_control_may_run_exactly_its_statutory_term_and_not_a_day_more(
    kind: PropertyKind, years: int
) -> None:
    start = date(2026, 3, 1)
    days = (terms.add_years(start, years) - start).days
    assert terms.within_term(kind, start, days)
    assert not terms.within_term(kind, start, days + 1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 120))
def test_adding_months_lands_in_the_right_month_and_never_overshoots(
    day: date, months: int
) -> None:
    later = requery.add_months(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day <= day.day


def test_a_freeze_over_the_claim_is_refused_unless_the_court_says_why() -> None:
    c = case("100000")
    cmd = FreezeProperty(
        case_number=c.case_number or "",
        bureau="NR410482",
        holding=HOUSE,
        measure=Measure.SEIZE,
        amount=Decimal("100000.01"),
        term_days=30,
    )
    with pytest.raises(errors.OverFreezeError, match="慎用查封冻结"):
        control.decide_freeze(cmd, c, court=COURT, control_id=uuid.uuid4(), now=NOW)
    reasoned = cmd.model_copy(update={"excess_reason": "不可分割"})
    assert control.decide_freeze(reasoned, c, court=COURT, control_id=uuid.uuid4(), now=NOW)


def test_controls_in_force_count_towards_the_claim() -> None:
    c = case("100000")
    first = FreezeProperty(
        case_number=c.case_number or "",
        bureau="NR410482",
        holding=HOUSE,
        measure=Measure.SEIZE,
        amount=Decimal("60000"),
        term_days=30,
    )
    c = apply(c, control.decide_freeze(first, c, court=COURT, control_id=uuid.uuid4(), now=NOW))
    with pytest.raises(errors.OverFreezeError):
        control.decide_freeze(first, c, court=COURT, control_id=uuid.uuid4(), now=NOW)


def started(c: Case, bureaus: list[str]) -> tuple[Case, uuid.UUID]:
    cmd = QueryProperty(
        case_number=c.case_number or "", debtor=c.debtors[0], kinds=[PropertyKind.REAL_ESTATE]
    )
    qid = uuid.uuid4()
    outs = query.decide_query(
        cmd,
        c,
        court=COURT,
        query_id=qid,
        routing={b: (PropertyKind.REAL_ESTATE,) for b in bureaus},
        now=NOW,
        respond_within=timedelta(hours=72),
        cache_window=timedelta(hours=1),
    )
    assert isinstance(outs[0][0], PropertyQueryStarted)
    return apply(c, outs), qid


def test_the_result_goes_to_the_court_when_the_last_bureau_answers() -> None:
    c, qid = started(case(), ["NR410482", "NR410300"])
    first = query.decide_answer(
        PropertyAnswer(query_id=qid, holdings=[HOUSE]), c, bureau="NR410482", now=NOW
    )
    assert len(first) == 1
    c = apply(c, first)
    last = query.decide_answer(PropertyAnswer(query_id=qid), c, bureau="NR410300", now=NOW)
    [(result, to)] = [o for o in last if isinstance(o[0], PropertyResult)]
    assert to == COURT and result.complete and result.unanswered == []


def test_only_the_kinds_a_bureau_was_asked_for_are_kept() -> None:
    c, qid = started(case(), ["NR410482"])
    car = Holding(kind=PropertyKind.VEHICLE, reference="豫D·12345")
    outs = query.decide_answer(
        PropertyAnswer(query_id=qid, holdings=[HOUSE, car]), c, bureau="NR410482", now=NOW
    )
    result = next(o[0] for o in outs if isinstance(o[0], PropertyResult))
    assert [h.reference for a in result.answers for h in a.holdings] == [HOUSE.reference]


def test_a_query_is_closed_on_its_deadline_naming_the_silent_bureaus() -> None:
    c, _ = started(case(), ["NR410482", "NR410300"])
    assert query.decide_deadline(c, NOW + timedelta(hours=71)) == []
    [(result, _)] = query.decide_deadline(c, NOW + timedelta(hours=72))
    assert isinstance(result, PropertyResult)
    assert result.unanswered == ["NR410300", "NR410482"] and not result.complete


def test_requeries_fall_every_six_months_for_five_years() -> None:
    c = case()
    c = Case(**{**c.__dict__, "closed_on": date(2026, 1, 31)})
    assert requery.scheduled(c) == (1, date(2026, 7, 31))
    assert requery.decide_requery(c, datetime(2026, 7, 30, tzinfo=UTC), {}, timedelta(1)) == []
    outs = requery.decide_requery(c, datetime(2026, 7, 31, tzinfo=UTC), {}, timedelta(1))
    c = apply(c, outs)
    assert requery.scheduled(c) == (2, date(2027, 1, 31))


def test_a_release_names_one_of_the_statutory_grounds() -> None:
    data = {
        "case_number": "（2026）豫0482执77号",
        "control_id": str(uuid.uuid4()),
        "reason": "已履行",
    }
    with pytest.raises(ValueError, match="ground"):
        ReleaseControl.model_validate(data)
    with pytest.raises(ValueError, match="ground"):
        ReleaseControl.model_validate({**data, "ground": "paid_in_full"})
    assert ReleaseControl.model_validate({**data, "ground": "debt_paid"}).ground == "debt_paid"
