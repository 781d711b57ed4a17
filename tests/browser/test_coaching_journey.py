"""The coaching journey in Chromium: a lead opens a finding from the coaching queue, records a
session from it with agreed actions; the agent signs in, reads the session and acknowledges it.

Records: factories.build_coaching_records (finding 9101: Alice Anders, FCR, coach).
"""

from __future__ import annotations

import re

import pytest

from factories import build_coaching_records
from upswing.coaching.models import CoachingSession

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect


def test_a_lead_coaches_from_a_finding_and_the_agent_acknowledges(journey, org):
    build_coaching_records(org)
    page = journey.page

    journey.sign_in("lead")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coaching queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coaching queue")
    row = page.get_by_role("row", name=re.compile("^Alice Anders"))
    expect(row).to_contain_text("FCR was below the SLA floor in 3 of the last 4 weeks")
    row.get_by_role("link", name="Sustained gap").click()

    expect(page).to_have_url(journey.url("/findings/9101/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Alice Anders: First-contact resolution, sustained gap"
    )
    expect(page.locator("#trend svg path.line.value")).to_have_count(1)
    journey.screenshot("coaching-finding")
    page.get_by_role("link", name="Record a coaching session").click()

    expect(page.get_by_label("Behaviours")).to_have_value("Ownership")
    page.get_by_label("Kind").select_option(label="Side-by-side")
    page.get_by_label("Held on").fill("2026-11-19T15:30")
    page.get_by_label("Topic").fill("Owning the fix")
    page.get_by_label("Notes").fill("Listened to three calls together.")
    page.get_by_label("Follow up on").fill("2026-12-03")
    page.get_by_label("Action 1", exact=True).fill("Listen back to two resolved calls")
    page.get_by_label("Owner of action 1").select_option(label="The agent")
    page.get_by_label("Due date of action 1").fill("2026-11-26")
    journey.screenshot("coaching-record")
    page.get_by_role("button", name="Record the session").click()

    expect(page.get_by_role("status")).to_have_text(re.compile("The session is recorded"))
    session = CoachingSession.objects.get(topic="Owning the fix")
    assert session.finding_id == 9101
    assert session.actions.get().owner == org.user("agent")
    expect(page.locator("#acknowledgement")).to_contain_text("has not acknowledged")
    page.get_by_role("button", name="Sign out").click()

    journey.sign_in("agent")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My coaching").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My coaching")
    page.get_by_role("link", name="2026-11-19").click()
    expect(page.get_by_text("Listened to three calls together.")).to_be_visible()
    expect(page.locator("a[href^='/findings/']")).to_have_count(0)  # not the agent's to read
    page.get_by_label("Your comment (optional)").fill("Useful, thanks.")
    page.get_by_role("button", name="Acknowledge").click()

    expect(page.get_by_role("status")).to_have_text(re.compile("the session is acknowledged"))
    expect(page.locator("#acknowledgement")).to_contain_text("Useful, thanks.")
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    page.get_by_role("button", name="Mark done").click()
    expect(page.locator("#actions")).to_contain_text("✓")
    journey.screenshot("coaching-acknowledged")
    session.refresh_from_db()
    assert session.acknowledged_at is not None
    assert session.actions.get().done_at is not None

    # The finding stays out of the agent's reach (asked without opening a tab: a 404 document
    # would log a console error).
    assert page.request.get(journey.url("/findings/9101/")).status == 404
