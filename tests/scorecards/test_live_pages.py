"""The program, team and agent pages and the drill-down with a quarter or custom days: the same
numbers as the stored week of the same days, the same doors as today, bad input in words.

Uses the small program of `test_drilldown` (2026-W41, teams T1 with A1 and A2, T2 with B1)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from upswing.org.models import Agent, Client, Program, Role, Team
from upswing.scorecards import live
from upswing.warehouse.evidence import WarehouseBusyError

from .test_drilldown import WEEK, _count, _module_program, _n, _user, program  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("program")]

W41_DAYS = "from=2026-10-05&to=2026-10-11"
W41_TOKEN = "2026-10-05..2026-10-11"


def _values(text: str) -> list[str]:
    return re.findall(r'<td class="num strong">([^<]*)</td>', text)


def _manager():
    return _user(Role.OPERATIONS_MANAGER, program=Program.objects.get(code="P1"))


def test_custom_days_of_a_week_show_that_weeks_numbers(client):
    client.force_login(_manager())
    for path in ("/teams/T1/", "/programs/P1/", "/agents/A1/"):
        week = client.get(f"{path}?period={WEEK}&metric=aht").content.decode()
        days = client.get(f"{path}?{W41_DAYS}&metric=aht")
        assert days.status_code == 200
        text = days.content.decode()
        assert "5 Oct – 11 Oct 2026" in text
        assert _values(text) == _values(week) != []
        assert "Computed now from the imported data" in text
        assert 'id="period-error"' not in text


def test_a_quarter_shows_its_label_its_children_and_links_to_its_evidence(client):
    client.force_login(_manager())
    text = client.get("/teams/T1/?period=2026-Q4&metric=aht").content.decode()
    assert "Scorecard · Q4 2026 (1 Oct – 31 Dec)" in text
    assert "partial quarter" in text  # the data stops in October
    assert "Agents in Q4 2026 (1 Oct – 31 Dec)" in text
    assert "Agent A1" in text
    assert "Agent A2" in text
    assert 'href="/agents/A1/?period=2026-Q4&amp;metric=aht"' in text
    assert '<span class="range-kind" aria-current="true">Quarter</span>' in text
    assert 'href="?period=2026-Q3&amp;metric=aht"' in text  # the previous quarter
    link = re.search(r'href="(/teams/T1/evidence/2026-Q4/volume/)"', text)
    assert link, "the volume's n links to its evidence over the quarter"
    evidence = client.get(link[1]).content.decode()
    n = _n("team", "T1", "volume") + 1  # W41's calls and A1's call of Friday 2 October
    assert _count(evidence) == n
    assert f"This matches n = {n} on the scorecard." in evidence


def test_the_agents_evaluations_follow_custom_days(client):
    a1 = Agent.objects.get(code="A1")
    a1.user = _user()
    a1.save()
    client.force_login(a1.user)
    page = client.get(f"/agents/A1/?period={W41_TOKEN}").content.decode()
    assert f"/agents/A1/evaluations/{W41_TOKEN}/" in page
    text = client.get(f"/agents/A1/evaluations/{W41_TOKEN}/").content.decode()
    assert "All 3 evaluations behind QA" in text
    assert f"/agents/A1/evidence/{W41_TOKEN}/qa/" in text


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("from=2026-10-11&to=2026-10-05", "before it starts"),
        ("from=2025-01-01&to=2026-10-05", "at most 366 days"),
        ("from=2026-10-01&to=2026-12-25", "after today"),
        ("from=2026-10-01&to=tomorrow", "is not a date"),
        ("from=2026-10-01", "needs an end date"),
        ("period=2099-Q1", "has not started yet"),
        ("period=2026-Q7", "is not a period"),
        ("period=2026-10-05..2026-09-05", "before it starts"),
    ],
)
def test_bad_days_are_said_in_words_and_the_latest_week_shown(client, query, words):
    client.force_login(_manager())
    with time_machine.travel(dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC), tick=False):
        response = client.get(f"/teams/T1/?{query}")
    assert response.status_code == 200
    text = response.content.decode()
    notice = re.search(r'id="period-error">([^<]*)<', text)[1]
    assert words in notice.replace("&#x27;", "'")
    assert f"Showing {WEEK} instead." in notice


def test_a_busy_warehouse_is_said_in_words(client, monkeypatch):
    def busy(*args, **kwargs):
        raise WarehouseBusyError("locked")

    monkeypatch.setattr(live, "read_live", busy)
    client.force_login(_manager())
    text = client.get("/teams/T1/?period=2026-Q4").content.decode()
    assert "an import or a refresh is writing right now" in text
    assert client.get("/teams/T1/evidence/2026-Q4/aht/").status_code == 503


def test_custom_days_keep_the_doors_of_today(client):
    t1, t2 = Team.objects.get(code="T1"), Team.objects.get(code="T2")
    a1 = Agent.objects.get(code="A1")
    a1.user = _user()
    a1.save()
    viewer = _user(Role.CLIENT_VIEWER, client=Client.objects.get())
    cases = [
        (a1.user, "/agents/A1/", 200),
        (a1.user, "/agents/A2/", 404),
        (a1.user, "/teams/T1/", 404),
        (a1.user, "/agents/A1/evidence/{s}/aht/", 200),
        (a1.user, "/agents/A2/evidence/{s}/aht/", 404),
        (_user(Role.TEAM_LEAD, team=t1), "/teams/T1/", 200),
        (_user(Role.TEAM_LEAD, team=t1), "/teams/T2/", 404),
        (_user(Role.TEAM_LEAD, team=t2), "/agents/A1/", 404),
        (_user(Role.TEAM_LEAD, team=t2), "/agents/A1/evidence/{s}/aht/", 404),
        (_user(Role.TEAM_LEAD, team=t2), "/programs/P1/evidence/{s}/aht/", 404),
        (viewer, "/teams/T1/", 404),
        (viewer, "/agents/A1/evidence/{s}/qa/", 404),
        (viewer, "/programs/P1/evidence/{s}/aht/", 404),
    ]
    for user, path, expected in cases:
        client.force_login(user)
        for span in ("2026-Q4", W41_TOKEN):
            url = path.format(s=span) + ("" if "{s}" in path else f"?period={span}")
            assert client.get(url).status_code == expected, (user, url)


def test_a_client_viewer_reads_the_program_quarter_without_people(client):
    client.force_login(_user(Role.CLIENT_VIEWER, client=Client.objects.get()))
    text = client.get("/programs/P1/?period=2026-Q4").content.decode()
    assert "Scorecard · Q4 2026" in text
    assert "/evidence/" not in text
    assert "Team T1" not in text
    assert "Agent A1" not in text


# --- the API ---------------------------------------------------------------------------------


def test_the_api_takes_a_quarter_and_custom_days_like_the_page(client):
    client.force_login(_manager())
    week = client.get(f"/api/scorecards?level=team&entity=T1&period={WEEK}").json()
    days = client.get(f"/api/scorecards?level=team&entity=T1&period={W41_TOKEN}")
    assert days.status_code == 200
    body = days.json()
    assert body["period"] == W41_TOKEN
    assert body["values"] == week["values"]  # the same days: the same values, intervals, statuses
    quarter = client.get("/api/scorecards?level=team&entity=T1&period=2026-Q4").json()
    assert quarter["period"] == "2026-Q4"
    assert quarter["partial"] == "partial quarter"
    volume = next(v for v in quarter["values"] if v["metric"] == "volume")
    assert volume["n"] == _n("team", "T1", "volume") + 1


@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("2026-Q9", "is not a period"),
        ("2026-10-11..2026-10-05", "before it starts"),
        ("2099-01-01..2099-01-02", "has not started yet"),
    ],
)
def test_the_api_refuses_bad_days_with_words(client, period, words):
    client.force_login(_manager())
    response = client.get(f"/api/scorecards?level=team&entity=T1&period={period}")
    assert response.status_code == 422
    assert words in response.json()["detail"]


def test_the_api_keeps_the_doors_for_custom_days(client):
    client.force_login(_user(Role.TEAM_LEAD, team=Team.objects.get(code="T2")))
    for level, entity in (("team", "T1"), ("agent", "A1")):
        path = f"/api/scorecards?level={level}&entity={entity}&period={W41_TOKEN}"
        assert client.get(path).status_code == 404
