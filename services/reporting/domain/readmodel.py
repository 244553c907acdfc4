"""台账 — the reporting read models as a pure fold over the observed events.

Each event touches a few rows, named by kind and key (`touches`); `apply` takes those rows as they
stand and returns them changed. The rows are plain JSON objects (dates as ISO text), so the same
fold fills the tables in PostgreSQL and a dict in memory ("as of" a past moment: the same fold over
the events that occurred up to it). Events of different streams may be observed in any order, so
every change is a merge: a later event never erases what an earlier-positioned one wrote, and a
row begun by an answer is completed by its question.

Kinds: `item` (one per ledger entry, memo item, linkage item, bankruptcy task, risk case, organ
judgment case), `overdue` (one per overdue event or notice), `response` (one per property query,
sanction and lift: when asked, whom, when each bureau answered), `meeting`, `bankruptcy_case`,
`report` (per unit and period), `indicator` (latest snapshot per indicator, scope and period),
`assessment` (per unit and period). What depends on "now" (due soon, overdue) is not stored: the
`status` function decides it when read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

Row = dict[str, Any]
Key = tuple[str, str]


@dataclass(frozen=True)
class Observed:
    """One observed event: its place in `observed`, envelope facts and payload."""

    position: int
    event_id: str
    type: str
    occurred_at: datetime
    organization: str = ""
    case_number: str = ""
    correlation_id: str = ""
    body: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The event's name without context, kind and version: `memo_item_overdue`."""
        parts = self.type.split(".")
        return parts[2] if len(parts) == 4 else self.type

    @property
    def context(self) -> str:
        return self.type.split(".")[0]

    @property
    def day(self) -> str:
        return self.occurred_at.date().isoformat()


# ---- status, derived when read ------------------------------------------------------------------

OPEN, DUE_SOON, OVERDUE, CHECKED_OFF = "open", "due_soon", "overdue", "checked_off"


def status(row: Mapping[str, Any], today: date, soon_days: int) -> str:
    """未到期 / 临期 (due within `soon_days`) / 逾期 / 已销号 of an item on `today`."""
    if row.get("checked_off_on"):
        return CHECKED_OFF
    due = row.get("due")
    if row.get("overdue_since") or (due and date.fromisoformat(due) < today):
        return OVERDUE
    if due and date.fromisoformat(due) <= today + timedelta(days=soon_days):
        return DUE_SOON
    return OPEN


def is_stock(row: Mapping[str, Any], period_start: date) -> bool:
    """存量: on the ledger before the period began (a key-item entry says so itself)."""
    if row.get("stock"):
        return bool(row["stock"] == "existing")
    opened = row.get("opened_on")
    return bool(opened and date.fromisoformat(opened) < period_start)


# ---- what an event touches ----------------------------------------------------------------------

_ITEM_IDS = {
    "ledger_entry": "entry_id",
    "memo_item": "item_id",
    "linkage_item": "item_id",
    "coordination_task": "task_id",
    "risk_case": "case_id",
}
_OVERDUE_UNIT = ("lead", "owner_unit", "responsible_government", "respondent", "bureau", "unit")
_OVERDUE_ITEM = (
    "entry_id",
    "item_id",
    "task_id",
    "case_id",
    "reconsideration_id",
    "objection_id",
    "request_id",
    "sanction_id",
    "control_id",
    "referral_id",
    "period",
    "case_number",
)
_OVERDUE_DUE = (
    "deadline",
    "due_on",
    "due_by",
    "decide_by",
    "answer_by",
    "release_by",
    "decision_due",
    "confirm_by",
)


def is_overdue_fact(e: Observed) -> bool:
    """Every `*_overdue` event or notice of every context, and a lapsed confirmation."""
    return e.name.endswith("_overdue") or e.type == "risk.event.confirmation_lapsed.v1"


def _item_key(e: Observed) -> str | None:
    for prefix, id_field in _ITEM_IDS.items():
        if e.name.startswith(prefix) and id_field in e.body:
            return f"{prefix}:{e.body[id_field]}"
    if e.name.startswith("gov_judgment_"):
        return f"gov_judgment:{e.body.get('case_number') or e.case_number}"
    return None


