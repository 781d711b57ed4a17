"""The plan pages over HTTP: draft from a finding, lint in the editor, HR review, the agent's
acknowledgement, checkpoints (one late), stale edits, downloads, inbox and reports.

The world (tests/plans/conftest.py) is the persona org where A1 (the agent persona, team T1
"Claims North") has a sustained QA gap with prior coaching and a finding recommending a plan.
Every URL's status code per persona is in tests/site/routes_plans.py (the permission matrix);
here the same URLs are walked through a real plan as it moves through its states.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from tests.plans.conftest import AS_OF

from upswing.performance.models import Finding
from upswing.plans.models import Checkpoint, Notification, Plan, PlanState, VersionStatus

pytestmark = pytest.mark.django_db

VAGUE = "Alice needs to improve her attitude on calls."
NOBODY = ("qa", "client_viewer", "other_client_viewer", "outsider")


@pytest.fixture
def web(client, world, at):
    """Sign in as a persona at a moment: `web("lead")` (today: AS_OF unless moved)."""

    class Web:
        day = AS_OF

        def __call__(self, persona: str):
            client.logout()
            client.force_login(world.user(persona))
            return client

    return Web()


@pytest.fixture
def drafted(web, world, at):
    """A1's plan, drafted by the lead from the pip finding through the page."""
    finding = Finding.objects.get(agent_code="A1", recommendation="pip")
    with at(AS_OF):
        response = web("lead").post("/plans/new/", {"finding": finding.pk})
    assert response.status_code == 302, response.content[:500]
    plan = Plan.objects.get(agent__code="A1")
    assert response["Location"] == f"/plans/{plan.pk}/edit/"
    return plan


def editor_data(client, plan) -> dict:
    """The editor's form as the browser would post it (every field with its value)."""
    html = client.get(f"/plans/{plan.pk}/edit/").content.decode()
    data = dict(
        re.findall(
            r'<input type="(?:text|hidden|date|number)"[^>]*?name="([^"]+)"'
            r'[^>]*?value="([^"]*)"',
            html,
        )
    )
    data = {k: _unescape(v) for k, v in data.items()}
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = _unescape(text)
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = chosen.group(1) if chosen else ""
    return data


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def submit(web, plan):
    plan.refresh_from_db()
    return web("lead").post(f"/plans/{plan.pk}/submit/", {"expected_version": plan.version})


def to_active(web, plan, at):
    with at(AS_OF):
        assert submit(web, plan).status_code == 302
        plan.refresh_from_db()
        response = web("hr").post(
            f"/plans/{plan.pk}/review/", {"expected_version": plan.version, "decision": "approve"}
        )
        assert response.status_code == 302
        plan.refresh_from_db()
        response = web("agent").post(
            f"/plans/{plan.pk}/acknowledge/",
            {"expected_version": plan.version, "comment": "I will use the checklist."},
        )
        assert response.status_code == 302, response.content[:300]
    plan.refresh_from_db()
    assert plan.state == PlanState.ACTIVE
    return plan


# --- who sees what, as the plan moves ---------------------------------------------------------


def test_the_agent_sees_neither_the_draft_nor_the_plan_in_hr_review(web, drafted, at):
    paths = [f"/plans/{drafted.pk}/", f"/plans/{drafted.pk}/packet.pdf"]
    for path in paths:
        assert web("agent").get(path).status_code == 404
    assert "Alice" not in web("agent").get("/plans/").content.decode().split("<main")[1]
    with at(AS_OF):
        assert submit(web, drafted).status_code == 302
    drafted.refresh_from_db()
    assert drafted.state == PlanState.HR_REVIEW
    for path in paths:
        assert web("agent").get(path).status_code == 404
    assert web("lead").get(f"/plans/{drafted.pk}/").status_code == 200
    assert web("hr").get(f"/plans/{drafted.pk}/review/").status_code == 200


