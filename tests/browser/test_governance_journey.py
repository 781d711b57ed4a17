"""The client's side in Chromium: the client viewer reads October's monthly report (and its
PDF, rendered to PNG), where a second breach in six months calls for a corrective action
plan; the vendor's account manager opens and runs the plan; months later the client's
governance lead closes it on sustained data and, after a third breach, records the
partnership decision. The clock is set with time-machine (`tick=True`: the live server and
the browser keep moving)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine

from factories import PASSWORD, RoleGrantFactory, UserFactory
from governance.conftest import contract_row, month_value
from upswing.governance.imports import do_import_contracts
from upswing.governance.models import CorrectiveActionPlan, PartnershipReview
from upswing.org.models import Role
from upswing.scorecards.models import ScorecardSnapshot

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).parent / "screenshots"

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def fcr(program, by_month: dict[tuple[int, int], float]) -> None:
    ScorecardSnapshot.objects.bulk_create(
        month_value(program, "fcr", dt.date(y, m, 1), v) for (y, m), v in by_month.items()
    )


def as_(journey, username: str) -> None:
    journey.page.context.clear_cookies()
    journey.sign_in(username)


@pytest.fixture
def governed(org):
    p1 = org.programs["P1"]
    for name, role, scope in (
        ("gov_lead", Role.CLIENT_GOVERNANCE_LEAD, {"client": p1.client}),
        ("vendor", Role.VENDOR_ACCOUNT_MANAGER, {"program": p1}),
    ):
        user = UserFactory(username=name, first_name=name.title())
        user.set_password(PASSWORD)
        user.save()
        RoleGrantFactory(user=user, role=role, **scope)
    do_import_contracts(
        [contract_row("P1", "1", dt.date(2026, 1, 1), "fcr", 80.0, target=85.0)], "test"
    )
    fcr(p1, {(2026, 8): 70.0, (2026, 9): 85.0, (2026, 10): 72.0})
    return org


def test_report_breach_plan_closure_and_partnership_decision(journey, governed, tmp_path):
    page = journey.page
    page.context.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)
    with time_machine.travel(noon(dt.date(2026, 11, 5)), tick=True) as clock:
        # 1. The client viewer reads October's report: a second breach in six months.
        as_(journey, "client_viewer")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Governance").click()
        page.locator("#main").get_by_role("link", name="Claims").click()
        expect(page.locator("#cap-due")).to_contain_text("A corrective action plan is due")
        expect(page.get_by_role("button", name="Open the corrective action plan")).to_have_count(0)
        page.get_by_role("link", name="2026-10").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Claims — 2026-10")
        expect(page.locator("body")).to_contain_text("corrective action plan due")
        for agent in governed.agents.values():
            expect(page.locator("body")).not_to_contain_text(agent.name)
        journey.screenshot("governance-report")
        with page.expect_download() as download:
            page.get_by_role("link", name="PDF").click()
        pdf = tmp_path / "report.pdf"
        download.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")

        # 2. The vendor's account manager opens the plan and runs it.
        as_(journey, "vendor")
        page.goto(journey.url("/governance/programs/P1/"))
        page.get_by_role("button", name="Open the corrective action plan").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("opened 5 Nov 2026")
        page.get_by_label("Root cause").fill("Claims backlog after the October policy change.")
        page.get_by_role("button", name="Save the root cause").click()
        page.get_by_label("Metric", exact=True).select_option(label="First-contact resolution")
        page.get_by_label("Baseline").fill("72")
        page.get_by_label("Target", exact=True).fill("82")
        page.get_by_label("Due", exact=True).first.fill("2027-02-28")
        page.get_by_role("button", name="Add the goal").click()
        page.get_by_label("Action", exact=True).fill("Retrain claims agents on the new policy")
        page.get_by_label("Owner").fill("Training lead")
        page.get_by_label("Due", exact=True).last.fill("2026-11-30")
        page.get_by_role("button", name="Add the action").click()
        page.get_by_label("Done on").fill("2026-11-25")
        page.get_by_role("button", name="Mark done").click()
        expect(page.get_by_role("row", name=re.compile("Retrain"))).to_contain_text("25 Nov 2026")
        journey.screenshot("governance-plan-running")
        plan = CorrectiveActionPlan.objects.get()

        # 3. Months later: December and January recovered, November breached a third time.
        clock.move_to(noon(dt.date(2027, 2, 3)))
        fcr(governed.programs["P1"], {(2026, 11): 74.0, (2026, 12): 83.0, (2027, 1): 84.0})
        as_(journey, "vendor")  # a new day, a new session
        page.goto(journey.url(f"/governance/programs/P1/plans/{plan.pk}/"))
        page.get_by_label("Held on").first.fill("2026-12-01")
        page.get_by_role("button", name="Record", exact=True).first.click()
        expect(page.locator("body")).to_contain_text("held 1 Dec 2026")

        # 4. The client's governance lead closes the plan on sustained data.
        as_(journey, "gov_lead")
        page.goto(journey.url(f"/governance/programs/P1/plans/{plan.pk}/"))
        expect(page.locator("body")).to_contain_text("target met in each of the last 2")
        page.get_by_label("Outcome").select_option(label="Recovered, sustained")
        page.get_by_role("button", name="Close the plan").click()
        expect(page.locator(".kicker")).to_contain_text("Closed: Recovered, sustained")
        journey.screenshot("governance-plan-closed")

        # 5. The third breach calls for a partnership review; the lead decides.
        page.goto(journey.url("/governance/programs/P1/review/"))
        page.get_by_role("button", name="Open a partnership review").click()
        page.get_by_label("Decision").select_option(label="Stay with the vendor")
        page.get_by_label("Why").fill("The plan recovered FCR for two months; stay and watch.")
        page.get_by_role("button", name="Record the decision").click()
        expect(page.locator("body")).to_contain_text("Stay with the vendor")
        journey.screenshot("governance-review-decided")
    review = PartnershipReview.objects.get()
    assert (review.decision, review.decided_by.username) == ("stay", "gov_lead")
    # October's report as the client received it, page 1 as PNG to look at.
    assert render_first_page(pdf).stat().st_size > 5_000


def render_first_page(pdf):
    """Page 1 of the PDF as PNG under tests/browser/screenshots/ (pdftoppm, poppler-utils)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing: apt-get install -y poppler-utils")
    SCREENSHOTS.mkdir(exist_ok=True)
    stem = SCREENSHOTS / "governance-report-pdf"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
        timeout=60,
    )
    return stem.with_suffix(".png")
