"""record_event: one row per change, with its field diff, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.transaction import TransactionManagementError

from upswing.audit.actions import diff_fields, field_values, jsonable, record_event
from upswing.audit.middleware import bind_request_id
from upswing.audit.models import AuditEvent
from upswing.org.models import Client, Program


class Colour(enum.StrEnum):
    RED = "red"


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("hana", password=None)


def test_it_writes_a_row_with_the_field_diff(user):
    client = Client.objects.create(code="C1", name="Atlas")
    before = field_values(client, ["code", "name"])
    client.name = "Atlas Insurance"
    client.save()
    with transaction.atomic():
        event = record_event(
            actor=user,
            role="admin",
            action="client.rename",
            obj=client,
            changes=diff_fields(before, field_values(client, ["code", "name"])),
            reason="legal name",
            request_id="req-1",
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.actor_label, stored.role) == (user, "hana", "admin")
    assert (stored.action, stored.object_type, stored.object_id) == (
        "client.rename",
        "org.client",
        str(client.pk),
    )
    assert stored.changes == {"name": ["Atlas", "Atlas Insurance"]}
    assert (stored.reason, stored.request_id) == ("legal name", "req-1")
    assert stored.at.tzinfo is not None


def test_dates_decimals_and_foreign_keys_are_stored_as_exact_text(db):
    client = Client.objects.create(code="C1", name="Atlas")
    program = Program.objects.create(code="P1", name="Claims", client=client)
    with transaction.atomic():
        event = record_event(
            actor="cli",
            action="target.create",
            object_type="performance.target",
            object_id="7",
            changes={
                "starts": [None, dt.date(2026, 9, 7)],
                "value": [Decimal("0.10"), Decimal("0.125")],
                "program_id": [None, program],
                "level": [None, Colour.RED],
                "at": [
                    None,
                    dt.datetime(2026, 9, 7, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
                ],
            },
        )
    event.refresh_from_db()
    assert (event.actor, event.actor_label) == (None, "cli")
    assert event.changes == {
        "starts": [None, "2026-09-07"],
        "value": ["0.10", "0.125"],
        "program_id": [None, program.pk],
        "level": [None, "red"],
        "at": [None, "2026-09-07T07:30:00+00:00"],
    }


def test_a_system_event_and_the_request_id_of_the_current_request(db):
    with bind_request_id("abc-123"), transaction.atomic():
        event = record_event(actor=None, action="import.roster", object_type="ingest.import")
    assert (event.actor_label, event.request_id) == ("system", "abc-123")


def test_changes_must_be_before_after_pairs_of_recordable_values(db):
    with transaction.atomic():
        with pytest.raises(ValueError, match="pair"):
            record_event(actor=None, action="x.y", changes={"name": "new"})
        with pytest.raises(TypeError, match="object"):
            record_event(actor=None, action="x.y", changes={"name": [None, object()]})
    assert not AuditEvent.objects.exists()


def test_diff_fields_lists_only_what_changed():
    assert diff_fields({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 5, "d": 4}) == {
        "b": [2, 5],
        "c": [3, None],
        "d": [None, 4],
    }
    assert diff_fields({"a": 1}, {"a": 1}) == {}


def test_sets_are_recorded_in_a_stable_order():
    assert jsonable({"b", "a"}) == ["a", "b"]


def test_the_change_and_its_event_roll_back_together(db):
    @transaction.atomic
    def create_then_fail():
        client = Client.objects.create(code="C9", name="Borealis")
        record_event(actor="cli", action="client.create", obj=client)
        raise RuntimeError("something failed after both writes")

    with pytest.raises(RuntimeError, match="after both writes"):
        create_then_fail()
    assert not Client.objects.filter(code="C9").exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_change_and_its_event_commit_together_and_never_outside_a_transaction():
    with pytest.raises(TransactionManagementError, match=r"transaction\.atomic"):
        record_event(actor="cli", action="client.create", object_type="org.client")
    assert not AuditEvent.objects.exists()

    with transaction.atomic():
        client = Client.objects.create(code="C9", name="Borealis")
        record_event(actor="cli", action="client.create", obj=client)
    assert AuditEvent.objects.get().object_id == str(client.pk)

    record_event(actor="cli", action="auth.failed_login", allow_autocommit=True)
    assert AuditEvent.objects.count() == 2


def test_the_admin_records_the_administrator_role_of_org():
    from upswing.audit.admin import ADMIN_ROLE
    from upswing.org.models import Role

    assert Role(ADMIN_ROLE) is Role.ADMIN
