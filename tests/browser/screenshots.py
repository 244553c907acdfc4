"""Screenshots of the workbench for docs/WORKBENCH.md (`make screenshots`): an embedded NATS and
PostgreSQL, the services and the workbench as the browser tests start them, a memo item taken a
few steps by the officers, each screen photographed at 1280 px wide."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

from playwright.async_api import Browser, async_playwright

from services.runtime.devstack import EmbeddedNats, EmbeddedPostgres
from tests.browser import chromium
from tests.browser.desk import Desk, sign_in
from tests.browser.stack import OFFICER, OWNER, OWNER_OFFICER, REQUESTER, UNIT, running

OUT = Path(__file__).resolve().parents[2] / "docs" / "images" / "workbench"


async def snap(desk: Desk, name: str) -> None:
    await desk.page.screenshot(path=OUT / f"{name}.png")


async def take(url: str, browser: Browser) -> None:
    meeting, due = str(uuid.uuid4()), (date.today() + timedelta(days=20)).isoformat()
    login = await browser.new_page(base_url=url, viewport={"width": 1280, "height": 720})
    await login.goto("/login")
    await login.screenshot(path=OUT / "login.png")
    unit = await sign_in(browser, url, REQUESTER)
    await unit.open("meetings")
    await unit.fill(
        "request_coordination_meeting",
        {
            "meeting_id": meeting,
            "matter": "major_risk",
            "agenda": "问题楼盘逾期交付",
            "units": f"{UNIT}, {OWNER}",
        },
    )
    await snap(unit, "request-form")
    await unit.page.locator("#submit-request_coordination_meeting").click()
    await unit.accepted(await unit.page.locator("#flash").get_attribute("data-command") or "")
    await snap(unit, "request-sent")
    office = await sign_in(browser, url, OFFICER)
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
    await office.fill("hold_meeting", {"meeting_id": "第三次会商", "resolution": "已议定"})
    await office.page.locator("#submit-hold_meeting").click()
    await office.page.locator("#errors-hold_meeting").scroll_into_view_if_needed()
    await snap(office, "field-error")
    owner = await sign_in(browser, url, OWNER_OFFICER)
    await owner.open("meetings")
    await owner.shown(owner.row("memo-items", "核查购房人信访情况"))
    await snap(owner, "memo-items")
    for screen in ("today", "reports", "indicators"):
        await office.open(screen)
        await snap(office, screen)


async def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if (why := chromium.missing()) is not None:
        raise SystemExit(why)
    with tempfile.TemporaryDirectory() as scratch:
        nats = EmbeddedNats(Path(scratch) / "nats").start()
        pg = EmbeddedPostgres(Path(scratch) / "pg", durable=False).start()
        try:
            async with running(nats.url, pg.url) as stack, async_playwright() as p:
                browser = await chromium.launch(p)
                await take(stack.url, browser)
                await browser.close()
        finally:
            pg.stop()
            nats.stop()


if __name__ == "__main__":
    asyncio.run(main())
