"""The quality loop in Chromium: a QA analyst scores two sampled interactions; the agent
disputes one criterion; an operations manager (not the evaluator) decides; a blind calibration
runs with three evaluators (the client's viewer among them) and shows Krippendorff's alpha; the
client viewer sees program-level QA and calibration only.

Records: tests/quality_records.py (samples 9601 for A1 and 9603 for A2 on P1).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from quality_records import build_quality_records
from upswing.quality.models import CalibrationSession, Dispute, Evaluation, SampleItem

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect


def _nav(page, name: str):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def _score(page, journey, interaction: str, marks: dict, comment: str) -> None:
    _nav(page, "QA queue")
    page.get_by_role("row", name=re.compile(interaction)).get_by_role("link", name="Score").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(interaction)
    for label, value in marks.items():
        page.get_by_label(label, exact=True).select_option(label=value)
    page.get_by_label("Comment on Greets by name").fill(comment)
    page.get_by_label("Transcript or recording URL").fill(f"https://rec.example.com/{interaction}")
    journey.screenshot(f"quality-score-{interaction}")
    page.get_by_role("button", name="Submit evaluation").click()
    expect(page.get_by_role("status")).to_contain_text("Scored")


def test_score_dispute_decide_calibrate_and_the_client_view(journey, org):
    build_quality_records(org)
    SampleItem.objects.create(
        pk=9603,
        program=org.programs["P1"],
        agent=org.agents["A2"],
        team=org.teams["T1"],
        source="crm",
        interaction_id="S-9603",
        interaction_day=dt.date(2026, 10, 15),
        week_start=dt.date(2026, 10, 12),
        reason="low_csat",
    )
    page = journey.page

    # 1. The QA analyst scores two sampled interactions.
    journey.sign_in("qa")
    full = {
        "Greets by name": "Met",
        "Verifies identity": "Met",
        "Explains the claim status": "2 of 4",
    }
    _score(page, journey, "S-9601", full, "Greeted by name at 00:05.")
    expect(page.locator("#score")).to_have_text("75.0%")
    _score(page, journey, "S-9603", {**full, "Explains the claim status": "4 of 4"}, "Good.")
    expect(page.locator("#score")).to_have_text("100.0%")
    page.get_by_role("button", name="Sign out").click()

    # 2. The agent disputes one criterion.
    journey.sign_in("agent")
    _nav(page, "My QA")
    page.get_by_role("link", name="S-9601").click()
    page.get_by_label("Criterion").select_option(label="Explains the claim status")
    page.get_by_label("Your reason").fill("I explained the next step at 03:40.")
    page.get_by_role("button", name="Send dispute").click()
    expect(page.get_by_role("status")).to_contain_text("Dispute sent")
    journey.screenshot("quality-dispute")
    page.get_by_role("button", name="Sign out").click()

    # 3. An arbitrator who did not score it decides.
    journey.sign_in("manager")
    _nav(page, "Disputes")
    page.get_by_role("link", name="S-9601").click()
    page.get_by_role("radio", name="Partly accepted").check()
    page.get_by_label("Points if partly accepted").fill("3")
    page.get_by_label("Decision, as the agent will read it").fill(
        "The next step was given, not the date."
    )
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_role("status")).to_contain_text("now 87.5%")
    expect(page.locator("#score")).to_have_text("87.5%")
    dispute = Dispute.objects.get(evaluation__interaction_id="S-9601")
    assert dispute.decided_by == org.user("manager")
    journey.screenshot("quality-decided")

    # 4. A blind calibration with three evaluators.
    page.goto(journey.url("/quality/programs/P1/calibrations/"))
    page.get_by_label("Title").fill("Browser calibration")
    page.get_by_label(re.compile("^Interactions")).fill("K-1\nK-2\nK-3")
    for name in ("qa", "manager", "client_viewer"):
        page.get_by_label(re.compile(rf"(^|\s){name} \(")).check()
    page.get_by_role("button", name="Open session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Browser calibration")
    session = CalibrationSession.objects.get(title="Browser calibration")
    items = list(session.items.order_by("pk"))
    plans = {
        "manager": [("1", "1", "4"), ("0", "1", "2"), ("1", "1", "3")],
        "qa": [("1", "1", "4"), ("0", "1", "1"), ("1", "1", "3")],
        "client_viewer": [("1", "1", "3"), ("0", "1", "2"), ("0", "1", "3")],
    }
    first = True
    for persona, rows in plans.items():
        if not first:
            journey.sign_in(persona)
            page.goto(journey.url(f"/quality/calibrations/{session.pk}/"))
        first = False
        expect(page.get_by_role("heading", name="Your scores (blind)")).to_be_visible()
        expect(page.locator("#agreement")).to_have_count(0)
        for item, values in zip(items, rows, strict=True):
            for key, value in zip(("greet", "verify", "explain"), values, strict=True):
                page.locator(f'select[name="i{item.pk}-{key}"]').select_option(value)
        page.get_by_role("button", name="Submit my scores").click()
        expect(page.get_by_role("status")).to_contain_text("stay hidden until the reveal")
        page.get_by_role("button", name="Sign out").click()
    journey.sign_in("manager")
    page.goto(journey.url(f"/quality/calibrations/{session.pk}/"))
    page.get_by_role("button", name="Reveal the scores").click()
    expect(page.locator("#overall-alpha")).to_have_text(re.compile(r"^-?\d\.\d\d$"))
    expect(page.locator("#agreement")).to_contain_text("Krippendorff")
    journey.screenshot("quality-calibration-revealed")
    page.get_by_role("button", name="Sign out").click()

    # 5. The client viewer: program-level QA and calibration only.
    journey.sign_in("client_viewer")
    _nav(page, "Quality")
    page.locator("main").get_by_role("link", name="Claims", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("QA of Claims")
    text = page.locator("main").inner_text()
    for name in ("Alice Anders", "Peter Pike", "Claims North", "Evaluator severity"):
        assert name not in text
    page.get_by_role("link", name="Browser calibration").click()
    expect(page.locator("#overall-alpha")).to_be_visible()
    assert "Alice Anders" not in page.locator("main").inner_text()
    journey.screenshot("quality-client-view")
    evaluation = Evaluation.objects.get(interaction_id="S-9601")
    journey.expect_not_found(f"/quality/evaluations/{evaluation.pk}/")
