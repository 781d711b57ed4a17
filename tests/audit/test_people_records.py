"""Every change to a person's record writes an audit event, whatever the channel: the CLI
and API imports (one event per record), the admin's user and inline edits."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from click.testing import CliRunner
from tests.factories import (
    AgentFactory,
    MembershipFactory,
    RoleGrantFactory,
    TeamFactory,
    UserFactory,
)

from upswing.audit.actions import HIDDEN
from upswing.audit.models import AuditEvent
from upswing.audit.verify import verify_audit_trail
from upswing.cli import main
from upswing.org.models import Agent, Role

AGENTS = 206
HEADER = [
    "agent_id",
    "name",
    "email",
    "team_id",
    "program_id",
    "program_name",
    "start_date",
    "time_zone",
]


def _roster(path, agents: int = AGENTS, team_of=lambda n: f"T{n % 7}", name="Agent {n}"):
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(agents):
            writer.writerow(
                [
                    f"A{n:03}",
                    name.format(n=n),
                    f"a{n}@example.com",
                    team_of(n),
                    "P1",
                    "Care",
                    "2026-01-05",
                    "UTC",
                ]
            )
    return path


def _import(path):
    out = CliRunner().invoke(main, ["import", "roster", str(path)])
    assert out.exit_code == 0, out.output
    return out


@pytest.mark.django_db
def test_a_cli_roster_import_writes_one_event_per_record(tmp_path, warehouse_url):
    # Found: a CLI roster import of 206 agents and memberships wrote no event at all.
    _import(_roster(tmp_path / "roster.csv"))
    events = AuditEvent.objects.all()
    assert Counter(e.action for e in events) == {
        "agent.import.create": AGENTS,
        "membership.import.create": AGENTS,
        "team.import.create": 7,
        "program.import.create": 1,
        "client.import.create": 1,
    }
    assert {e.actor_label for e in events} == {"cli"}
    agent = Agent.objects.get(code="A042")
    event = events.get(action="agent.import.create", object_id=str(agent.pk))
    assert event.object_type == "org.agent"
    assert event.changes["code"] == [None, "A042"]
    assert event.changes["name"] == [None, HIDDEN]  # the trail outlives an erasure
    assert "Agent 42" not in str(event.changes)
    assert verify_audit_trail().ok


@pytest.mark.django_db
def test_a_reimport_writes_events_only_for_what_changed(tmp_path, warehouse_url):
    _import(_roster(tmp_path / "roster.csv"))
    first = AuditEvent.objects.count()
    _import(_roster(tmp_path / "roster.csv"))
    assert AuditEvent.objects.count() == first  # nothing changed, nothing recorded
    # A transfer of one agent: their old membership closes, a new one opens.
    moved = _roster(tmp_path / "moved.csv", team_of=lambda n: "T9" if n == 3 else f"T{n % 7}")
    with moved.open() as f:
        text = f.read().replace("T9,P1,Care,2026-01-05", "T9,P1,Care,2026-03-01")
    moved.write_text(text)
    _import(moved)
    new = AuditEvent.objects.filter(seq__gt=first)
    assert Counter(e.action for e in new) == {
        "membership.import.update": 1,
        "membership.import.create": 1,
        "team.import.create": 1,
    }
    closed = new.get(action="membership.import.update")
    assert closed.changes == {"end_date": [None, "2026-02-28"]}


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=admin, role=Role.ADMIN)
    client.force_login(admin)
    return client


def test_deactivating_a_user_in_the_admin_is_audited(admin_client):
    # Found: deactivating a user in the admin wrote no event.
    user = UserFactory(username="leaver", first_name="Lee")
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "leaver",
            "first_name": "Lee",
            "email": user.email,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            # is_active unticked
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert not user.is_active
    event = AuditEvent.objects.get(object_type="auth.user", object_id=str(user.pk))
    assert event.action == "admin.change"
    assert event.actor_label == "root"
    assert event.changes["is_active"] == [True, False]
    assert "password" not in event.changes


def test_a_membership_changed_in_an_admin_inline_records_its_change(admin_client):
    # Found: a membership change through the agent's inline recorded `changes={}`.
    membership = MembershipFactory(agent=AgentFactory(code="A7", name="Ann"))
    agent, other = membership.agent, TeamFactory(code="T2")
    form = {
        "code": "A7",
        "name": "Ann",
        "email": "",
        "memberships-TOTAL_FORMS": "2",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-agent": str(agent.pk),
        "memberships-0-team": str(membership.team.pk),
        "memberships-0-start_date": "2025-01-01",
        "memberships-0-end_date": "2026-02-28",
        "memberships-1-agent": str(agent.pk),
        "memberships-1-team": str(other.pk),
        "memberships-1-start_date": "2026-03-01",
        "memberships-1-end_date": "",
    }
    response = admin_client.post(f"/admin/org/agent/{agent.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    events = AuditEvent.objects.filter(object_type="org.membership")
    assert events.count() == 2
    changed = events.get(action="admin.change")
    assert changed.object_id == str(membership.pk)
    assert changed.changes == {"end_date": [None, "2026-02-28"]}
    added = events.get(action="admin.add")
    assert added.changes["team"] == [None, other.pk]
    assert added.changes["start_date"] == [None, "2026-03-01"]


@pytest.mark.django_db
def test_a_coaching_import_audits_each_session_without_its_notes(tmp_path, warehouse_url):
    _import(_roster(tmp_path / "roster.csv", agents=3))
    path = tmp_path / "coaching.csv"
    path.write_text(
        "agent_id,coached_at,kind,coach_email,topic,metric,notes\n"
        "A000,2026-02-02T10:00:00Z,one_to_one,c@example.com,Empathy,csat,Private words\n"
        "A001,2026-02-03T10:00:00Z,training,c@example.com,Holds,aht,\n"
    )
    out = CliRunner().invoke(main, ["import", "coaching", str(path)])
    assert out.exit_code == 0, out.output
    events = AuditEvent.objects.filter(action="coaching.import.create")
    assert events.count() == 2
    assert {e.actor_label for e in events} == {"cli"}
    assert all(e.object_type == "coaching.coachingsession" for e in events)
    assert "Private words" not in str([e.changes for e in events])
    assert sorted(e.changes["topic"][1] for e in events) == ["Empathy", "Holds"]