def touches(e: Observed) -> list[Key]:
    """The rows `apply` reads and writes for this event."""
    keys: list[Key] = []
    if e.name == "memo_issued":
        keys += [("item", f"memo_item:{i['item_id']}") for i in e.body.get("items", ())]
    if e.name == "coordination_task_assigned":
        keys.append(("item", f"coordination_task:{e.body['task']['task_id']}"))
    elif (key := _item_key(e)) is not None:
        keys.append(("item", key))
    if is_overdue_fact(e):
        keys.append(("overdue", e.event_id))
    if (response := _response_key(e)) is not None:
        keys.append(("response", response))
    if (meeting := e.body.get("meeting_id")) and e.context == "risk":
        keys.append(("meeting", str(meeting)))
    if e.context == "bankruptcy" and (number := _bankruptcy_case(e)):
        keys.append(("bankruptcy_case", number))
    if e.context == "reporting":
        keys += _report_keys(e)
    return keys


def _bankruptcy_case(e: Observed) -> str:
    return str(e.body.get("case_number") if e.name == "petition_accepted" else e.case_number or "")


def _response_key(e: Observed) -> str | None:
    body = e.body
    if e.name in ("property_query_started", "property_answer_recorded"):
        return f"query:{body['query_id']}"
    if e.type in ("enforcement.event.sanction_imposed.v1", "enforcement.notice.sanction.v1"):
        return f"sanction:{body['sanction_id']}"
    if e.name == "sanction_acknowledged":
        # a bureau confirms a lift notice with `lifted`, a sanction notice otherwise
        lift = body.get("outcome") == "lifted"
        return f"{'lift' if lift else 'sanction'}:{body['sanction_id']}"
    if e.name in ("sanction_lifted", "lift_completed", "sanction_lift"):
        return f"lift:{body['sanction_id']}"
    return None


def _report_keys(e: Observed) -> list[Key]:
    if e.name == "reporting_notice_issued":
        period = period_text(e.body["period"])
        return [("report", f"{unit}|{period}") for unit in e.body["units"]]
    return [key] if (key := _report_key(e)) is not None else []


def _report_key(e: Observed) -> Key | None:
    body = e.body
    if e.name in ("report_submitted", "report_returned", "report_reminded", "report_overdue"):
        return ("report", f"{body['unit']}|{period_text(body['period'])}")
    if e.name == "indicator_computed":
        period = period_text(body["period"])
        return ("indicator", f"{body['indicator']}|{body['scope']}|{period}")
    if e.name == "unit_assessed":
        return ("assessment", f"{body['unit']}|{period_text(body['period'])}")
    return None


def period_text(period: Mapping[str, Any]) -> str:
    return f"{int(period['year']):04d}-{int(period['month']):02d}"


# ---- applying ------------------------------------------------------------------------------------


def apply(rows: Mapping[Key, Row | None], e: Observed) -> dict[Key, Row]:
    """The touched rows after the event; `rows` holds each touched row as it stands (or None)."""
    out: dict[Key, Row] = {}
    for key in touches(e):
        current = out.get(key) or rows.get(key)
        row = json.loads(json.dumps(current)) if current else {}
        FOLDS[key[0]](row, e, key)
        if e.event_id not in row.setdefault("sources", []):
            row["sources"].append(e.event_id)
        out[key] = row
    return out


def _first(row: Row, **values: Any) -> None:
    """Set each value unless the row has one already (events may come in any order)."""
    for name, value in values.items():
        if value not in (None, "") and row.get(name) in (None, ""):
            row[name] = value


