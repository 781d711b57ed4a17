"""Demo sign-ins (one user per role on the demo org) and the Django admin for the admin role."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from factories import (
    AgentFactory,
    MembershipFactory,
    ProgramFactory,
    RoleGrantFactory,
    TeamFactory,
    UserFactory,
)
from upswing.audit.models import AuditEvent
from upswing.org.access import reach_of
from upswing.org.demo_users import create_demo_users, planted_agent_code, set_up_demo_sign_ins
from upswing.org.grants import do_grant_role, do_revoke_role
from upswing.org.models import Agent, Role, RoleGrant

CASES = [
    {"case_id": "outage", "expected_cause": "systemic", "agent_ids": ["D1", "D2"]},
    {"case_id": "rushing", "expected_cause": "individual", "expected_recommendation": "coach",
     "agent_ids": ["D2"]},
    {"case_id": "qa", "expected_cause": "individual", "expected_recommendation": "pip",
     "agent_ids": ["D1"]},
]  # fmt: skip


@pytest.fixture
def demo_org(db, tmp_path):
    program = ProgramFactory(code="claims", name="Claims")
    team = TeamFactory(code="claims-1", program=program)
    other = TeamFactory(code="claims-2", program=program)
    d1 = AgentFactory(code="D1", name="Dana Demo")
    MembershipFactory(agent=d1, team=other, end_date="2026-03-01")
    MembershipFactory(agent=d1, team=team, start_date="2026-03-02")
    AgentFactory(code="D2")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"cases": CASES}), "utf-8")
    return {"program": program, "team": team, "agent": d1, "manifest": manifest}


def _signs_in(username: str, password: str) -> bool:
    return get_user_model().objects.get(username=username).check_password(password)


def test_it_prefers_an_agent_the_rules_take_to_a_plan():
    assert planted_agent_code({"cases": CASES}) == "D1"
    with pytest.raises(ValueError, match="no individual case"):
        planted_agent_code({"cases": CASES[:1]})


def test_one_user_per_role_with_a_working_password(demo_org):
    sign_ins = create_demo_users(demo_org["manifest"])
    assert [s.role for s in sign_ins] == [role.label for role in Role]
    for s in sign_ins:
        assert _signs_in(s.username, s.password)
        assert len(s.password) >= 16
    users = get_user_model().objects
    agent_user = users.get(username="demo-agent")
    assert Agent.objects.get(user=agent_user) == demo_org["agent"]
    lead = RoleGrant.objects.get(user__username="demo-lead")
    assert (lead.role, lead.team) == (Role.TEAM_LEAD, demo_org["team"])  # the current team
    manager = RoleGrant.objects.get(user__username="demo-manager")
    assert manager.program == demo_org["program"]
    assert RoleGrant.objects.get(user__username="demo-hr").client == demo_org["program"].client
    admin = users.get(username="demo-admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert not users.get(username="demo-manager").is_staff
    assert AuditEvent.objects.filter(action="role.grant", actor_label="demo").count() == 9


def test_running_the_demo_again_rotates_passwords_and_keeps_one_grant_each(demo_org):
    first = {s.username: s.password for s in create_demo_users(demo_org["manifest"])}
    second = {s.username: s.password for s in create_demo_users(demo_org["manifest"])}
    assert all(first[name] != second[name] for name in first)
    assert RoleGrant.objects.filter(user__username__startswith="demo-").count() == 9
    assert not _signs_in("demo-qa", first["demo-qa"])
    assert _signs_in("demo-qa", second["demo-qa"])


def test_it_prints_one_line_per_role(demo_org):
    lines = []
    sign_ins = set_up_demo_sign_ins(demo_org["manifest"], lines.append)
    printed = [line.strip() for line in lines if " / " in line]
    assert len(printed) == 9
    assert printed[1] == f"Team lead: demo-lead / {sign_ins[1].password}"


# --- the Django admin is for the admin role ------------------------------------------------


def test_an_admin_grant_opens_the_admin_and_its_revocation_closes_it(client, db):
    user = UserFactory(username="ops")
    grant = do_grant_role(user, Role.ADMIN, actor="cli")
    user.refresh_from_db()
    assert user.is_staff
    assert user.is_superuser
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    do_revoke_role(grant, actor="cli")
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.is_superuser
    assert client.get("/admin/").status_code == 302
    assert [e.action for e in AuditEvent.objects.order_by("id")] == ["role.grant", "role.revoke"]


def test_a_staff_flag_without_the_admin_role_opens_nothing(client, db):
    user = UserFactory(username="sneaky", is_staff=True)
    RoleGrantFactory(user=user, role=Role.TEAM_LEAD, team=TeamFactory())
    client.force_login(user)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/org/agent/").status_code == 302


def test_grants_made_in_the_admin_are_audited_and_set_staff_flags(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=admin, role=Role.ADMIN)
    newcomer = UserFactory(username="newcomer")
    client.force_login(admin)
    response = client.post("/admin/org/rolegrant/add/", {"user": newcomer.pk, "role": Role.ADMIN})
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_superuser
    assert reach_of(newcomer).is_admin
    event = AuditEvent.objects.get(action="role.grant")
    assert event.actor == admin
    assert event.changes["user_id"] == [None, newcomer.pk]


def test_audit_events_are_read_only_in_the_admin(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=admin, role=Role.ADMIN)
    client.force_login(admin)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.get("/admin/performance/target/add/").status_code == 403


def test_edits_in_the_admin_are_audited(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=admin, role=Role.ADMIN)
    program = ProgramFactory(code="P9", name="Old name")
    client.force_login(admin)
    data = {
        "code": "P9",
        "name": "New name",
        "client": program.client_id,
        "time_zone": "UTC",
        "service_level_seconds": 20,
    }
    response = client.post(f"/admin/org/program/{program.pk}/change/", data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.change")
    assert event.object_type == "org.program"
    assert event.changes == {"name": ["Old name", "New name"]}
