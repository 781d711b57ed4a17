"""Coaching pages: the queue, recording a session, the session page, acknowledgement, actions.

Records: factories.build_coaching_records on the persona org (findings 91xx, sessions 92xx,
actions 93xx), built once per module; each test runs in its own savepoint.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from factories import build_coaching_records, build_persona_org, rolled_back_at_module_end
from upswing.audit.concurrency import save_if_unchanged
from upswing.audit.models import AuditEvent
from upswing.coaching.models import ActionItem, CoachingSession
from upswing.findings.rules import RULES_VERSION
from upswing.performance.models import Finding

TODAY = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def _module_org(django_db_setup, django_db_blocker):
    with rolled_back_at_module_end(django_db_blocker):
        yield build_coaching_records(build_persona_org())


@pytest.fixture
def org(_module_org, db):
    return _module_org


@pytest.fixture
def as_(client, org):
    def sign_in(persona: str) -> Client:
        client.force_login(org.user(persona))
        return client

    return sign_in


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


# --- the queue --------------------------------------------------------------------------------


def test_a_lead_queue_lists_their_team_findings_and_no_other_team(as_, today):
    text = as_("lead").get("/coaching/").content.decode()
    assert "/findings/9101/" in text  # Alice Anders, T1, coach
    assert "Alice Anders" in text
    assert "/findings/9104/" in text  # Peter Pike's AHT trend: under "monitor"
    assert "Carl Crane" not in text  # T2
    assert "Dora Dunmore" not in text  # T3, another program
    assert "/findings/9102/" not in text


def test_the_queue_leaves_out_systemic_findings_and_older_runs(as_, today):
    text = as_("manager").get("/coaching/").content.decode()
    assert "/findings/9101/" in text
    assert "/findings/9102/" in text
    assert "/findings/9105/" not in text  # systemic
    assert "/findings/9106/" not in text
    assert "/findings/9107/" not in text  # 2026-10-04: not the latest run of P1


def test_queue_rows_carry_the_reason_weeks_and_the_coaching_flag(as_, org, today):
    text = as_("lead").get("/coaching/").content.decode()
    row = text[text.index("/findings/9101/") :]
    row = row[: row.index("</tr>")]
    # The first sentence of the first reason, verbatim; not the second sentence.
    assert "FCR was below the SLA floor in 3 of the last 4 weeks" in row
    assert "Weeks with few observations" not in row
    assert "2026-W44 to 2026-W46" in row
    assert "2026-10-28" in row  # the last session with Alice
    assert "No session in 14 days" in row  # 23 days before 2026-11-20


def test_a_recent_session_clears_the_coaching_flag(as_, org, today):
    CoachingSession.objects.create(
        agent=org.agents["A1"],
        kind="side_by_side",
        coached_at=TODAY - dt.timedelta(days=3),
    )
    text = as_("lead").get("/coaching/").content.decode()
    row = text[text.index("/findings/9101/") :]
    row = row[: row.index("</tr>")]
    assert "2026-11-17" in row
    assert "No session in 14 days" not in row


def test_the_queue_puts_the_newest_run_first_and_pip_before_coach(as_, today):
    Finding.objects.filter(pk=9103).update(as_of=dt.date(2026, 11, 19))  # P2's later run
    text = as_("admin").get("/coaching/").content.decode()
    assert text.index("/findings/9103/") < text.index("/findings/9102/")
    assert text.index("/findings/9102/") < text.index("/findings/9101/")  # pip, then coach


@pytest.mark.parametrize("persona", ["agent", "peer", "client_viewer", "outsider"])
def test_the_queue_is_not_found_for_those_who_see_no_findings(as_, persona):
    assert as_(persona).get("/coaching/").status_code == 404


def test_the_queue_needs_a_signed_in_user(client, org):
    response = client.get("/coaching/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def _findings(count: int) -> None:
    Finding.objects.bulk_create(
        Finding(
            as_of=dt.date(2026, 11, 15),
            rules_version=RULES_VERSION,
            program_code="P1",
            team_code="T1",
            agent_code=("A1", "A2", "A5")[i % 3],
            metric=("qa", "csat", "wait", "escalation", "reopen", "nps", "ces", "volume",
                    "service_level", "abandonment")[i % 10],
            kind=("possible_gap", "rushing", "trend")[i // 10],
            cause="individual",
            recommendation=("coach", "train", "monitor")[i % 3],
            periods=["2026-W45", "2026-W46"],
            reasons=[f"Reason {i}. More."],
            created_at=TODAY,
        )
        for i in range(count)
    )  # fmt: skip


def test_the_queue_query_count_does_not_grow_with_the_findings(as_, org, today):
    client = as_("lead")
    counts = []
    for total in (5, 30):
        Finding.objects.exclude(metric__in=("aht", "fcr")).delete()
        _findings(total)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/coaching/")
        assert response.status_code == 200
        assert response.content.decode().count("/findings/") >= total
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{counts[0]} queries for 5 findings, {counts[1]} for 30"
    assert counts[1] <= 14


# --- recording a session ----------------------------------------------------------------------


def _session_post(**extra) -> dict:
    data = {
        "kind": "one_to_one",
        "coached_at": "2026-11-19T15:30",
        "topic": "Owning the fix",
        "behaviours": "Ownership\nSummarising the next step",
        "notes": "Listened to three calls together.",
        "follow_up_on": "2026-12-03",
        "action-TOTAL_FORMS": "3",
        "action-INITIAL_FORMS": "0",
        "action-MIN_NUM_FORMS": "0",
        "action-MAX_NUM_FORMS": "3",
        "action-0-description": "Listen back to two resolved calls",
        "action-0-owner": "agent",
        "action-0-due_on": "2026-11-26",
        "action-1-description": "Send the resolution checklist",
        "action-1-owner": "coach",
        "action-1-due_on": "2026-11-21",
        "action-2-description": "",
        "action-2-owner": "coach",
        "action-2-due_on": "",
    }
    data.update(extra)
    return data


def test_the_form_from_a_finding_is_prefilled_with_its_behaviours(as_, today):
    response = as_("lead").get("/findings/9101/coaching/new/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ownership</textarea>" in text
    assert "FCR was below the SLA floor" in text  # the finding's reasons beside the form


def test_recording_from_a_finding_creates_the_session_actions_and_audit_event(as_, org, today):
    response = as_("lead").post("/findings/9101/coaching/new/", _session_post())
    session = CoachingSession.objects.get(agent=org.agents["A1"], topic="Owning the fix")
    assert response.status_code == 302
    assert response["Location"] == f"/coaching/sessions/{session.pk}/"
    assert session.finding_id == 9101
    assert session.metric == "fcr"  # the finding's metric
    assert session.behaviours == ["Ownership", "Summarising the next step"]
    assert session.coach == org.user("lead")
    assert session.follow_up_on == dt.date(2026, 12, 3)
    actions = {a.description: a for a in session.actions.all()}
    assert set(actions) == {"Listen back to two resolved calls", "Send the resolution checklist"}
    assert actions["Listen back to two resolved calls"].owner == org.user("agent")
    assert actions["Send the resolution checklist"].owner == org.user("lead")
    event = AuditEvent.objects.get(action="coaching.record_session", object_id=str(session.pk))
    assert event.actor == org.user("lead")


def test_a_session_recorded_freely_from_the_agent_page_takes_the_chosen_metric(as_, org, today):
    # Carl (A3) has no account and no email: actions are the coach's.
    data = _session_post(metric="aht", **{"action-0-owner": "coach"})
    response = as_("manager").post("/agents/A3/coaching/new/", data)
    assert response.status_code == 302
    session = CoachingSession.objects.get(agent=org.agents["A3"], topic="Owning the fix")
    assert session.finding_id is None
    assert session.metric == "aht"


def test_an_action_for_an_agent_without_account_or_email_has_no_owner(as_, today):
    response = as_("manager").post("/agents/A3/coaching/new/", _session_post())
    assert response.status_code == 400
    assert "Action 1 has no owner" in response.content.decode()


def test_a_refused_session_shows_the_rules_problems_and_writes_nothing(as_, org, today):
    before = CoachingSession.objects.count()
    response = as_("lead").post(
        "/findings/9101/coaching/new/", _session_post(follow_up_on="2026-11-01")
    )
    assert response.status_code == 400
    assert "The follow-up date is before the session" in response.content.decode()
    assert CoachingSession.objects.count() == before
    assert not AuditEvent.objects.filter(action="coaching.record_session").exists()


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("qa", "/findings/9101/coaching/new/", 403),  # sees the finding, does not coach
        ("hr", "/agents/A1/coaching/new/", 403),
        ("other_lead", "/findings/9101/coaching/new/", 404),  # not their team
        ("lead", "/agents/A3/coaching/new/", 404),
        ("agent", "/agents/A1/coaching/new/", 404),  # an agent does not coach themselves
        ("client_viewer", "/findings/9101/coaching/new/", 404),
    ],
)
def test_only_the_agents_coaches_may_record(as_, persona, path, status):
    client = as_(persona)
    assert client.get(path).status_code == status
    assert client.post(path, _session_post()).status_code == status
    assert not CoachingSession.objects.filter(topic="Owning the fix").exists()


# --- the session page and acknowledgement -----------------------------------------------------


def test_the_agent_reads_their_session_and_sees_the_acknowledge_form(as_):
    text = as_("agent").get("/coaching/sessions/9201/").content.decode()
    assert "Talked through three calls." in text
    assert 'action="/coaching/sessions/9201/acknowledge/"' in text
    assert "/findings/" not in text  # agents do not see findings, not even their own


def test_the_lead_sees_the_session_without_an_acknowledge_form(as_):
    text = as_("lead").get("/coaching/sessions/9201/").content.decode()
    assert "/acknowledge/" not in text
    assert "has not acknowledged this session yet" in text


def test_the_agent_acknowledges_once_with_a_comment(as_, org):
    client = as_("agent")
    response = client.post(
        "/coaching/sessions/9201/acknowledge/", {"comment": "Useful, thanks.", "version": 1}
    )
    assert response.status_code == 302
    session = CoachingSession.objects.get(pk=9201)
    assert session.acknowledged_at is not None
    assert session.agent_comment == "Useful, thanks."
    assert AuditEvent.objects.filter(
        action="coaching.acknowledge_session", object_id="9201", actor=org.user("agent")
    ).exists()
    text = client.get("/coaching/sessions/9201/").content.decode()
    assert "Useful, thanks." in text
    assert 'action="/coaching/sessions/9201/acknowledge/"' not in text

    again = client.post(
        "/coaching/sessions/9201/acknowledge/", {"comment": "Twice", "version": session.version}
    )
    assert again.status_code == 409
    assert "already acknowledged" in again.content.decode()
    assert CoachingSession.objects.get(pk=9201).agent_comment == "Useful, thanks."


def test_a_stale_acknowledgement_says_the_session_changed(as_):
    save_if_unchanged(CoachingSession, 9201, 1, notes="Edited by the lead.")
    response = as_("agent").post(
        "/coaching/sessions/9201/acknowledge/", {"comment": "", "version": 1}
    )
    assert response.status_code == 409
    assert "changed since you opened it" in response.content.decode()
    assert CoachingSession.objects.get(pk=9201).acknowledged_at is None


@pytest.mark.parametrize(("persona", "status"), [("lead", 403), ("peer", 404), ("hr", 403)])
def test_nobody_else_acknowledges_the_agents_session(as_, persona, status):
    response = as_(persona).post("/coaching/sessions/9201/acknowledge/", {"version": 1})
    assert response.status_code == status
    assert CoachingSession.objects.get(pk=9201).acknowledged_at is None


def test_acknowledging_needs_the_csrf_token(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.user("agent"))
    response = client.post("/coaching/sessions/9201/acknowledge/", {"version": 1})
    assert response.status_code == 403
    assert CoachingSession.objects.get(pk=9201).acknowledged_at is None


# --- agreed actions ---------------------------------------------------------------------------


def test_the_owner_marks_their_action_done_but_not_the_leads(as_):
    client = as_("agent")
    assert client.post("/coaching/actions/9301/done/").status_code == 302
    assert ActionItem.objects.get(pk=9301).done_at is not None
    assert client.post("/coaching/actions/9302/done/").status_code == 403
    assert ActionItem.objects.get(pk=9302).done_at is None


def test_the_lead_marks_any_action_of_their_agents_done_once(as_):
    client = as_("lead")
    assert client.post("/coaching/actions/9301/done/").status_code == 302
    again = client.post("/coaching/actions/9301/done/")
    assert again.status_code == 409
    assert "already done" in again.content.decode()
    assert (
        AuditEvent.objects.filter(action="coaching.complete_action", object_id="9301").count() == 1
    )


@pytest.mark.parametrize("persona", ["other_lead", "peer", "client_viewer"])
def test_actions_out_of_scope_are_not_found(as_, persona):
    assert as_(persona).post("/coaching/actions/9301/done/").status_code == 404
    assert ActionItem.objects.get(pk=9301).done_at is None


# --- an agent's coaching and the navigation ---------------------------------------------------


def test_the_agent_sees_their_own_coaching_list_and_no_record_button(as_):
    text = as_("agent").get("/agents/A1/coaching/").content.decode()
    assert "My coaching" in text
    assert "/coaching/sessions/9201/" in text
    assert "/coaching/new/" not in text


def test_a_lead_sees_a_transferred_agents_coaching_from_their_team(as_):
    # Erin (A5) was on T1 on 2026-10-01, is on T2 now: both leads see that session.
    assert "/coaching/sessions/9204/" in as_("lead").get("/agents/A5/coaching/").content.decode()
    other = as_("other_lead").get("/agents/A5/coaching/").content.decode()
    assert "/coaching/sessions/9204/" in other
    assert "/agents/A5/coaching/new/" in other  # the current lead records new sessions


@pytest.mark.parametrize(
    ("persona", "queue", "mine"),
    [("lead", True, False), ("manager", True, False), ("agent", False, True),
     ("client_viewer", False, False)],
)  # fmt: skip
def test_the_nav_offers_the_coaching_pages_to_those_who_can_open_them(as_, persona, queue, mine):
    text = as_(persona).get("/", follow=True).content.decode()
    assert ('href="/coaching/"' in text) is queue
    assert ('href="/systemic/"' in text) is queue
    assert ("My coaching" in text) is mine


def test_the_coaching_reports_show_only_sessions_and_findings_in_scope(as_, client, org, today):
    page = as_("lead").get("/coaching/reports/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Who is improving and who is stuck" in body
    assert "Which coaching closes gaps" in body
    assert "/findings/9101/" in body  # Alice Anders' open finding, no session in 14 days
    assert "Carl Crane" not in body  # T2
    assert "Dora Dunmore" not in body  # another program
    for persona in ("agent", "client_viewer"):
        client.logout()
        assert as_(persona).get("/coaching/reports/").status_code == 404
