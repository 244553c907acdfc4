"""Debian's chromium under Playwright: Playwright's own browser download needs the internet, the
distribution's package does not (`make browser` installs it where it may)."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import Browser, Playwright

EXECUTABLE = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
"""Debian's chromium, or the one the CHROMIUM variable names."""

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""Nothing reaches out to the network on its own; the sandbox needs privileges a test runner,
often in a container, does not have."""


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if os.access(EXECUTABLE, os.X_OK):
        return None
    return (
        f"Debian's chromium is not installed ({EXECUTABLE} is missing): "
        "`make browser` as root, or apt-get install chromium"
    )


async def launch(playwright: Playwright) -> Browser:
    """A headless chromium with a fresh profile (Playwright gives every launch a new, temporary
    user-data-dir and removes it on close)."""
    return await playwright.chromium.launch(
        executable_path=EXECUTABLE, args=FLAGS, chromium_sandbox=False, headless=True
    )
