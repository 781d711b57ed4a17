"""Recorded events on the trends, drill-down from a number to its evidence, and the agent's
evaluations: a small program imported through the real import path and refreshed."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest
from django.test import override_settings

from factories import RoleGrantFactory, UserFactory, rolled_back_at_module_end
from upswing.ingest.service import import_file
from upswing.org.models import Agent, Client, Program, Role, Team
from upswing.performance.models import ContextEvent, ScorecardSnapshot
from upswing.scorecards.charts import Event, SeriesPoint, trend_chart
from upswing.scorecards.refresh import refresh
from upswing.warehouse.evidence import PAGE_SIZE, is_lock_error

WEEK = "2026-W41"
MONDAY = dt.date(2026, 10, 5)
TEAMS = {"T1": ["A1", "A2"], "T2": ["B1"]}

pytestmark = pytest.mark.django_db


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _interactions() -> list[dict]:
    """A1: 60 in 2026-W41 (every 5th abandoned, chat when k % 3 == 0, resolved when even);
    A2 and B1: 10 each; one of A1's in the week before (outside the period)."""
    rows = []
    counts = {"A1": 60, "A2": 10, "B1": 10}
    for agent, count in counts.items():
        for k in range(count):
            day = MONDAY + dt.timedelta(days=k % 7)
            rows.append(
                {
                    "interaction_id": f"{agent}-{k}",
                    "agent_id": agent,
                    "started_at": f"{day}T09:{k % 60:02d}:00+00:00",
                    "handle_seconds": "300",
                    "channel": "chat" if k % 3 == 0 else "voice",
                    "answered": "false" if k % 5 == 4 else "true",
                    "wait_seconds": "15",
                    "resolved": "true" if k % 2 == 0 else "false",
                    "reopened": "false",
                    "escalated": "false",
                    "topic": "billing" if k % 4 == 0 else "claims",
                }
            )
    rows.append(
        {**rows[0], "interaction_id": "A1-early", "started_at": "2026-10-02T09:00:00+00:00"}
    )
    return rows


def _surveys() -> list[dict]:
    # csat on A1's first 12 interactions (k % 5 == 4 are abandoned: not counted)
    return [
        {"interaction_id": f"A1-{k}", "kind": "csat", "score": str(1 + k % 5)} for k in range(12)
    ]


def _qa() -> list[dict]:
    rows = []
    for e, (agent, notes_points, critical_lost) in enumerate(
        [("A1", 8, False), ("A1", 10, True), ("A1", 5, False), ("B1", 10, False)]
    ):
        day = MONDAY + dt.timedelta(days=e)
        for criterion, category, points, critical in (
            ("notes", "documentation", notes_points, "false"),
            ("verify", "compliance", 0 if critical_lost else 10, "true"),
        ):
            rows.append(
                {
                    "evaluation_id": f"EV{e}",
                    "interaction_id": f"{agent}-{e}",
                    "agent_id": agent,
                    "evaluated_at": f"{day}T15:00:00+00:00",
                    "criterion": criterion,
                    "points": str(points),
                    "max_points": "10",
                    "evaluator": "qa@example.com",
                    "category": category,
                    "critical": critical,
                }
            )
    return rows


def _roster() -> list[dict]:
    return [
        {
            "agent_id": agent,
            "name": f"Agent {agent}",
            "team_id": team,
            "team_name": f"Team {team}",
            "program_id": "P1",
            "program_name": "Claims",
            "client_name": "Atlas",
            "start_date": "2026-01-01",
            "time_zone": "UTC",
        }
        for team, agents in TEAMS.items()
        for agent in agents
    ]


EVENTS = [
    {
        "program_id": "P1",
        "team_id": "",
        "kind": "outage",
        "starts_at": "2026-10-06T08:00:00+00:00",
        "ends_at": "2026-10-06T12:00:00+00:00",
        "description": "telephony down",
    },
    {
        "program_id": "P1",
        "team_id": "T2",
        "kind": "tool_change",
        "starts_at": "2026-09-21T00:00:00+00:00",
        "ends_at": "2026-10-04T23:00:00+00:00",
        "description": "new CRM",
    },
]


