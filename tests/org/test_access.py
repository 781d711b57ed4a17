"""The scoping functions: what each persona's grants open, and nothing more."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from factories import FIRST_WEEK, TRANSFER_DAY, build_persona_org
from upswing.org.access import (
    access_agent_by_id,
    access_program_by_id,
    access_team_by_id,
    grants_of,
    landing_of,
    visible_agents,
    visible_programs,
    visible_teams,
)
from upswing.org.models import Role, RoleGrant
from upswing.performance.models import ScorecardSnapshot
from upswing.scorecards.access import visible_snapshots

EXPECTED = {
    # persona: (programs, teams, agents)
    "agent": (set(), set(), {"A1"}),
    "peer": (set(), set(), {"A2"}),
    "lead": ({"P1"}, {"T1"}, {"A1", "A2", "A5"}),
    "other_lead": ({"P1"}, {"T2"}, {"A3", "A5"}),
    "qa": ({"P1"}, {"T1", "T2"}, {"A1", "A2", "A3", "A5"}),
    "manager": ({"P1"}, {"T1", "T2"}, {"A1", "A2", "A3", "A5"}),
    "hr": ({"P1"}, {"T1", "T2"}, {"A1", "A2", "A3", "A5"}),
    "client_viewer": ({"P1"}, set(), set()),
    "other_client_viewer": ({"P2"}, set(), set()),
    "admin": ({"P1", "P2"}, {"T1", "T2", "T3"}, {"A1", "A2", "A3", "A4", "A5"}),
    "outsider": (set(), set(), set()),
}


@pytest.fixture
def org(db):
    return build_persona_org()


def _codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_visible_sets_per_persona(org, persona):
    user = org.user(persona)
    programs, teams, agents = EXPECTED[persona]
    assert _codes(visible_programs(user)) == programs
    assert _codes(visible_teams(user)) == teams
    assert _codes(visible_agents(user)) == agents


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_access_by_id_is_404_outside_scope_and_for_missing(org, persona):
    user = org.user(persona)
    programs, teams, agents = EXPECTED[persona]
    for finder, codes, every in (
        (access_program_by_id, programs, ("P1", "P2")),
        (access_team_by_id, teams, ("T1", "T2", "T3")),
        (access_agent_by_id, agents, ("A1", "A2", "A3", "A4", "A5")),
    ):
        for code in codes:
            assert finder(user, code).code == code
        with pytest.raises(Http404) as missing:
            finder(user, "NOPE")
        for code in set(every) - codes:
            with pytest.raises(Http404) as refused:
                finder(user, code)
            assert str(refused.value) == str(missing.value)  # forbidden looks like missing


def test_anonymous_sees_nothing(org):
    anonymous = AnonymousUser()
    assert grants_of(anonymous) == ()
    assert not visible_programs(anonymous).exists()
    assert not visible_teams(anonymous).exists()
    assert not visible_agents(anonymous).exists()
    assert not visible_snapshots(anonymous).exists()


def test_an_inactive_user_loses_everything(org):
    manager = org.user("manager")
    manager.is_active = False
    assert not visible_programs(manager).exists()
    assert not visible_agents(manager).exists()


def test_a_revoked_grant_applies_to_the_next_request(org):
    lead = org.user("lead")
    assert _codes(visible_teams(lead)) == {"T1"}
    RoleGrant.objects.filter(user=lead).delete()
    fresh = type(lead).objects.get(pk=lead.pk)  # a new request loads the user again
    assert _codes(visible_teams(fresh)) == set()


def test_a_client_viewer_with_a_program_grant_sees_that_program_only(org):
    viewer = org.user("outsider")
    RoleGrant.objects.create(user=viewer, role=Role.CLIENT_VIEWER, program=org.programs["P2"])
    assert _codes(visible_programs(viewer)) == {"P2"}
    assert _codes(visible_teams(viewer)) == set()


def test_an_agent_grant_on_a_team_opens_nothing_beyond_oneself(org):
    agent = org.user("agent")
    assert any(g.role == Role.AGENT for g in grants_of(agent))
    assert _codes(visible_teams(agent)) == set()


# --- scorecard rows ---------------------------------------------------------------------------


def _rows(user) -> set[tuple[str, str]]:
    return set(visible_snapshots(user).values_list("level", "entity_code").distinct())


def test_agent_reads_only_their_own_rows(org):
    assert _rows(org.user("agent")) == {("agent", "A1")}
    assert _rows(org.user("peer")) == {("agent", "A2")}


def test_client_viewer_reads_program_rows_of_their_client_only(org):
    assert _rows(org.user("client_viewer")) == {("program", "P1")}
    assert _rows(org.user("other_client_viewer")) == {("program", "P2")}


def test_lead_reads_their_team_and_its_members_while_they_were_on_it(org):
    lead = org.user("lead")
    assert _rows(lead) == {
        ("program", "P1"),
        ("team", "T1"),
        ("agent", "A1"),
        ("agent", "A2"),
        ("agent", "A5"),
    }
    erin_weeks = set(
        visible_snapshots(lead)
        .filter(level="agent", entity_code="A5")
        .values_list("period_start", flat=True)
    )
    assert erin_weeks
    assert max(erin_weeks) < TRANSFER_DAY
    assert min(erin_weeks) == FIRST_WEEK


def test_the_new_lead_reads_a_transferred_agent_from_the_transfer_on(org):
    weeks = set(
        visible_snapshots(org.user("other_lead"))
        .filter(level="agent", entity_code="A5")
        .values_list("period_start", flat=True)
    )
    assert weeks
    assert min(weeks) == TRANSFER_DAY


def test_manager_reads_all_rows_of_their_program_and_nothing_else(org):
    rows = visible_snapshots(org.user("manager"))
    assert set(rows.values_list("program_code", flat=True).distinct()) == {"P1"}
    assert ("team", "T2") in _rows(org.user("manager"))


def test_admin_and_outsider(org):
    assert visible_snapshots(org.user("admin")).count() == ScorecardSnapshot.objects.count()
    assert _rows(org.user("outsider")) == set()


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("agent", ("agent", "A1")),
        ("lead", ("team", "T1")),
        ("manager", ("program", "P1")),
        ("client_viewer", ("program", "P1")),
        ("other_client_viewer", ("program", "P2")),
        ("outsider", None),
    ],
)
def test_landing(org, persona, landing):
    assert landing_of(org.user(persona)) == landing


def test_grants_are_read_once_per_request(org, django_assert_num_queries):
    lead = type(org.user("lead")).objects.get(username="lead")
    with django_assert_num_queries(1):
        grants_of(lead)
        grants_of(lead)
    with django_assert_num_queries(3):
        list(visible_programs(lead))
        list(visible_teams(lead))
        list(visible_agents(lead))