def _fold_item(row: Row, e: Observed, key: Key) -> None:
    kind, _, ident = key[1].partition(":")
    _first(row, kind=kind, id=ident, case_number=e.case_number or None)
    b, name = e.body, e.name
    if name == "memo_issued":
        spec = next(i for i in b["items"] if str(i["item_id"]) == ident)
        row.update(unit=spec["owner_unit"], title=spec["task"], due=spec["due_on"])
        row.update(opened_on=b["issued_on"], key_item=b["memo_number"])
        row.update(person=spec["owner_person"], meeting_id=str(b["meeting_id"]))
    elif name == "ledger_entry_added":
        row.update(unit=b["lead"], key_item=b["item"], title=b["target"], due=b["deadline"])
        row.update(opened_on=b["added_on"], stock=b["stock"])
    elif name == "linkage_item_submitted":
        row.update(unit=b["submitted_by"], title=b["title"], opened_on=b["submitted_on"])
    elif name == "coordination_task_assigned":
        task = b["task"]
        row.update(unit=task["lead"], key_item=task["topic"], title=task["request"])
        row.update(due=task["due_on"], opened_on=b["assigned_on"])
    elif name == "risk_case_registered":
        row.update(unit=b["lead"], key_item=b["category"], title=b["title"], due=b["deadline"])
        row.update(opened_on=b["listed_on"], state=row.get("state") or "listed")
    elif name == "gov_judgment_case_assigned":
        row.update(unit=b["responsible_government"], title=b["debtor_organ"], due=b["deadline"])
        row.update(opened_on=b["assigned_on"], key_item="gov_judgment")
    else:
        _fold_item_change(row, e)


_CHECK_OFF = {
    "ledger_entry_closed": "closed_on",
    "memo_item_accepted": "accepted_on",
    "linkage_item_closed": "closed_on",
    "linkage_item_rejected": "decided_on",
    "coordination_task_completed": "completed_on",
    "coordination_task_waived": "waived_on",
    "gov_judgment_performed": "performed_on",
    "gov_judgment_enforcement_ended": "concluded_on",
}


def _fold_item_change(row: Row, e: Observed) -> None:
    b, name = e.body, e.name
    if name in _CHECK_OFF:
        _first(row, checked_off_on=b[_CHECK_OFF[name]])
    elif name == "risk_status_changed":
        row["state"] = b["status"]
        if b["status"] == "closed":
            _first(row, checked_off_on=b["changed_on"])
    elif is_overdue_fact(e):
        _first(row, overdue_since=b.get("found_on") or e.day)
    if name.startswith(("linkage_item_", "coordination_task_", "memo_item_", "ledger_entry_")):
        row["state"] = name.split("_")[-1]


def _fold_overdue(row: Row, e: Observed, key: Key) -> None:
    b = e.body
    unit = next((str(b[f]) for f in _OVERDUE_UNIT if b.get(f)), e.organization)
    item = next((b[f] for f in _OVERDUE_ITEM if b.get(f)), "")
    due = next((str(b[f])[:10] for f in _OVERDUE_DUE if b.get(f)), None)
    if e.name == "overdue_sanctions":
        units = sorted({str(o["bureau"]) for o in b["overdue"]})
        unit, due = ",".join(units), min(str(o["due"])[:10] for o in b["overdue"])
    if isinstance(item, Mapping):
        item = period_text(item)
    row.update(type=e.type, context=e.context, unit=unit, item=str(item), due=due)
    row.update(since=e.occurred_at.isoformat(), case_number=e.case_number)


def _fold_response(row: Row, e: Observed, key: Key) -> None:
    b, name, at = e.body, e.name, e.occurred_at.isoformat()
    row.setdefault("answers", {})
    row.setdefault("asked", [])
    _first(row, kind=key[1].split(":")[0], id=key[1].split(":")[1])
    if name in ("property_query_started", "sanction_imposed", "sanction_lifted"):
        _first(row, started_at=at, case_number=e.case_number or b.get("case_number"))
        _first(row, court=e.organization, due=b.get("respond_by") or b.get("due_by"))
        for asked in b.get("asked", ()):
            _ask(row, asked["bureau"])
    elif name in ("sanction", "sanction_lift"):
        _ask(row, b["bureau"])
        _first(row, due=b.get("acknowledge_by") or b.get("confirm_by"))
    elif name == "lift_completed":
        _first(row, completed_at=b["completed_at"])
    else:
        bureau = b.get("bureau") or e.organization
        _ask(row, bureau)
        if bureau not in row["answers"]:
            row["answers"][bureau] = at


def _ask(row: Row, bureau: str) -> None:
    if bureau not in row["asked"]:
        row["asked"] = sorted([*row["asked"], bureau])


