"""十项重点问题事项 — the catalogue as versioned data, and an item's work: task force, plan
versions, ledger entries (存量 / 增量) with milestones counted back from the deadline, the lead
unit's claim, the joint office's reconciliation and check-off, and overdue once. A property:
no check-off without a reconciliation that bore the latest claim out."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.base import Payload
from contracts.risk import key_item_ledger as k
from contracts.risk.key_items import DataError, KeyItemCatalogue, default_path
from services.risk.domain import item_errors as errors
from services.risk.domain import key_items
from services.risk.domain.errors import RiskError
from services.risk.domain.item_rules import ItemRules, Out
from services.risk.domain.key_items import KeyItemWork

OFFICE, HOUSING, OTHER = "JOCITY01", "HCCITY01", "FNCITY01"
NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)
PLAN_DAY = date(2026, 6, 1)
ITEM = "problem_projects"
RULES = ItemRules(KeyItemCatalogue.load(), OFFICE, {"housing": (HOUSING,)})


def data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    return loaded


def test_the_catalogue_holds_ten_items_the_known_ones_with_sources() -> None:
    c = KeyItemCatalogue.load()
    assert len(c.items) == 10
    assert c.item("gov_judgments").special
    assert c.item("head_appearance").zh == "行政机关负责人出庭应诉"
    known = [i.id for i in c.items if i.source.confirmed]
    assert len(known) == 6
    assert all(not i.source.confirmed for i in c.items if i.source.document == "sample")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["items"].pop(), "items"),
        (lambda d: d["items"][1].update(special=True), "exactly one special item"),
        (lambda d: d["items"][1].update(id="gov_judgments"), "appears twice"),
        (lambda d: d["items"][2]["source"].update(document="nowhere"), "unknown source"),
        (lambda d: d["milestones"][0].update(days_before=1), "must fall"),
        (lambda d: d["items"][5].update(responsible=["housing"]), "cannot also be responsible"),
    ],
)
def test_a_bad_catalogue_is_refused_naming_the_entry(change: Any, problem: str) -> None:
    d = copy.deepcopy(data())
    change(d)
    with pytest.raises(DataError, match=problem):
        KeyItemCatalogue.from_data(d)


def run(work: KeyItemWork, outs: list[Out]) -> KeyItemWork:
    for fact, _ in outs:
        work = key_items.evolve(work, fact)
    return work


def planned() -> KeyItemWork:
    work = KeyItemWork(ITEM, OFFICE)
    plan = k.AdoptPlan(item=ITEM, version=1, title="一楼一策", adopted_on=PLAN_DAY)
    return run(work, key_items.decide_adopt_plan(plan, work, by=HOUSING, now=NOW, rules=RULES))


def add(stock: k.Stock = k.Stock.EXISTING, arose: date = date(2026, 3, 1)) -> k.AddLedgerEntry:
    return k.AddLedgerEntry(
        item=ITEM,
        entry_id=uuid.uuid4(),
        target="某小区二期",
        stock=stock,
        arose_on=arose,
        deadline=date(2027, 3, 31),
    )


def with_entry() -> tuple[KeyItemWork, uuid.UUID]:
    work, c = planned(), add()
    return run(
        work, key_items.decide_add_entry(c, work, by=OFFICE, now=NOW, rules=RULES)
    ), c.entry_id


def claim(entry: uuid.UUID) -> k.ClaimEntryCompletion:
    return k.ClaimEntryCompletion(
        item=ITEM, entry_id=entry, claimed_on=NOW.date(), evidence=["交付备案表"]
    )


def reconcile(entry: uuid.UUID, matched: bool = True) -> k.ReconcileEntry:
    return k.ReconcileEntry(
        item=ITEM, entry_id=entry, reconciled_on=NOW.date(), matched=matched, finding="核对"
    )


def close(entry: uuid.UUID) -> k.CloseEntry:
    return k.CloseEntry(item=ITEM, entry_id=entry, closed_on=NOW.date())


def test_the_lead_unit_forms_the_task_force_and_adopts_plans_in_order() -> None:
    force = k.FormTaskForce(
        item=ITEM,
        head=k.Person(name="张三", post="副局长"),
        members=[k.Person(name="李四", post="科长")],
        formed_on=PLAN_DAY,
    )
    [(fact, by)] = key_items.decide_form_task_force(
        force, KeyItemWork(ITEM), by=HOUSING, now=NOW, rules=RULES
    )
    assert isinstance(fact, k.TaskForceFormed) and fact.lead == HOUSING == by
    with pytest.raises(errors.NotTheLeadUnitError):
        key_items.decide_form_task_force(force, KeyItemWork(ITEM), by=OTHER, now=NOW, rules=RULES)
    skip = k.AdoptPlan(item=ITEM, version=3, title="第三版", adopted_on=PLAN_DAY)
    with pytest.raises(errors.PlanVersionError):
        key_items.decide_adopt_plan(skip, planned(), by=HOUSING, now=NOW, rules=RULES)


def test_an_entry_gets_milestones_counted_back_from_its_deadline() -> None:
    work, c = planned(), add()
    [(fact, _)] = key_items.decide_add_entry(c, work, by=OFFICE, now=NOW, rules=RULES)
    assert isinstance(fact, k.LedgerEntryAdded)
    assert fact.lead == HOUSING
    assert [(m.id, m.due_on) for m in fact.milestones] == [
        ("plan_set", date(2027, 1, 30)),
        ("half_done", date(2027, 3, 1)),
        ("claim_due", date(2027, 3, 24)),
    ]


def test_existing_is_dated_before_the_plan_new_after_it_and_no_entry_before_a_plan() -> None:
    work = planned()
    for c in (add(k.Stock.EXISTING, date(2026, 7, 1)), add(k.Stock.NEW, PLAN_DAY)):
        with pytest.raises(errors.StockDateError) as refused:
            key_items.decide_add_entry(c, work, by=HOUSING, now=NOW, rules=RULES)
        assert refused.value.field == "data.stock"
    assert key_items.decide_add_entry(
        add(k.Stock.NEW, date(2026, 7, 1)), work, by=HOUSING, now=NOW, rules=RULES
    )
    with pytest.raises(errors.NoPlanError):
        key_items.decide_add_entry(add(), KeyItemWork(ITEM), by=OFFICE, now=NOW, rules=RULES)


def test_claimed_reconciled_then_checked_off_by_the_office_only() -> None:
    work, entry = with_entry()
    with pytest.raises(errors.NotTheLeadUnitError):
        key_items.decide_claim(claim(entry), work, by=OFFICE, now=NOW, rules=RULES)
    work = run(work, key_items.decide_claim(claim(entry), work, by=HOUSING, now=NOW, rules=RULES))
    with pytest.raises(errors.NotReconciledError) as refused:
        key_items.decide_close(close(entry), work, by=OFFICE, now=NOW, rules=RULES)
    assert refused.value.field == "data.entry_id"
    with pytest.raises(errors.NotTheOfficeError):
        key_items.decide_reconcile(reconcile(entry), work, by=HOUSING, now=NOW, rules=RULES)
    work = run(
        work, key_items.decide_reconcile(reconcile(entry), work, by=OFFICE, now=NOW, rules=RULES)
    )
    with pytest.raises(errors.NotTheOfficeError):
        key_items.decide_close(close(entry), work, by=HOUSING, now=NOW, rules=RULES)
    [(fact, _)] = key_items.decide_close(close(entry), work, by=OFFICE, now=NOW, rules=RULES)
    assert isinstance(fact, k.LedgerEntryClosed) and not fact.late


def test_a_failed_reconciliation_is_a_fact_naming_the_lead_and_the_entry_stays_open() -> None:
    work, entry = with_entry()
    work = run(work, key_items.decide_claim(claim(entry), work, by=HOUSING, now=NOW, rules=RULES))
    outs = key_items.decide_reconcile(
        reconcile(entry, False), work, by=OFFICE, now=NOW, rules=RULES
    )
    [(fact, _)] = outs
    assert isinstance(fact, k.LedgerReconciliationFailed) and fact.lead == HOUSING
    work = run(work, outs)
    with pytest.raises(errors.NotReconciledError):
        key_items.decide_close(close(entry), work, by=OFFICE, now=NOW, rules=RULES)
    with pytest.raises(errors.NoClaimError):
        key_items.decide_reconcile(reconcile(entry), work, by=OFFICE, now=NOW, rules=RULES)


def test_an_entry_past_its_deadline_is_overdue_once() -> None:
    work, _ = with_entry()
    due = key_items.next_due(work)
    assert due == datetime(2027, 4, 1, tzinfo=UTC)
    assert key_items.decide_overdue(work, due - timedelta(seconds=1)) == []
    outs = key_items.decide_overdue(work, due)
    assert [(type(f), by) for f, by in outs] == [(k.LedgerEntryOverdue, OFFICE)]
    work = run(work, outs)
    assert key_items.decide_overdue(work, due + timedelta(days=40)) == []
    assert key_items.next_due(work) is None


ACTS = st.lists(
    st.tuples(
        st.sampled_from(["claim", "reconcile", "fail", "close"]),
        st.sampled_from([HOUSING, OFFICE, OTHER]),
        st.integers(0, 1),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(ACTS)
def test_no_check_off_without_a_reconciliation_of_the_latest_claim(acts: Any) -> None:
    work = planned()
    entries = []
    for _ in range(2):
        c = add()
        entries.append(c.entry_id)
        work = run(work, key_items.decide_add_entry(c, work, by=OFFICE, now=NOW, rules=RULES))
    history: list[Payload] = []
    for act, by, n in acts:
        entry = entries[n]
        command: Any = {
            "claim": claim(entry),
            "reconcile": reconcile(entry),
            "fail": reconcile(entry, False),
            "close": close(entry),
        }[act]
        decide: Any = {
            k.ClaimEntryCompletion: key_items.decide_claim,
            k.ReconcileEntry: key_items.decide_reconcile,
            k.CloseEntry: key_items.decide_close,
        }[type(command)]
        try:
            outs = decide(command, work, by=by, now=NOW, rules=RULES)
        except RiskError:
            continue
        history += [f for f, _ in outs]
        work = run(work, outs)
    for i, fact in enumerate(history):
        if isinstance(fact, k.LedgerEntryClosed):
            before = [
                f
                for f in history[:i]
                if getattr(f, "entry_id", None) == fact.entry_id
                and not isinstance(f, k.LedgerEntryAdded)
            ]
            assert isinstance(before[-1], k.LedgerEntryReconciled)
            assert any(isinstance(f, k.LedgerEntryCompletionClaimed) for f in before)
            assert [
                type(f) for f in history[i + 1 :] if getattr(f, "entry_id", None) == fact.entry_id
            ] == []
