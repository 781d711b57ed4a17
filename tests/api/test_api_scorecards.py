"""Scorecard and trend values: what the page shows, as numbers, for periods and ranges."""

from __future__ import annotations

import pytest

from api.records import VISIBLE
from factories import PERSONAS
from upswing.periods import parse_period
from upswing.scorecards.queries import scorecard_for_range


def test_latest_week_by_default_with_n_interval_baseline_floor_target_status(session_as):
    body = session_as("lead").get("/api/scorecards?level=agent&entity=A1").json()
    assert body["level"] == "agent"
    assert body["period"] == "2026-W46"
    fcr = next(v for v in body["values"] if v["metric"] == "fcr")
    assert fcr == {
        "metric": "fcr",
        "label": fcr["label"],
        "unit": "%",
        "value": 74.0,
        "n": 100,
        "interval": {"low": 70.0, "high": 78.0},
        "baseline": 76.0,
        "floor": 70.0,
        "target": 80.0,
        "status": "below_target",
    }
    aht = next(v for v in body["values"] if v["metric"] == "aht")
    assert aht["interval"] is None


def test_a_named_week_and_an_invalid_period(session_as):
    client = session_as("manager")
    body = client.get("/api/scorecards?level=program&entity=P1&period=2026-W40").json()
    assert body["period"] == "2026-W40"
    assert {v["metric"] for v in body["values"] if v["value"] is not None} == {"aht", "fcr"}
    unmeasured = [v for v in body["values"] if v["value"] is None]
    assert {v["status"] for v in unmeasured} == {"not_measured"}
    assert {v["n"] for v in unmeasured} == {0}
    bad = client.get("/api/scorecards?level=program&entity=P1&period=last-week")
    assert bad.status_code == 422
    assert "not a period" in bad.json()["detail"]
    backwards = client.get("/api/scorecards?level=program&entity=P1&period=2026-W45..2026-W40")
    assert backwards.status_code == 422


def test_a_range_combines_numerators_like_the_cli(session_as):
    body = (
        session_as("admin")
        .get("/api/scorecards?level=team&entity=T1&period=2026-W38..2026-W41")
        .json()
    )
    assert body["period"] == "2026-W38..2026-W41"
    expected = scorecard_for_range("team", "T1", parse_period("2026-W38"), parse_period("2026-W41"))
    assert [(v["metric"], v["value"], v["n"]) for v in body["values"]] == [
        (line.metric, line.value, line.n) for line in expected
    ]
    assert all(v["status"] == "no_target" and v["floor"] is None for v in body["values"])


def test_a_range_for_a_transferred_agent_counts_only_the_leads_weeks(session_as):
    path = "/api/scorecards?level=agent&entity=A5&period=2026-W37..2026-W46"
    lead = session_as("lead").get(path).json()
    admin = session_as("admin").get(path).json()
    lead_n = {v["metric"]: v["n"] for v in lead["values"]}
    admin_n = {v["metric"]: v["n"] for v in admin["values"]}
    assert lead_n == {"aht": 500, "fcr": 500}  # W37..W41 on T1
    assert admin_n == {"aht": 1000, "fcr": 1000}


def test_the_lead_sees_no_values_for_a_week_on_another_team(session_as):
    body = session_as("lead").get("/api/scorecards?level=agent&entity=A5&period=2026-W44").json()
    assert body["values"] == []
    latest = session_as("lead").get("/api/scorecards?level=agent&entity=A5").json()
    assert latest["period"] == "2026-W41"


def test_unknown_level_is_422(session_as):
    assert session_as("admin").get("/api/scorecards?level=site&entity=P1").status_code == 422


def test_program_trend_has_26_weeks_with_gaps(session_as):
    body = session_as("client_viewer").get("/api/programs/P1/trend?metric=fcr").json()
    assert body["kind"] == "week"
    assert len(body["points"]) == 26
    assert body["points"][-1]["period"] == "2026-W46"
    assert body["points"][-1]["value"] == 74.0
    gaps = [p for p in body["points"] if p["value"] is None]
    assert len(gaps) == 16
    assert all(p["n"] == 0 and p["status"] == "no_data" for p in gaps)


def test_program_trend_errors(session_as):
    client = session_as("client_viewer")
    assert client.get("/api/programs/P2/trend?metric=fcr").status_code == 404
    assert client.get("/api/programs/P1/trend?metric=speed").status_code == 422
    assert client.get("/api/programs/P1/trend?metric=fcr&period=2026-10").status_code == 422
    assert client.get("/api/programs/P1/trend?metric=fcr&period=0001-W01").status_code == 422
    months = client.get("/api/programs/P1/trend?metric=fcr&kind=month").json()
    assert months["points"] == []


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_trend_scope(session_as, persona):
    for code in ("P1", "P2"):
        response = session_as(persona).get(f"/api/programs/{code}/trend?metric=aht")
        assert response.status_code == (200 if code in VISIBLE[persona] else 404)