def _fold_meeting(row: Row, e: Observed, key: Key) -> None:
    b, name = e.body, e.name
    _first(row, id=key[1], case_number=e.case_number or b.get("case_number"))
    if name == "coordination_meeting_requested":
        row.update(matter=b["matter"], reference=b["reference"], agenda=b["agenda"])
        row.update(units=list(b["units"]), requested_on=b["requested_on"])
    elif name == "meeting_convened":
        row.update(meets_on=b["meets_on"], attendees=list(b["attendees"]))
    elif name == "meeting_held":
        row.update(held_on=b["held_on"], resolution=b["resolution"])
    elif name == "memo_issued":
        row.update(memo_number=b["memo_number"], memo_issued_on=b["issued_on"])
        row["memo_items"] = len(b["items"])


_BANKRUPTCY_DATES = {
    "bankruptcy_petition_filed": "filed_on",
    "bankruptcy_referred_from_enforcement": "referred_on",
    "petition_accepted": "accepted_on",
    "debtor_declared_bankrupt": "declared_on",
    "proceedings_terminated": "terminated_on",
    "coordination_case_closed": "closed_on",
    "reorganization_ordered": "ordered_on",
    "settlement_ordered": "ordered_on",
}


def _fold_bankruptcy(row: Row, e: Observed, key: Key) -> None:
    b, name = e.body, e.name
    _first(row, case_number=key[1], court=b.get("court"))
    if "debtor" in b and isinstance(b["debtor"], Mapping):
        _first(row, debtor=b["debtor"].get("name"))
    if name in _BANKRUPTCY_DATES:
        row[name] = b[_BANKRUPTCY_DATES[name]]
        row["state"] = name
    if name == "coordination_task_assigned":
        row["tasks"] = int(row.get("tasks", 0)) + 1
    if name in ("coordination_task_completed", "coordination_task_waived"):
        row["tasks_done"] = int(row.get("tasks_done", 0)) + 1


def _fold_report(row: Row, e: Observed, key: Key) -> None:
    b, name = e.body, e.name
    unit, _, period = key[1].partition("|")
    row.update(unit=unit, period=period)
    if "due_on" in b:
        row["due"] = b["due_on"]
    if name == "report_submitted":
        row.update(submitted_at=b["submitted_at"], on_time=b["on_time"], returned=False)
        row["report_id"] = str(b["report_id"])
    elif name == "report_returned":
        row.update(returned=True, returned_at=b["returned_at"], reason=b["reason"])
    elif name == "report_overdue":
        row["overdue"] = True
    elif name == "report_reminded":
        row["reminders"] = sorted({*row.get("reminders", ()), int(b["days_before"])})


def _fold_snapshot(row: Row, e: Observed, key: Key) -> None:
    """The latest snapshot (by position) wins; its event id names it."""
    data = dict(e.body)
    data["period"] = period_text(data["period"])
    data["event_id"], data["position"] = e.event_id, e.position
    if row.get("position", -1) < e.position:
        sources = row.get("sources", [])
        row.clear()
        row.update(data, sources=sources)


FOLDS: dict[str, Callable[[Row, Observed, Key], None]] = {
    "item": _fold_item,
    "overdue": _fold_overdue,
    "response": _fold_response,
    "meeting": _fold_meeting,
    "bankruptcy_case": _fold_bankruptcy,
    "report": _fold_report,
    "indicator": _fold_snapshot,
    "assessment": _fold_snapshot,
}


def fold(events: Iterable[Observed], as_of: datetime | None = None) -> dict[Key, Row]:
    """Every row after the events (in position order), up to `as_of` when given."""
    rows: dict[Key, Row] = {}
    for e in sorted(events, key=lambda e: e.position):
        if as_of is None or e.occurred_at <= as_of:
            rows.update(apply(rows, e))
    return rows


def columns(key: Key, row: Mapping[str, Any]) -> tuple[str, str, str]:
    """The unit, key item and case number a row is found by."""
    return (
        str(row.get("unit") or ""),
        str(row.get("key_item") or ""),
        str(row.get("case_number") or ""),
    )


def digest(rows: Mapping[Key, Row]) -> str:
    """SHA-256 over the canonical rows (sorted by kind and key; JSON with sorted keys)."""
    ordered = [[k[0], k[1], rows[k]] for k in sorted(rows)]
    text = json.dumps(ordered, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
