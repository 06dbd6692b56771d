"""Headless Chromium (Debian's, driven by Playwright) against a live server, with axe-core.

Use the `browser_page` fixture and these helpers:

    def test_something(browser_page, live_server, alice):
        page = browser_page
        log_in(page, live_server.url, alice)
        page.goto(live_server.url + "/families/")
        assert_accessible(page)

`assert_accessible` runs axe-core for WCAG 2.0, 2.1 and 2.2 A and AA rules and fails
on any violation; the fixture also fails a test whose pages broke the
Content-Security-Policy or logged a JavaScript error.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KINFOLK_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ASSETS = ROOT / "static" / "dist" / "kinfolk.css"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _missing_part() -> str | None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core not installed (npm ci)"
    if not ASSETS.exists():
        return "front-end assets not built (npm run build)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Python playwright not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Any]:
    from tests.conftest import skip_or_fail

    missing = _missing_part()
    if missing:
        skip_or_fail(missing)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make between page actions are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


class _RequestsInFlight:
    """Counts the live server's requests, so a test ends only once the server is idle.

    A page that polls, or saves as its user leaves, can still have a request
    running in a live-server thread when the browser closes; if the test's
    database flush starts then, SQLite answers "database table is locked" and the
    next test inherits the rows. Waiting here makes that ordering certain.
    """

    def __init__(self) -> None:
        self.count = 0
        self.changed = threading.Condition()

    def started(self, **_: Any) -> None:
        with self.changed:
            self.count += 1
            self.changed.notify_all()

    def finished(self, **_: Any) -> None:
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_until_idle(self, *, settle: float = 0.2, timeout: float = 15.0) -> None:
        # Idle for `settle` seconds in a row: a request the browser sent just
        # before closing may not have reached Django yet.
        deadline = time.monotonic() + timeout
        with self.changed:
            while time.monotonic() < deadline:
                if self.count > 0:
                    self.changed.wait(timeout=0.05)
                elif not self.changed.wait(timeout=settle) and self.count <= 0:
                    return


@pytest.fixture
def browser_page(_chromium: Any, transactional_db: None) -> Iterator[Any]:
    from django.core.signals import request_finished, request_started

    in_flight = _RequestsInFlight()
    # Connected after Django's own receivers, so `finished` runs once the
    # request has given its database connection back.
    request_started.connect(in_flight.started, weak=False, dispatch_uid="kinfolk-browser-in-flight")
    request_finished.connect(in_flight.finished, weak=False, dispatch_uid="kinfolk-browser-in-flight")
    context = _chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []

    def on_console(msg: Any) -> None:
        # A page answering 404 on purpose logs "Failed to load resource"; broken
        # sub-resources are caught by on_response below instead.
        if "Failed to load resource" in msg.text:
            return
        if msg.type == "error" or "Content Security Policy" in msg.text:
            problems.append(f"console {msg.type}: {msg.text}")

    def on_response(response: Any) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            problems.append(f"{response.status} for {response.request.resource_type} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    yield page
    context.close()
    in_flight.wait_until_idle()
    request_started.disconnect(dispatch_uid="kinfolk-browser-in-flight")
    request_finished.disconnect(dispatch_uid="kinfolk-browser-in-flight")
    assert problems == [], "The browser reported errors:\n" + "\n".join(problems)


def log_in(page: Any, base_url: str, user: Any, *, password: str = factories.PASSWORD) -> None:
    """Sign in through the real pages: email and password, then the authenticator code."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    if "/accounts/2fa/authenticate/" in page.url:
        page.locator("input[name=code]").fill(factories.current_totp_code(for_user=user))
        page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page, once it has loaded.

    A test may call this just after clicking a link: the next page can replace the
    document while axe runs (CI: "Cannot read properties of null (reading
    'documentElement')"). Then the run starts again on the page that loaded.
    """
    from playwright.sync_api import Error as PlaywrightError

    for attempt in (1, 2):
        page.wait_for_load_state()
        try:
            # evaluate() runs over the DevTools protocol, so the page's CSP does not block axe.
            page.evaluate(AXE.read_text())
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
            )
        except PlaywrightError as exc:
            navigated = "documentElement" in str(exc) or "context was destroyed" in str(exc) or "axe is not" in str(exc)
            if attempt == 2 or not navigated:
                raise
            page.wait_for_timeout(200)
            continue
        return list(result["violations"])
    raise AssertionError("unreachable")


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    summary = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
    ]
    assert violations == [], f"axe-core WCAG 2.2 A/AA violations on {page.url}:\n" + json.dumps(summary, indent=2)


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot of the page.

    The user guide's pictures (docs/user-guide/images/<name>.png) are rewritten only
    when KINFOLK_UPDATE_SCREENSHOTS=1 (`make screenshots`), so an ordinary test run
    leaves the working tree as it was; otherwise they go to test-artifacts/.
    """
    if os.environ.get("KINFOLK_UPDATE_SCREENSHOTS") == "1":
        path = ROOT / "docs" / "user-guide" / "images" / f"{name}.png"
    else:
        path = ROOT / "test-artifacts" / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
