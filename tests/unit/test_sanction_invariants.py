"""失信联合惩戒, as a property: over random sequences of listings, restrictions,
acknowledgements, lifts, redeliveries and the passing of time, no measure stays in force after
its sanction ended, no bureau is told twice to do the same thing, and a listed debtor is always
under a consumption restriction."""

from __future__ import annotations

import functools
import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.base import Payload
from contracts.enforcement import CaseRegistered, Person
from contracts.enforcement.measures import Catalogue
from contracts.enforcement.sanctions import (
    AckOutcome,
    ExecutionBasis,
    LiftNotice,
    LiftSanction,
    ListDishonestDebtor,
    MeasureFor,
    Performance,
    RestrictConsumption,
    SanctionAck,
    SanctionKind,
    SanctionLifted,
    SanctionNotice,
)
from contracts.ids import resident_id_check_character
from contracts.organizations import Registry
from services.cli.simulate import register_case
from services.enforcement.domain import Case, EnforcementError, evolve
from services.enforcement.domain import sanctions as rules

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
COURT = "CT410482"
PLAN: rules.Plan = {
    "RW410000": [MeasureFor(measure="no_soft_sleeper", whom=["person", "legal_representative"])],
    "HR410300": [MeasureFor(measure="no_civil_service", whom=["person"])],
    "MR410300": [MeasureFor(measure="no_legal_representative", whom=["person", "organization"])],
}
CATALOGUE = Catalogue.load()
WEEK = timedelta(days=7)


@functools.cache
def registered() -> Case:
    rng = random.Random(1)
    reg = register_case(rng, Registry.load().get(COURT), 500, T0).data
    body = "41048219800101001"
    adult = Person(name="王强", id_number=body + resident_id_check_character(body))
    return evolve(
        Case(),
        CaseRegistered(
            case_number=reg.case_number,
            executing_court=COURT,
            filed_on=reg.filed_on,
            debtors=[adult],
            applicants=reg.applicants,
            amount=Decimal(1000),
        ),
    )


GROUNDS = (["ability_refusal"], ["evasion"])
"""An open-ended listing, and one with a two-year term: without the second no listing ever
expires and the term rules are never tried."""
PERIODS = (None, 30, 1200)
"""Restriction periods in days: until performance, shorter and longer than a listing's term."""

operation = st.one_of(
    st.tuples(st.just("list"), st.integers(0, 3), st.sampled_from(GROUNDS)),
    st.tuples(st.just("restrict"), st.integers(0, 3), st.sampled_from(PERIODS)),
    st.tuples(st.just("ack"), st.integers(0, 20), st.sampled_from(list(AckOutcome))),
    st.tuples(st.just("lift"), st.integers(0, 3)),
    st.tuples(st.just("redeliver"), st.integers(0, 40)),
    st.tuples(st.just("time"), st.integers(1, 120)),
)


