"""十项重点问题事项 — the work on one key item in one jurisdiction: its task force, plan versions
and ledger. The lead unit forms the task force, adopts the plan and claims entries done; the
joint office reconciles each claim against its evidence (对账) and checks the entry off (销号)
only after a reconciliation that bore the claim out. A failed reconciliation is a fact of its
own, which accountability may cite. An entry not checked off by its deadline is overdue, once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from contracts.base import Payload
from contracts.risk import accountability as acc
from contracts.risk import key_item_ledger as k
from contracts.risk.key_items import KeyItem, UnknownKeyItemError
from services.risk.domain import item_errors as errors
from services.risk.domain.errors import AlreadyRecordedError, BasisError, WrongUnitError
from services.risk.domain.item_rules import ItemRules, Out, midnight, not_before, not_future


@dataclass(frozen=True)
class Entry:
    entry_id: uuid.UUID
    stock: k.Stock
    arose_on: date
    deadline: date
    lead: str
    claimed_on: date | None = None
    """The pending claim's day, until it is reconciled."""
    reconciled_on: date | None = None
    """The day a reconciliation bore the latest claim out."""
    closed_on: date | None = None
    overdue: bool = False
    failed: tuple[tuple[date, str], ...] = ()
    """Each failed reconciliation: its day and the lead unit it names."""
    accountable: tuple[date, ...] = ()
    """The day of each failed reconciliation accountability was raised on."""


@dataclass(frozen=True)
class KeyItemWork:
    """One key item's work in one jurisdiction, from its events."""

    item: str
    joint_office: str = ""
    """联席办 of the jurisdiction whose work this is."""
    lead: str | None = None
    task_force: bool = False
    plans: tuple[date, ...] = ()
    """Adoption day of each plan version, version 1 first."""
    entries: dict[uuid.UUID, Entry] = field(default_factory=dict)


def item_of(item_id: str, rules: ItemRules) -> KeyItem:
    try:
        return rules.catalogue.item(item_id)
    except UnknownKeyItemError as e:
        raise errors.UnknownKeyItemError(str(e)) from None


def _lead(item_id: str, by: str, rules: ItemRules) -> str:
    lead = rules.lead(item_of(item_id, rules))
    if by != lead:
        raise errors.NotTheLeadUnitError(f"{by} is not the lead unit of {item_id} ({lead})")
    return lead


def _office(by: str, rules: ItemRules) -> None:
    if by != rules.office:
        raise errors.NotTheOfficeError(f"{by} is not the joint office ({rules.office})")


def decide_form_task_force(
    c: k.FormTaskForce, work: KeyItemWork, *, by: str, now: datetime, rules: ItemRules
) -> list[Out]:
    lead = _lead(c.item, by, rules)
    not_future(c.formed_on, now, "data.formed_on")
    fact = k.TaskForceFormed(
        item=c.item, lead=lead, head=c.head, members=c.members, formed_on=c.formed_on
    )
    return [(fact, by)]


def decide_adopt_plan(
    c: k.AdoptPlan, work: KeyItemWork, *, by: str, now: datetime, rules: ItemRules
) -> list[Out]:
    _lead(c.item, by, rules)
    not_future(c.adopted_on, now, "data.adopted_on")
    if c.version != len(work.plans) + 1:
        raise errors.PlanVersionError(f"the next plan version is {len(work.plans) + 1}")
    if work.plans:
        not_before(c.adopted_on, work.plans[-1], "the previous version", "data.adopted_on")
    fact = k.KeyItemPlanAdopted(
        item=c.item, version=c.version, title=c.title, adopted_on=c.adopted_on
    )
    return [(fact, by)]


def milestones(deadline: date, rules: ItemRules) -> list[k.MilestoneDate]:
    """倒排工期: each milestone's day, counted back from the deadline."""
    return [
        k.MilestoneDate(id=m.id, due_on=deadline - timedelta(days=m.days_before))
        for m in rules.catalogue.milestones
    ]


