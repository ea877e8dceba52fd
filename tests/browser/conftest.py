"""Real headless Chromium through Playwright (sync API) against pytest-django's live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread, and Django refuses
# ORM calls from a thread with a running loop. The test code is still plain synchronous code
# with its own connection (the live server thread has another), so allowing it is safe.
# It must be set before anything uses the ORM.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 360, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


# Content Security Policy violations Chromium reported during the current test: every
# browser context the tests open is watched (watch_csp), and a test that triggered one fails.
CSP_VIOLATIONS: list[str] = []


def _on_console(message) -> None:
    if "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(f"{message.location.get('url', '?')}: {message.text}")


def watch_csp(browser):
    """Every context this browser opens reports CSP violations into CSP_VIOLATIONS."""
    original = browser.new_context

    def new_context(*args, **kwargs):
        context = original(*args, **kwargs)
        context.on("console", _on_console)
        return context

    browser.new_context = new_context
    return browser


@pytest.fixture(autouse=True)
def _no_csp_violations():
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "the page broke its Content Security Policy:\n" + "\n".join(CSP_VIOLATIONS)


def _unavailable(reason: str):
    """On CI a browser test that cannot run is a failure, never a quiet skip."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{reason} (CI is set, so browser tests must run)", pytrace=False)
    pytest.skip(reason)


# Module scope: Playwright's event loop must not outlive the browser tests, or every later
# test would run with a loop marked as running in its thread.
@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dev dependency
        _unavailable(f"playwright for Python is not installed: {exc}")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:
        manager.stop()
        _unavailable(f"Chromium at {CHROMIUM} did not start: {exc}")
    yield watch_csp(browser)
    browser.close()
    manager.stop()


@pytest.fixture
def phone_page(chromium):
    """A fresh browser profile sized like a small Android phone (360 × 740 CSS px)."""
    context = chromium.new_context(
        viewport=VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshots():
    """The folder for step screenshots. Each test writes its own names, so several browser
    tests in one run keep all their pictures (a clean clone starts with none)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