@pytest.mark.parametrize("persona", NOBODY)
def test_qa_client_viewers_and_outsiders_get_404_on_every_plan_page(web, drafted, persona):
    client = web(persona)
    pk = drafted.pk
    for path in [
        "/plans/",
        "/plans/new/",
        "/plans/inbox/",
        "/plans/reports/",
        f"/plans/{pk}/",
        f"/plans/{pk}/edit/",
        f"/plans/{pk}/review/",
        f"/plans/{pk}/final-review/",
        f"/plans/{pk}/packet.pdf",
        f"/plans/{pk}/packet.ics",
    ]:
        assert client.get(path).status_code == 404, path
    assert client.post(f"/plans/{pk}/submit/", {"expected_version": 1}).status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("lead", 200),
        ("manager", 200),
        ("hr", 200),
        ("admin", 200),
        ("other_lead", 404),
        ("agent", 404),
        ("peer", 404),
    ],
)
def test_draft_detail_status_per_persona(web, drafted, persona, expected):
    assert web(persona).get(f"/plans/{drafted.pk}/").status_code == expected


def test_the_page_shows_the_terms_history_and_timeline(web, drafted):
    text = web("lead").get(f"/plans/{drafted.pk}/").content.decode()
    for heading in (
        "Problem statement",
        "Standards",
        "Evidence",
        "Goals and support",
        "Phases (30-60-90)",
        "Checkpoint schedule",
        "How the outcome is decided",
        "Version history",
        "Timeline",
    ):
        assert heading in text, heading
    assert "QA criteria v3" in text  # the standard with its source
    assert "Plan: draft" in text  # the audit action in words


# --- the editor and its lint ------------------------------------------------------------------


def test_lint_partial_shows_a_problem_and_clears_it_when_fixed(web, drafted):
    client = web("lead")
    data = editor_data(client, drafted)
    good = data["problem_statement"]
    assert "QA" in good
    vague = client.post(
        f"/plans/{drafted.pk}/lint/", {**data, "problem_statement": VAGUE}, HTTP_HX_REQUEST="true"
    )
    assert vague.status_code == 200
    text = vague.content.decode()
    assert 'data-rule="vague-problem"' in text
    assert "error" in text
    assert "Write what was measured" in text
    fixed = client.post(f"/plans/{drafted.pk}/lint/", data, HTTP_HX_REQUEST="true")
    assert 'data-rule="vague-problem"' not in fixed.content.decode()


def test_saving_a_vague_draft_keeps_it_and_submitting_it_is_refused(web, drafted):
    client = web("lead")
    data = editor_data(client, drafted)
    response = client.post(f"/plans/{drafted.pk}/edit/", {**data, "problem_statement": VAGUE})
    assert response.status_code == 302
    version = drafted.versions.get()
    assert version.terms["problem_statement"] == VAGUE
    assert any(p["rule"] == "vague-problem" for p in version.problems)
    refused = submit(web, drafted)
    assert refused.status_code == 400
    assert "vague-problem" in refused.content.decode()
    drafted.refresh_from_db()
    assert drafted.state == PlanState.DRAFT


def test_editor_rows_round_trip_into_the_plan_json(web, drafted):
    client = web("lead")
    data = editor_data(client, drafted)
    before = drafted.versions.get().terms
    client.post(f"/plans/{drafted.pk}/edit/", data)
    after = drafted.versions.get().terms
    for key in ("problem_statement", "goals", "support", "checkpoints", "outcomes", "standards"):
        assert after[key] == before[key], key


def test_hr_and_the_agent_may_not_edit(web, drafted):
    assert web("hr").get(f"/plans/{drafted.pk}/edit/").status_code == 403


# --- review, acknowledgement --------------------------------------------------------------


