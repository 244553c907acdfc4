"""After 终本: the second network query of a debtor that finds nothing makes deletion ground
(四) arise (法释〔2017〕7号 第十条第一款第（四）项); the court is told the open-ended listing is
due for deletion within three working days."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from contracts.enforcement import Holding, PropertyAnswer, PropertyKind, QueryProperty
from contracts.enforcement.sanctions import DeletionDue
from services.enforcement.domain import Case, query
from services.enforcement.domain.query import Out
from tests.unit.test_law_sanctions import COURT, DEBTOR, apply, listed, listing, registered

CLOSED = date(2026, 3, 2)
BANK = "BKICBC410482"


def closed(*grounds: str) -> Case:
    c, _ = listed(registered(), listing(*grounds))
    return replace(c, closed_on=CLOSED)


def asked(c: Case, when: datetime, found: list[Holding] | None = None) -> tuple[Case, list[Out]]:
    """The court queries the debtor; the one bureau asked answers at once."""
    qid = uuid.uuid4()
    cmd = QueryProperty(
        case_number=c.case_number or "", debtor=DEBTOR, kinds=[PropertyKind.DEPOSIT]
    )
    c = apply(
        c,
        query.decide_query(
            cmd,
            c,
            court=COURT,
            query_id=qid,
            routing={BANK: (PropertyKind.DEPOSIT,)},
            now=when,
            respond_within=timedelta(hours=72),
            cache_window=timedelta(0),
        ),
    )
    outs = query.decide_answer(
        PropertyAnswer(query_id=qid, holdings=found or []), c, bureau=BANK, now=when
    )
    return apply(c, outs), outs


def due(outs: list[Out]) -> list[DeletionDue]:
    return [p for p, _ in outs if isinstance(p, DeletionDue)]


def test_the_second_empty_query_after_closing_makes_the_deletion_due() -> None:
    c, first = asked(closed("ability_refusal"), datetime(2026, 9, 2, 9, tzinfo=UTC))
    assert due(first) == []
    c, second = asked(c, datetime(2026, 9, 29, 9, tzinfo=UTC))
    [notice] = due(second)
    assert (notice.ground, notice.arose_on, notice.due_by) == (
        "no_property_found",
        date(2026, 9, 29),
        date(2026, 10, 9),
    )
    _, third = asked(c, datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert due(third) == []  # told once


def test_a_ground_reaching_a_year_the_calendar_does_not_know_is_due_at_its_earliest() -> None:
    # Wednesday 30 December 2026: Thursday the 31st is a working day; 2027's holidays are not in
    # the pinned calendar, so each of its days counts as a working day. The law's last day (1
    # January is a public holiday every year) is later, never earlier: provisional.
    c, _ = asked(closed("ability_refusal"), datetime(2026, 12, 1, 9, tzinfo=UTC))
    c, second = asked(c, datetime(2026, 12, 30, 9, tzinfo=UTC))
    [notice] = due(second)
    assert (notice.arose_on, notice.due_by, notice.due_by_provisional) == (
        date(2026, 12, 30),
        date(2027, 1, 2),
        True,
    )
    [duty] = c.sanctions[notice.sanction_id].duties
    assert (duty.due_by, duty.provisional) == (date(2027, 1, 2), True)


def test_a_ground_within_a_known_year_is_not_provisional() -> None:
    c, _ = asked(closed("ability_refusal"), datetime(2026, 9, 2, 9, tzinfo=UTC))
    _, second = asked(c, datetime(2026, 9, 29, 9, tzinfo=UTC))
    [notice] = due(second)
    assert not notice.due_by_provisional


def test_a_query_that_finds_property_does_not_count() -> None:
    account = Holding(kind=PropertyKind.DEPOSIT, reference="6222021705001234567")
    c, _ = asked(closed("ability_refusal"), datetime(2026, 9, 2, 9, tzinfo=UTC), [account])
    _, second = asked(c, datetime(2026, 9, 29, 9, tzinfo=UTC))
    assert due(second) == []


def test_a_listing_with_a_term_is_not_due_on_this_ground() -> None:
    c, _ = asked(closed("evasion"), datetime(2026, 9, 2, 9, tzinfo=UTC))
    _, second = asked(c, datetime(2026, 9, 29, 9, tzinfo=UTC))
    assert due(second) == []


def test_queries_before_closing_do_not_count() -> None:
    c, _ = listed(registered(), listing("ability_refusal"))
    c, _ = asked(c, datetime(2026, 3, 1, 9, tzinfo=UTC))
    c = replace(c, closed_on=CLOSED)
    _, first_after = asked(c, datetime(2026, 9, 2, 9, tzinfo=UTC))
    assert due(first_after) == []
