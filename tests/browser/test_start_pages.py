"""Each role signs in and starts on its open work (the start page at `/`), in Chromium.

The org is tests/factories.py's persona org with its coaching, plan, quality and feedback
records; each role's start page must list that role's open work, link each item to where the
work is done, and show the count of open work as a badge in the navigation. Screenshots go to
tests/browser/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from factories import build_coaching_records, build_plan_records
from quality_records import build_quality_records

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

AGENT_NAMES = ("Alice Anders", "Peter Pike", "Carl Crane", "Dora Dunmore", "Erin Evans")


@pytest.fixture
def records(org):
    from feedback.records import build_feedback_records

    build_quality_records(build_plan_records(build_coaching_records(org)))
    build_feedback_records(org)
    return org


def section(page, key: str):
    return page.locator(f"#today-{key}")


def start(journey, persona: str):
    journey.sign_in(persona)
    page = journey.page
    expect(page).to_have_url(journey.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    return page


def badge(page):
    return page.get_by_role("navigation", name="Main").locator(".badge")


def test_the_agent_starts_on_sessions_to_acknowledge_and_feedback(journey, records):
    page = start(journey, "agent")
    to_ack = section(page, "acknowledge")
    expect(to_ack.get_by_role("heading")).to_contain_text("Coaching sessions to acknowledge")
    expect(to_ack.locator(".badge")).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(section(page, "trend")).to_contain_text("Your numbers")
    expect(badge(page)).to_have_text(re.compile(r"^[1-9]\d* open$"))  # loaded after the page
    # The link's name stays short: the count, not the list (that is the badge's title).
    expect(page.get_by_role("link", name=re.compile(r"^Today \d+ open$"))).to_have_count(1)
    journey.screenshot("start-agent")

    to_ack.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/coaching/sessions/\d+/$"))
    expect(page.get_by_role("button", name=re.compile("Acknowledge"))).to_be_visible()


def test_the_lead_starts_on_the_coaching_queue_and_their_team(journey, records):
    page = start(journey, "lead")
    queue = section(page, "coaching_queue")
    expect(queue).to_contain_text("Alice Anders")
    expect(queue).not_to_contain_text("Carl Crane")  # the other lead's agent
    expect(section(page, "check_ins")).to_be_visible()
    expect(section(page, "follow_ups")).to_be_visible()
    teams = section(page, "team_scorecards")
    expect(teams.get_by_role("link")).to_have_count(1)
    expect(teams).to_contain_text("Claims North")
    journey.screenshot("start-lead")

    queue.get_by_role("link", name=re.compile("^Alice Anders")).click()
    expect(page).to_have_url(journey.url("/findings/9101/coaching/new/"))


def test_qa_starts_on_evaluations_to_do(journey, records):
    page = start(journey, "qa")
    evaluations = section(page, "evaluations")
    expect(evaluations).to_contain_text("S-9601")
    expect(evaluations).not_to_contain_text("S-9602")  # the other program's sample
    expect(section(page, "disputes")).to_contain_text("No dispute is waiting for you")
    journey.screenshot("start-qa")
    evaluations.get_by_role("link", name=re.compile("S-9601")).click()
    expect(page).to_have_url(journey.url("/quality/queue/9601/"))


def test_hr_starts_on_plans_awaiting_review(journey, records):
    page = start(journey, "hr")
    review = section(page, "plan_review")
    expect(review).to_contain_text("Alice Anders")
    expect(section(page, "check_ins")).to_be_visible()
    journey.screenshot("start-hr")
    review.get_by_role("link").first.click()
    expect(page).to_have_url(journey.url("/plans/9102/review/"))


def test_the_manager_starts_on_systemic_issues_sla_risk_and_disputes(journey, records):
    page = start(journey, "manager")
    expect(section(page, "systemic")).to_contain_text("Systemic issues")
    expect(section(page, "sla_risk")).to_be_visible()
    disputes = section(page, "disputes")
    expect(disputes).to_contain_text("Alice Anders")
    journey.screenshot("start-manager")
    disputes.get_by_role("link").first.click()
    expect(page).to_have_url(journey.url("/quality/evaluations/9501/"))


def test_the_client_viewer_starts_on_the_program_report_and_sees_no_one(journey, records):
    page = start(journey, "client_viewer")
    reports = section(page, "reports")
    expect(reports.get_by_role("link")).to_have_text(["Claims: program report"])
    html = page.content()
    for name in AGENT_NAMES:
        assert name not in html, f"{name} shown to a client viewer"
    journey.screenshot("start-client-viewer")
    reports.get_by_role("link").click()
    expect(page).to_have_url(journey.url("/programs/P1/"))