class Run:
    def __init__(self) -> None:
        self.case, self.now = registered(), T0
        self.sent: list[Payload] = []
        self.done: list[tuple[str, object, str]] = []

    def apply(self, outs: list[tuple[Payload, str]]) -> None:
        for payload, _ in outs:
            self.case = evolve(self.case, payload)
            self.sent.append(payload)

    def attempt(self, name: str, decide: object, bureau: str = COURT) -> None:
        try:
            outs = decide(self.case)  # type: ignore[operator]
        except EnforcementError:
            return
        self.done.append((name, decide, bureau))
        self.apply(outs)

    def step(self, op: tuple) -> None:  # type: ignore[type-arg]
        kind = op[0]
        debtor = self.case.debtors[0]
        if kind in ("list", "restrict"):
            sid = uuid.UUID(int=op[1] + (10 if kind == "restrict" else 0))
            self.attempt(kind, _imposer(kind, debtor, sid, self.case, self.now, op[2]))
        elif kind == "ack":
            notices = [p for p in self.sent if isinstance(p, SanctionNotice | LiftNotice)]
            if notices:
                n = notices[op[1] % len(notices)]
                ack = SanctionAck(notice_id=n.notice_id, outcome=op[2])
                self.attempt(
                    "ack",
                    lambda c: rules.decide_ack(ack, c, bureau=n.bureau, now=self.now),
                    n.bureau,
                )
        elif kind == "lift" and self.case.sanctions:
            sid = sorted(self.case.sanctions)[op[1] % len(self.case.sanctions)]
            cmd = LiftSanction(
                case_number=self.case.case_number or "", sanction_id=sid, ground="performed"
            )
            self.attempt(
                "lift",
                lambda c: rules.decide_lift(
                    cmd, c, court=COURT, now=self.now, catalogue=CATALOGUE, confirm_within=WEEK
                ),
            )
        elif kind == "redeliver" and self.done:
            name, decide, _bureau = self.done[op[1] % len(self.done)]
            try:  # the same message again must be refused, or decide nothing new
                outs = decide(self.case)  # type: ignore[operator]
            except EnforcementError:
                return
            assert outs == [] or name == "time", f"a redelivered {name} had a second effect"
        elif kind == "time":
            self.now += timedelta(days=op[1] * 10)
            self.apply(
                rules.decide_expiry(self.case, self.now, WEEK)
                + rules.decide_overdue(self.case, self.now, "JO410482")
            )

    def check(self) -> None:
        told = Counter(
            (type(p).__name__, p.sanction_id, p.bureau)
            for p in self.sent
            if isinstance(p, SanctionNotice | LiftNotice)
        )
        assert all(n == 1 for n in told.values()), "a bureau was told twice to do the same"
        today = self.now.date()
        for s in self.case.sanctions.values():
            if s.kind == SanctionKind.LISTING and s.in_force(today):
                assert self.case.restricted(s.debtor_id, today), "a listed debtor unrestricted"
        ended = {p.sanction_id for p in self.sent if isinstance(p, SanctionLifted)}
        for s in self.case.sanctions.values():
            if s.until is not None and self.now.date() > s.until:
                assert s.lifted, "a listing outlived its term"
            if s.sanction_id in ended:
                lifted_at = {sent.bureau for sent in s.notices.values() if sent.lift}
                assert lifted_at == set(s.notified()), "a measure was left in force"


def _imposer(
    kind: str, debtor: Person, sid: uuid.UUID, case: Case, now: datetime, how: object
) -> object:
    """`how`: the listing's grounds, or the restriction's period in days (None: no end)."""
    if kind == "list":
        cmd = ListDishonestDebtor(
            case_number=case.case_number or "",
            debtor=debtor,
            filed_on=now.date(),
            basis=ExecutionBasis(
                issuing_body="汝州市人民法院", document_number="（2025）豫0482民初1号"
            ),
            obligations="给付货款",
            performance=Performance.NONE,
            grounds=how,
            decision_number="（2026）豫0482执500号之二",
            decided_on=now.date(),
            signed_by="院长 李明",
        )
        return lambda c: rules.decide_list(
            cmd,
            c,
            court=COURT,
            sanction_id=sid,
            now=now,
            plan=PLAN,
            catalogue=CATALOGUE,
            ack_within=WEEK,
        )
    restrict = RestrictConsumption(
        case_number=case.case_number or "",
        debtor=debtor,
        order_number="（2026）豫0482执500号之一",
        ordered_on=now.date(),
        until=None if how is None else now.date() + timedelta(days=how),
        items=list(range(1, 10)),
        signed_by="院长 李明",
    )
    return lambda c: rules.decide_restrict(
        restrict, c, court=COURT, sanction_id=sid, now=now, plan=PLAN, ack_within=WEEK
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(operation, min_size=1, max_size=40))
def test_no_measure_outlives_its_sanction_and_no_bureau_is_told_twice(ops: list[tuple]) -> None:  # type: ignore[type-arg]
    run = Run()
    for op in ops:
        run.step(op)
        run.check()
