"""Accessibility and small screens, page by page, in Chromium.

Each role signs in and the pages it can reach from its start page are walked (links followed
on this site, one page of each shape: /agents/A1/ stands for every agent page). Every page
is checked with axe-core (WCAG 2.2 A and AA rules) at 1440 px and at 390 px wide, must have
no serious or critical violation, and must not scroll sideways at 390 or 360 px (a wide table
scrolls inside its own box). Screenshots of each page at both widths are kept in
var/artifacts/browser/. One browser context serves the whole walk.

A second test walks the main journey with the keyboard only: sign in, open the menu on a
phone, reach the navigation, a form and a chart point, with a visible focus at each step.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from factories import PASSWORD, build_coaching_records, build_plan_records

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "artifacts" / "browser"
PERSONAS = ("agent", "lead", "qa", "hr", "manager", "client_viewer", "admin")
WIDE, PHONE, SMALL_PHONE = 1440, 390, 360
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
MAX_PAGES_PER_ROLE = 18
SKIP = re.compile(
    r"^/(admin|api|static|oidc|logout|login)(/|$)|/(export|download)|\.[A-Za-z0-9]{2,5}$"
)
# A path segment that names one record: a number, a code (A1, T2, P1) or a period label.
RECORD = re.compile(r"^(\d+|[A-Z]+\d+|\d{4}-(W\d{2}|\d{2})|[0-9a-f]{8,})$")


def _shape(path: str) -> str:
    return "/".join("*" if RECORD.match(part) else part for part in path.split("/"))


@pytest.fixture
def records(org):
    """Coaching sessions, plans and audit events with long values (the audit table must
    still fit a wide screen and scroll in its own box on a phone)."""
    from django.db import transaction

    from upswing.audit.actions import record_event

    build_plan_records(build_coaching_records(org))
    with transaction.atomic():
        for n in range(3):
            record_event(
                actor=org.user("lead"),
                action="plan.checkpoint.record",
                object_type="plans.plan",
                object_id=str(9101 + n),
                changes={
                    "problem_statement": ["x" * 90, "averyveryverylongtokenwithoutspaces" * 4]
                },
                reason="Weekly check-in recorded after the side-by-side session.",
                role="team_lead",
            )
    return org


def _axe():
    module = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
    )
    return module.Axe()


def _blocking(axe, page) -> list[str]:
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = axe.run(page, options=options).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:3])
        for v in results["violations"]
        if v.get("impact") in BLOCKING
    ]


def _overflow(page) -> int:
    """How many pixels the page is wider than the screen (0: no sideways scroll)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def _wide_tables(page) -> list[str]:
    """Tables wider than their box (on a wide screen every table should fit)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap')]
            .filter(b => b.scrollWidth > b.clientWidth + 1)
            .map(b => (b.querySelector('caption, th') || b).textContent.trim().slice(0, 60)
                 + ` (${b.scrollWidth - b.clientWidth}px)`)"""
    )


def _widest(page) -> str:
    """The innermost elements reaching past the right edge, to say what to fix."""
    return page.evaluate(
        """() => {
            const w = document.documentElement.clientWidth, out = [];
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.right > w + 1 && ![...el.children].some(
                        c => c.getBoundingClientRect().right > w + 1)) {
                    let p = el, skip = false;
                    while ((p = p.parentElement)) {
                        const s = getComputedStyle(p);
                        if (s.overflowX === 'auto' || s.overflowX === 'scroll') skip = true;
                    }
                    if (!skip) out.push(el.tagName.toLowerCase() + (el.className ?
                        '.' + String(el.className).split(' ').join('.') : '')
                        + ' ' + (el.textContent || '').trim().slice(0, 40));
                }
                if (out.length >= 3) break;
            }
            return out.join(' | ');
        }"""
    )


