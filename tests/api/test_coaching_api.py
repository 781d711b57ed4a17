"""Coaching sessions, their agreed actions and findings in the API: every persona's scope
(records: factories.build_coaching_records, the same the permission matrix opens), and each
write through its coaching action, authorised and audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from factories import (
    PERSONAS,
    build_coaching_records,
    build_persona_org,
    rolled_back_at_module_end,
)
from upswing.audit.models import AuditEvent
from upswing.coaching.models import ActionItem, CoachingSession

from .conftest import bearer

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
P1_READERS = {"qa", "manager", "hr", "admin"}
SESSION_READERS = {  # as tests/site/routes_coaching.py
    9201: {"agent", "lead"} | P1_READERS,  # A1 on T1
    9202: {"other_lead"} | P1_READERS,  # A3 on T2
    9203: {"admin"},  # A4 on T3 (P2)
    9204: {"lead", "other_lead"} | P1_READERS,  # A5: on T1 that day, on T2 today
}
FINDING_READERS = {
    9101: {"lead"} | P1_READERS,
    9102: {"other_lead"} | P1_READERS,
    9103: {"admin"},
    9104: {"lead"} | P1_READERS,
    9105: {"lead"} | P1_READERS,
    9106: {"other_lead"} | P1_READERS,
    9107: {"lead"} | P1_READERS,
}
NEW_SESSION = {
    "agent": "A1",
    "kind": "side_by_side",
    "coached_at": "2026-11-20T10:00:00+00:00",
    "topic": "Closing the call",
    "metric": "fcr",
    "behaviours": ["Ownership"],
    "notes": "Listened to four calls together.",
    "follow_up_on": "2026-12-04",
    "actions": [{"description": "Try the summary script", "owner": "agent"}],
}


@pytest.fixture(scope="module")
def _module_org(django_db_setup, django_db_blocker):
    with rolled_back_at_module_end(django_db_blocker):
        yield build_coaching_records(build_persona_org())


def _ids(response) -> set[int]:
    body = response.json()
    assert response.status_code == 200, body
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_session_lists_and_details_follow_the_pages_scope(call, persona):
    expected = {pk for pk, readers in SESSION_READERS.items() if persona in readers}
    assert _ids(call(persona, "GET", "/api/coaching/sessions?limit=500")) == expected
    for pk in [*SESSION_READERS, 99999]:
        response = call(persona, "GET", f"/api/coaching/sessions/{pk}")
        assert response.status_code == (200 if pk in expected else 404), (persona, pk)
        if pk not in expected:
            assert response.json() == {"detail": "Not Found"}


def test_a_lead_never_sees_another_teams_sessions(call):
    lead = {s["agent"] for s in call("lead", "GET", "/api/coaching/sessions").json()["items"]}
    assert lead == {"A1", "A5"}  # A5's session was held while on T1
    other = call("other_lead", "GET", "/api/coaching/sessions").json()["items"]
    assert {s["agent"] for s in other} == {"A3", "A5"}
    assert call("other_lead", "GET", "/api/coaching/sessions?agent=A1").json()["count"] == 0
    assert call("client_viewer", "GET", "/api/coaching/sessions").json()["items"] == []


def test_a_session_reads_with_names_labels_and_actions(call):
    body = call("agent", "GET", "/api/coaching/sessions/9201").json()
    assert body["agent_name"] == "Alice Anders"
    assert body["kind_label"] == "One-to-one"
    assert body["metric_label"] == "First-contact resolution"
    assert body["notes"] == "Talked through three calls."
    assert [a["id"] for a in body["actions"]] == [9301, 9302]
    assert body["finding_id"] is None  # the agent never sees a finding


def test_list_filters(call):
    assert _ids(call("manager", "GET", "/api/coaching/sessions?agent=A3")) == {9202}
    assert _ids(call("manager", "GET", "/api/coaching/sessions?since=2026-10-21")) == {9201}
    assert _ids(call("manager", "GET", "/api/coaching/sessions?until=2026-10-01")) == {9204}
    assert _ids(call("manager", "GET", "/api/coaching/sessions?acknowledged=true")) == set()


def test_the_lead_records_a_session_audited(call):
    response = call("lead", "POST", "/api/coaching/sessions", NEW_SESSION)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["agent"] == "A1"
    assert body["kind"] == "side_by_side"
    assert body["actions"][0]["owner"]["email"] == "agent@example.com"
    session = CoachingSession.objects.get(pk=body["id"])
    assert session.coach.username == "lead"
    event = AuditEvent.objects.get(action="coaching.record_session", object_id=str(session.pk))
    assert event.actor.username == "lead"
    again = call("lead", "POST", "/api/coaching/sessions", NEW_SESSION)
    assert again.status_code == 422
    assert "already recorded" in again.json()["detail"]


@pytest.mark.parametrize(
    ("persona", "agent", "status"),
    [
        ("other_lead", "A1", 404),  # not their team: not even visible
        ("client_viewer", "A1", 404),
        ("peer", "A1", 404),
        ("agent", "A1", 403),  # sees themself, coaches nobody
        ("qa", "A1", 403),  # reads coaching, does not record it
        ("hr", "A1", 403),
        ("lead", "A5", 403),  # A5 has left the lead's team
        ("manager", "A3", 201),
        ("admin", "A4", 201),
    ],
)
def test_who_may_record_a_session(call, persona, agent, status):
    before = CoachingSession.objects.count()
    coach_owns = [{"description": "Send the checklist", "owner": "coach"}]
    body = {**NEW_SESSION, "agent": agent, "actions": coach_owns}
    response = call(persona, "POST", "/api/coaching/sessions", body)
    assert response.status_code == status, response.content
    assert CoachingSession.objects.count() == before + (status == 201)
    if status == 403:
        assert response.json()["detail"].startswith("Only someone who coaches")


def test_an_incomplete_session_is_refused_with_every_reason(call):
    body = {**NEW_SESSION, "topic": " ", "notes": "", "actions": [], "follow_up_on": "2026-01-01"}
    response = call("lead", "POST", "/api/coaching/sessions", body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "needs a topic" in detail
    assert "notes or at least one agreed action" in detail
    assert "follow-up date is before the session" in detail
    naive = {**NEW_SESSION, "coached_at": "2026-11-20T10:00:00"}
    naive = call("lead", "POST", "/api/coaching/sessions", naive)
    assert naive.status_code == 422
    assert "time zone" in json.dumps(naive.json()["detail"])


def test_an_action_owned_by_an_agent_without_an_account_or_address_has_no_owner(call):
    response = call("manager", "POST", "/api/coaching/sessions", {**NEW_SESSION, "agent": "A3"})
    assert response.status_code == 422
    assert response.json() == {"detail": "Action 1 has no owner."}


def test_a_session_for_a_finding_takes_its_metric_and_needs_the_finding_in_scope(call):
    body = {**NEW_SESSION, "metric": "", "finding": 9101}
    made = call("lead", "POST", "/api/coaching/sessions", body)
    assert made.status_code == 201, made.content
    assert made.json()["metric"] == "fcr"
    assert made.json()["finding_id"] == 9101
    hidden = call("lead", "POST", "/api/coaching/sessions", {**body, "finding": 9102})
    assert hidden.status_code == 404
    finding = call("lead", "GET", "/api/findings/9101").json()
    assert set(finding["coaching_sessions"]) == {9201, made.json()["id"]}


def test_only_the_agent_acknowledges_once(call):
    lead = call("lead", "POST", "/api/coaching/sessions/9201/acknowledge", {"version": 1})
    assert lead.status_code == 403
    assert lead.json()["detail"] == "Only the coached agent can acknowledge a session."
    peer = call("peer", "POST", "/api/coaching/sessions/9201/acknowledge", {"version": 1})
    assert peer.status_code == 404
    stale = call("agent", "POST", "/api/coaching/sessions/9201/acknowledge", {"version": 7})
    assert stale.status_code == 409
    done = call(
        "agent", "POST", "/api/coaching/sessions/9201/acknowledge", {"version": 1, "comment": "ok"}
    )
    assert done.status_code == 200, done.content
    assert done.json()["acknowledged_at"] is not None
    assert done.json()["agent_comment"] == "ok"
    assert AuditEvent.objects.filter(action="coaching.acknowledge_session").count() == 1
    again = call("agent", "POST", "/api/coaching/sessions/9201/acknowledge", {"version": 2})
    assert again.status_code == 409
    assert again.json()["detail"] == "The session is already acknowledged."
    assert _ids(call("lead", "GET", "/api/coaching/sessions?acknowledged=true")) == {9201}


def test_agreed_actions_are_followed_up_by_their_owner_or_the_coach(call):
    assert call("qa", "POST", "/api/coaching/actions/9301/done").status_code == 403
    assert call("other_lead", "POST", "/api/coaching/actions/9301/done").status_code == 404
    assert call("peer", "POST", "/api/coaching/actions/9302/done").status_code == 404
    done = call("agent", "POST", "/api/coaching/actions/9301/done")
    assert done.status_code == 200, done.content
    assert done.json()["done_at"] is not None
    assert call("agent", "POST", "/api/coaching/actions/9301/done").status_code == 409
    assert call("lead", "POST", "/api/coaching/actions/9302/done").status_code == 200
    events = AuditEvent.objects.filter(action="coaching.complete_action")
    assert sorted(e.actor.username for e in events) == ["agent", "lead"]
    assert ActionItem.objects.filter(done_at__isnull=False).count() == 2


def test_open_actions_and_follow_ups(call):
    mine = call("agent", "GET", "/api/coaching/actions?mine=true").json()["items"]
    assert [a["id"] for a in mine] == [9301]
    assert {a["id"] for a in call("lead", "GET", "/api/coaching/actions").json()["items"]} == {
        9301,
        9302,
    }
    assert call("other_lead", "GET", "/api/coaching/actions").json()["items"] == []
    CoachingSession.objects.filter(pk__in=[9201, 9202]).update(follow_up_on=dt.date(2026, 11, 1))
    due = "/api/coaching/follow-ups?due_by=2026-11-02"
    assert _ids(call("lead", "GET", due)) == {9201}
    assert _ids(call("other_lead", "GET", due)) == {9202}
    assert _ids(call("lead", "GET", "/api/coaching/follow-ups?due_by=2026-10-31")) == set()
    assert _ids(call("client_viewer", "GET", due)) == set()


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_finding_details_follow_the_finding_pages_scope(call, persona):
    for pk, readers in FINDING_READERS.items():
        response = call(persona, "GET", f"/api/findings/{pk}")
        assert response.status_code == (200 if persona in readers else 404), (persona, pk)


def test_a_finding_detail_carries_its_evidence_and_visible_coaching(call):
    body = call("lead", "GET", "/api/findings/9101").json()
    assert body["behaviours"] == ["Ownership"]
    assert body["evidence"]["interactions"] == ["I-A1-1", "I-A1-2"]
    assert body["coaching_sessions"] == [9201]
    assert call("manager", "GET", "/api/findings?recommendation=pip").json()["count"] == 1
    systemic = call("manager", "GET", "/api/findings?cause=systemic&metric=fcr").json()
    assert {f["id"] for f in systemic["items"]} == {9105, 9106}


def test_a_read_only_token_changes_nothing(client, org):
    from upswing.api.actions import do_create_api_token

    token = do_create_api_token(org.user("lead"), "bi", actor="tests", read_only=True).text
    response = client.post(
        "/api/coaching/sessions",
        json.dumps(NEW_SESSION),
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 403
    assert client.get("/api/coaching/sessions", **bearer(token)).status_code == 200


def test_anonymous_calls_get_401(call):
    for method, path in (
        ("GET", "/api/coaching/sessions"),
        ("GET", "/api/coaching/sessions/9201"),
        ("POST", "/api/coaching/sessions"),
        ("POST", "/api/coaching/sessions/9201/acknowledge"),
        ("GET", "/api/coaching/follow-ups"),
        ("GET", "/api/coaching/actions"),
        ("POST", "/api/coaching/actions/9301/done"),
        ("GET", "/api/findings/9101"),
    ):
        assert call("anonymous", method, path).status_code == 401, path


def test_the_session_cookie_needs_csrf_to_write(session_as):
    client = session_as("lead", enforce_csrf=True)
    response = client.post(
        "/api/coaching/sessions", json.dumps(NEW_SESSION), content_type="application/json"
    )
    assert response.status_code == 403
    assert CoachingSession.objects.count() == len(SESSION_READERS)
