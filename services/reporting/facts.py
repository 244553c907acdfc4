"""Observed events → indicator `Fact`s (`services.reporting.domain.indicators`).

A fact says what an event is about (`subject`), whose work it is (`scope`: a unit's code), and,
where a formula needs them, the bureau and the outcome. Later events of a subject often do not
name its unit (an acceptance, a completion): they take the scope of the subject's first event,
so the fold keeps each subject's unit as it reads the events in position order.

| indicator events | subject | scope |
|---|---|---|
| property query started / answer recorded | query id (one fact per bureau asked) | the bureau |
| sanction imposed / acknowledged, lifted / lift completed | sanction id | the court |
| coordination task assigned / completed | task id | the task's lead unit |
| petition accepted / proceedings terminated | bankruptcy case number | the court |
| memo item accepted / overdue | item id | the owner unit (from the memo) |
| ledger entry added / closed | entry id | the lead unit |
| head appeared / absent | case number and hearing day | the defendant organ |
| admin case concluded (outcome) | case number | the defendant organ |
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from services.reporting.domain.indicators import Fact
from services.reporting.domain.readmodel import Observed

_SANCTION_EVENTS = (
    "sanction_imposed",
    "sanction_acknowledged",
    "sanction_lifted",
    "lift_completed",
)


def facts(events: Iterable[Observed]) -> list[Fact]:
    """The facts of the events, read in position order."""
    owners: dict[str, str] = {}
    out: list[Fact] = []
    for e in sorted(events, key=lambda e: e.position):
        out.extend(_facts(e, owners))
    return out


def _fact(e: Observed, subject: str, scope: str, bureau: str = "", outcome: str = "") -> Fact:
    return Fact(e.position, e.type, e.occurred_at, subject, scope, bureau, outcome)


def _owned(e: Observed, owners: dict[str, str], subject: str, scope: str = "") -> Fact:
    """A fact of the subject, scoped to its first-named unit (naming it if this is the first)."""
    owner = owners.setdefault(subject, scope or e.organization)
    return _fact(e, subject, owner)


def _facts(e: Observed, owners: dict[str, str]) -> Iterator[Fact]:
    b, name = e.body, e.name
    if name == "property_query_started":
        for asked in b["asked"]:
            yield _fact(e, str(b["query_id"]), asked["bureau"], asked["bureau"])
    elif name == "property_answer_recorded":
        yield _fact(e, str(b["query_id"]), b["bureau"], b["bureau"])
    elif name in _SANCTION_EVENTS:
        yield _owned(e, owners, f"sanction:{b['sanction_id']}")
    elif name == "coordination_task_assigned":
        yield _owned(e, owners, f"task:{b['task']['task_id']}", b["task"]["lead"])
    elif name == "coordination_task_completed":
        yield _owned(e, owners, f"task:{b['task_id']}")
    elif name == "petition_accepted":
        yield _owned(e, owners, f"bankruptcy:{b['case_number']}", b["court"])
    elif name == "proceedings_terminated":
        yield _owned(e, owners, f"bankruptcy:{e.case_number}")
    elif name == "memo_issued":
        for item in b["items"]:
            owners.setdefault(f"memo:{item['item_id']}", item["owner_unit"])
    elif name == "memo_item_accepted":
        yield _owned(e, owners, f"memo:{b['item_id']}")
    elif name == "memo_item_overdue":
        yield _owned(e, owners, f"memo:{b['item_id']}", b["owner_unit"])
    elif name == "ledger_entry_added":
        yield _owned(e, owners, f"entry:{b['entry_id']}", b["lead"])
    elif name == "ledger_entry_closed":
        yield _owned(e, owners, f"entry:{b['entry_id']}")
    elif name in ("head_appeared", "head_absent"):
        yield _fact(e, f"{b['case_number']}@{b['hearing_on']}", b["defendant"])
    elif name == "admin_case_concluded":
        yield _fact(e, b["case_number"], b["defendant"], outcome=str(b["outcome"]))