@pytest.fixture(scope="module")
def _module_program(django_db_setup, django_db_blocker, tmp_path_factory):
    """Imported and refreshed once per module (inside a transaction rolled back at the end);
    each test runs in its own savepoint on top (pytest-django's `db`)."""
    folder = tmp_path_factory.mktemp("drilldown")
    url = f"duckdb://{folder / 'warehouse.duckdb'}"
    files = {
        "roster": _roster(),
        "interactions": _interactions(),
        "surveys": _surveys(),
        "qa": _qa(),
        "events": EVENTS,
    }
    with override_settings(UPSWING_WAREHOUSE_URL=url), rolled_back_at_module_end(django_db_blocker):
        for kind, rows in files.items():
            import_file(kind, write_csv(folder / f"{kind}.csv", rows))
        refresh(full=True)
        yield url


@pytest.fixture
def program(_module_program, db, settings):
    settings.UPSWING_WAREHOUSE_URL = _module_program
    return _module_program


def _user(role: str | None = None, **scope):
    user = UserFactory(password=None)
    if role:
        RoleGrantFactory(user=user, role=role, **scope)
    return user


def _n(level: str, code: str, metric: str) -> int:
    return ScorecardSnapshot.objects.get(
        level=level, entity_code=code, period_kind="week", period_start=MONDAY, metric=metric
    ).n


def _count(text: str) -> int:
    return int(re.search(r"<strong>(\d+) (?:interactions|surveys|evaluations)</strong>", text)[1])


# --- recorded events -------------------------------------------------------------------------


def test_refresh_copies_the_events_and_the_trends_mark_them(client, program):
    events = {e.kind: e for e in ContextEvent.objects.all()}
    assert set(events) == {"outage", "tool_change"}
    assert events["outage"].team_code == ""
    assert events["outage"].starts_on == dt.date(2026, 10, 6)
    assert events["tool_change"].team_code == "T2"
    assert events["tool_change"].ends_on == dt.date(2026, 10, 4)

    client.force_login(_user(Role.OPERATIONS_MANAGER, program=Program.objects.get(code="P1")))
    t2 = client.get(f"/teams/T2/?period={WEEK}&metric=aht").content.decode()
    plot = t2.index('<svg class="chart-plot"')
    svg = t2[plot : t2.index("</svg>", plot)]
    assert svg.count('class="event-band"') == 2
    assert "Outage, 2026-10-06: telephony down" in svg
    assert "Tool change (team: this team), 2026-09-21 to 2026-10-04: new CRM" in svg
    assert "Recorded events in these 26 weeks" in t2

    t1 = client.get(f"/teams/T1/?period={WEEK}&metric=aht").content.decode()
    assert "telephony down" in t1
    assert "new CRM" not in t1
    program_page = client.get(f"/programs/P1/?period={WEEK}&metric=aht").content.decode()
    assert "(team: Team T2)" in program_page

    agent = client.get(f"/agents/B1/?period={WEEK}&metric=aht").content.decode()
    assert "new CRM" in agent
    assert "the agent&#x27;s team" in agent


def test_a_client_viewer_sees_program_wide_events_without_team_names(client, program):
    client.force_login(_user(Role.CLIENT_VIEWER, client=Client.objects.get()))
    text = client.get(f"/programs/P1/?period={WEEK}&metric=aht").content.decode()
    assert "telephony down" in text
    assert "new CRM" not in text
    assert "Team T2" not in text
    assert "/evidence/" not in text  # no drill-down for client viewers


def test_an_event_is_a_band_over_the_weeks_it_overlaps():
    points = [
        SeriesPoint(f"W{i}", start, start + dt.timedelta(days=6), 1.0)
        for i, start in enumerate(dt.date(2026, 9, 7) + dt.timedelta(weeks=w) for w in range(4))
    ]
    inside = Event(dt.date(2026, 9, 16), "outage", "", ends=dt.date(2026, 9, 23))
    outside = Event(dt.date(2026, 12, 1), "outage")
    (marker,) = trend_chart(points, "s", [inside, outside]).markers
    assert marker.number == 1
    one_week = trend_chart(points, "s", [Event(dt.date(2026, 9, 16), "outage")]).markers[0]
    assert marker.band_width == pytest.approx(2 * one_week.band_width, abs=0.2)


