"""A run whose job died with its server process (a restart mid-import) does not say
"running" forever: once its heartbeat has stopped, the imports pages end it, saying whether
anything was imported."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.imports.uploads import roster_csv

from upswing.audit.models import AuditEvent
from upswing.imports import jobs
from upswing.imports.actions import ABANDONED_AFTER, do_fail_abandoned_runs, do_start_import
from upswing.imports.models import ImportRun, RunStatus


def _run(user, *, status, stage="", age, beat_age=None) -> ImportRun:
    run = do_start_import(
        actor=user,
        upload=SimpleUploadedFile("roster.csv", roster_csv()),
        kind="roster",
        reader="canonical",
    )
    now = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=status,
        stage=stage,
        created_at=now - age,
        heartbeat_at=None if beat_age is None else now - beat_age,
    )
    return run


@pytest.fixture
def minutes():
    return lambda n: dt.timedelta(minutes=n)


def test_a_silent_run_is_failed_and_says_nothing_was_imported(admin_client, admin_user, minutes):
    run = _run(admin_user, status=RunStatus.RUNNING, stage="writing", age=minutes(30),
               beat_age=minutes(5))  # fmt: skip
    page = admin_client.get(f"/imports/{run.pk}/")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error_summary.startswith("The server stopped before this import finished")
    assert "nothing was imported" in page.content.decode()
    ended = AuditEvent.objects.filter(object_id=str(run.pk)).latest("id")
    assert ended.changes["status"] == [RunStatus.RUNNING, RunStatus.FAILED]


def test_a_run_cut_off_while_refreshing_kept_its_rows(admin_user, home, minutes):
    run = _run(admin_user, status=RunStatus.RUNNING, stage="refreshing", age=minutes(10),
               beat_age=minutes(3))  # fmt: skip
    (ended,) = do_fail_abandoned_runs()
    assert ended.pk == run.pk
    assert ended.status == RunStatus.SUCCEEDED
    assert "upswing refresh" in ended.refresh_summary


def test_live_and_new_runs_are_left_alone(admin_client, admin_user, minutes):
    beating = _run(admin_user, status=RunStatus.RUNNING, age=minutes(60), beat_age=minutes(0))
    queued = _run(admin_user, status=RunStatus.QUEUED, age=minutes(0))
    never_beat = _run(admin_user, status=RunStatus.QUEUED, age=ABANDONED_AFTER + minutes(1))
    admin_client.get("/imports/")
    statuses = dict(ImportRun.objects.values_list("pk", "status"))
    assert statuses[beating.pk] == RunStatus.RUNNING
    assert statuses[queued.pk] == RunStatus.QUEUED
    assert statuses[never_beat.pk] == RunStatus.FAILED


def test_an_ended_run_is_not_ended_twice(admin_user, home, minutes):
    run = _run(admin_user, status=RunStatus.RUNNING, age=minutes(10), beat_age=minutes(5))
    do_fail_abandoned_runs()
    events = AuditEvent.objects.count()
    # The job, had it lived, would now report its own end: the first ending stands.
    assert jobs.run_import_job(run.pk).status == RunStatus.FAILED
    assert AuditEvent.objects.count() == events


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_job_beats_while_it_lives(settings, tmp_path, warehouse_url, monkeypatch):
    from factories import RoleGrantFactory, UserFactory
    from upswing.org.models import Role

    settings.UPSWING_HOME = tmp_path
    user = UserFactory(username="beat", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=user, role=Role.ADMIN)
    run = do_start_import(
        actor=user, upload=SimpleUploadedFile("r.csv", roster_csv()), kind="roster",
        reader="canonical",
    )  # fmt: skip
    jobs.launch(run.pk).join(timeout=120)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.heartbeat_at is not None
    assert run.heartbeat_at >= run.created_at
