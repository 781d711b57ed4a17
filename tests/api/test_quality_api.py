"""Evaluations, disputes and calibrations in the API: scoping, the dispute flow, blindness."""

from __future__ import annotations

import json

import pytest

from quality_records import build_quality_records

from .conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(org):
    return build_quality_records(org)


@pytest.fixture
def tokens(token_for):
    """One token per persona for the whole test (a persona's token is made once)."""
    made: dict[str, str] = {}

    def get(persona: str) -> str:
        if persona not in made:
            made[persona] = token_for(persona)
        return made[persona]

    return get


def _get(client, token, path):
    return client.get(path, **bearer(token))


def _post(client, token, path, body):
    return client.post(path, json.dumps(body), content_type="application/json", **bearer(token))


def test_evaluations_are_scoped_like_the_pages(records, client, tokens):
    ids = {
        persona: {
            e["id"]
            for e in _get(client, tokens(persona), "/api/quality/evaluations").json()["items"]
        }
        for persona in ("agent", "lead", "qa", "client_viewer", "admin")
    }
    assert ids["agent"] == {9501}
    assert ids["lead"] == {9501}
    assert ids["qa"] == {9501, 9502}
    assert ids["client_viewer"] == set()
    assert ids["admin"] == {9501, 9502, 9503}
    one = _get(client, tokens("agent"), "/api/quality/evaluations/9501").json()
    assert [c["criterion"] for c in one["criteria"]] == ["greet", "verify", "explain"]
    assert _get(client, tokens("agent"), "/api/quality/evaluations/9502").status_code == 404


def test_the_agent_disputes_and_an_arbitrator_who_did_not_score_decides(records, client, tokens):
    agent = tokens("agent")
    evaluation = _get(client, agent, "/api/quality/evaluations/9501").json()
    made = _post(
        client,
        agent,
        "/api/quality/evaluations/9501/disputes",
        {"criterion": "explain", "reason": "Explained at 02:10.", "version": 1},
    )
    assert made.status_code == 201, made.content
    dispute = made.json()["id"]
    again = _post(
        client,
        agent,
        "/api/quality/evaluations/9501/disputes",
        {"criterion": "explain", "reason": "again", "version": 2},
    )
    assert again.status_code == 409
    lead = _post(
        client,
        tokens("lead"),
        "/api/quality/evaluations/9501/disputes",
        {"criterion": "greet", "reason": "x", "version": 2},
    )
    assert lead.status_code == 403
    decision = {"outcome": "rejected", "note": "Status not given."}
    qa = _post(client, tokens("qa"), f"/api/quality/disputes/{dispute}/decision", decision)
    assert qa.status_code == 403  # the evaluator
    decided = _post(
        client, tokens("manager"), f"/api/quality/disputes/{dispute}/decision", decision
    )
    assert decided.status_code == 200
    assert decided.json()["outcome"] == "rejected"
    assert decided.json()["score_after"] == evaluation["score"]
    listed = _get(client, tokens("agent"), "/api/quality/disputes").json()["items"]
    assert {d["id"] for d in listed} == {9701, dispute}


def test_calibrations_show_results_only_once_revealed(records, client, tokens):
    viewer = _get(client, tokens("client_viewer"), "/api/quality/calibrations").json()["items"]
    assert [s["id"] for s in viewer] == [9801]
    results = viewer[0]["results"]
    assert results["overall"]["key"] == "Overall score"
    assert {c["key"] for c in results["criteria"]} == {"greet", "verify", "explain"}
    blind = _get(client, tokens("admin"), "/api/quality/calibrations/9802").json()
    assert blind["results"] is None
    assert (
        _get(client, tokens("client_viewer"), "/api/quality/calibrations/9802").status_code == 404
    )


def test_the_schema_lists_the_quality_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/quality/evaluations" in paths
    assert "post" in paths["/api/quality/disputes/{dispute_id}/decision"]
