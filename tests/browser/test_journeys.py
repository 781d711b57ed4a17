"""The main journeys, walked in Chromium as each role would: sign in, land, read, drill down.

The org is tests/factories.py's persona org (Claims: teams Claims North and Claims South;
Telco care: Care East) with ten weeks of scorecards. Each journey saves a screenshot in
tests/browser/screenshots/.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

TEAM_NAMES = ("Claims North", "Claims South", "Care East")
AGENT_NAMES = ("Alice Anders", "Peter Pike", "Carl Crane", "Dora Dunmore", "Erin Evans")
SIGN_IN_FAILED = re.compile(r"That user name and password did not match")


def heading(journey):
    return journey.page.get_by_role("heading", level=1)


def scorecard(journey):
    return journey.page.locator("table.scorecard")


def from_the_start_page(journey, link) -> None:
    """Signing in lands on the start page (`/`, "Today"); the scorecard is one click away."""
    page = journey.page
    expect(page).to_have_url(journey.url("/"))
    expect(heading(journey)).to_have_text("Today")
    link(page).click()


def test_a_lead_reads_their_team_switches_the_trend_and_drills_down(journey):
    page = journey.page
    journey.sign_in("lead")
    from_the_start_page(
        journey, lambda p: p.locator("#today-team_scorecards").get_by_role("link").first
    )

    expect(page).to_have_url(journey.url("/teams/T1/"))
    expect(heading(journey)).to_have_text("Claims North")
    expect(page.get_by_role("heading", name=re.compile(r"^Scorecard · 2026-W46"))).to_be_visible()
    statuses = scorecard(journey).locator(".status")
    expect(statuses.filter(has_text="Below target").first).to_be_visible()
    expect(statuses.filter(has_text="On target").first).to_be_visible()
    aht = scorecard(journey).get_by_role("row", name=re.compile("^Average handle time"))
    expect(aht.get_by_role("cell").first).to_have_text("430 s")

    # The metric select swaps the trend through htmx: same document, new chart, URL pushed.
    page.evaluate("window.__sameDocument = true")
    trend = page.locator("#trend")
    # The trend opens on the metric furthest below its standard with enough data.
    expect(trend.get_by_role("heading", level=2)).to_have_text(
        "Weekly trend · First-contact resolution"
    )
    page.get_by_label("Metric").select_option(label="CSAT")
    expect(trend.get_by_role("heading", level=2)).to_have_text("Weekly trend · CSAT")
    expect(page).to_have_url(re.compile(r"/teams/T1/\?period=2026-W46&metric=csat$"))
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded instead of a swap"
    expect(trend.locator("svg circle")).to_have_count(10)
    point = trend.locator(".pt").last
    point.hover()  # the tooltip: the period, its value, n and the interval
    expect(point.locator(".tip")).to_be_visible()
    expect(point.locator(".tip")).to_contain_text("2026-W46")
    expect(point.locator(".tip")).to_contain_text("n = ")
    expect(trend.locator("svg title").first).to_have_text("CSAT, weekly, up to 2026-W46")
    journey.screenshot("lead-team-trend")

    agents = page.locator("table.data").last
    expect(agents.locator("tbody").get_by_role("link")).to_have_text(["Alice Anders", "Peter Pike"])
    agents.get_by_role("link", name="Alice Anders").click()
    expect(heading(journey)).to_have_text("Alice Anders")
    expect(page).to_have_url(re.compile(r"/agents/A1/\?period=2026-W46&metric="))
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs).to_contain_text("Claims North")

    journey.expect_not_found("/agents/A3/")  # Carl Crane, on the other lead's team
    expect(page.get_by_text("Carl Crane")).to_have_count(0)
    journey.screenshot("lead-other-team-agent-404")


def test_an_agent_sees_their_own_page_and_nothing_else(journey):
    page = journey.page
    journey.sign_in("agent")
    from_the_start_page(journey, lambda p: p.get_by_role("link", name="Your scorecard"))

    expect(page).to_have_url(journey.url("/agents/A1/"))
    expect(heading(journey)).to_have_text("Alice Anders")
    expect(page.locator(".kicker")).to_contain_text("Your scorecard")
    expect(scorecard(journey)).to_contain_text("74.0%")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="My scorecard")).to_be_visible()
    for place in ("Claims", *TEAM_NAMES):
        expect(menu.get_by_role("link", name=place)).to_have_count(0)
    journey.screenshot("agent-own-page")

    for path in ("/programs/P1/", "/teams/T1/", "/agents/A2/"):
        journey.expect_not_found(path)


def test_a_manager_drills_from_program_to_team_to_agent(journey):
    page = journey.page
    journey.sign_in("manager")
    from_the_start_page(
        journey,
        lambda p: p.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Claims", exact=True
        ),
    )

    expect(page).to_have_url(journey.url("/programs/P1/"))
    expect(heading(journey)).to_have_text("Claims")
    expect(scorecard(journey)).to_contain_text("74.0%")
    teams = page.locator("table.data").last
    expect(teams.locator("tbody").get_by_role("link")).to_have_text(
        ["Claims North", "Claims South"]
    )
    journey.screenshot("manager-program")

    teams.get_by_role("link", name="Claims South").click()
    expect(heading(journey)).to_have_text("Claims South")
    agents = page.locator("table.data").last
    expect(agents.locator("tbody").get_by_role("link")).to_have_text(["Carl Crane", "Erin Evans"])

    agents.get_by_role("link", name="Carl Crane").click()
    expect(heading(journey)).to_have_text("Carl Crane")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("link")).to_have_text(["Claims", "Claims South"])
    journey.screenshot("manager-agent")

    journey.expect_not_found("/programs/P2/")


def test_a_client_viewer_sees_program_numbers_and_no_people(journey):
    page = journey.page
    journey.sign_in("client_viewer")
    from_the_start_page(journey, lambda p: p.get_by_role("link", name="Claims: program report"))

    expect(page).to_have_url(journey.url("/programs/P1/"))
    expect(heading(journey)).to_have_text("Claims")
    expect(scorecard(journey)).to_contain_text("74.0%")
    expect(page.locator("#trend svg[role=group]")).to_be_visible()
    html = page.content()
    for name in TEAM_NAMES + AGENT_NAMES:
        assert name not in html, f"{name} shown to a client viewer"
    journey.screenshot("client-viewer-program")

    journey.expect_not_found("/agents/A1/")
    journey.expect_not_found("/teams/T1/")
    journey.expect_not_found("/programs/P2/")


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(journey):
    page = journey.page
    alert = page.get_by_role("alert")

    journey.sign_in("lead", password="not the password")
    expect(alert).to_have_text(SIGN_IN_FAILED)
    wrong_password = alert.inner_text()
    journey.screenshot("sign-in-refused")

    journey.sign_in("nobody-by-that-name", password="not the password")
    expect(alert).to_have_text(SIGN_IN_FAILED)
    assert alert.inner_text() == wrong_password
    expect(page).to_have_url(journey.url("/login/"))


def test_signing_out_ends_the_session(journey):
    page = journey.page
    journey.sign_in("lead")
    expect(heading(journey)).to_have_text("Today")

    with page.expect_response(lambda r: r.url.endswith("/logout/")) as signed_out:
        page.get_by_role("button", name="Sign out").click()
    assert signed_out.value.request.method == "POST"
    expect(page).to_have_url(journey.url("/login/"))
    journey.screenshot("signed-out")

    page.goto(journey.url("/teams/T1/"))
    expect(page).to_have_url(journey.url("/login/?next=/teams/T1/"))
    expect(page.get_by_text("Claims North")).to_have_count(0)