def decide_add_entry(
    c: k.AddLedgerEntry, work: KeyItemWork, *, by: str, now: datetime, rules: ItemRules
) -> list[Out]:
    lead = rules.lead(item_of(c.item, rules))
    if by not in (lead, rules.office):
        raise errors.NotTheLeadUnitError(f"{by} is neither the lead unit nor the joint office")
    if not work.plans:
        raise errors.NoPlanError(f"no plan of {c.item} is adopted yet")
    if c.entry_id in work.entries:
        raise errors.DuplicateEntryError(f"entry {c.entry_id} is already on the ledger")
    not_future(c.arose_on, now, "data.arose_on")
    not_before(c.deadline, now.date(), "today", "data.deadline")
    first_plan = work.plans[0]
    if c.stock is k.Stock.EXISTING and c.arose_on > first_plan:
        raise errors.StockDateError(f"存量 arose on or before the plan of {first_plan}")
    if c.stock is k.Stock.NEW and c.arose_on <= first_plan:
        raise errors.StockDateError(f"增量 arose after the plan of {first_plan}")
    fact = k.LedgerEntryAdded(
        item=c.item,
        entry_id=c.entry_id,
        lead=lead,
        target=c.target,
        stock=c.stock,
        arose_on=c.arose_on,
        deadline=c.deadline,
        milestones=milestones(c.deadline, rules),
        added_on=now.date(),
    )
    return [(fact, by)]


def _open(work: KeyItemWork, entry_id: uuid.UUID) -> Entry:
    entry = work.entries.get(entry_id)
    if entry is None:
        raise errors.UnknownEntryError(f"no entry {entry_id} on the ledger of {work.item}")
    if entry.closed_on is not None:
        raise errors.EntryClosedError(f"checked off on {entry.closed_on}")
    return entry


def decide_claim(
    c: k.ClaimEntryCompletion, work: KeyItemWork, *, by: str, now: datetime, rules: ItemRules
) -> list[Out]:
    entry = _open(work, c.entry_id)
    if by != entry.lead:
        raise errors.NotTheLeadUnitError(f"{by} is not the lead unit of the entry")
    if entry.claimed_on is not None:
        raise errors.ClaimPendingError(f"claimed on {entry.claimed_on}, not yet reconciled")
    not_future(c.claimed_on, now, "data.claimed_on")
    not_before(c.claimed_on, entry.arose_on, "the entry arose", "data.claimed_on")
    fact = k.LedgerEntryCompletionClaimed(
        item=c.item, entry_id=c.entry_id, claimed_on=c.claimed_on, evidence=c.evidence
    )
    return [(fact, by)]


def decide_reconcile(
    c: k.ReconcileEntry, work: KeyItemWork, *, by: str, now: datetime, rules: ItemRules
) -> list[Out]:
    _office(by, rules)
    entry = _open(work, c.entry_id)
    if entry.claimed_on is None:
        raise errors.NoClaimError("no claim of completion waits for reconciliation")
    not_future(c.reconciled_on, now, "data.reconciled_on")
    not_before(c.reconciled_on, entry.claimed_on, "the claim", "data.reconciled_on")
    fact: Payload
    if c.matched:
        fact = k.LedgerEntryReconciled(
            item=c.item, entry_id=c.entry_id, reconciled_on=c.reconciled_on, finding=c.finding
        )
    else:
        fact = k.LedgerReconciliationFailed(
            item=c.item,
            entry_id=c.entry_id,
            lead=entry.lead,
            reconciled_on=c.reconciled_on,
            finding=c.finding,
        )
    return [(fact, by)]


def decide_close(
    c: k.CloseEntry, work: KeyItemWork, *, by: str, now: datetime, rules: ItemRules
) -> list[Out]:
    _office(by, rules)
    entry = _open(work, c.entry_id)
    if entry.reconciled_on is None:
        raise errors.NotReconciledError("the lead unit's claim has not been reconciled")
    not_future(c.closed_on, now, "data.closed_on")
    not_before(c.closed_on, entry.reconciled_on, "the reconciliation", "data.closed_on")
    fact = k.LedgerEntryClosed(
        item=c.item, entry_id=c.entry_id, closed_on=c.closed_on, late=c.closed_on > entry.deadline
    )
    return [(fact, by)]


