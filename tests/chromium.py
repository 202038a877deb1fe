"""Debian's Chromium for the browser tests, launched headless through Playwright, and nothing downloaded.

The browser is the system's (``/usr/bin/chromium``, or ``$KG_CHROMIUM``), started with a fresh temporary
profile and the flags that keep it off the network; Playwright's own browser downloads are never used.
Without Chromium or the playwright module the tests that need it skip, saying which is missing; in CI
(``CI`` set) they fail instead, so a CI image that lost the browser cannot pass quietly.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from conftest import IN_CI

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage

CHROMIUM = shutil.which(os.environ.get("KG_CHROMIUM", "/usr/bin/chromium"))  # None when missing
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 30_000  # any single wait in the browser, on a busy machine


def missing() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright module is not installed (pip install '.[test]')"
    if CHROMIUM is None:
        wanted = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
        return f"no Chromium at {wanted} (apt-get install chromium, or set KG_CHROMIUM)"
    return None


def launch() -> Iterator[Browser]:
    """Headless Chromium for a fixture to yield; a skip (a failure in CI) when it is not there."""
    reason = missing()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def console_error(message: ConsoleMessage) -> list[str]:
    """A console error (a CSP violation, a failed load) with where it came from; the missing favicon is no error."""
    where = message.location.get("url", "")
    if message.type != "error" or where.endswith("/favicon.ico"):
        return []
    return [f"{message.text} ({where})"]
