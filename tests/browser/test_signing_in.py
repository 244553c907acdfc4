"""Signing in: each role sees its own screens and forms — the joint office convenes and checks
off, a member unit requests and reports, an auditor reads and sends nothing — and a wrong
password is refused in Chinese."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.browser.conftest import Seat
from tests.browser.stack import AUDITOR, OFFICER, REQUESTER, Stack

pytestmark = [pytest.mark.browser, pytest.mark.integration]

OFFICE_FORMS = ("convene_meeting", "hold_meeting", "issue_memo", "accept_completion")
UNIT_FORMS = ("request_coordination_meeting", "report_progress", "claim_completion")


async def test_the_office_convenes_and_checks_off_but_does_not_request(
    seat: Seat,
) -> None:
    desk = await seat(OFFICER)
    await expect(desk.page.locator("#who")).to_contain_text("联席办")
    await expect(desk.page.locator("#nav-assessments")).to_have_text("考核")
    await desk.open("meetings")
    for name in OFFICE_FORMS:
        await expect(desk.form(name)).to_be_visible()
    for name in UNIT_FORMS:
        await expect(desk.form(name)).to_have_count(0)


async def test_a_member_unit_requests_and_reports_but_does_not_convene(
    seat: Seat,
) -> None:
    desk = await seat(REQUESTER)
    await expect(desk.page.locator("#who")).to_contain_text("成员单位")
    await expect(desk.page.locator("#nav-assessments")).to_have_count(0)
    await desk.open("meetings")
    for name in UNIT_FORMS:
        await expect(desk.form(name)).to_be_visible()
    for name in OFFICE_FORMS:
        await expect(desk.form(name)).to_have_count(0)
    await desk.page.goto("/assessments")
    await expect(desk.page.locator("body")).to_contain_text("成员单位岗位不能查看「考核」")


async def test_an_auditor_reads_every_screen_and_has_no_form(
    seat: Seat,
) -> None:
    desk = await seat(AUDITOR)
    await expect(desk.page.locator("#who")).to_contain_text("审计")
    await expect(desk.page.locator("#nav-assessments")).to_be_visible()
    for screen in ("meetings", "ledger", "reports"):
        await desk.open(screen)
        await expect(desk.page.locator("form[id^='form-']")).to_have_count(0)


async def test_a_wrong_password_is_refused_in_chinese(browser: Browser, stack: Stack) -> None:
    context = await browser.new_context(base_url=stack.url)
    page = await context.new_page()
    await page.goto("/today")
    await expect(page).to_have_url(f"{stack.url}/login")
    await page.locator("#officer").fill(OFFICER.officer)
    await page.locator("#password").fill("不是这个口令")
    await page.locator("#login-submit").click()
    await expect(page.locator("#login-error")).to_have_text("工号或密码错误")
    await expect(page.locator("#who")).to_have_count(0)
    await context.close()