def test_hr_returns_the_plan_once_then_approves_it(web, drafted, at):
    with at(AS_OF):
        assert submit(web, drafted).status_code == 302
        drafted.refresh_from_db()
        empty = web("hr").post(
            f"/plans/{drafted.pk}/review/",
            {"expected_version": drafted.version, "decision": "return", "comment": " "},
        )
        assert empty.status_code == 400
        assert "Say what to change" in empty.content.decode()
        returned = web("hr").post(
            f"/plans/{drafted.pk}/review/",
            {
                "expected_version": drafted.version,
                "decision": "return",
                "comment": "Name the coaching dates.",
            },
        )
        assert returned.status_code == 302
        drafted.refresh_from_db()
        assert drafted.state == PlanState.DRAFT
        page = web("lead").get(f"/plans/{drafted.pk}/edit/").content.decode()
        assert "Name the coaching dates." in page
        assert web("agent").get(f"/plans/{drafted.pk}/").status_code == 404
        assert submit(web, drafted).status_code == 302
        drafted.refresh_from_db()
        approved = web("hr").post(
            f"/plans/{drafted.pk}/review/",
            {"expected_version": drafted.version, "decision": "approve", "comment": "Fair."},
        )
    assert approved.status_code == 302
    drafted.refresh_from_db()
    assert drafted.state == PlanState.SHARED
    page = web("agent").get(f"/plans/{drafted.pk}/").content.decode()
    assert "Acknowledge your plan" in page
    assert "Name the coaching dates." not in page  # the drafting conversation stays with staff
    assert "plan.return" not in page


def test_the_agent_acknowledges_with_a_comment(web, drafted, at):
    plan = to_active(web, drafted, at)
    version = plan.versions.get()
    assert version.status == VersionStatus.ACKNOWLEDGED
    assert version.acknowledgement_comment == "I will use the checklist."
    assert plan.checkpoints.count() == 13
    page = web("agent").get(f"/plans/{plan.pk}/").content.decode()
    assert "Acknowledge your plan" not in page
    assert "Checkpoint 1" in page


def test_only_the_agent_may_acknowledge(web, drafted, at):
    with at(AS_OF):
        submit(web, drafted)
        drafted.refresh_from_db()
        web("hr").post(
            f"/plans/{drafted.pk}/review/",
            {"expected_version": drafted.version, "decision": "approve"},
        )
        drafted.refresh_from_db()
        response = web("lead").post(
            f"/plans/{drafted.pk}/acknowledge/", {"expected_version": drafted.version}
        )
    assert response.status_code == 403


# --- checkpoints ------------------------------------------------------------------------------


def test_checkpoints_are_recorded_one_on_time_one_late(web, drafted, at):
    plan = to_active(web, drafted, at)
    first, second = plan.checkpoints.order_by("number")[:2]
    with at(first.due_on):
        page = web("lead").get(f"/plans/{plan.pk}/checkpoints/1/")
        assert page.status_code == 200
        assert "Goal metrics" in page.content.decode()
        response = web("lead").post(
            f"/plans/{plan.pk}/checkpoints/1/",
            {
                "expected_version": first.version,
                "action": "record",
                "coaching_notes": "Went through three calls.",
                "blocker_0_kind": "system_issue",
                "blocker_0_description": "CRM slow on Tuesday",
            },
        )
        assert response.status_code == 302
    late_day = second.due_on + dt.timedelta(days=2)
    with at(late_day):
        overdue = web("lead").get(f"/plans/{plan.pk}/").content.decode()
        assert "Overdue" in overdue
        web("lead").post(
            f"/plans/{plan.pk}/checkpoints/2/",
            {"expected_version": second.version, "action": "record", "coaching_notes": "Late."},
        )
    first, second = (Checkpoint.objects.get(pk=c.pk) for c in (first, second))
    assert first.on_time is True
    assert first.blockers == [{"kind": "system_issue", "description": "CRM slow on Tuesday"}]
    assert first.metrics[0]["metric"] == "qa"
    assert second.on_time is False
    with at(late_day):
        detail = web("lead").get(f"/plans/{plan.pk}/").content.decode()
        assert "Late" in detail
        page = web("agent").get(f"/plans/{plan.pk}/checkpoints/2/").content.decode()
        assert "Late" in page
        reflected = web("agent").post(
            f"/plans/{plan.pk}/checkpoints/1/",
            {"expected_version": first.version, "action": "reflect", "reflection": "It helps."},
        )
        assert reflected.status_code == 302
        assert Checkpoint.objects.get(pk=first.pk).agent_reflection == "It helps."
        refused = web("agent").post(
            f"/plans/{plan.pk}/checkpoints/2/",
            {"expected_version": second.version, "action": "record", "coaching_notes": "x"},
        )
        assert refused.status_code == 403
        reports = web("manager").get("/plans/reports/").content.decode()
    assert "Check-ins per team lead" in reports
    assert "lead" in reports


