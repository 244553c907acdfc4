"""Fixtures of the browser tests: Debian's chromium driven by Playwright. Without chromium the
tests skip, saying why, and the run's summary says it loudly."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from playwright.async_api import Browser, async_playwright

from tests.browser import chromium
from tests.browser.desk import Desk, sign_in
from tests.browser.stack import Officer, Stack, running


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if (why := chromium.missing()) is None:
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=why))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if (why := chromium.missing()) is not None and skipped:
        terminalreporter.write_sep("#", f"BROWSER TESTS SKIPPED: {why}", red=True, bold=True)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await chromium.launch(playwright)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def stack(nats_url: str, database_url: str) -> AsyncIterator[Stack]:
    """Risk, reporting and ledger on fresh servers, the officers enrolled, the workbench served."""
    async with running(nats_url, database_url) as started:
        yield started


Seat = Callable[[Officer], Awaitable[Desk]]


@pytest.fixture
async def seat(browser: Browser, stack: Stack) -> AsyncIterator[Seat]:
    """Signs an officer in, in a browser context of its own; every context is closed before the
    workbench stops (an open page holds its event stream)."""
    desks: list[Desk] = []

    async def signed_in(officer: Officer) -> Desk:
        desks.append(await sign_in(browser, stack.url, officer))
        return desks[-1]

    yield signed_in
    for desk in desks:
        await desk.page.context.close()
