"""Audit rows can be added, never changed or removed: not by the ORM, not by raw SQL."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

import upswing.site.settings as production_settings
from upswing.audit.actions import record_event
from upswing.audit.models import AppendOnlyError, AuditEvent

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")


def _event(action: str = "plan.approve") -> AuditEvent:
    with transaction.atomic():
        return record_event(actor="cli", action=action, changes={"status": ["draft", "approved"]})


@pytest.fixture
def event(strict_audit) -> AuditEvent:
    return _event()


def _unchanged(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.changes) == ("plan.approve", {"status": ["draft", "approved"]})


def test_the_orm_refuses_to_save_an_existing_row(event):
    event.action = "plan.reject"
    with pytest.raises(AppendOnlyError, match="append-only"):
        event.save()
    copy = AuditEvent(pk=event.pk, action="plan.reject")
    with pytest.raises(DatabaseError), transaction.atomic():
        copy.save()  # forced INSERT: the primary key is taken, nothing is overwritten
    _unchanged(event)


def test_the_orm_refuses_to_delete_a_row(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    _unchanged(event)


def test_querysets_refuse_update_and_delete(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="plan.reject")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():  # its own savepoint
        AuditEvent.objects.bulk_update([event], ["action"])
    _unchanged(event)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'plan.reject'",
        "UPDATE audit_auditevent SET changes = '{}' WHERE id = %s",
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_update_and_delete(event, sql):
    params = [event.pk] if "%s" in sql else []
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    _unchanged(event)


@sqlite_only
def test_the_triggers_exist_after_all_migrations(db):
    # SQLite drops a table's triggers when a migration rebuilds the table.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [AuditEvent._meta.db_table],
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"audit_auditevent_no_update", "audit_auditevent_no_delete"}


def test_only_the_test_settings_allow_the_flush(settings):
    assert settings.UPSWING_AUDIT_ALLOW_PURGE is True
    assert not hasattr(production_settings, "UPSWING_AUDIT_ALLOW_PURGE")


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_test_flush_empties_the_table_while_other_connections_stay_strict():
    event = _event()
    # A second connection to the same database, as production or the sqlite3 shell has.
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            other.execute("DELETE FROM audit_auditevent")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            other.execute("UPDATE audit_auditevent SET action = 'x'")
    finally:
        other.rollback()
        other.close()
    # The flagged test connection may delete (what flush needs) but still not update.
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x'")
    assert AuditEvent.objects.get().pk == event.pk
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    _event()  # left behind on purpose: the flush after this test must remove it too


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_starts_with_an_empty_trail():
    # Runs after the test above (file order): its leftover row was flushed away.
    assert not AuditEvent.objects.exists()
