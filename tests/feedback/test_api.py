"""Feedback in the REST API: scoped like the pages, results under the same thresholds."""

from __future__ import annotations

import pytest

from upswing.feedback.models import AnonymousSheet, Completion


def _get(client, path):
    return client.get(f"/api/feedback{path}")


@pytest.mark.parametrize(
    ("persona", "cycles"),
    [
        ("lead", {9401, 9402}),
        ("hr", {9401, 9402}),
        ("admin", {9401, 9402, 9403}),
        ("agent", {9401, 9402}),
        ("qa", set()),
        ("client_viewer", set()),
        ("other_lead", set()),
    ],
)
def test_cycles_are_scoped_like_the_pages(login_as, persona, cycles):
    response = _get(login_as(persona), "/cycles")
    assert response.status_code == 200
    assert {c["id"] for c in response.json()["items"]} == cycles


def test_a_subject_sees_only_their_own_place_in_a_team_cycle(login_as):
    autumn = _get(login_as("agent"), "/cycles/9401").json()
    assert autumn["subjects"] == ["A1"]
    assert _get(login_as("lead"), "/cycles/9401").json()["subjects"] == ["A1", "A2"]


def test_results_open_at_close_to_the_subject_and_staff_only(login_as):
    assert _get(login_as("peer"), "/cycles/9401/results/A1").status_code == 404
    assert _get(login_as("agent"), "/cycles/9402/results/A1").status_code == 404  # open
    data = _get(login_as("agent"), "/cycles/9401/results/A1").json()
    listens = {c["group"]: c for c in data["questions"][0]["groups"]}
    assert listens["peer"]["n"] == 6
    assert listens["peer"]["distribution"] == [0, 0, 1, 3, 2]
    assert listens["self"]["mean"] == 4
    assert listens["manager"]["privacy"] == "confidential"
    keep = {b["group"]: b for b in data["questions"][4]["comments"]}
    assert keep["peer"] == {
        "group": "peer",
        "label": "Peers",
        "privacy": "anonymous",
        "shown": False,
        "comments": [],
    }
    only = _get(login_as("lead"), "/cycles/9401/results/A1?group=peer").json()
    assert [c["group"] for c in only["questions"][0]["groups"]] == ["peer"]


def test_a_rater_answers_once_through_the_api(login_as):
    client = login_as("peer")
    requests = _get(client, "/requests").json()["items"]
    assert [r["id"] for r in requests] == [9421]
    assert requests[0]["privacy"] == "anonymous"
    before = AnonymousSheet.objects.filter(subject_id=9413).count()
    body = {"answers": {"listens": 4, "keep": "Clear notes."}}
    sent = client.post("/api/feedback/requests/9421/answers", body, content_type="application/json")
    assert sent.status_code == 201
    assert AnonymousSheet.objects.filter(subject_id=9413).count() == before + 1
    assert Completion.objects.filter(subject_id=9413, rater__username="peer").exists()
    again = client.post(
        "/api/feedback/requests/9421/answers", body, content_type="application/json"
    )
    assert again.status_code == 400
    assert "already" in again.json()["detail"]
    off_scale = login_as("agent").post(
        "/api/feedback/requests/9421/answers", body, content_type="application/json"
    )
    assert off_scale.status_code == 404  # not the agent's request


def test_answers_off_the_scale_say_why(login_as):
    response = login_as("peer").post(
        "/api/feedback/requests/9421/answers",
        {"answers": {"listens": 9}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "outside the scale 1-5" in response.json()["detail"]


@pytest.mark.parametrize(("persona", "status"), [("agent", 200), ("lead", 200), ("manager", 404),
                                                 ("peer", 404), ("admin", 404)])  # fmt: skip
def test_notes_reach_the_agent_and_their_lead_only(login_as, persona, status):
    assert _get(login_as(persona), "/agents/A1/notes").status_code == status
