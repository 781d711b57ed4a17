"""The start page at `/`: each role's open work, linking to where it is done, and the badge.

Records: the persona org with coaching (findings 91xx, sessions 92xx), plans (91xx) and
quality (samples 96xx, dispute 9701) records, built once per module.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factories import (
    build_coaching_records,
    build_persona_org,
    build_plan_records,
    rolled_back_at_module_end,
)
from quality_records import build_quality_records
from upswing.coaching.models import CoachingSession
from upswing.plans.models import Checkpoint
from upswing.today.pages import work_of

TODAY = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def _module_org(django_db_setup, django_db_blocker):
    with rolled_back_at_module_end(django_db_blocker):
        yield build_quality_records(build_plan_records(build_coaching_records(build_persona_org())))


@pytest.fixture
def org(_module_org, db):
    return _module_org


@pytest.fixture
def as_(client, org):
    def sign_in(persona: str) -> Client:
        client.force_login(org.user(persona))
        return client

    return sign_in


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY.date()


def _page(as_, persona: str) -> str:
    response = as_(persona).get("/")
    assert response.status_code == 200
    return response.content.decode()


def _section(text: str, key: str) -> str:
    start = text.index(f'id="today-{key}"')
    return text[start : text.index("</section>", start)]


def test_the_root_is_the_start_page_not_a_redirect(as_):
    response = as_("agent").get("/")
    assert response.status_code == 200
    assert "Today" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, org):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_agent_sees_sessions_to_acknowledge_and_links_to_each(as_, org):
    text = _page(as_, "agent")
    section = _section(text, "acknowledge")
    assert "/coaching/sessions/9201/" in section  # Alice's unacknowledged session
    assert "/coaching/sessions/9202/" not in text  # Carl's: not hers
    CoachingSession.objects.filter(pk=9201).update(acknowledged_at=timezone.now())
    assert "/coaching/sessions/9201/" not in _section(_page(as_, "agent"), "acknowledge")


def test_the_agent_sees_their_plan_checkpoint_due_and_their_numbers(as_, org):
    text = _page(as_, "agent")
    plan = _section(text, "plan")
    open_ = Checkpoint.objects.get(plan_id=9103, number=2)
    assert f"/plans/9103/checkpoints/{open_.number}/" in plan
    assert "/plans/9104/" not in text  # Carl's plan
    trend = _section(text, "trend")
    assert "/agents/A1/" in trend
    assert "n=" in trend


def test_the_lead_sees_the_coaching_queue_check_ins_and_team_scorecard(as_, org):
    CoachingSession.objects.filter(pk=9201).update(follow_up_on=dt.date(2026, 11, 10))
    text = _page(as_, "lead")
    queue = _section(text, "coaching_queue")
    assert "Alice Anders" in queue
    assert "/findings/9101/coaching/new/" in queue
    assert "Carl Crane" not in queue  # T2 is the other lead's
    assert "/agents/A1/coaching/new/" in _section(text, "follow_ups")
    assert "/plans/9103/checkpoints/2/" in _section(text, "check_ins")
    assert "/plans/9104/" not in text  # T2's plan
    teams = _section(text, "team_scorecards")
    assert "/teams/T1/" in teams
    assert "/teams/T2/" not in teams


def test_a_later_session_settles_the_follow_up(as_, org):
    CoachingSession.objects.filter(pk=9201).update(follow_up_on=dt.date(2026, 11, 10))
    session = CoachingSession.objects.get(pk=9201)
    CoachingSession.objects.create(
        agent=session.agent, coached_at=TODAY - dt.timedelta(days=2), kind="one_to_one",
        topic="Follow-up", notes="Done.",
    )  # fmt: skip
    assert "/agents/A1/coaching/new/" not in _section(_page(as_, "lead"), "follow_ups")


def test_qa_sees_evaluations_to_do_and_no_dispute_on_their_own_score(as_, org):
    text = _page(as_, "qa")
    assert "/quality/queue/9601/" in _section(text, "evaluations")
    assert "/quality/queue/9602/" not in text  # P2's sample
    assert "/quality/evaluations/9501/" not in _section(text, "disputes")  # qa scored it


def test_the_manager_sees_systemic_issues_sla_risk_and_disputes_to_decide(as_, org):
    text = _page(as_, "manager")
    assert "/systemic/" in _section(text, "systemic")
    assert "Systemic issues" in text
    _section(text, "sla_risk")
    assert "/quality/evaluations/9501/" in _section(text, "disputes")


def test_hr_sees_plans_awaiting_review_and_overdue_check_ins(as_, org):
    text = _page(as_, "hr")
    assert "/plans/9102/review/" in _section(text, "plan_review")
    check_ins = _section(text, "check_ins")
    assert "/plans/9103/checkpoints/2/" in check_ins
    assert "/plans/9105/" not in text  # C2's plan: outside HR's client


def test_the_client_viewer_sees_the_program_report_and_no_agent(as_, org):
    text = _page(as_, "client_viewer")
    assert "/programs/P1/" in _section(text, "reports")
    assert "/programs/P2/" not in text
    assert "Alice Anders" not in text
    assert "/agents/" not in text


@pytest.mark.parametrize("role", ["client_governance_lead", "vendor_account_manager"])
def test_the_client_governance_roles_start_on_their_programs_contracts(client, org, role):
    from factories import UserFactory
    from upswing.org.models import RoleGrant

    user = UserFactory(username=f"gov-{role}")
    RoleGrant.objects.create(user=user, role=role, program=org.programs["P1"])
    client.force_login(user)
    text = client.get("/").content.decode()
    assert "no role yet" not in text
    section = _section(text, "governance")
    assert "/governance/programs/P1/" in section
    assert "/governance/programs/P2/" not in text  # another client's program
    assert "/agents/" not in text


def test_a_person_with_several_roles_sees_each_section(as_, org):
    from upswing.org.models import Role, RoleGrant

    RoleGrant.objects.create(user=org.user("lead"), role=Role.HR, client=org.clients["C1"])
    text = _page(as_, "lead")
    for key in ("coaching_queue", "team_scorecards", "plan_review", "check_ins"):
        _section(text, key)
    assert text.count('id="today-check_ins"') == 1  # shared by both roles: shown once


def test_the_badge_counts_the_open_work_the_page_lists(as_, org):
    user = org.user("hr")
    work = work_of(user, today=TODAY.date())
    expected = sum(s.count for g in work.groups for s in g.sections if s.counted)
    assert expected == work.count > 0
    badge = as_("hr").get("/today/badge/").content.decode()
    assert f'>{work.count}<span class="sr-only"> open</span>' in badge
    assert "plans awaiting your review: 1" in badge  # in the title, not in the link's name
    assert 'hx-get="/today/badge/"' in _page(as_, "hr")  # every page loads it after itself


def test_the_badge_is_empty_when_nothing_is_open(as_, org):
    assert as_("client_viewer").get("/today/badge/").content.decode().strip() == ""


def test_someone_without_a_role_sees_that_they_have_none(as_, org):
    text = _page(as_, "outsider")
    assert "no role yet" in text


def _sessions(org, first: int, count: int) -> None:
    CoachingSession.objects.bulk_create(
        CoachingSession(
            agent=org.agents["A1"], coached_at=TODAY - dt.timedelta(days=20 + i),
            kind="one_to_one", topic=f"t{i}", notes="n", follow_up_on=dt.date(2026, 11, 1),
        )
        for i in range(first, first + count)
    )  # fmt: skip


@pytest.mark.parametrize("persona", ["agent", "lead", "qa", "hr", "manager", "client_viewer"])
def test_the_start_page_runs_a_bounded_number_of_queries(as_, org, persona):
    client = as_(persona)
    _sessions(org, 0, 1)
    client.get("/")  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    _sessions(org, 1, 12)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)


@pytest.mark.parametrize("persona", ["agent", "lead", "qa", "manager", "hr", "admin", "outsider"])
def test_disputes_to_decide_are_the_open_disputes_the_user_may_arbitrate(org, persona):
    """quality.access.disputes_to_decide is `may_arbitrate` over the visible open disputes, in
    one query."""
    from upswing.quality import access

    user = org.user(persona)
    one_by_one = {
        d.pk
        for d in access.visible_disputes(user).filter(outcome="")
        if access.may_arbitrate(user, d.evaluation)
    }
    assert set(access.disputes_to_decide(user).values_list("pk", flat=True)) == one_by_one
