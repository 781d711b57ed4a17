"""Every persona × every read endpoint: status codes, and lists that never hold a row out of
scope (a client viewer gets program-level data of their own client only, never agents)."""

from __future__ import annotations

import pytest

from api.records import (
    FINDINGS_VISIBLE,
    TARGETS_VISIBLE,
    VISIBLE,
    add_findings,
    add_targets,
)
from factories import PERSONAS

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
KINDS = {"P": "programs", "T": "teams", "A": "agents"}
LEVELS = {"P": "program", "T": "team", "A": "agent"}
ENTITIES = ["P1", "P2", "T1", "T2", "T3", "A1", "A2", "A3", "A4", "A5", "NOPE"]


def _codes(response) -> set[str]:
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["code"] for item in body["items"]}


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_lists_hold_exactly_what_the_persona_may_see(session_as, persona):
    client = session_as(persona)
    for prefix, kind in KINDS.items():
        response = client.get(f"/api/{kind}")
        assert response.status_code == 200
        wanted = {c for c in VISIBLE[persona] if c.startswith(prefix)}
        assert _codes(response) == wanted, f"{persona} /api/{kind}"


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_details_answer_200_in_scope_and_the_same_404_otherwise(session_as, persona):
    client = session_as(persona)
    for code in ENTITIES:
        kind = KINDS.get(code[0], "programs")
        response = client.get(f"/api/{kind}/{code}")
        expected = 200 if code in VISIBLE[persona] else 404
        assert response.status_code == expected, f"{persona} {kind}/{code}"
        if expected == 404:
            assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_scorecards_follow_the_same_scope(session_as, persona):
    client = session_as(persona)
    for code in ENTITIES[:-1]:
        response = client.get(f"/api/scorecards?level={LEVELS[code[0]]}&entity={code}")
        expected = 200 if code in VISIBLE[persona] else 404
        assert response.status_code == expected, f"{persona} scorecard {code}"


def test_anonymous_calls_get_401_and_never_a_redirect(session_as):
    client = session_as("anonymous")
    paths = [
        "/api/programs",
        "/api/programs/P1",
        "/api/programs/P1/trend?metric=aht",
        "/api/teams",
        "/api/teams/T1",
        "/api/agents",
        "/api/agents/A1",
        "/api/scorecards?level=program&entity=P1",
        "/api/targets",
        "/api/targets/1",
        "/api/findings",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "Unauthorized"}
    for path in ("/api/targets", "/api/imports"):
        assert client.post(path, {}).status_code == 401, path


def test_program_detail_lists_only_visible_teams(session_as):
    assert [t["code"] for t in session_as("lead").get("/api/programs/P1").json()["teams"]] == ["T1"]
    manager = session_as("manager").get("/api/programs/P1").json()
    assert [t["code"] for t in manager["teams"]] == ["T1", "T2"]
    assert session_as("client_viewer").get("/api/programs/P1").json()["teams"] == []


def test_a_client_viewer_never_reads_a_team_or_agent_anywhere(session_as):
    client = session_as("client_viewer")
    assert client.get("/api/teams").json()["items"] == []
    assert client.get("/api/agents").json()["items"] == []
    assert client.get("/api/findings").json()["items"] == []
    for level, code in (("team", "T1"), ("agent", "A1")):
        assert client.get(f"/api/scorecards?level={level}&entity={code}").status_code == 404
    text = client.get("/api/programs/P1").content.decode()
    for name in ("Claims North", "Alice Anders", "T1", "A1"):
        assert name not in text


def test_a_lead_sees_a_transferred_agents_spells_on_their_team_only(session_as):
    erin = session_as("lead").get("/api/agents/A5").json()
    assert [m["team"] for m in erin["memberships"]] == ["T1"]
    assert erin["memberships"][0]["end_date"] == "2026-10-11"
    assert [m["team"] for m in session_as("admin").get("/api/agents/A5").json()["memberships"]] == [
        "T1",
        "T2",
    ]


def test_an_agent_sees_all_of_their_own_spells(session_as):
    alice = session_as("agent").get("/api/agents/A1").json()
    assert alice["memberships"] == [{"team": "T1", "start_date": "2025-01-01", "end_date": None}]


def test_team_filter_on_agents_only_opens_visible_teams(session_as):
    lead = session_as("lead")
    assert _codes(lead.get("/api/agents?team=T1")) == {"A1", "A2", "A5"}
    assert _codes(lead.get("/api/agents?team=T2")) == set()


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_targets_list_and_detail_follow_program_and_team_scope(session_as, org, persona):
    made = add_targets(org)
    client = session_as(persona)
    body = client.get("/api/targets?limit=500").json()
    labels = {label for label, t in made.items() if t.pk in {i["id"] for i in body["items"]}}
    assert labels == TARGETS_VISIBLE[persona]
    assert body["count"] == len(TARGETS_VISIBLE[persona])
    for label, target in made.items():
        expected = 200 if label in TARGETS_VISIBLE[persona] else 404
        assert client.get(f"/api/targets/{target.pk}").status_code == expected, label


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_findings_follow_the_team_the_agent_was_on(session_as, persona):
    made = add_findings()
    body = session_as(persona).get("/api/findings").json()
    seen = {label for label, f in made.items() if f.pk in {i["id"] for i in body["items"]}}
    assert seen == FINDINGS_VISIBLE[persona]


def test_findings_filters(session_as):
    add_findings()
    client = session_as("manager")
    assert {i["agent"] for i in client.get("/api/findings?agent=A5").json()["items"]} == {"A5"}
    assert {i["team"] for i in client.get("/api/findings?team=T2").json()["items"]} == {"T2"}
    assert client.get("/api/findings?as_of=2026-11-01").json()["count"] == 1


def test_pagination_has_a_ceiling_and_counts_everything(session_as):
    client = session_as("admin")
    page = client.get("/api/agents?limit=2&offset=1").json()
    assert page["count"] == 5
    assert [a["code"] for a in page["items"]] == ["A2", "A3"]
    assert client.get("/api/agents?limit=501").status_code == 422
    assert client.get("/api/agents?limit=0").status_code == 422
    assert client.get("/api/agents?offset=-1").status_code == 422


def test_responses_are_never_cached(session_as):
    response = session_as("lead").get("/api/agents")
    assert response["Cache-Control"] == "no-store, private"
