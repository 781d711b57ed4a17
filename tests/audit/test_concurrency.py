"""Optimistic concurrency: a save based on a stale copy is refused and writes nothing."""

from __future__ import annotations

import pytest
from django.db import connection, models, transaction
from django.test.utils import isolate_apps

from upswing.audit.actions import record_event
from upswing.audit.concurrency import (
    STALE_EDIT_MESSAGE,
    StaleEdit,
    VersionedModel,
    save_if_unchanged,
)
from upswing.audit.models import AuditEvent

with isolate_apps("upswing.audit"):

    class Note(VersionedModel):
        body = models.CharField(max_length=200)
        edited_at = models.DateTimeField(auto_now=True)

        class Meta:
            app_label = "audit"
            db_table = "test_audit_versioned_note"


@pytest.fixture(scope="module")
def _note_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(Note)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(Note)


@pytest.fixture
def note(_note_table, db):
    return Note.objects.create(body="first")


def test_a_save_from_the_current_version_applies_and_bumps_it(note):
    opened_at = note.edited_at
    assert save_if_unchanged(Note, note.pk, 1, body="second") == 2
    note.refresh_from_db()
    assert (note.body, note.version) == ("second", 2)
    assert note.edited_at > opened_at


def test_a_stale_save_is_refused_and_leaves_the_row_unchanged(note):
    save_if_unchanged(Note, note.pk, 1, body="theirs")  # the other editor saves first
    with pytest.raises(StaleEdit) as refused:
        save_if_unchanged(Note, note.pk, 1, body="mine")
    assert str(refused.value) == STALE_EDIT_MESSAGE
    assert "changed by someone else since you opened it" in STALE_EDIT_MESSAGE
    assert refused.value.http_status == 409
    note.refresh_from_db()
    assert (note.body, note.version) == ("theirs", 2)


def test_a_stale_edit_writes_no_audit_event_either(note):
    save_if_unchanged(Note, note.pk, 1, body="theirs")

    @transaction.atomic
    def edit():
        save_if_unchanged(Note, note.pk, 1, body="mine")
        record_event(actor="cli", action="note.edit", obj=note)

    with pytest.raises(StaleEdit):
        edit()
    assert not AuditEvent.objects.exists()


@pytest.mark.usefixtures("_note_table", "db")
def test_a_missing_row_is_not_found_not_stale():
    with pytest.raises(Note.DoesNotExist):
        save_if_unchanged(Note, 999, 1, body="x")


def test_the_version_is_not_the_callers_to_set(note):
    with pytest.raises(ValueError, match="version"):
        save_if_unchanged(Note, note.pk, 1, version=7)
