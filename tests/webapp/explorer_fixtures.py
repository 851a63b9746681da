"""Headless Debian ``chromium`` driven by Playwright, for the explorer tests.

The pip ``playwright`` package brings its driver; the browser is the system's
chromium (``executable_path``), so nothing is downloaded (never run
``playwright install``). A :class:`Tab` records console errors, uncaught
exceptions and every URL the page requested, so tests can assert that the
explorer runs cleanly and fetches nothing from outside the app.

Fixtures: ``browser`` (one chromium per test session), ``tab`` (a fresh page
in its own context, downloads allowed).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from typing import Iterator, Optional

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    "--mute-audio",
)
VIEWPORT = {"width": 1280, "height": 800}


@dataclass
class Tab:
    """A Playwright page plus what it logged and loaded."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"uncaught: {exc}"))
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "assert"):
            self.console_errors.append(f"console.{message.type}: {message.text}")


def chromium_binary() -> Optional[str]:
    """Debian's ``chromium`` (or another chromium/chrome) on PATH."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless chromium per test module (``make browser`` installs it).

    Not per session: Playwright's sync API keeps an asyncio loop running on the main
    thread while it is open, and gremlinpython's driver (which runs its own loop there)
    then fails in every later module ("Cannot run the event loop while another loop is running").
    """
    binary = chromium_binary()
    if binary is None:
        pytest.fail("chromium is not installed: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=binary, args=list(CHROMIUM_ARGS), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def new_tab(browser: Browser) -> Tab:
    """A page in a fresh context (no shared cache or storage), downloads allowed."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    return Tab(context.new_page())


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    """A fresh page, closed with its context after the test."""
    opened = new_tab(browser)
    try:
        yield opened
    finally:
        opened.page.context.close()
