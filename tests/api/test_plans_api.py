"""Plans and their checkpoints in the API: every persona's scope (records:
factories.build_plan_records, the plans the permission matrix opens) and the workflow through
the plan actions — draft, edit, submit, HR review, acknowledgement, check-ins — each
authorised by its action, refused on a stale version and audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import (
    PERSONAS,
    build_coaching_records,
    build_persona_org,
    build_plan_records,
    persona_plan_terms,
    rolled_back_at_module_end,
)
from upswing.audit.models import AuditEvent
from upswing.plans.models import Checkpoint, Plan

from .conftest import bearer

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
P1_DECIDERS = {"manager", "hr", "admin"}
READERS = {  # as tests/site/routes_plans.py
    9101: {"lead"} | P1_DECIDERS,  # A1, draft
    9102: {"lead"} | P1_DECIDERS,  # A1, in HR review
    9103: {"agent", "lead"} | P1_DECIDERS,  # A1, active
    9104: {"other_lead"} | P1_DECIDERS,  # A3 on T2, active
    9105: {"admin"},  # A4 on T3 (P2), active
}


@pytest.fixture(scope="module")
def _module_org(django_db_setup, django_db_blocker):
    with rolled_back_at_module_end(django_db_blocker):
        yield build_plan_records(build_coaching_records(build_persona_org()))


def _version(pk: int) -> int:
    return Plan.objects.get(pk=pk).version


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_plan_lists_and_details_follow_the_pages_scope(call, persona):
    expected = {pk for pk, readers in READERS.items() if persona in readers}
    body = call(persona, "GET", "/api/plans?limit=500").json()
    assert {p["id"] for p in body["items"]} == expected
    assert body["count"] == len(expected)
    for pk in [*READERS, 99999]:
        response = call(persona, "GET", f"/api/plans/{pk}")
        assert response.status_code == (200 if pk in expected else 404), (persona, pk)
        checkpoints = call(persona, "GET", f"/api/plans/{pk}/checkpoints")
        assert checkpoints.status_code == (200 if pk in expected else 404), (persona, pk)


def test_the_agent_reads_the_approved_terms_without_lint_or_drafting(call):
    body = call("agent", "GET", "/api/plans/9103").json()
    assert body["agent_name"] == "Alice Anders"
    assert body["state_label"] == "Active"
    assert body["terms"]["agent_id"] == "A1"
    assert body["problems"] == []
    assert [v["status"] for v in body["versions"]] == ["acknowledged"]
    assert body["can"]["checkpoints"] is False
    lead = call("lead", "GET", "/api/plans/9103").json()
    assert lead["can"]["checkpoints"] is True
    assert call("agent", "GET", "/api/plans?state=draft").json()["count"] == 0


def test_list_filters(call):
    active = call("manager", "GET", "/api/plans?state=active").json()["items"]
    assert {p["id"] for p in active} == {9103, 9104}
    assert {p["id"] for p in call("manager", "GET", "/api/plans?agent=A3").json()["items"]} == {
        9104
    }
    assert call("manager", "GET", "/api/plans?state=nope").status_code == 422


def test_a_draft_is_submitted_only_once_its_lint_passes(call):
    assert call("hr", "POST", "/api/plans/9101/submit", {"version": 1}).status_code == 403
    assert call("agent", "POST", "/api/plans/9101/submit", {"version": 1}).status_code == 404
    refused = call("lead", "POST", "/api/plans/9101/submit", {"version": _version(9101)})
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Fix the plan before review: ")
    assert Plan.objects.get(pk=9101).state == "draft"
    assert not AuditEvent.objects.filter(action="plan.submit").exists()


def test_hr_approves_and_the_agent_acknowledges(call):
    assert call("agent", "GET", "/api/plans/9102").status_code == 404  # not shared yet
    approve = {"version": _version(9102), "decision": "approve", "comment": "Fair."}
    not_hr = call("manager", "POST", "/api/plans/9102/review", approve)
    assert not_hr.status_code == 403
    assert not_hr.json()["detail"] == "Only hr may approve this plan."
    stale = call("hr", "POST", "/api/plans/9102/review", {**approve, "version": 99})
    assert stale.status_code == 409
    empty_return = {"version": _version(9102), "decision": "return", "comment": " "}
    assert call("hr", "POST", "/api/plans/9102/review", empty_return).status_code == 409
    approved = call("hr", "POST", "/api/plans/9102/review", approve)
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "shared"
    assert call("agent", "GET", "/api/plans/9102").json()["can"]["acknowledge"] is True
    lead_ack = call("lead", "POST", "/api/plans/9102/acknowledge", {"version": _version(9102)})
    assert lead_ack.status_code == 403
    ack = {"version": _version(9102), "comment": "Understood."}
    acknowledged = call("agent", "POST", "/api/plans/9102/acknowledge", ack)
    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()["state"] == "active"
    assert len(acknowledged.json()["checkpoints"]) == 13
    events = AuditEvent.objects.filter(object_type="plans.plan", object_id="9102")
    assert list(events.order_by("at", "pk").values_list("action", flat=True)) == [
        "plan.approve",
        "plan.acknowledge",
    ]


def test_hr_returns_a_plan_with_what_to_change(call):
    body = {"version": _version(9102), "decision": "return", "comment": "Name the calls."}
    returned = call("hr", "POST", "/api/plans/9102/review", body)
    assert returned.status_code == 200, returned.content
    assert returned.json()["state"] == "draft"
    assert AuditEvent.objects.filter(action="plan.return", object_id="9102").count() == 1


def test_the_lead_edits_the_drafts_terms_and_lint_answers(call, org):
    terms = persona_plan_terms(org, "A1", "T1")
    terms["goals"] = []
    edit = {"version": _version(9101), "terms": terms}
    edited = call("lead", "PUT", "/api/plans/9101/terms", edit)
    assert edited.status_code == 200, edited.content
    assert "goal-not-measurable" in {p["rule"] for p in edited.json()["problems"]}
    assert edited.json()["terms"]["goals"] == []
    refused = call("lead", "POST", "/api/plans/9101/submit", {"version": _version(9101)})
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Fix the plan before review")
    other = call("other_lead", "PUT", "/api/plans/9101/terms", {"version": 1, "terms": terms})
    assert other.status_code == 404
    hr = call("hr", "PUT", "/api/plans/9101/terms", {"version": _version(9101), "terms": terms})
    assert hr.status_code == 403
    edit = {"version": _version(9103), "terms": terms}
    locked = call("lead", "PUT", "/api/plans/9103/terms", edit)
    assert locked.status_code == 409
    assert "locked" in locked.json()["detail"]


def test_checkpoints_are_recorded_by_the_lead_and_reflected_on_by_the_agent(call):
    listed = call("agent", "GET", "/api/plans/9103/checkpoints").json()
    assert [c["number"] for c in listed] == [1, 2]
    second = Checkpoint.objects.get(plan_id=9103, number=2)
    body = {
        "version": second.version,
        "coaching_notes": "Two calls reviewed.",
        "blockers": [{"kind": "system_issue", "description": "CRM down on Tuesday"}],
    }
    assert call("agent", "POST", "/api/plans/9103/checkpoints/2", body).status_code == 403
    assert call("other_lead", "POST", "/api/plans/9103/checkpoints/2", body).status_code == 404
    assert call("lead", "POST", "/api/plans/9103/checkpoints/9", body).status_code == 404
    recorded = call("lead", "POST", "/api/plans/9103/checkpoints/2", body)
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["completed_at"] is not None
    assert recorded.json()["blockers"] == [
        {"kind": "system_issue", "description": "CRM down on Tuesday"}
    ]
    stale = call("lead", "POST", "/api/plans/9103/checkpoints/2", body)
    assert stale.status_code == 409
    reflection = {"version": recorded.json()["version"], "reflection": "The script helped."}
    path = "/api/plans/9103/checkpoints/2/reflection"
    assert call("lead", "POST", path, reflection).status_code == 403
    reflected = call("agent", "POST", "/api/plans/9103/checkpoints/2/reflection", reflection)
    assert reflected.status_code == 200, reflected.content
    assert reflected.json()["agent_reflection"] == "The script helped."
    done = AuditEvent.objects.filter(object_type="plans.checkpoint", object_id=str(second.pk))
    assert set(done.values_list("action", flat=True)) == {
        "plan.checkpoint.record",
        "plan.checkpoint.reflect",
    }


def test_a_bad_blocker_kind_is_a_422_naming_the_field(call):
    second = Checkpoint.objects.get(plan_id=9103, number=2)
    body = {"version": second.version, "blockers": [{"kind": "weather"}]}
    response = call("lead", "POST", "/api/plans/9103/checkpoints/2", body)
    assert response.status_code == 422
    assert "blockers" in json.dumps(response.json()["detail"])


@pytest.mark.parametrize(
    ("persona", "body", "status"),
    [
        ("lead", {"finding": 9102}, 404),  # A3's finding: another team's
        ("agent", {"agent": "A1"}, 403),
        ("hr", {"finding": 9102}, 403),  # reads it, does not draft
        ("qa", {"finding": 9102}, 403),
        ("client_viewer", {"agent": "A1"}, 404),
        ("manager", {"finding": 9101}, 409),  # recommends coaching, not a plan
        ("manager", {}, 422),
    ],
)
def test_who_may_draft_a_plan(call, persona, body, status):
    before = Plan.objects.count()
    response = call(persona, "POST", "/api/plans", body)
    assert response.status_code == status, response.content
    assert Plan.objects.count() == before


def test_the_agents_lead_drafts_from_a_pip_finding_audited(call):
    response = call("other_lead", "POST", "/api/plans", {"finding": 9102})
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["agent"] == "A3"
    assert plan["state"] == "draft"
    assert plan["terms"]["agent_id"] == "A3"
    assert plan["problems"]  # the persona org has no prior coaching: lint says so
    assert AuditEvent.objects.filter(action="plan.draft", object_id=str(plan["id"])).exists()
    assert call("lead", "GET", f"/api/plans/{plan['id']}").status_code == 404


def test_a_read_only_token_may_not_review(client, org):
    from upswing.api.actions import do_create_api_token

    token = do_create_api_token(org.user("hr"), "bi", actor="tests", read_only=True).text
    body = json.dumps({"version": _version(9102), "decision": "approve"})
    response = client.post(
        "/api/plans/9102/review", body, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 403
    assert Plan.objects.get(pk=9102).state == "hr_review"


def test_anonymous_calls_get_401(call):
    for method, path in (
        ("GET", "/api/plans"),
        ("GET", "/api/plans/9103"),
        ("POST", "/api/plans"),
        ("PUT", "/api/plans/9101/terms"),
        ("POST", "/api/plans/9101/submit"),
        ("POST", "/api/plans/9102/review"),
        ("POST", "/api/plans/9103/acknowledge"),
        ("GET", "/api/plans/9103/checkpoints"),
        ("POST", "/api/plans/9103/checkpoints/2"),
        ("POST", "/api/plans/9103/checkpoints/1/reflection"),
    ):
        assert call("anonymous", method, path).status_code == 401, path


def test_the_schema_lists_every_coaching_and_plan_operation(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    wanted = {
        "/api/coaching/sessions": {"get", "post"},
        "/api/coaching/sessions/{session_id}": {"get"},
        "/api/coaching/sessions/{session_id}/acknowledge": {"post"},
        "/api/coaching/follow-ups": {"get"},
        "/api/coaching/actions": {"get"},
        "/api/coaching/actions/{action_id}/done": {"post"},
        "/api/findings/{finding_id}": {"get"},
        "/api/plans": {"get", "post"},
        "/api/plans/{plan_id}": {"get"},
        "/api/plans/{plan_id}/terms": {"put"},
        "/api/plans/{plan_id}/submit": {"post"},
        "/api/plans/{plan_id}/review": {"post"},
        "/api/plans/{plan_id}/acknowledge": {"post"},
        "/api/plans/{plan_id}/checkpoints": {"get"},
        "/api/plans/{plan_id}/checkpoints/{number}": {"post"},
        "/api/plans/{plan_id}/checkpoints/{number}/reflection": {"post"},
        "/api/plans/{plan_id}/final-review": {"post"},
        "/api/plans/{plan_id}/extend": {"post"},
        "/api/plans/{plan_id}/close": {"post"},
    }
    for path, methods in wanted.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            responses = paths[path][method]["responses"]
            assert "200" in responses or "201" in responses, (path, method)
            assert "401" in responses, (path, method)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
TERM_KEYS = ["problem_statement", "standards", "evidence", "goals", "support", "start_date",
             "length_days", "checkpoints", "outcomes", "meta"]  # fmt: skip


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from(TERM_KEYS), json_values, max_size=len(TERM_KEYS)))
def test_any_terms_json_is_saved_with_its_lint_or_refused_never_a_server_error(call, terms):
    body = {"version": _version(9101), "terms": {"agent_id": "A1", **terms}}
    response = call("lead", "PUT", "/api/plans/9101/terms", body)
    assert response.status_code in (200, 409, 422), response.content
    if response.status_code == 200:
        assert isinstance(response.json()["problems"], list)


def test_the_final_review_is_due_from_the_plans_last_week(call):
    with time_machine.travel(dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)):
        early = call("lead", "POST", "/api/plans/9103/final-review", {"version": _version(9103)})
    assert early.status_code == 409
    due = "The final review is due from the plan's last week (2027-01-30)."
    assert early.json()["detail"] == due
    agent = call("agent", "POST", "/api/plans/9103/final-review", {"version": _version(9103)})
    assert agent.status_code == 403
    viewer = call("client_viewer", "POST", "/api/plans/9103/final-review", {"version": 1})
    assert viewer.status_code == 404


def test_the_review_verdict_decides_how_the_plan_may_close(call):
    with time_machine.travel(dt.datetime(2027, 1, 29, 12, tzinfo=dt.UTC)):
        started = call("lead", "POST", "/api/plans/9103/final-review", {"version": _version(9103)})
    assert started.status_code == 200, started.content
    assert started.json()["state"] == "final_review"
    verdict = Plan.objects.get(pk=9103).review["verdict"]
    close = {"version": _version(9103), "outcome": "success", "reason": "Met the target."}
    assert call("lead", "POST", "/api/plans/9103/close", close).status_code == 403
    assert verdict == "extend"  # FCR has no data in the plan's weeks: not a success
    closed = call("manager", "POST", "/api/plans/9103/close", close)
    assert closed.status_code == 409
    assert closed.json()["detail"] == (
        "The review verdict is extend: it does not support closing as successful."
    )
    extend = {"version": _version(9103), "reason": "Partial progress; more support."}
    assert call("lead", "POST", "/api/plans/9103/extend", extend).status_code == 403
    extended = call("hr", "POST", "/api/plans/9103/extend", extend)
    assert extended.status_code == 200, extended.content
    assert extended.json()["state"] == "shared"
    assert [v["reason"] for v in extended.json()["versions"]] == ["extension", "drafted"]
    events = AuditEvent.objects.filter(object_type="plans.plan", object_id="9103")
    assert list(events.order_by("pk").values_list("action", flat=True)) == [
        "plan.final_review",
        "plan.extend",
    ]


def test_a_plan_is_withdrawn_at_any_stage_with_its_reason(call):
    body = {"version": _version(9104), "outcome": "withdrawn", "reason": "Moved to another role."}
    assert call("lead", "POST", "/api/plans/9104/close", body).status_code == 404
    assert call("other_lead", "POST", "/api/plans/9104/close", body).status_code == 403
    assert call("hr", "POST", "/api/plans/9104/close", {**body, "reason": ""}).status_code == 422
    closed = call("hr", "POST", "/api/plans/9104/close", body)
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == "closed"
    assert closed.json()["outcome"] == "withdrawn"
    assert closed.json()["outcome_reason"] == "Moved to another role."
    assert AuditEvent.objects.filter(action="plan.close", object_id="9104").count() == 1
