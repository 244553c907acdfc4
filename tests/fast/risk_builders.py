"""Commands of the joint mechanism as its units send them, and the steps that bring a linkage item
or a meeting to a stage, through the risk harness. The harness's today is 20 November 2026."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from contracts.risk import accountability as acc
from contracts.risk import leading_group as lg
from contracts.risk import linkage as lk
from contracts.risk import meetings as mt
from tests.fast.harness import Published
from tests.fast.risk_harness import RiskHarness

OFFICE, GROUP, OTHER_OFFICE = "JO410482", "LG410482", "JO410300"
UNIT, NEEDED, OUTSIDER, BANK = "HC410482", "NR410482", "TX410482", "BKICBC410482"
OWNER, OWNER2 = "PS410482", "TX410482"
ITEM = uuid.UUID("7a1c3e5f-0000-4000-8000-000000000001")
MEETING = uuid.UUID("7a1c3e5f-0000-4000-8000-000000000002")
MEMO_A = uuid.UUID("7a1c3e5f-0000-4000-8000-00000000000a")
MEMO_B = uuid.UUID("7a1c3e5f-0000-4000-8000-00000000000b")
DAY = date(2026, 11, 2)
DUE_A, DUE_B = date(2026, 11, 30), date(2026, 12, 31)


def submit(**change: Any) -> lk.SubmitLinkageItem:
    cmd = lk.SubmitLinkageItem(
        item_id=ITEM,
        title="问题楼盘复工续建",
        content="协调不动产登记与住建部门为复工续建办理手续",
        needs=(NEEDED,),
        submitted_on=DAY,
    )
    return cmd.model_copy(update=change)


def review() -> lk.ReviewLinkageItem:
    return lk.ReviewLinkageItem(item_id=ITEM, reviewed_on=DAY, opinion="建议提请领导小组同意")


def decide(approved: bool = True) -> lk.DecideLinkageItem:
    return lk.DecideLinkageItem(item_id=ITEM, decided_on=DAY, approved=approved, reasons="同意")


def implement(**change: Any) -> lk.RecordImplementation:
    cmd = lk.RecordImplementation(item_id=ITEM, done_on=DAY, action="已办理预告登记")
    return cmd.model_copy(update=change)


def report() -> lk.ReportLinkageItem:
    return lk.ReportLinkageItem(item_id=ITEM, reported_on=DAY, summary="已落实")


def close() -> lk.CloseLinkageItem:
    return lk.CloseLinkageItem(item_id=ITEM, closed_on=DAY)


async def approved(h: RiskHarness) -> None:
    for cmd, by in ((submit(), UNIT), (review(), OFFICE), (decide(), GROUP)):
        assert_effect(await h.send(cmd, by))


def request(**change: Any) -> mt.RequestCoordinationMeeting:
    cmd = mt.RequestCoordinationMeeting(
        meeting_id=MEETING,
        matter=mt.Matter.MAJOR_RISK,
        reference="某问题楼盘",
        agenda="停工楼盘复工续建与交付",
        units=(OWNER, OWNER2),
        requested_on=DAY,
    )
    return cmd.model_copy(update=change)


def convene() -> mt.ConveneMeeting:
    return mt.ConveneMeeting(
        meeting_id=MEETING, convened_on=DAY, meets_on=DAY, attendees=(UNIT, OWNER, OWNER2)
    )


def hold() -> mt.HoldMeeting:
    return mt.HoldMeeting(meeting_id=MEETING, held_on=DAY, resolution="一楼一策，分头落实")


def memo_item(item_id: uuid.UUID = MEMO_A, owner: str = OWNER, due: date = DUE_A) -> Any:
    return mt.MemoItemSpec(
        item_id=item_id,
        task="排查信访风险",
        owner_unit=owner,
        owner_person="张三 副局长",
        due_on=due,
    )


def memo(*items: Any, issued_on: date = DAY) -> mt.IssueMemo:
    return mt.IssueMemo(
        meeting_id=MEETING,
        memo_number="联席办备忘〔2026〕3号",
        issued_on=issued_on,
        items=items or (memo_item(), memo_item(MEMO_B, OWNER2, DUE_B)),
    )


def progress(item_id: uuid.UUID = MEMO_A) -> mt.ReportProgress:
    return mt.ReportProgress(
        meeting_id=MEETING, item_id=item_id, reported_on=DAY, progress="已排查一半"
    )


def claim(item_id: uuid.UUID = MEMO_A) -> mt.ClaimCompletion:
    return mt.ClaimCompletion(
        meeting_id=MEETING, item_id=item_id, claimed_on=DAY, evidence="排查台账"
    )


def accept(item_id: uuid.UUID = MEMO_A, accepted: bool = True, remarks: str = "") -> Any:
    return mt.AcceptCompletion(
        meeting_id=MEETING, item_id=item_id, decided_on=DAY, accepted=accepted, remarks=remarks
    )


def accountability(item_id: uuid.UUID = MEMO_A, unit: str = OWNER, **change: Any) -> Any:
    cmd = acc.RaiseAccountability(
        record_id=uuid.uuid4(),
        basis=acc.Basis(kind=acc.BasisKind.OVERDUE_MEMO_ITEM, meeting_id=MEETING, item_id=item_id),
        unit=unit,
        ground=acc.Ground.STALLING,
        measures="约谈主要负责人，通报批评",
        decided_on=DAY,
    )
    return cmd.model_copy(update=change)


def commendation(item_id: uuid.UUID = MEMO_A, unit: str = OWNER, **change: Any) -> Any:
    cmd = acc.GrantCommendation(
        record_id=uuid.uuid4(),
        basis=acc.Basis(kind=acc.BasisKind.ACCEPTED_MEMO_ITEM, meeting_id=MEETING, item_id=item_id),
        unit=unit,
        reasons="提前办结",
        granted_on=DAY,
    )
    return cmd.model_copy(update=change)


def leading_group_meeting(held_on: date = DAY) -> lg.RecordLeadingGroupMeeting:
    return lg.RecordLeadingGroupMeeting(held_on=held_on, summary="听取工作汇报，部署下半年任务")


async def memo_issued(h: RiskHarness, *items: Any) -> None:
    steps = ((request(), UNIT), (convene(), OFFICE), (hold(), OFFICE), (memo(*items), OFFICE))
    for cmd, by in steps:
        assert_effect(await h.send(cmd, by))


def assert_effect(out: list[Published]) -> None:
    assert out and all(p.type.split(".")[1] != "rejection" for p in out), [
        (p.type, p.problems) for p in out
    ]
