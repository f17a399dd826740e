"""Browser tests of the console: Debian's Chromium driven by Playwright (never a downloaded
browser), one browser and one server per test module, a fresh browser context per test.

Every page a test opens records its JavaScript console errors and uncaught exceptions; a test
fails if any appear (`Browser.assert_clean`, called by the fixture after each test)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.console.server import ConsoleServer
from tests.service.conftest import api

__all__ = ["api"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--autoplay-policy=no-user-gesture-required",
]
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
UNLABELLED = (
    "() => [...document.querySelectorAll('input, select, textarea, button')]"
    ".filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length)"
    " && !e.getAttribute('aria-label') && !e.textContent.trim())"
    ".map(e => e.outerHTML.slice(0, 80))"
)
"""Controls a screen reader could not name (the page's evaluate returns them)."""
TOO_WIDE = (
    "() => [...document.querySelectorAll('body *')].filter(e => "
    "e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))"
    ".map(e => e.tagName + '.' + e.className + ' ' + (e.id || '')).slice(0, 8)"
)
"""Elements that stick out of the viewport (tables scroll in their own box)."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    running = ConsoleServer(tmp_path_factory.mktemp("console"))
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/setup.sh installs it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Browser:
    """One browser context (its own cookies) and the errors its pages reported."""

    context: Any
    base: str
    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def page(self, viewport: dict[str, int] | None = None) -> Any:
        page = self.context.new_page()
        if viewport is not None:
            page.set_viewport_size(viewport)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        return page

    def _console(self, message: Any) -> None:
        if message.type == "error":
            text = f"console.error: {message.text} at {message.location.get('url', '')}"
            if not any(pattern.search(text) for pattern in self.allowed):
                self.errors.append(text)

    def allow(self, pattern: str) -> None:
        """An error the test itself provokes (a 404 page it opens on purpose)."""
        self.allowed.append(re.compile(pattern))

    def sign_in(self, page: Any, key: str, next_path: str = "/ui/calls") -> None:
        page.goto(f"{self.base}/ui/login?next={next_path}")
        page.get_by_label(re.compile("API key|Ключ API")).fill(key)
        page.get_by_role("button", name=re.compile("Sign in|Вход")).click()
        page.wait_for_url(f"**{next_path}*")

    def assert_clean(self) -> None:
        assert not self.errors, "JavaScript errors:\n" + "\n".join(self.errors)


@pytest.fixture
def browser(chromium: Any, server: ConsoleServer) -> Iterator[Browser]:
    context = chromium.new_context(viewport=WIDE, locale="en-US")
    context.set_default_timeout(30_000)
    wrapped = Browser(context, server.url)
    try:
        yield wrapped
        wrapped.assert_clean()
    finally:
        context.close()


def screenshot(page: Any, name: str) -> None:
    """Pages as a person sees them, for the README and for review (not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
