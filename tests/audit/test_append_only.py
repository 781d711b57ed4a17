"""Audit rows can be added, never changed or removed: not by the ORM, not by raw SQL, and no
session can switch that off."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

import upswing.site.settings as production_settings
import upswing.site.settings_test as test_settings
from upswing.audit.actions import record_event
from upswing.audit.models import AppendOnlyError, AuditEvent

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite triggers")


def _event(action: str = "plan.approve") -> AuditEvent:
    with transaction.atomic():
        return record_event(actor="cli", action=action, changes={"status": ["draft", "approved"]})


@pytest.fixture
def event(db) -> AuditEvent:
    return _event()


def _unchanged(event: AuditEvent) -> None:
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.changes) == ("plan.approve", {"status": ["draft", "approved"]})
    assert (stored.seq, stored.hash) == (event.seq, event.hash)


def test_the_orm_refuses_to_save_an_existing_row(event):
    event.action = "plan.reject"
    with pytest.raises(AppendOnlyError, match="append-only"):
        event.save()
    copy = AuditEvent(pk=event.pk, action="plan.reject", seq=99, prev_hash="", hash="")
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


_COLUMNS = (
    "id, at, actor_label, role, action, object_type, object_id, changes, reason, request_id,"
    " seq, prev_hash, hash"
)
_FORGED = "'2026-01-01 00:00:00', 'x', '', 'plan.reject', '', '', '{}', '', '', "


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'plan.reject'",
        "UPDATE audit_auditevent SET changes = '{}' WHERE id = %(id)s",
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_auditevent WHERE id = %(id)s",
        # An UPSERT: its DO UPDATE is an UPDATE (and on SQLite the row exists: refused first).
        f"INSERT INTO audit_auditevent ({_COLUMNS}) VALUES (%(id)s, {_FORGED} 77, '', '')"
        " ON CONFLICT (id) DO UPDATE SET action = 'plan.reject'",
        f"INSERT INTO audit_auditevent ({_COLUMNS}) VALUES (%(id)s + 1000, {_FORGED} %(seq)s,"
        " '', '') ON CONFLICT (seq) DO UPDATE SET action = 'plan.reject'",
    ],
)
def test_the_database_refuses_raw_update_delete_and_upsert(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, {"id": event.pk, "seq": event.seq})
    _unchanged(event)


@sqlite_only
@pytest.mark.parametrize(
    "verb", ["INSERT OR REPLACE INTO", "REPLACE INTO", "INSERT OR IGNORE INTO"]
)
@pytest.mark.parametrize("clash", ["id", "seq"])
def test_sqlite_refuses_an_insert_that_would_replace_a_row(event, verb, clash):
    # Found: INSERT OR REPLACE deleted the stored row without firing the DELETE trigger.
    row_id = "%(id)s" if clash == "id" else "%(id)s + 1000"
    seq = "%(seq)s" if clash == "seq" else "777"
    sql = f"{verb} audit_auditevent ({_COLUMNS}) VALUES ({row_id}, {_FORGED} {seq}, '', '')"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, {"id": event.pk, "seq": event.seq})
    _unchanged(event)
    assert AuditEvent.objects.count() == 1


@sqlite_only
def test_a_temp_table_named_like_the_old_escape_hatch_unlocks_nothing(event):
    # Found: any connection could create this temp table and then delete audit rows.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS upswing_audit_purge (allowed INTEGER)")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")
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
    assert names == {
        "audit_auditevent_no_insert_over",
        "audit_auditevent_no_update",
        "audit_auditevent_no_delete",
    }


def test_no_settings_carry_an_escape_hatch():
    for module in (production_settings, test_settings):
        assert not [name for name in dir(module) if "PURGE" in name]


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_every_connection_is_strict_and_the_suite_resets_by_recreating_the_table():
    event = _event()
    # A second connection to the same database, as production or the sqlite3 shell has.
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    try:
        for sql in ("DELETE FROM audit_auditevent", "UPDATE audit_auditevent SET action = 'x'"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                other.execute(sql)
    finally:
        other.rollback()
        other.close()
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.get().pk == event.pk
    call_command("flush", interactive=False, verbosity=0)  # the suite's reset (audit_reset.py)
    assert not AuditEvent.objects.exists()
    _event()  # left behind on purpose: the flush after this test must remove it too
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")  # recreated with its triggers


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_starts_with_an_empty_trail():
    # Runs after the test above (file order): its leftover row was flushed away.
    assert not AuditEvent.objects.exists()


def test_every_data_migration_that_seeds_rows_is_seeded_again_after_a_flush():
    """A migration that runs Python either seeds rows (listed in tests/audit_reset.py, so a
    transactional test's flush does not lose them) or installs the audit table's triggers."""
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython
    from tests.audit_reset import SEEDING_MIGRATIONS

    loader = MigrationLoader(None, ignore_no_migrations=True)
    running_python = {
        (type(migration).__module__, op.code.__name__)
        for migration in loader.disk_migrations.values()
        if type(migration).__module__.startswith("upswing.")
        for op in migration.operations
        if isinstance(op, RunPython)
    }
    triggers = {m for m in running_python if m[0].startswith("upswing.audit.migrations.")}
    assert running_python - triggers == set(SEEDING_MIGRATIONS)
