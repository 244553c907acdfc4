"""An officer at the workbench in a browser tab: sign in, open a screen, send a form, wait for
the services' answer — the steps the browser tests and the screenshots share. Selectors are the
workbench's stable ids (docs/WORKBENCH_INTEGRATION.md)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from playwright.async_api import Browser, Locator, Page, expect

from tests.browser.stack import Officer

PATIENCE = 30.0
"""Seconds an answer or a row may take: the services' round trip through NATS and PostgreSQL,
then the reporting read models."""
GLANCE = 2_000
"""Milliseconds to look at the page as it is (the live messages update it) before reloading
(the read-model tables do not)."""


@dataclass
class Desk:
    page: Page

    async def open(self, screen: str) -> None:
        await self.page.goto(f"/{screen}")
        await expect(self.page.locator("#content")).to_have_attribute("data-screen", screen)

    def form(self, name: str) -> Locator:
        return self.page.locator(f"#form-{name}")

    async def fill(self, name: str, values: Mapping[str, str]) -> None:
        form = self.form(name)
        for field, value in values.items():
            control = form.locator(f"[name='{field}']")
            if await control.evaluate("e => e.tagName") == "SELECT":
                await control.select_option(value)
            else:
                await control.fill(value)

    async def send(self, name: str, values: Mapping[str, str]) -> str:
        """Fill and submit a form; the command's id, from the page that says it was sent."""
        await self.fill(name, values)
        await self.page.locator(f"#submit-{name}").click()
        flash = self.page.locator("#flash")
        await expect(flash).to_be_visible()
        return await flash.get_attribute("data-command") or ""

    async def answer(self, command: str) -> Locator:
        """The message that answers a command (its effect, or the service's rejection), as
        the page shows it: live, or after a reload if it came before the page listened."""
        return await self.shown(self.page.locator(f"#notices li[data-causation='{command}']"))

    async def accepted(self, command: str) -> None:
        answer = await self.answer(command)
        await expect(answer).to_have_attribute("data-kind", "effect")

    def row(self, table: str, text: str) -> Locator:
        return self.page.locator(f"#{table} tbody tr", has_text=text)

    async def shown(self, locator: Locator, seconds: float = PATIENCE) -> Locator:
        """The first element `locator` finds, reloading the page until it is there."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                await expect(locator.first).to_be_attached(timeout=GLANCE)
                return locator.first
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                await self.page.reload()

    async def cell(self, row: Locator, header: str, table: str) -> str:
        """A row's cell under the named column header."""
        headers = await self.page.locator(f"#{table} thead th").all_inner_texts()
        return await row.locator("td").nth(headers.index(header)).inner_text()


async def sign_in(browser: Browser, url: str, officer: Officer) -> Desk:
    """A fresh browser context (its own cookies) signed in as the officer; close it with
    `desk.page.context.close()` (the `desks` fixture does) before the workbench stops."""
    context = await browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto("/login")
    await page.locator("#officer").fill(officer.officer)
    await page.locator("#password").fill(officer.password)
    await page.locator("#login-submit").click()
    await expect(page.locator("#who")).to_contain_text(officer.name)
    return Desk(page)
