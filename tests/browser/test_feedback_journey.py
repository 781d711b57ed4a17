"""The 360 feedback journey in Chromium: a lead starts a cycle for Alice Anders, Alice
proposes a peer, the lead approves and opens the cycle, the peer answers anonymously, the lead
closes it and reads the results — peers shown with their distribution, a group of two shown as
nothing — and Alice reads her own results from her scorecard.

The persona org is tests/browser/conftest.py's; four more peers answer through the actions
(the same path as the page) so that the peer group reaches the threshold of five.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from factories import PASSWORD, UserFactory
from feedback.records import template
from upswing.feedback import actions
from upswing.feedback.models import Cycle, Nomination

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect


def as_(journey, persona: str) -> None:
    journey.page.context.clear_cookies()
    journey.sign_in(persona)


def test_a_cycle_from_nomination_to_closed_results(journey, org):
    page = journey.page
    extra = [UserFactory(username=f"peer{i}", password=PASSWORD) for i in range(4)]
    others = [UserFactory(username=f"other{i}", password=PASSWORD) for i in range(2)]
    due = timezone.localdate() + dt.timedelta(days=14)
    template()  # the migration's template (a transactional test database starts empty)

    # The lead starts a cycle for Alice.
    as_(journey, "lead")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback")
    page.get_by_role("link", name="Start a cycle").click()
    page.get_by_label("Name").fill("Spring 360")
    page.get_by_label("Team", exact=True).select_option(label="Claims North")
    page.get_by_label("Agent").select_option(label="Alice Anders")
    page.get_by_label("Due on").fill(due.isoformat())
    journey.screenshot("feedback-new-cycle")
    page.get_by_role("button", name="Start the cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring 360")
    expect(page.locator("#raters")).to_contain_text("Manager")
    cycle = Cycle.objects.get(name="Spring 360")

    # Alice proposes Peter (the peer persona) as a peer.
    as_(journey, "agent")
    page.goto(journey.url(f"/feedback/cycles/{cycle.pk}/"))
    page.get_by_label("Rater's user name").fill("peer")
    page.get_by_label("As").select_option(label="Peers")
    page.get_by_role("button", name="Nominate").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("waiting for the lead"))

    # The lead approves it, nominates the others and opens the cycle.
    as_(journey, "lead")
    page.goto(journey.url(f"/feedback/cycles/{cycle.pk}/"))
    page.get_by_role("button", name="Approve peer").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("Rater approved"))
    for user, group in [*[(u, "Peers") for u in extra], *[(u, "Others") for u in others]]:
        page.get_by_label("Rater's user name").fill(user.username)
        page.get_by_label("As").select_option(label=group)
        page.get_by_role("button", name="Nominate").click()
        expect(page.get_by_role("status")).to_have_text(re.compile("Nominated: approved"))
    page.get_by_role("button", name="Open for answers").click()
    expect(page.locator("#cycle-state")).to_contain_text("Open for answers")
    journey.screenshot("feedback-cycle-open")

    # Peter answers, anonymously.
    as_(journey, "peer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
    page.get_by_role("link", name="Alice Anders").click()
    expect(page.get_by_text("Your answers are stored without your name")).to_be_visible()
    page.get_by_label("4 Agree").first.check()
    page.get_by_label("What should this person keep doing?").fill("Calm on escalations.")
    journey.screenshot("feedback-answer")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_have_text(re.compile("your answers are in"))
    expect(page.get_by_text("Nothing to answer right now.")).to_be_visible()

    # The other raters answer (peers 5 in all; others 2: too few to show).
    for i, user in enumerate(extra + others):
        nomination = Nomination.objects.get(subject__cycle=cycle, rater=user)
        answers = {"listens": 2 + i % 4, "keep": f"Keep going {i}"}
        actions.do_submit_answers(nomination, answers=answers, actor=user)
    assert page.request.get(journey.url(f"/feedback/cycles/{cycle.pk}/results/A1/")).status == 404

    # The lead closes the cycle and reads the results.
    as_(journey, "lead")
    page.goto(journey.url(f"/feedback/cycles/{cycle.pk}/"))
    page.get_by_role("button", name="Close and open the results").click()
    expect(page.locator("#cycle-state")).to_contain_text("Closed, results open")
    page.get_by_role("link", name="Results for Alice Anders").click()
    listens = page.get_by_role("region", name="Listens to customers and colleagues")
    peers = listens.get_by_role("row", name=re.compile("^Peers"))
    expect(peers.locator("td").first).to_have_text("5")
    expect(listens.get_by_role("row", name=re.compile("^Others"))).to_contain_text(
        "Too few raters to show"
    )
    # Comments: peers (5) and others (2) are each below 7, together they reach it: shown as
    # one pool, never per group.
    keep = page.get_by_role("region", name="What should this person keep doing?")
    expect(keep.locator("h3:has-text('Others') + p")).to_have_text("Too few comments to show.")
    expect(keep.locator("h3:has-text('Peers') + p")).to_have_text("Too few comments to show.")
    expect(keep.locator("h3:has-text('Smaller groups combined') + ul li")).to_have_count(7)
    journey.screenshot("feedback-results")

    # Alice reads her results from her scorecard.
    as_(journey, "agent")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My scorecard").click()
    page.get_by_role("link", name="360 feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My feedback")
    page.get_by_role("link", name="Spring 360").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alice Anders: Spring 360")
    expect(page.locator("body")).not_to_contain_text("other0")
    journey.screenshot("feedback-own-results")
