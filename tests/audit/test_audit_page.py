"""The audit trail page: who may browse it, what HR sees, filters and paging."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from factories import RoleGrantFactory, UserFactory
from upswing.audit.actions import record_event
from upswing.org.models import Client, Role


@pytest.fixture
def people(db):
    client_c1 = Client.objects.create(code="C1", name="Atlas")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=admin, role=Role.ADMIN)
    hr = UserFactory(username="hr1")
    RoleGrantFactory(user=hr, role=Role.HR, client=client_c1)
    manager = UserFactory(username="mgr")
    RoleGrantFactory(user=manager, role=Role.OPERATIONS_MANAGER, client=client_c1)
    return {"admin": admin, "hr": hr, "manager": manager}


def _event(actor, action, object_type, object_id="1"):
    with transaction.atomic():
        return record_event(
            actor=actor, action=action, object_type=object_type, object_id=object_id
        )


@pytest.fixture
def trail(people):
    from upswing.org.models import Program
    from upswing.performance.models import Target

    program = Program.objects.create(code="P1", name="Claims", client=Client.objects.get())
    target = Target.objects.create(
        program=program, metric="aht", kpi_target=300, effective_from=dt.date(2026, 1, 1)
    )
    _event(people["manager"], "target.set", "performance.target", str(target.pk))
    _event(people["admin"], "role.grant", "org.rolegrant", "3")
    _event(people["manager"], "plan.approve", "plans.plan", "9")
    _event("cli", "import.roster", "ingest.import", "1")


def _get(client, user, **params):
    client.force_login(user)
    return client.get("/audit/", params)


def test_admins_see_every_event(client, people, trail):
    text = _get(client, people["admin"]).content.decode()
    for action in ("target.set", "role.grant", "plan.approve", "import.roster"):
        assert action in text
    assert "4 events" in text


def test_hr_sees_records_in_their_grants_but_not_configuration(client, people, trail):
    text = _get(client, people["hr"]).content.decode()
    assert "target.set" in text
    # configuration, a whole import run, and a plan that is not in HR's grants
    for action in ("role.grant", "import.roster", "plan.approve"):
        assert action not in text
    assert "1 event," in text


def test_other_roles_are_refused(client, people, trail):
    assert _get(client, people["manager"]).status_code == 403


def test_it_filters_by_action_prefix_actor_and_object(client, people, trail):
    text = _get(client, people["admin"], action="plan.").content.decode()
    assert "plan.approve" in text
    assert "target.set" not in text
    text = _get(client, people["admin"], actor="mgr").content.decode()
    assert "2 events" in text
    assert "role.grant" not in text
    text = _get(client, people["admin"], object_type="org.rolegrant", object_id="3").content
    assert b"1 event," in text


def test_it_filters_by_date_range(client, people, trail):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    assert b"4 events" in _get(client, people["admin"], since=today, until=today).content
    assert b"0 events" in _get(client, people["admin"], until=yesterday).content
    bad = _get(client, people["admin"], since=today, until=yesterday)
    assert bad.status_code == 400
    assert b"the end is before the start" in bad.content


def test_it_pages_and_keeps_the_filter(client, people):
    for i in range(55):
        _event(people["manager"], "plan.edit", "plans.plan", str(i))
    first = _get(client, people["admin"], action="plan.").content.decode()
    assert "Page 1 of 2" in first
    assert "action=plan.&amp;page=2" in first
    second = _get(client, people["admin"], action="plan.", page=2).content.decode()
    assert second.count('<span title="plan.edit">Plan: edit</span>') == 5
