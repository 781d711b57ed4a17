"""An administrator uploads a bad roster on the imports page: the problems are listed by
column and reason, with how many lines, the first lines and the first value, and nothing is
imported."""

from __future__ import annotations

import re

import pytest

from upswing.org.models import Agent

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect
jobs = pytest.importorskip("upswing.imports.jobs", reason="the imports page is not built")

BAD_ROSTER = (
    b"agent_id,name,team_id,program_id,start_date,time_zone\n"
    b"B1,Bea Brown,T1,P1,2026-01-05,UTC\n"
    b"B2,,T1,P1,2026-01-05,UTC\n"
    b"B3,Cy Cole,T1,P1,2026-02-30,UTC\n"
)


@pytest.fixture
def inline_jobs(monkeypatch, settings, tmp_path, warehouse_url):
    """Uploads under a throwaway home; the import runs in the request's thread after commit
    (one database connection for the live server and the test)."""
    settings.UPSWING_HOME = tmp_path / "home"
    settings.UPSWING_HOME.mkdir()
    monkeypatch.setattr(jobs, "launch", jobs.run_import_job)


def test_an_admin_uploads_a_bad_roster_and_sees_why_nothing_was_imported(journey, inline_jobs):
    page = journey.page
    journey.sign_in("admin")
    page.goto(journey.url("/imports/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")

    page.get_by_label("Kind").select_option("roster")
    page.get_by_label("Columns").select_option("canonical")
    page.get_by_label("File").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": BAD_ROSTER}
    )
    page.get_by_role("button", name="Upload and import").click()

    expect(page).to_have_url(re.compile(r"/imports/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("roster.csv")
    status = page.locator("#run-status")
    expect(status.get_by_role("heading", level=2)).to_contain_text("Status: Rejected")
    problems = status.get_by_role(
        "table", name="Problems found, by column and reason (nothing was imported)"
    )
    expect(problems.get_by_role("columnheader")).to_have_text(
        ["Column", "Reason", "Lines", "First lines", "First value"]
    )
    rows = problems.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("cell")).to_have_text(
        ["name", "required value is missing", "1", "3", "(empty)"]
    )
    expect(rows.nth(1).get_by_role("cell")).to_have_text(
        ["start_date", "not an ISO 8601 date (YYYY-MM-DD)", "1", "4", "2026-02-30"]
    )
    journey.screenshot("admin-import-rejected")

    assert not Agent.objects.filter(code__in=["B1", "B2", "B3"]).exists()
    page.get_by_role("link", name="Imports").first.click()
    expect(page.get_by_role("table", name="Imports", exact=True)).to_contain_text("Rejected")