def _links(page, base_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"
    )
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if SKIP.search(parts.path):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _check_page(journey, axe, persona: str, path: str, problems: list[str]) -> list[str] | None:
    page = journey.page
    page.set_viewport_size({"width": WIDE, "height": 900})
    try:
        response = page.goto(journey.url(path))
    except Exception as exc:  # a file sent as a download is not a page
        if "Download is starting" in str(exc):
            return None
        raise
    if response is None or response.status >= 400:
        return None
    name = f"{persona}{_shape(path).replace('/', '_').replace('*', 'x')}"[:90]
    problems += [f"{path} at {WIDE}px: {v}" for v in _blocking(axe, page)]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{WIDE}.png"), full_page=True)
    if (extra := _overflow(page)) > 0:
        problems.append(f"{path} at {WIDE}px is {extra}px wider than the screen")
    problems += [f"{path} at {WIDE}px: a table scrolls sideways: {t}" for t in _wide_tables(page)]
    links = _links(page, journey.base_url)
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.wait_for_timeout(250)  # scroll-regions.js marks wide boxes after a resize
    problems += [f"{path} at {PHONE}px: {v}" for v in _blocking(axe, page)]
    page.screenshot(path=str(ARTIFACTS / f"{name}-{PHONE}.png"), full_page=True)
    for width in (PHONE, SMALL_PHONE):
        page.set_viewport_size({"width": width, "height": 800})
        if (extra := _overflow(page)) > 0:
            problems.append(f"{path} at {width}px scrolls sideways by {extra}px: {_widest(page)}")
    return links


def _walk(journey, axe, persona: str, seen: set[str], problems: list[str]) -> int:
    queue, checked = ["/"], 0
    while queue and checked < MAX_PAGES_PER_ROLE:
        path = queue.pop(0)
        shape = _shape(path.split("?")[0])
        if shape in seen:
            continue
        seen.add(shape)
        links = _check_page(journey, axe, persona, path, problems)
        if links is None:
            continue
        checked += 1
        queue.extend(links)
    return checked


def test_every_page_passes_axe_and_fits_a_phone(journey, records):
    axe = _axe()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    problems: list[str] = []
    checked = {}
    for persona in PERSONAS:
        journey.page.context.clear_cookies()
        journey.page.set_viewport_size({"width": WIDE, "height": 900})
        journey.sign_in(persona)
        seen.discard("/")  # each role's start page is its own
        checked[persona] = _walk(journey, axe, persona, seen, problems)
    # The audit trail with rows, as the administrator sees it.
    journey.page.context.clear_cookies()
    journey.page.set_viewport_size({"width": WIDE, "height": 900})
    journey.sign_in("admin")
    assert _check_page(journey, axe, "admin-rows", "/audit/", problems) is not None
    assert journey.page.get_by_text("Plan checkpoint: record").count() == 3
    assert sum(checked.values()) >= 15, f"too few pages reached: {checked}"
    assert problems == [], "\n".join(problems)


def _focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const s = getComputedStyle(el);
            const ring = el.querySelector && el.querySelector('.ring');
            const ringShown = ring && getComputedStyle(ring).stroke !== 'none';
            return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                || s.boxShadow !== 'none' || !!ringShown;
        }"""
    )


def _tab_to(page, predicate: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            assert _focus_is_visible(page), f"no visible focus on {predicate}"
            return
    raise AssertionError(f"Tab never reached {predicate}")


def test_the_main_journey_works_with_the_keyboard_alone(journey):
    from playwright.sync_api import expect

    page = journey.page
    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto(journey.url("/login/"))
    # The user name field takes the focus on its own (autofocus).
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type("lead")
    _tab_to(page, "el.id === 'id_password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page).to_have_url(journey.url("/"))  # the start page, then the team's scorecard
    page.goto(journey.url("/teams/T1/"))

    # The skip link comes first and shows itself; then the menu, closed on a phone.
    _tab_to(page, "el.classList.contains('skip')", limit=1)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    _tab_to(page, "el.classList.contains('navmenu-toggle')")
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    _tab_to(page, "el.closest('nav.mainnav') !== null && el.tagName === 'A'")
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('Sign out')")

    # The period form, the metric choice and a point of the chart, with its tooltip.
    _tab_to(page, "el.tagName === 'SELECT'")
    _tab_to(page, "el.classList && el.classList.contains('pt')", limit=200)
    tip = page.locator(".pt:focus .tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("n = ")
    expect(tip).to_contain_text("interval")
    # The legend's marks are drawn at the size of the text they stand beside.
    for box in page.locator(".legend .mark-key svg").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    ):
        assert box <= 24
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "keyboard-chart-tooltip.png"))
