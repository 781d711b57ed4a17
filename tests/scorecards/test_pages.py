"""Dashboard pages: period and metric choice, pairs, htmx partials, charts and query budgets."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factories import (
    FIRST_WEEK,
    AgentFactory,
    MembershipFactory,
    ProgramFactory,
    RoleGrantFactory,
    TeamFactory,
    UserFactory,
    build_persona_org,
    snapshot_rows,
)
from upswing.metrics import CATALOG
from upswing.org.models import Role
from upswing.performance.models import Level, ScorecardSnapshot
from upswing.scorecards.charts import SeriesPoint, trend_chart
from upswing.scorecards.pages import pair_groups

# session, user, grants, entity, periods, scorecard, trend, list (2), breadcrumbs, nav (2),
# recorded events on the trend (1); on an agent's page, the doors to that agent's rows (1)
PAGE_BUDGET = 14


@pytest.fixture
def org(db):
    return build_persona_org()


def _as(client, org, persona):
    client.force_login(org.user(persona))
    return client


def test_the_latest_week_is_shown_by_default(client, org):
    text = _as(client, org, "manager").get("/programs/P1/").content.decode()
    assert "Scorecard · 2026-W46" in text


def test_a_chosen_week_is_shown(client, org):
    text = _as(client, org, "manager").get("/programs/P1/?period=2026-W40").content.decode()
    assert "Scorecard · 2026-W40" in text
    assert 'type="week" value="2026-W40"' in text


@pytest.mark.parametrize("label", ["last week", "2026-W60", "2027-W01"])
def test_a_bad_or_empty_period_falls_back_to_the_latest_with_a_notice(client, org, label):
    response = _as(client, org, "manager").get("/programs/P1/", {"period": label})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Showing 2026-W46 instead" in text


def test_status_is_written_in_words_not_only_colour(client, org):
    text = _as(client, org, "manager").get("/programs/P1/").content.decode()
    assert "Below target" in text or "On target" in text
    assert 'class="status status-' in text


def test_metrics_are_shown_in_their_pairs_with_the_risk_note(client, org):
    text = _as(client, org, "manager").get("/teams/T1/").content.decode()
    aht, fcr = text.index(">Average handle time<"), text.index(">First-contact resolution<")
    between = text[aht:fcr]
    assert "<tr" in between
    assert between.count("<tr") == 1
    assert CATALOG["aht"].risk_alone in text
    assert "read with First-contact resolution" in text


def test_pair_groups_put_each_metric_next_to_its_pair():
    groups = pair_groups()
    flat = [m for g in groups for m in g]
    assert sorted(flat) == sorted(CATALOG)
    by_metric = {m: g for g in groups for m in g}
    assert by_metric["aht"] is by_metric["fcr"]
    assert by_metric["csat"] is by_metric["wait"]
    aht_group = by_metric["aht"]
    assert abs(aht_group.index("aht") - aht_group.index("fcr")) == 1
    csat_group = by_metric["csat"]
    assert abs(csat_group.index("csat") - csat_group.index("wait")) == 1


def test_metric_parameter_chooses_the_trend(client, org):
    text = _as(client, org, "manager").get("/teams/T1/?metric=fcr").content.decode()
    assert "Weekly trend · First-contact resolution" in text
    assert "<svg" in text
    assert 'class="band"' in text
    assert 'class="line sla"' in text
    assert 'class="line target"' in text


def test_htmx_asks_for_the_trend_only(client, org):
    response = _as(client, org, "manager").get(
        "/teams/T1/?metric=fcr&period=2026-W44", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="trend"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text
    assert "Weekly trend · First-contact resolution" in text
    assert "HX-Request" in response["Vary"]
    assert "2026-W44" in text


def test_the_listed_agents_follow_the_metric_of_the_htmx_trend(client, org):
    text = (
        _as(client, org, "manager")
        .get(
            "/teams/T1/?metric=fcr&period=2026-W44", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="trend"
        )
        .content.decode()
    )
    listing = text[text.index('id="children"') :]
    assert 'hx-swap-oob="true"' in listing
    assert "First-contact resolution" in listing
    assert "metric=fcr" in listing
    assert "metric=aht" not in listing


def test_htmx_trend_goes_through_the_same_access_check(client, org):
    response = _as(client, org, "lead").get(
        "/teams/T2/?metric=fcr", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="trend"
    )
    assert response.status_code == 404


def test_a_lead_sees_a_transferred_agent_only_for_the_weeks_on_their_team(client, org):
    text = _as(client, org, "lead").get("/agents/A5/").content.decode()
    assert "Scorecard · 2026-W41" in text  # the last week on T1
    assert ">2026-W42" not in text
    assert "2026-W46" not in text


def test_an_agent_sees_their_own_page_with_the_team_baseline(client, org):
    text = _as(client, org, "agent").get("/agents/A1/").content.decode()
    assert "Your scorecard" in text
    assert ">Team<" in text  # the baseline column is the team's value
    assert "Peter Pike" not in text
    assert "/teams/" not in text
    assert "/programs/" not in text


def test_pages_are_not_cached(client, org):
    response = _as(client, org, "manager").get("/programs/P1/")
    assert "no-store" in response["Cache-Control"]


def test_a_page_without_data_says_so(client, db):
    user = UserFactory(username="m")
    program = ProgramFactory(code="EMPTY", name="Empty program")
    RoleGrantFactory(user=user, role=Role.OPERATIONS_MANAGER, program=program)
    client.force_login(user)
    text = client.get("/programs/EMPTY/").content.decode()
    assert "No scorecard yet" in text


def test_post_is_refused_on_dashboards(client, org):
    assert _as(client, org, "manager").post("/programs/P1/").status_code == 405


# --- query budgets ------------------------------------------------------------------------


def _program_with_agents(count: int) -> tuple[object, str]:
    """A program of two teams and `count` agents, 4 weeks of rows; returns (manager, prefix)."""
    prefix = f"B{count}"
    program = ProgramFactory(code=f"{prefix}P", name=f"Budget program {count}")
    teams = [
        TeamFactory(code=f"{prefix}T{i}", name=f"Budget team {i}", program=program) for i in (1, 2)
    ]
    manager = UserFactory(username=f"budget-manager-{count}")
    RoleGrantFactory(user=manager, role=Role.OPERATIONS_MANAGER, program=program)
    rows = []
    for i in range(count):
        agent = AgentFactory(code=f"{prefix}A{i:03d}", name=f"Budget agent {i}")
        MembershipFactory(agent=agent, team=teams[i % 2])
    for week in range(4):
        start = FIRST_WEEK + dt.timedelta(weeks=week)
        rows += snapshot_rows(Level.PROGRAM, program.code, "", program.code, start)
        for team in teams:
            rows += snapshot_rows(Level.TEAM, team.code, team.code, program.code, start)
        for i in range(count):
            team = teams[i % 2]
            rows += snapshot_rows(Level.AGENT, f"{prefix}A{i:03d}", team.code, program.code, start)
    ScorecardSnapshot.objects.bulk_create(rows)
    return manager, prefix


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["programs/{p}P", "teams/{p}T1", "agents/{p}A000"])
def test_query_count_does_not_grow_with_the_number_of_agents(
    client, db, page, django_assert_max_num_queries
):
    counts = []
    for size in (5, 50):
        manager, prefix = _program_with_agents(size)
        client.force_login(manager)
        path = "/" + page.format(p=prefix) + "/"
        with django_assert_max_num_queries(PAGE_BUDGET):
            counts.append(_queries(client, path))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries for 5 agents, {counts[1]} for 50"


_NARROWING = re.compile(r"[(\s](entity_code|team_code|program_code)=\?")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
@pytest.mark.parametrize(
    "page",
    ["programs/{p}P/", "teams/{p}T1/", "teams/{p}T1/?metric=csat", "agents/{p}A000/?metric=csat"],
)
def test_every_snapshot_read_of_a_page_seeks_its_entity_team_or_program(client, db, page):
    """SQLite plans without statistics: an index leading with a column every query names but
    that narrows nothing (the level) was taken for a team's page, which then read every agent
    row of the table (0.12 s a page at 2,000 agents)."""
    manager, prefix = _program_with_agents(5)
    client.force_login(manager)
    with CaptureQueriesContext(connection) as captured:
        trend = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "trend"} if "metric" in page else {}
        response = client.get("/" + page.format(p=prefix), **trend)
        assert response.status_code == 200
    table = ScorecardSnapshot._meta.db_table
    reads = [q["sql"] for q in captured if f'"{table}"' in q["sql"]]
    assert reads
    with connection.cursor() as cursor:
        # the table's plan steps: named, or (aliased in a subquery) by one of its indexes
        names = [table, *connection.introspection.get_constraints(cursor, table)]
        for sql in reads:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            steps = [r[3] for r in cursor.fetchall() if any(n in r[3] for n in names)]
            assert steps, sql[-300:]
            assert all(_NARROWING.search(step) for step in steps), (steps, sql[-300:])


# --- the chart geometry -------------------------------------------------------------------


def _point(i: int, value, **extra) -> SeriesPoint:
    start = FIRST_WEEK + dt.timedelta(weeks=i)
    return SeriesPoint(
        label=f"W{i}", start=start, end=start + dt.timedelta(days=6), value=value, **extra
    )


def test_a_week_without_data_is_a_gap_in_the_line():
    chart = trend_chart([_point(0, 1.0), _point(1, None), _point(2, 3.0)], "%")
    assert chart.value_path.count("M") == 2
    assert "L" not in chart.value_path
    assert len(chart.dots) == 2


def test_the_band_follows_the_interval_and_the_bounds_step():
    points = [
        _point(i, 80.0, ci_low=75.0, ci_high=85.0, sla_floor=70.0, kpi_target=t)
        for i, t in enumerate([90.0, 90.0, 95.0])
    ]
    chart = trend_chart(points, "%")
    assert chart.band_path.startswith("M")
    assert chart.band_path.endswith("Z")
    # a target that changes is drawn as a step: one extra vertex
    assert chart.target_path.count("L") == 3
    assert chart.sla_path.count("L") == 2
    assert not chart.empty


def test_an_empty_series_draws_nothing():
    chart = trend_chart([_point(0, None), _point(1, None)])
    assert chart.empty
    assert chart.value_path == ""
    assert chart.band_path == ""


def test_values_above_and_below_stay_inside_the_plot():
    chart = trend_chart([_point(0, 10.0, ci_low=0.0, ci_high=20.0), _point(1, 1000.0)])
    for dot in chart.dots:
        assert chart.plot_top <= dot.y <= chart.plot_bottom


# --- a program of many teams: worst first, the rest on the next pages ------------------------


def _fcr_row(level: str, code: str, fcr: float) -> ScorecardSnapshot:
    status = "below_sla" if fcr < 70 else "below_target" if fcr < 80 else "on_target"
    return ScorecardSnapshot(
        level=level, entity_code=code, team_code="" if level == Level.PROGRAM else code,
        program_code="MANY",
        period_kind="week", period_start=FIRST_WEEK, metric="fcr", value=fcr,
        numerator=fcr, n=500, sla_floor=70.0, kpi_target=80.0, status=status,
        refreshed_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
    )  # fmt: skip


def test_a_programs_teams_are_listed_worst_first_and_paged(client, db):
    program = ProgramFactory(code="MANY", name="Many teams")
    values = {f"M{i:02d}": 60.0 + (i * 7) % 30 for i in range(30)}  # 60 to 89, shuffled
    for code in values:
        TeamFactory(code=code, name=f"Team {code}", program=program)
    rows = [_fcr_row(Level.TEAM, code, v) for code, v in values.items()]
    ScorecardSnapshot.objects.bulk_create([*rows, _fcr_row(Level.PROGRAM, "MANY", 75.0)])
    manager = UserFactory(username="many-teams-manager")
    RoleGrantFactory(user=manager, role=Role.OPERATIONS_MANAGER, program=program)
    client.force_login(manager)

    first = client.get("/programs/MANY/?metric=fcr&cper=25").context["children_table"]
    rest = client.get("/programs/MANY/?metric=fcr&cper=25&cpage=2").context["children_table"]
    shown = [row.code for row in first.rows + rest.rows]
    missing = sorted((code for code in values if values[code] < 80), key=values.get)
    met = sorted(code for code in values if values[code] >= 80)
    assert shown == missing + met  # the furthest short first; those meeting it by name
    assert [row.status.code for row in first.rows[:10]] == ["below_sla"] * 10
    assert (first.slice.total, len(first.rows), len(rest.rows)) == (30, 25, 5)
