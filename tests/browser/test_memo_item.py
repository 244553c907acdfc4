"""A memo item from request to check-off across roles, each step through the workbench's forms
and each answer waited for on the page: a member unit requests a meeting, the office convenes,
holds it and issues a memo with an item for another unit, that unit reports progress and claims
completion, the office checks it off. And a bad form input answered in Chinese naming the field."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.async_api import expect

from tests.browser.conftest import Seat
from tests.browser.stack import OFFICER, OWNER, OWNER_OFFICER, REQUESTER, UNIT

pytestmark = [pytest.mark.browser, pytest.mark.integration]


async def test_a_memo_item_from_request_to_check_off(seat: Seat) -> None:
    meeting = str(uuid.uuid4())
    due = (date.today() + timedelta(days=20)).isoformat()
    unit = await seat(REQUESTER)
    await unit.open("meetings")
    sent = await unit.send(
        "request_coordination_meeting",
        {
            "meeting_id": meeting,
            "matter": "major_risk",
            "agenda": "问题楼盘逾期交付",
            "units": f"{UNIT}, {OWNER}",
        },
    )
    await unit.accepted(sent)

    office = await seat(OFFICER)
    await office.open("meetings")
    await office.shown(office.row("meetings", meeting))
    for form, values in (
        ("convene_meeting", {"meets_on": date.today().isoformat(), "attendees": f"{UNIT} {OWNER}"}),
        ("hold_meeting", {"resolution": "公安局牵头核查涉稳风险"}),
        (
            "issue_memo",
            {
                "memo_number": "联席办备忘〔2026〕3号",
                "items": f"核查购房人信访情况|{OWNER}|张伟 副局长|{due}",
            },
        ),
    ):
        await office.accepted(await office.send(form, {"meeting_id": meeting, **values}))

    owner = await seat(OWNER_OFFICER)
    await owner.open("meetings")
    row = await owner.shown(owner.row("memo-items", "核查购房人信访情况"))
    item = await owner.cell(row, "编号", "memo-items")
    ids = {"meeting_id": meeting, "item_id": item}
    await owner.accepted(await owner.send("report_progress", {**ids, "progress": "已走访 12 户"}))
    await owner.accepted(
        await owner.send("claim_completion", {**ids, "evidence": "走访记录与化解台账"})
    )

    await office.open("meetings")
    await office.accepted(await office.send("accept_completion", {**ids, "accepted": "true"}))
    row = office.row("memo-items", item)
    await office.shown(row.filter(has_text="已销号"))
    assert await office.cell(row, "状态", "memo-items") == "已销号"
    assert await office.cell(row, "类别", "memo-items") == "备忘录事项"
    meeting_row = office.row("meetings", meeting)
    assert await office.cell(meeting_row, "事由", "meetings") == "重大风险隐患"


async def test_a_bad_form_input_is_answered_in_chinese_naming_the_field(seat: Seat) -> None:
    office = await seat(OFFICER)
    await office.open("meetings")
    await office.fill("hold_meeting", {"meeting_id": "第三次会商", "resolution": "已议定"})
    await office.page.locator("#submit-hold_meeting").click()
    problem = office.page.locator("#errors-hold_meeting li[data-field='meeting_id']")
    await expect(problem).to_have_text("会商编号：编号格式不正确")
    await expect(office.page.locator("#flash")).to_have_count(0)
