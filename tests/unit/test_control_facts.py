"""The facts of a control, one event each: a log written before them (v1 `ControlRecorded`) reads
as the same case; a queued control takes effect or lapses when the registry reports it (D15,
D16); the excess of an over-seizure is released by its last day or reported overdue (D17)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from contracts.enforcement import (
    CaseRegistered,
    ControlLapsed,
    ControlOutcome,
    ControlReport,
    ControlStatus,
    ExcessReleaseOverdue,
    FreezeProperty,
    Holding,
    LapseReason,
    Measure,
    Organization,
    Outcome,
    PropertyKind,
    ReleaseExcess,
)
from contracts.registry import parse_message
from services.enforcement.domain import Case, control, errors, evolve
from services.enforcement.domain.case import ControlState
from services.enforcement.domain.query import Out

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COURT, BUREAU, OFFICE = "CT410482", "NR410482", "JO410400"
CASE = "（2026）豫0482执88号"
DEBTOR = Organization(name="汝州市某某建材有限公司", credit_code="91410482MA3X4Y5K2E")
HOUSE = Holding(
    kind=PropertyKind.REAL_ESTATE,
    reference="豫（2024）汝州市不动产权第0012345号",
    value=Decimal("900000"),
)


def registered() -> Case:
    return evolve(
        Case(),
        CaseRegistered(
            case_number=CASE,
            executing_court=COURT,
            filed_on=date(2026, 1, 5),
            debtors=[DEBTOR],
            applicants=[DEBTOR],
            amount=Decimal("1000000"),
        ),
    )


def apply(c: Case, outs: list[Out]) -> Case:
    for payload, _ in outs:
        c = evolve(c, payload)
    return c


def seized(outcome: Outcome, amount: str = "600000") -> tuple[Case, uuid.UUID]:
    c, cid = registered(), uuid.uuid4()
    cmd = FreezeProperty(
        case_number=CASE,
        bureau=BUREAU,
        holding=HOUSE,
        measure=Measure.SEIZE,
        amount=Decimal(amount),
        term_days=365,
    )
    c = apply(c, control.decide_freeze(cmd, c, court=COURT, control_id=cid, now=NOW))
    reply = ControlOutcome(order_id=cid, outcome=outcome, bureau_reference="汝不动产封字第1号")
    return apply(c, control.decide_outcome(reply, c, bureau=BUREAU, now=NOW)), cid


def report(outs: list[Out]) -> ControlReport:
    found = [p for p, _ in outs if isinstance(p, ControlReport)]
    assert len(found) == 1
    return found[0]


# ---- a v1 log read through the upcaster ---------------------------------------------------


def v1(n: int, data: dict[str, Any], org: str = BUREAU, day: str = "2026-03-02") -> dict[str, Any]:
    """A `ControlRecorded` v1 message as the service stored it before one event per fact."""
    return {
        "envelope": {
            "event_id": f"5f000000-0000-4000-8000-{n:012x}",
            "type": "enforcement.event.control_recorded.v1",
            "occurred_at": f"{day}T09:00:00+08:00",
            "organization": org,
            "officer": None,
            "correlation_id": "5f000000-0000-4000-8000-000000000001",
            "causation_id": None,
            "case_number": CASE,
        },
        "data": {
            "action": None,
            "order_id": None,
            "detail": None,
            "prior_claims": None,
            "term_days": None,
            "bureau": BUREAU,
            "holding": HOUSE.model_dump(mode="json"),
            "until": None,
            **data,
        },
    }


FIRST, SECOND = "5f000000-0000-4000-8000-00000000a001", "5f000000-0000-4000-8000-00000000b001"
RENEWAL, DEDUCTION = "5f000000-0000-4000-8000-00000000a002", "5f000000-0000-4000-8000-00000000a003"
V1_LOG = [
    # the first control: ordered, queued, promoted by the platform, warned, renewed, deducted
    v1(
        1,
        {
            "control_id": FIRST,
            "order_id": FIRST,
            "status": "requested",
            "action": "seize",
            "amount": "600000",
            "until": "2027-03-01",
            "prior_claims": "100000",
            "term_days": 365,
        },
        org=COURT,
    ),
    v1(
        2,
        {
            "control_id": FIRST,
            "order_id": FIRST,
            "status": "queued",
            "action": "seize",
            "amount": "600000",
            "until": "2027-03-01",
            "detail": "轮候查封",
        },
    ),
    v1(
        3,
        {"control_id": FIRST, "status": "applied", "amount": "600000", "until": "2027-08-31"},
        org="FUYUAN",
        day="2026-09-01",
    ),
    v1(
        4,
        {"control_id": FIRST, "status": "expiring", "amount": "600000", "until": "2027-08-31"},
        org="FUYUAN",
    ),
    v1(
        5,
        {
            "control_id": FIRST,
            "order_id": RENEWAL,
            "status": "requested",
            "action": "renew",
            "amount": "600000",
            "until": "2028-08-30",
        },
        org=COURT,
    ),
    v1(
        6,
        {
            "control_id": FIRST,
            "order_id": RENEWAL,
            "status": "applied",
            "action": "renew",
            "amount": "600000",
            "until": "2028-08-30",
            "detail": "汝不动产续字第2号",
        },
    ),
    v1(
        7,
        {
            "control_id": FIRST,
            "order_id": DEDUCTION,
            "status": "requested",
            "action": "deduct",
            "amount": "1000",
            "until": "2028-08-30",
        },
        org=COURT,
    ),
    v1(
        8,
        {
            "control_id": FIRST,
            "order_id": DEDUCTION,
            "status": "deducted",
            "action": "deduct",
            "amount": "599000",
            "until": "2028-08-30",
        },
    ),
    # the second: ordered and refused
    v1(
        9,
        {
            "control_id": SECOND,
            "order_id": SECOND,
            "status": "requested",
            "action": "seize",
            "amount": "1000",
            "until": "2027-03-01",
        },
        org=COURT,
    ),
    v1(
        10,
        {
            "control_id": SECOND,
            "order_id": SECOND,
            "status": "refused",
            "action": "seize",
            "amount": "1000",
            "until": "2027-03-01",
            "detail": "不动产已办理转移登记",
        },
    ),
]


def new(n: int, type_: str, data: dict[str, Any], org: str = BUREAU) -> dict[str, Any]:
    msg = v1(n, {})
    msg["envelope"]["type"] = type_
    msg["envelope"]["organization"] = org
    msg["data"] = data
    return msg


NEW_LOG = [
    new(
        1,
        "enforcement.event.control_ordered.v1",
        {
            "control_id": FIRST,
            "order_id": FIRST,
            "action": "seize",
            "bureau": BUREAU,
            "holding": HOUSE.model_dump(mode="json"),
            "amount": "600000",
            "until": "2027-03-01",
            "prior_claims": "100000",
            "term_days": 365,
        },
        org=COURT,
    ),
    new(
        2,
        "enforcement.event.control_queued.v1",
        {"control_id": FIRST, "order_id": FIRST, "until": "2027-03-01", "reason": "轮候查封"},
    ),
    new(
        3,
        "enforcement.event.queued_control_took_effect.v1",
        {"control_id": FIRST, "effective_on": "2026-09-01", "until": "2027-08-31"},
    ),
    new(4, "enforcement.event.control_expiring.v1", {"control_id": FIRST, "until": "2027-08-31"}),
    new(
        5,
        "enforcement.event.control_ordered.v1",
        {
            "control_id": FIRST,
            "order_id": RENEWAL,
            "action": "renew",
            "bureau": BUREAU,
            "holding": HOUSE.model_dump(mode="json"),
            "amount": "600000",
            "until": "2028-08-30",
        },
        org=COURT,
    ),
    new(
        6,
        "enforcement.event.control_renewed.v1",
        {"control_id": FIRST, "order_id": RENEWAL, "until": "2028-08-30"},
    ),
    new(
        7,
        "enforcement.event.control_ordered.v1",
        {
            "control_id": FIRST,
            "order_id": DEDUCTION,
            "action": "deduct",
            "bureau": BUREAU,
            "holding": HOUSE.model_dump(mode="json"),
            "amount": "1000",
            "until": "2028-08-30",
        },
        org=COURT,
    ),
    new(
        8,
        "enforcement.event.funds_deducted.v1",
        {"control_id": FIRST, "order_id": DEDUCTION, "remaining": "599000", "amount": "1000"},
    ),
    new(
        9,
        "enforcement.event.control_ordered.v1",
        {
            "control_id": SECOND,
            "order_id": SECOND,
            "action": "seize",
            "bureau": BUREAU,
            "holding": HOUSE.model_dump(mode="json"),
            "amount": "1000",
            "until": "2027-03-01",
        },
        org=COURT,
    ),
    new(
        10,
        "enforcement.event.control_refused.v1",
        {"control_id": SECOND, "order_id": SECOND, "action": "seize", "reason": "已转移登记"},
    ),
]


def read(log: list[dict[str, Any]]) -> Case:
    c = registered()
    for stored in log:
        c = evolve(c, parse_message(stored).data)
    return c


def test_a_v1_log_read_through_the_upcaster_gives_the_case_the_new_events_give() -> None:
    old, current = read(V1_LOG), read(NEW_LOG)
    assert old == current
    first, second = old.controls[uuid.UUID(FIRST)], old.controls[uuid.UUID(SECOND)]
    assert (first.status, first.until, first.amount) == (
        ControlState.APPLIED,
        date(2028, 8, 30),
        Decimal("599000"),
    )
    assert first.prior_claims == Decimal("100000") and first.term_days == 365
    assert not first.pending and not first.warned  # warned of the old last day, then renewed
    assert second.status is ControlState.REFUSED


def test_each_v1_status_reads_as_the_event_of_its_fact() -> None:
    types = [parse_message(m).envelope.type.split(".")[2] for m in V1_LOG]
    assert types == [
        "control_ordered",
        "control_queued",
        "queued_control_took_effect",
        "control_expiring",
        "control_ordered",
        "control_renewed",
        "control_ordered",
        "funds_deducted",
        "control_ordered",
        "control_refused",
    ]
    promoted = parse_message(V1_LOG[2]).data
    assert promoted.effective_on == date(2026, 9, 1)  # the day the platform promoted it
    lapsed = parse_message(
        v1(11, {"control_id": FIRST, "status": "lapsed", "amount": "1", "until": "2028-08-30"})
    ).data
    assert isinstance(lapsed, ControlLapsed) and lapsed.reason is LapseReason.EXPIRED


# ---- D15, D16: the registry reports a queued control ---------------------------------------


def test_a_queued_seizure_secures_nothing_until_the_registry_reports_it_took_effect() -> None:
    c, cid = seized(Outcome.QUEUED)
    assert c.secured() == 0 and control.next_due(c) is None
    reply = ControlOutcome(order_id=cid, outcome=Outcome.TOOK_EFFECT, effective_on=date(2026, 6, 1))
    outs = control.decide_outcome(reply, c, bureau=BUREAU, now=NOW.replace(month=6))
    told = report(outs)
    assert (told.status, told.until) == (ControlStatus.TOOK_EFFECT, date(2027, 5, 31))
    c = apply(c, outs)
    assert c.controls[cid].status is ControlState.APPLIED
    assert c.secured() == Decimal("600000")


def test_a_queue_lapses_when_the_registry_reports_the_property_disposed_of_in_full() -> None:
    c, cid = seized(Outcome.QUEUED)
    reply = ControlOutcome(order_id=cid, outcome=Outcome.LAPSED, reason="在先查封法院已整体拍卖")
    outs = control.decide_outcome(reply, c, bureau=BUREAU, now=NOW)
    assert report(outs).status is ControlStatus.LAPSED
    lapsed = [p for p, _ in outs if isinstance(p, ControlLapsed)]
    assert lapsed[0].reason is LapseReason.DISPOSED
    c = apply(c, outs)
    assert c.controls[cid].status is ControlState.LAPSED
    with pytest.raises(errors.NotQueuedError):  # and never takes effect after
        control.decide_outcome(
            ControlOutcome(order_id=cid, outcome=Outcome.TOOK_EFFECT, effective_on=NOW.date()),
            c,
            bureau=BUREAU,
            now=NOW,
        )


def test_only_a_queued_control_is_reported_taken_effect_with_the_registrys_date() -> None:
    c, cid = seized(Outcome.APPLIED)
    took = ControlOutcome(order_id=cid, outcome=Outcome.TOOK_EFFECT, effective_on=NOW.date())
    with pytest.raises(errors.NotQueuedError):
        control.decide_outcome(took, c, bureau=BUREAU, now=NOW)
    q, qid = seized(Outcome.QUEUED)
    with pytest.raises(errors.EffectiveDateError):
        control.decide_outcome(
            ControlOutcome(order_id=qid, outcome=Outcome.TOOK_EFFECT), q, bureau=BUREAU, now=NOW
        )
    with pytest.raises(errors.EffectiveDateError):
        control.decide_outcome(
            took.model_copy(update={"order_id": qid, "effective_on": NOW.date() + timedelta(1)}),
            q,
            bureau=BUREAU,
            now=NOW,
        )
    with pytest.raises(errors.WrongBureauError):
        control.decide_outcome(
            took.model_copy(update={"order_id": qid}), q, bureau="NR410300", now=NOW
        )


# ---- D17: releasing the excess ------------------------------------------------------------


def release_excess(cid: uuid.UUID, **change: Any) -> ReleaseExcess:
    return ReleaseExcess(
        case_number=CASE,
        control_id=cid,
        amount=Decimal("200000"),
        ruling_effective_on=date(2026, 3, 2),
        reason="查封财产价值明显超出执行标的额",
    ).model_copy(update=change)


def test_the_excess_is_ordered_released_within_seven_days_of_the_ruling() -> None:
    c, cid = seized(Outcome.APPLIED)
    oid = uuid.uuid4()
    outs = control.decide_release_excess(release_excess(cid), c, court=COURT, order_id=oid, now=NOW)
    assert [org for _, org in outs] == [COURT, BUREAU]
    c = apply(c, outs)
    assert c.controls[cid].excess[oid].release_by == date(2026, 3, 9)
    assert control.next_due(c) == datetime(2026, 3, 10, tzinfo=UTC)
    reply = ControlOutcome(order_id=oid, outcome=Outcome.APPLIED, bureau_reference="解字第3号")
    outs = control.decide_outcome(reply, c, bureau=BUREAU, now=NOW)
    assert report(outs).status is ControlStatus.EXCESS_RELEASED
    c = apply(c, outs)
    assert c.controls[cid].amount == Decimal("400000")
    assert control.decide_excess_overdue(c, date(2026, 4, 1), OFFICE) == []


@pytest.mark.parametrize(
    ("effective", "last_day"),
    [
        (date(2026, 2, 22), date(2026, 3, 2)),  # the 7th day is Sunday 1 March
        (date(2026, 2, 10), date(2026, 2, 24)),  # Tuesday 17 February: the Spring Festival
        (date(2026, 2, 21), date(2026, 2, 28)),  # Saturday 28 February is worked in lieu
        (date(2026, 2, 23), date(2026, 3, 2)),  # a Monday: unmoved
    ],
)
def test_the_seven_days_end_on_a_working_day(effective: date, last_day: date) -> None:
    assert control.release_by(release_excess(uuid.uuid4(), ruling_effective_on=effective)) == (
        last_day
    )


def test_an_excess_not_released_by_its_last_day_is_told_to_the_court_and_joint_office_once() -> (
    None
):
    c, cid = seized(Outcome.APPLIED)
    oid = uuid.uuid4()
    cmd = release_excess(cid, release_within_days=15)
    c = apply(c, control.decide_release_excess(cmd, c, court=COURT, order_id=oid, now=NOW))
    due = control.next_due(c)
    assert due == datetime(2026, 3, 18, tzinfo=UTC)
    assert control.decide_excess_overdue(c, due.date() - timedelta(days=1), OFFICE) == []
    outs = control.decide_excess_overdue(c, due.date(), OFFICE)
    assert [org for _, org in outs] == [COURT, OFFICE]
    assert all(isinstance(p, ExcessReleaseOverdue) for p, _ in outs)
    c = apply(c, outs[:1])
    assert control.decide_excess_overdue(c, due.date() + timedelta(days=9), OFFICE) == []
    assert not control.excess_pending(c)


def test_an_excess_release_is_refused_when_it_is_the_whole_control_or_the_ruling_is_ahead() -> None:
    c, cid = seized(Outcome.APPLIED)
    with pytest.raises(errors.ExcessTooLargeError):
        control.decide_release_excess(
            release_excess(cid, amount=Decimal("600000")),
            c,
            court=COURT,
            order_id=uuid.uuid4(),
            now=NOW,
        )
    with pytest.raises(errors.RulingDateError):
        control.decide_release_excess(
            release_excess(cid, ruling_effective_on=date(2026, 3, 3)),
            c,
            court=COURT,
            order_id=uuid.uuid4(),
            now=NOW,
        )
    q, qid = seized(Outcome.QUEUED)
    with pytest.raises(errors.ControlStateError):
        control.decide_release_excess(
            release_excess(qid), q, court=COURT, order_id=uuid.uuid4(), now=NOW
        )


def test_only_a_freeze_or_seizure_is_queued() -> None:
    c, cid = seized(Outcome.APPLIED)
    oid = uuid.uuid4()
    c = apply(
        c, control.decide_release_excess(release_excess(cid), c, court=COURT, order_id=oid, now=NOW)
    )
    with pytest.raises(errors.OutcomeNotForOrderError):
        control.decide_outcome(
            ControlOutcome(order_id=oid, outcome=Outcome.QUEUED), c, bureau=BUREAU, now=NOW
        )
