"""Real-browser fixtures: Debian's Chromium, driven by Playwright, against pytest-django's
`live_server` (never `playwright install`: the browser is the system's, CHROMIUM_PATH or
/usr/bin/chromium).

Every test gets a fresh browser context whose requests may go to the live server only: any
other request is aborted and recorded, and the test fails if there was one. Console errors and
uncaught page errors fail the test too (that is how a CSP violation or a broken htmx swap shows
up). The one allowed error is Chromium's "Failed to load resource: … status of 404" for a page
opened on purpose through `Journey.expect_not_found`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from factories import PASSWORD, build_persona_org, make_org_snapshots

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Generous for a loaded 2-core CI machine; a passing journey never waits for it.
TIMEOUT_MS = 15_000
METRICS = ("aht", "fcr", "csat", "wait")
NOT_FOUND_CONSOLE = re.compile(r"^Failed to load resource: .*status of 404")


def _why_no_browser() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (
            f"no Chromium binary at {CHROMIUM}: `apt-get install chromium` "
            "(or set CHROMIUM_PATH); browser tests need the system's Chromium"
        )
    return ""


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """One headless Chromium per test module.

    Playwright's sync API keeps an event loop running in the test thread, and Django refuses
    ORM calls from such a thread unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set only while
    this module's browser runs, so the rest of the suite keeps Django's check.
    """
    reason = _why_no_browser()
    if reason:
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def org(transactional_db):
    """The persona org (tests/factories.py) with passwords, and four metrics a week for ten
    weeks at every level, so the pages show numbers, statuses and a trend."""
    org = build_persona_org(snapshots=False)
    make_org_snapshots(org, METRICS)
    for user in org.users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return org


@dataclass
class Journey:
    """A user's browser tab on the live server, with what it must not do recorded."""

    page: object
    base_url: str
    blocked: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    expected_404: set[str] = field(default_factory=set)

    def url(self, path: str) -> str:
        return self.base_url + path

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        """Sign in afresh. The page left behind goes first (about:blank), then the cookies: a
        request it still sends (an htmx badge on load) would come back without a session
        and set a new CSRF cookie after the login form was served, and the form's token
        would then no longer match ("CSRF token from POST incorrect")."""
        page = self.page
        page.goto("about:blank")
        page.context.clear_cookies()
        page.goto(self.url("/login/"))
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    def expect_not_found(self, path: str) -> None:
        """Open a page the user may not see: a 404 status and the plain "Not found" page."""
        from playwright.sync_api import expect

        url = self.url(path)
        self.expected_404.add(url)
        response = self.page.goto(url)
        assert response is not None, path
        assert response.status == 404, (path, response.status)
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Not found")

    def unexpected_errors(self) -> list[str]:
        return [
            f"{text} ({url})"
            for text, url in self.errors
            if not (url in self.expected_404 and NOT_FOUND_CONSOLE.match(text))
        ]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def journey(chromium, live_server, org) -> Iterator[Journey]:
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    trip = Journey(page=page, base_url=live_server.url)

    def only_the_live_server(route) -> None:
        url = route.request.url
        if url == live_server.url or url.startswith(live_server.url + "/"):
            route.continue_()
        else:
            trip.blocked.append(url)
            route.abort()

    context.route("**/*", only_the_live_server)

    def on_console(msg) -> None:
        if msg.type == "error":
            trip.errors.append((msg.text, msg.location["url"]))

    page.on("console", on_console)
    page.on("pageerror", lambda exc: trip.errors.append((str(exc), page.url)))
    try:
        yield trip
    finally:
        context.close()
    assert trip.blocked == [], f"requests outside the live server: {trip.blocked}"
    assert trip.unexpected_errors() == [], "errors in the browser console"
