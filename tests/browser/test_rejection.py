"""A command the service refuses: the officer reads, in 消息, the reason in Chinese, with the
service's English below it to quote to an integrator."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.async_api import expect

from tests.browser.conftest import Seat
from tests.browser.stack import OFFICE, OFFICER

pytestmark = [pytest.mark.browser, pytest.mark.integration]


async def test_a_refusal_reads_in_chinese_with_the_english_below(seat: Seat) -> None:
    office = await seat(OFFICER)
    await office.open("meetings")
    sent = await office.send(
        "convene_meeting",
        {
            "meeting_id": str(uuid.uuid4()),
            "meets_on": date.today().isoformat(),
            "attendees": OFFICE,
        },
    )
    answer = await office.answer(sent)
    await expect(answer).to_have_attribute("data-kind", "rejection")
    await expect(answer.locator(".said")).to_have_text("「召集会商」被拒收：会商编号：没有该会议")
    original = answer.locator("small.original")
    await expect(original).to_have_text("原文：data.meeting_id: no meeting has this id")
    await expect(original).to_have_attribute("lang", "en")
    await expect(answer).to_have_attribute("title", "原文：data.meeting_id: no meeting has this id")