# --- drill-down ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "code", "metric"),
    [
        ("agent", "A1", "aht"),
        ("agent", "A1", "abandonment"),
        ("agent", "A1", "fcr"),
        ("agent", "A1", "csat"),
        ("agent", "A1", "qa"),
        ("team", "T1", "volume"),
        ("team", "T2", "qa"),
        ("program", "P1", "service_level"),
        ("program", "P1", "qa"),
    ],
)
def test_the_evidence_count_is_the_scorecards_n(client, program, level, code, metric):
    client.force_login(_user(Role.ADMIN))
    path = f"/{level}s/{code}/evidence/{WEEK}/{metric}/"
    text = client.get(path).content.decode()
    n = _n(level, code, metric)
    assert _count(text) == n
    assert f"This matches n = {n} on the scorecard." in text


def test_the_evidence_is_paged_and_filtered(client, program):
    client.force_login(_user(Role.ADMIN))
    base = f"/agents/A1/evidence/{WEEK}/abandonment/"
    first = client.get(base).content.decode()
    assert _count(first) == 60
    assert first.count('<th scope="row">A1-') == PAGE_SIZE
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first
    second = client.get(base, {"page": 2}).content.decode()
    assert second.count('<th scope="row">A1-') == 10
    assert 'rel="prev"' in second

    def matching(**filters) -> int:
        text = client.get(base, filters).content.decode()
        return int(re.search(r"(\d+) of 60 match the filters", text)[1])

    assert matching(channel="chat") == 20
    assert matching(answered="abandoned") == 12
    assert matching(topic="billing", resolved="yes") == 15
    assert matching(channel="voice' OR 1=1 --") == 0  # a value, never SQL


def test_the_qa_evidence_lists_criteria_and_filters_by_critical(client, program):
    client.force_login(_user(Role.ADMIN))
    base = f"/agents/A1/evidence/{WEEK}/qa/"
    text = client.get(base).content.decode()
    assert "Evaluation EV1" in text
    assert "critical criterion failed" in text
    assert "documentation" in text
    assert "8 / 10" in text
    failed = client.get(base, {"critical": "failed"}).content.decode()
    assert "1 of 3 match the filters" in failed
    lost = client.get(base, {"category": "documentation"}).content.decode()
    assert "2 of 3 match the filters" in lost


def test_drill_down_follows_the_numbers_scope(client, program):
    t1, t2 = Team.objects.get(code="T1"), Team.objects.get(code="T2")
    a1 = Agent.objects.get(code="A1")
    a1.user = _user()
    a1.save()
    cases = [
        (a1.user, "/agents/A1/evidence/{w}/aht/", 200),
        (a1.user, "/agents/A2/evidence/{w}/aht/", 404),
        (a1.user, "/teams/T1/evidence/{w}/aht/", 404),
        (_user(Role.TEAM_LEAD, team=t1), "/agents/A1/evidence/{w}/aht/", 200),
        (_user(Role.TEAM_LEAD, team=t1), "/teams/T1/evidence/{w}/aht/", 200),
        (_user(Role.TEAM_LEAD, team=t2), "/agents/A1/evidence/{w}/aht/", 404),
        (_user(Role.TEAM_LEAD, team=t2), "/programs/P1/evidence/{w}/aht/", 404),
        (
            _user(Role.CLIENT_VIEWER, client=Client.objects.get()),
            "/programs/P1/evidence/{w}/aht/",
            404,
        ),
        (
            _user(Role.CLIENT_VIEWER, client=Client.objects.get()),
            "/agents/A1/evidence/{w}/qa/",
            404,
        ),
    ]
    for user, path, expected in cases:
        client.force_login(user)
        assert client.get(path.format(w=WEEK)).status_code == expected, (user, path)


def test_the_agent_sees_their_own_evaluations_scored_like_the_kpi(client, program):
    a1 = Agent.objects.get(code="A1")
    a1.user = _user()
    a1.save()
    client.force_login(a1.user)
    page = client.get(f"/agents/A1/?period={WEEK}").content.decode()
    assert f"/agents/A1/evaluations/{WEEK}/" in page
    assert f"/agents/A1/evidence/{WEEK}/qa/" in page  # n links to the evidence
    text = client.get(f"/agents/A1/evaluations/{WEEK}/", headers={"HX-Request": "true"})
    text = text.content.decode()
    assert "<html" not in text
    scores = re.findall(r'<td class="num">([\d.]+%)</td>', text)
    assert scores == ["75.0%", "0.0%", "90.0%"]  # EV2, EV1 (critical failed), EV0
    assert "All 3 evaluations behind QA" in text


