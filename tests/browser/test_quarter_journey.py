"""A quarter and custom days on the team page, in Chromium: a manager picks the quarter, sees
its label and its agents, then types two dates and sees those days, then a reversed range
said in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from tests.scorecards.refresh_data import load

from factories import PASSWORD, RoleGrantFactory, UserFactory
from upswing.org.models import Role
from upswing.scorecards.refresh import refresh
from upswing.scorecards.spans import quarter_of

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

FIRST = dt.date(2026, 10, 5)


def _roster() -> list[dict]:
    return [
        {
            "agent_id": agent,
            "name": f"Quarter {agent}",
            "team_id": "QT",
            "team_name": "Quarter team",
            "program_id": "QP",
            "program_name": "Quarterly",
            "client_name": "Quarter client",
            "start_date": "2026-01-01",
            "time_zone": "UTC",
        }
        for agent in ("QA1", "QA2")
    ]


def _interactions() -> list[dict]:
    rows = []
    for k in range(40):
        day = FIRST + dt.timedelta(days=k % 10)
        rows.append(
            {
                "interaction_id": f"Q-{k}",
                "agent_id": "QA1" if k % 2 else "QA2",
                "started_at": f"{day}T10:{k:02d}:00+00:00",
                "handle_seconds": str(200 + 10 * (k % 7)),
                "answered": "true",
                "resolved": "true" if k % 3 else "false",
            }
        )
    return rows


@pytest.fixture
def quarter_program(org, settings, tmp_path):
    settings.UPSWING_WAREHOUSE_URL = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    load(tmp_path, "roster", _roster())
    load(tmp_path, "interactions", _interactions())
    refresh(full=True)
    boss = UserFactory(username="quarter-boss")
    boss.set_password(PASSWORD)
    boss.save()
    RoleGrantFactory(user=boss, role=Role.ADMIN)
    return boss


def test_a_manager_picks_a_quarter_and_custom_days_on_the_team_page(journey, quarter_program):
    page = journey.page
    journey.sign_in("quarter-boss")
    page.goto(journey.url("/teams/QT/?metric=volume"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarter team")

    page.locator(".range-kinds").get_by_role("link", name="Quarter").click()
    expect(page).to_have_url(re.compile(r"period=2026-Q4"))
    expect(page.locator("h2", has_text="Scorecard")).to_contain_text("Q4 2026 (1 Oct – 31 Dec)")
    expect(page.locator("#children")).to_contain_text("Quarter QA1")
    volume = page.locator("tr", has=page.get_by_role("link", name="Volume", exact=True))
    expect(volume.locator("td.num.strong")).to_have_text("40")
    journey.screenshot("team-quarter")

    page.get_by_label("From", exact=True).fill("2026-10-05")
    page.get_by_label("To", exact=True).fill("2026-10-09")
    page.get_by_role("button", name="Show these days").click()
    expect(page).to_have_url(re.compile(r"from=2026-10-05&to=2026-10-09"))
    expect(page.locator("h2", has_text="Scorecard")).to_contain_text("5 Oct – 9 Oct 2026")
    expect(volume.locator("td.num.strong")).to_have_text("20")  # five of the ten days
    expect(page.locator('.range-kind[aria-current="true"]')).to_have_text("Custom")

    # The n links to the evidence of the same days.
    volume.locator("td.num a").first.click()
    expect(page.locator("body")).to_contain_text("This matches n = 20 on the scorecard.")

    page.goto(journey.url("/teams/QT/?from=2026-10-09&to=2026-10-05"))
    expect(page.locator("#period-error")).to_contain_text("before it starts")
    assert quarter_of(FIRST).label == "2026-Q4"