def test_final_review_page_shows_the_verdict_with_reasons(web, drafted, at):
    plan = to_active(web, drafted, at)
    with at(plan.end_date):
        assert web("manager").get(f"/plans/{plan.pk}/final-review/").status_code == 200
        response = web("manager").post(
            f"/plans/{plan.pk}/final-review/", {"expected_version": plan.version}
        )
        assert response.status_code == 302
        text = web("hr").get(f"/plans/{plan.pk}/final-review/").content.decode()
    plan.refresh_from_db()
    assert plan.state == PlanState.FINAL_REVIEW
    assert "Verdict as of" in text
    for reason in plan.review["reasons"]:
        assert reason.replace("'", "&#x27;").replace('"', "&quot;") in text
    assert web("agent").get(f"/plans/{plan.pk}/final-review/").status_code == 403
    with at(plan.end_date):
        closed = web("hr").post(
            f"/plans/{plan.pk}/close/",
            {"expected_version": plan.version, "outcome": "withdrawn", "reason": "Role ended."},
        )
    assert closed.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.CLOSED


# --- stale edits, refusals -------------------------------------------------------------------


def test_a_stale_edit_gets_409_with_a_reload_link(web, drafted):
    client = web("lead")
    data = editor_data(client, drafted)
    assert client.post(f"/plans/{drafted.pk}/edit/", data).status_code == 302
    stale = client.post(f"/plans/{drafted.pk}/edit/", {**data, "problem_statement": "Other."})
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "This plan was changed by someone else since you opened it" in text
    assert f'href="/plans/{drafted.pk}/edit/"' in text
    assert drafted.versions.get().terms["problem_statement"] != "Other."


def test_a_stale_review_gets_409(web, drafted, at):
    with at(AS_OF):
        submit(web, drafted)
        response = web("hr").post(
            f"/plans/{drafted.pk}/review/", {"expected_version": 1, "decision": "approve"}
        )
    assert response.status_code == 409


def test_a_refused_action_is_400_with_its_message(web, drafted):
    response = web("manager").post(
        f"/plans/{drafted.pk}/close/",
        {"expected_version": drafted.version, "outcome": "success", "reason": "Done."},
    )
    assert response.status_code == 400
    assert "Cannot close a plan that is draft" in response.content.decode()


def test_posts_need_csrf(world, drafted):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("lead"))
    response = client.post(f"/plans/{drafted.pk}/submit/", {"expected_version": 1})
    assert response.status_code == 403


# --- downloads, inbox ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK",
        ),
        ("ics", "text/calendar; charset=utf-8", b"BEGIN:VCALENDAR"),
    ],
)
def test_downloads_are_attachments_of_the_right_type(web, drafted, fmt, content_type, magic):
    response = web("lead").get(f"/plans/{drafted.pk}/packet.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    assert response.content.startswith(magic)


def test_the_inbox_lists_notifications_and_marks_them_read(web, drafted, at):
    with at(AS_OF):
        submit(web, drafted)
    note = Notification.objects.get(recipient__username="hr")
    page = web("hr").get("/plans/inbox/").content.decode()
    assert note.subject in page
    assert "1 unread" in page
    response = web("hr").post(f"/plans/inbox/{note.pk}/read/")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    # Someone else's notification cannot be marked read.
    assert web("lead").post(f"/plans/inbox/{note.pk}/read/").status_code == 302
    assert "0 unread" in web("hr").get("/plans/inbox/").content.decode()


def test_nav_shows_plan_links_by_role(web, drafted, at):
    def links(persona):
        html = web(persona).get("/plans/inbox/" if persona != "qa" else "/").content.decode()
        nav = html.split('aria-label="Main"')[1].split("</nav>")[0]
        return re.findall(r">([^<]+)</a>", nav)

    assert {"Plans", "Inbox"} <= set(links("lead"))
    assert "Plan reports" not in links("lead")
    assert "Plan reports" in links("hr")
    assert "My plan" not in links("agent")  # only once HR approved one
    to_active(web, drafted, at)
    assert "My plan" in links("agent")