# --- the warehouse busy ----------------------------------------------------------------------


def test_a_locked_warehouse_answers_503_not_a_crash(client, program):
    client.force_login(_user(Role.ADMIN))
    writer = duckdb.connect(program.removeprefix("duckdb://"))  # an import holding the file
    try:
        response = client.get(f"/agents/A1/evidence/{WEEK}/aht/")
    finally:
        writer.close()
    assert response.status_code == 503
    text = response.content.decode().lower()
    assert "the warehouse is being updated, try again in a minute" in text
    assert client.get(f"/agents/A1/evidence/{WEEK}/aht/").status_code == 200


def test_another_processs_lock_is_recognised():
    held = duckdb.IOException(
        'IO Error: Could not set lock on file "/x/warehouse.duckdb": Conflicting lock is held'
    )
    assert is_lock_error(held)
    assert not is_lock_error(duckdb.IOException("IO Error: Cannot open file: permission denied"))


def test_the_evidence_sorts_in_the_warehouse_and_exports_every_matching_row(client, program):
    client.force_login(_user(Role.ADMIN))
    base = f"/teams/T1/evidence/{WEEK}/abandonment/"
    text = client.get(base, {"sort": "-interaction_id", "channel": "chat"}).content.decode()
    ids = re.findall(r'<th scope="row">([A-Z]\d-\d+)</th>', text)
    assert ids == sorted(ids, reverse=True)
    assert 'aria-sort="descending"' in text
    response = client.get(base, {"sort": "-interaction_id", "channel": "chat", "export": "csv"})
    assert "channel-chat" in response["Content-Disposition"]
    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["Started", "Interaction", "Agent"]
    exported = [r[1] for r in rows[1:]]
    assert exported == sorted(exported, reverse=True)
    assert len(exported) == int(re.search(r"(\d+) of \d+ match the filters", text)[1])
    assert {r[3] for r in rows[1:]} == {"chat"}
    bad = client.get(base, {"sort": "handle_seconds;drop", "page": "x"})
    assert bad.status_code == 200
    assert "not a column of this table" in bad.content.decode()


def test_an_evaluator_recorded_by_email_is_shown_by_name(client, program):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(
        "quinn", email="qa@example.com", first_name="Quinn", last_name="Quality"
    )
    a1 = Agent.objects.get(code="A1")
    a1.user = _user()
    a1.save()
    client.force_login(a1.user)
    text = client.get(f"/agents/A1/evaluations/{WEEK}/").content.decode()
    assert text.count('Quinn Quality<span class="note">qa@example.com</span>') == 3


def test_an_evaluator_with_no_account_is_named_from_the_address_and_marked(client, program):
    a1 = Agent.objects.get(code="A1")
    a1.user = _user()
    a1.save()
    client.force_login(a1.user)
    text = client.get(f"/agents/A1/evaluations/{WEEK}/").content.decode()
    assert text.count('Qa (no account)<span class="note">qa@example.com</span>') == 3
    evidence = client.get(f"/agents/A1/evidence/{WEEK}/qa/").content.decode()
    assert "evaluator Qa (no account)" in evidence
    assert "evaluator qa@example.com" not in evidence
    exported = client.get(f"/agents/A1/evidence/{WEEK}/qa/?export=csv").content.decode()
    assert "Qa (no account)" in exported
    assert "qa@example.com" not in exported


def test_the_evidence_export_names_an_evaluator_who_has_an_account(client, program):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(
        "quinn", email="QA@example.com", first_name="Quinn", last_name="Quality"
    )
    a1 = Agent.objects.get(code="A1")
    a1.user = _user()
    a1.save()
    client.force_login(a1.user)
    exported = client.get(f"/agents/A1/evidence/{WEEK}/qa/?export=csv").content.decode()
    assert "Quinn Quality" in exported
    assert "no account" not in exported
