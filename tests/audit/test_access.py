"""Who may browse the audit trail, and the browse filters."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.http import Http404

from factories import build_persona_org
from upswing.audit.actions import record_event
from upswing.audit.models import AuditEvent
from upswing.audit.queries import AuditFilter, events_about, filter_audit_events
from upswing.audit_page.access import (
    access_audit_event_by_id,
    can_browse_audit,
    visible_audit_events,
)
from upswing.org.models import Client

# Types HR reads (for records inside their grants), and types only admins read.
HR_TYPES = ["coaching.coachingsession", "org.agent", "performance.target"]
ADMIN_ONLY_TYPES = ["org.rolegrant", "auth.user", "ingest.import", ""]


@pytest.fixture
def org(db):
    from upswing.coaching.models import CoachingSession
    from upswing.performance.models import Target

    org = build_persona_org(snapshots=False)
    a1 = org.agents["A1"]  # on T1, program P1, client C1: inside HR's grant
    session = CoachingSession.objects.create(
        agent=a1, coached_at=dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC), kind="one_to_one"
    )
    target = Target.objects.create(
        program=org.programs["P1"], metric="aht", kpi_target=300, effective_from=dt.date(2026, 1, 1)
    )
    ids = {
        "coaching.coachingsession": session.pk,
        "org.agent": a1.pk,
        "performance.target": target.pk,
    }
    with transaction.atomic():
        for object_type in HR_TYPES + ADMIN_ONLY_TYPES:
            record_event(
                actor=org.user("admin"),
                action="x.change",
                object_type=object_type,
                object_id=str(ids.get(object_type, 1)),
            )
    return org


def _types(user) -> list[str]:
    return sorted(visible_audit_events(user).values_list("object_type", flat=True))


def test_admins_see_every_event(org):
    assert _types(org.user("admin")) == sorted(HR_TYPES + ADMIN_ONLY_TYPES)
    assert can_browse_audit(org.user("admin"))


def test_hr_sees_events_about_peoples_records_in_their_grants_only(org):
    assert _types(org.user("hr")) == sorted(HR_TYPES)
    assert can_browse_audit(org.user("hr"))


@pytest.mark.parametrize(
    "persona", ["anonymous", "agent", "lead", "qa", "manager", "client_viewer", "outsider"]
)
def test_everyone_else_sees_nothing(org, persona):
    user = org.user(persona)
    assert _types(user) == []
    assert not can_browse_audit(user)
    with pytest.raises(Http404):
        access_audit_event_by_id(user, AuditEvent.objects.first().pk)


def test_one_event_is_not_found_when_out_of_reach(org):
    grant_event = AuditEvent.objects.get(object_type="org.rolegrant")
    assert access_audit_event_by_id(org.user("admin"), grant_event.pk) == grant_event
    with pytest.raises(Http404):
        access_audit_event_by_id(org.user("hr"), grant_event.pk)
    with pytest.raises(Http404):
        access_audit_event_by_id(org.user("admin"), 10**9)


def test_filters_by_actor_action_object_and_days(db):
    client = Client.objects.create(code="C1", name="Atlas")
    plan = {"object_type": "plans.plan", "object_id": "5"}
    for day, action, actor, obj in [
        (dt.datetime(2026, 9, 7, 23, 59, tzinfo=dt.UTC), "plan.open", "cli", plan),
        (dt.datetime(2026, 9, 8, 0, 0, tzinfo=dt.UTC), "plan.approve", "cli", plan),
        (dt.datetime(2026, 9, 9, 12, 0, tzinfo=dt.UTC), "target.create", "ops", {"obj": client}),
    ]:
        with time_machine.travel(day, tick=False), transaction.atomic():
            record_event(actor=actor, action=action, **obj)

    def actions(**kwargs) -> list[str]:
        events = filter_audit_events(AuditEvent.objects.all(), AuditFilter(**kwargs))
        return sorted(events.values_list("action", flat=True))

    assert actions(action="plan.") == ["plan.approve", "plan.open"]
    assert actions(action="plan") == []
    assert actions(action="plan.open") == ["plan.open"]
    assert actions(actor_label="ops") == ["target.create"]
    assert actions(object_type="plans.plan", object_id="5") == ["plan.approve", "plan.open"]
    assert actions(since=dt.date(2026, 9, 8)) == ["plan.approve", "target.create"]
    assert actions(until=dt.date(2026, 9, 8)) == ["plan.approve", "plan.open"]
    assert actions(since=dt.date(2026, 9, 8), until=dt.date(2026, 9, 8)) == ["plan.approve"]
    assert actions(until=dt.datetime(2026, 9, 8, tzinfo=dt.UTC)) == ["plan.open"]
    assert [e.action for e in events_about(AuditEvent.objects.all(), client)] == ["target.create"]