def decide_accountability(
    c: acc.RaiseAccountability, work: KeyItemWork, *, by: str, now: datetime, rules: ItemRules
) -> list[Out]:
    """追责问责 on a failed reconciliation: by the joint office of the item's jurisdiction,
    against the lead unit the failure names, once per failed reconciliation."""
    basis = c.basis
    if basis.kind is not acc.BasisKind.FAILED_RECONCILIATION or basis.entry_id is None:
        raise BasisError("this route rests on a failed reconciliation (failed_reconciliation)")
    _office(by, rules)
    entry = work.entries.get(basis.entry_id)
    if entry is None:
        where = f"the ledger of {work.item} in this jurisdiction"
        raise BasisError(f"no entry {basis.entry_id} on {where}", "data.basis.entry_id")
    failed = [lead for day, lead in entry.failed if day == basis.reconciled_on]
    if not failed:
        day = basis.reconciled_on
        raise BasisError(
            f"no reconciliation of the entry failed on {day}", "data.basis.reconciled_on"
        )
    if c.unit not in failed:
        raise WrongUnitError(f"the failed reconciliation names {failed[0]}, not {c.unit}")
    if entry.accountable.count(basis.reconciled_on) >= len(failed):
        raise AlreadyRecordedError(
            f"accountability was raised on the failure of {basis.reconciled_on}"
        )
    not_future(c.decided_on, now, "data.decided_on")
    fact = acc.AccountabilityRaised(
        record_id=c.record_id,
        basis=basis,
        overdue_period=0,
        unit=c.unit,
        ground=c.ground,
        measures=c.measures,
        decided_on=c.decided_on,
    )
    return [(fact, by)]


def _overdue_from(entry: Entry) -> date | None:
    if entry.closed_on is not None or entry.overdue:
        return None
    return entry.deadline + timedelta(days=1)


def next_due(work: KeyItemWork) -> datetime | None:
    """The first moment `decide_overdue` writes for an entry, or None."""
    days = [d for e in work.entries.values() if (d := _overdue_from(e))]
    return midnight(min(days)) if days else None


def decide_overdue(work: KeyItemWork, now: datetime) -> list[Out]:
    """Each entry not checked off by its deadline, once."""
    out: list[Out] = []
    for e in work.entries.values():
        day = _overdue_from(e)
        if day is not None and now.date() >= day:
            fact = k.LedgerEntryOverdue(
                item=work.item, entry_id=e.entry_id, lead=e.lead, deadline=e.deadline
            )
            out.append((fact, work.joint_office))
    return out


def evolve(work: KeyItemWork, event: Payload) -> KeyItemWork:
    """The work after one of its events."""
    entries = dict(work.entries)
    match event:
        case k.TaskForceFormed():
            return replace(work, lead=event.lead, task_force=True)
        case k.KeyItemPlanAdopted():
            return replace(work, plans=(*work.plans, event.adopted_on))
        case k.LedgerEntryAdded():
            entries[event.entry_id] = Entry(
                event.entry_id, event.stock, event.arose_on, event.deadline, event.lead
            )
        case k.LedgerEntryCompletionClaimed():
            entries[event.entry_id] = replace(
                entries[event.entry_id], claimed_on=event.claimed_on, reconciled_on=None
            )
        case k.LedgerEntryReconciled():
            entries[event.entry_id] = replace(
                entries[event.entry_id], claimed_on=None, reconciled_on=event.reconciled_on
            )
        case k.LedgerReconciliationFailed():
            entry = entries[event.entry_id]
            failed = (*entry.failed, (event.reconciled_on, event.lead))
            entries[event.entry_id] = replace(entry, claimed_on=None, failed=failed)
        case acc.AccountabilityRaised() if event.basis.entry_id in entries:
            entry = entries[event.basis.entry_id]
            day = event.basis.reconciled_on
            if day is not None:
                entries[entry.entry_id] = replace(entry, accountable=(*entry.accountable, day))
        case k.LedgerEntryClosed():
            entries[event.entry_id] = replace(entries[event.entry_id], closed_on=event.closed_on)
        case k.LedgerEntryOverdue():
            entries[event.entry_id] = replace(entries[event.entry_id], overdue=True)
        case _:
            return work
    return replace(work, entries=entries)
