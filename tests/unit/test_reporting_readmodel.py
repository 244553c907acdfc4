"""Read models 台账: the pure fold over observed events — ledger items and their status, the
overdue list, bureau responses, reports, snapshots; "as of"; order of different streams; every
golden event applies."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.reporting.domain import readmodel
from services.reporting.domain.obligations import SHANGHAI
from services.reporting.domain.readmodel import Observed, fold, status

GOLDEN = Path(__file__).parents[1] / "contract" / "golden"
R, E, B = "risk.event.", "enforcement.event.", "bankruptcy.event."
ENTRY = "11111111-1111-4111-8111-111111111111"
ITEM = "22222222-2222-4222-8222-222222222222"
QUERY = "33333333-3333-4333-8333-333333333333"


def at(day: int, month: int = 3, hour: int = 10) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=SHANGHAI)


def ev(n: int, type_: str, when: datetime, org: str = "JO410482", **body: Any) -> Observed:
    return Observed(n, f"00000000-0000-4000-8000-{n:012d}", type_, when, org, "", "", body)


def added(n: int = 1, deadline: str = "2027-03-20", stock: str = "new") -> Observed:
    return ev(
        n,
        R + "ledger_entry_added.v1",
        at(1),
        item="wage_arrears",
        entry_id=ENTRY,
        lead="HR410482",
        target="清偿欠薪",
        stock=stock,
        arose_on="2027-02-01",
        deadline=deadline,
        milestones=[],
        added_on="2027-03-01",
    )


def entry_row(rows: dict[readmodel.Key, readmodel.Row]) -> readmodel.Row:
    return rows[("item", f"ledger_entry:{ENTRY}")]


def test_a_ledger_entry_is_one_row_with_its_unit_item_due_and_stock() -> None:
    row = entry_row(fold([added(stock="existing")]))
    assert (row["unit"], row["key_item"], row["due"], row["stock"]) == (
        "HR410482",
        "wage_arrears",
        "2027-03-20",
        "existing",
    )
    assert row["sources"] == ["00000000-0000-4000-8000-000000000001"]
    assert readmodel.is_stock(row, date(2027, 3, 1))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 3, 5), readmodel.OPEN),
        (date(2027, 3, 13), readmodel.DUE_SOON),
        (date(2027, 3, 20), readmodel.DUE_SOON),
        (date(2027, 3, 21), readmodel.OVERDUE),
    ],
)
def test_status_follows_the_day_asked_about(today: date, expected: str) -> None:
    assert status(entry_row(fold([added()])), today, 7) == expected


def test_a_closed_entry_is_checked_off_whatever_the_day() -> None:
    closed = ev(
        2,
        R + "ledger_entry_closed.v1",
        at(25),
        item="wage_arrears",
        entry_id=ENTRY,
        closed_on="2027-03-25",
        late=True,
    )
    row = entry_row(fold([added(), closed]))
    assert row["checked_off_on"] == "2027-03-25"
    assert status(row, date(2027, 4, 30), 7) == readmodel.CHECKED_OFF


def overdue_entry(n: int = 2) -> Observed:
    return ev(
        n,
        R + "ledger_entry_overdue.v1",
        at(21),
        item="wage_arrears",
        entry_id=ENTRY,
        lead="HR410482",
        deadline="2027-03-20",
    )


def test_an_overdue_event_marks_the_item_and_enters_the_overdue_list() -> None:
    rows = fold([added(), overdue_entry()])
    assert entry_row(rows)["overdue_since"] == "2027-03-21"
    listed = rows[("overdue", "00000000-0000-4000-8000-000000000002")]
    assert (listed["unit"], listed["item"], listed["due"], listed["context"]) == (
        "HR410482",
        ENTRY,
        "2027-03-20",
        "risk",
    )


def test_as_of_folds_only_what_occurred_by_then() -> None:
    events = [added(), overdue_entry()]
    assert ("overdue", "00000000-0000-4000-8000-000000000002") not in fold(events, at(20))
    assert "overdue_since" not in entry_row(fold(events, at(20)))
    assert entry_row(fold(events, at(22)))["overdue_since"] == "2027-03-21"


def memo(n: int = 1) -> Observed:
    spec = {
        "item_id": ITEM,
        "task": "协调复工",
        "owner_unit": "HB410482",
        "owner_person": "张三 科长",
        "due_on": "2027-03-31",
    }
    meeting = "44444444-4444-4444-8444-444444444444"
    return ev(
        n,
        R + "memo_issued.v1",
        at(2),
        meeting_id=meeting,
        memo_number="联席办备忘〔2027〕1号",
        issued_on="2027-03-02",
        items=[spec],
    )


def test_a_memo_gives_one_item_per_entry_and_a_meeting_row() -> None:
    rows = fold([memo()])
    item = rows[("item", f"memo_item:{ITEM}")]
    assert (item["unit"], item["title"], item["due"]) == ("HB410482", "协调复工", "2027-03-31")
    assert rows[("meeting", "44444444-4444-4444-8444-444444444444")]["memo_items"] == 1


def query(n: int, bureau_answers: dict[str, datetime]) -> list[Observed]:
    asked = [{"bureau": b, "kinds": ["deposit"]} for b in ("BK000001", "RE000001")]
    started = ev(
        n,
        E + "property_query_started.v1",
        at(1),
        "C410482",
        query_id=QUERY,
        case_number="（2027）豫0482执1号",
        asked=asked,
        respond_by=at(8).isoformat(),
    )
    answers = [
        ev(n + 1 + i, E + "property_answer_recorded.v1", when, b, query_id=QUERY, bureau=b)
        for i, (b, when) in enumerate(bureau_answers.items())
    ]
    return [started, *answers]


def test_a_query_keeps_each_bureau_asked_and_its_first_answer() -> None:
    rows = fold(query(1, {"BK000001": at(3)}))
    row = rows[("response", f"query:{QUERY}")]
    assert row["asked"] == ["BK000001", "RE000001"]
    assert row["answers"] == {"BK000001": at(3).isoformat()}
    assert row["started_at"] == at(1).isoformat()


def test_an_answer_observed_before_its_question_is_completed_by_it() -> None:
    started, answer = query(1, {"BK000001": at(3)})
    early = Observed(
        0, answer.event_id, answer.type, answer.occurred_at, "BK000001", "", "", answer.body
    )
    row = fold([early, started])[("response", f"query:{QUERY}")]
    assert row["started_at"] == at(1).isoformat()
    assert row["answers"] == {"BK000001": at(3).isoformat()}


def test_reports_follow_notice_submission_return_and_overdue() -> None:
    period = {"year": 2027, "month": 3}
    notice = ev(
        1,
        "reporting.event.reporting_notice_issued.v1",
        at(1),
        notice_id=QUERY,
        period=period,
        units=["HR410482", "HB410482"],
        due_on="2027-03-20",
        subject="阶段总结",
    )
    submitted = ev(
        2,
        "reporting.event.report_submitted.v1",
        at(21),
        report_id=ITEM,
        unit="HR410482",
        period=period,
        due_on="2027-03-20",
        submitted_at=at(21).isoformat(),
        on_time=False,
        body={},
    )
    late = ev(
        3,
        "reporting.event.report_overdue.v1",
        at(21),
        unit="HB410482",
        period=period,
        due_on="2027-03-20",
        noted_at=at(21).isoformat(),
    )
    rows = fold([notice, submitted, late])
    hr, hb = rows[("report", "HR410482|2027-03")], rows[("report", "HB410482|2027-03")]
    assert (hr["due"], hr["on_time"], hr.get("overdue")) == ("2027-03-20", False, None)
    assert (hb["due"], hb["overdue"]) == ("2027-03-20", True)
    assert ("overdue", late.event_id) in rows


def test_the_latest_snapshot_of_an_indicator_wins() -> None:
    def snap(n: int, value: float) -> Observed:
        return ev(
            n,
            "reporting.event.indicator_computed.v1",
            at(31),
            indicator="loss_rate",
            catalogue_version="2026-12",
            period={"year": 2027, "month": 3},
            scope="*",
            as_of=at(31).isoformat(),
            values={"": value},
            inputs={"first_position": 1, "last_position": 2, "count": 2, "sha256": "0" * 64},
        )

    rows = fold([snap(5, 10.0), snap(3, 20.0)])
    assert rows[("indicator", "loss_rate|*|2027-03")]["values"] == {"": 10.0}


def golden_events() -> list[Observed]:
    found = []
    for n, path in enumerate(sorted(GOLDEN.glob("*.json")), start=1):
        message = json.loads(path.read_text())
        env = message["envelope"]
        if ".command." in env["type"] or ".rejection." in env["type"]:
            continue
        found.append(
            Observed(
                n,
                f"00000000-0000-4000-9000-{n:012d}",  # the samples share ids; observed's are unique
                env["type"],
                datetime.fromisoformat(env["occurred_at"]),
                env["organization"],
                env.get("case_number") or "",
                env["correlation_id"],
                message["data"],
            )
        )
    return found


def test_every_golden_event_and_notice_applies() -> None:
    events = golden_events()
    assert len(events) > 100
    rows = fold(events)
    kinds = {k for k, _ in rows}
    assert {"item", "overdue", "response", "meeting", "bankruptcy_case"} <= kinds
    assert {"report", "indicator", "assessment"} <= kinds
    overdue_types = {r["type"] for (k, _), r in rows.items() if k == "overdue"}
    assert {e.type for e in events if readmodel.is_overdue_fact(e)} == overdue_types


@settings(max_examples=30, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_digest_depends_on_the_events_not_the_order_they_are_handed_over(rnd: Any) -> None:
    events = golden_events()
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert readmodel.digest(fold(shuffled)) == readmodel.digest(fold(events))


def test_the_digest_changes_with_an_event() -> None:
    assert readmodel.digest(fold([added()])) != readmodel.digest(fold([added(), overdue_entry()]))


def test_uuid_keys_are_text() -> None:
    assert UUID(entry_row(fold([added()]))["id"])


def test_a_bureaus_lift_confirmation_answers_the_lift_not_the_sanction() -> None:
    sid = "55555555-5555-4555-8555-555555555555"
    events = [
        ev(1, E + "sanction_imposed.v1", at(1), "CT410482", sanction_id=sid, case_number="c"),
        ev(
            2,
            "enforcement.notice.sanction.v1",
            at(1),
            "CT410482",
            sanction_id=sid,
            bureau="BK000001",
            acknowledge_by=at(6).isoformat(),
        ),
        ev(
            3, E + "sanction_acknowledged.v1", at(2), "BK000001", sanction_id=sid, outcome="applied"
        ),
        ev(4, E + "sanction_lifted.v1", at(9), "CT410482", sanction_id=sid, due_by="2027-03-12"),
        ev(
            5,
            "enforcement.notice.sanction_lift.v1",
            at(9),
            "CT410482",
            sanction_id=sid,
            bureau="BK000001",
            confirm_by=at(12).isoformat(),
        ),
        ev(
            6, E + "sanction_acknowledged.v1", at(10), "BK000001", sanction_id=sid, outcome="lifted"
        ),
        ev(
            7,
            E + "lift_completed.v1",
            at(10),
            "BK000001",
            sanction_id=sid,
            completed_at=at(10).isoformat(),
        ),
    ]
    rows = fold(events)
    imposed, lifted = rows[("response", f"sanction:{sid}")], rows[("response", f"lift:{sid}")]
    assert imposed["answers"] == {"BK000001": at(2).isoformat()}
    assert imposed["due"] == at(6).isoformat()
    assert lifted["answers"] == {"BK000001": at(10).isoformat()}
    assert (lifted["started_at"], lifted["due"]) == (at(9).isoformat(), "2027-03-12")
    assert lifted["completed_at"] == at(10).isoformat()
