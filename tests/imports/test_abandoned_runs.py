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


def test_a_run_beats_as_it_goes(admin_user, home):
    run = do_start_import(
        actor=admin_user, upload=SimpleUploadedFile("r.csv", roster_csv()), kind="roster",
        reader="canonical",
    )  # fmt: skip
    jobs.launch(run.pk)  # the test settings run tasks inline
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.heartbeat_at is not None
    assert run.heartbeat_at >= run.created_at


def test_a_run_whose_task_waits_for_a_worker_is_left_alone(admin_user, home, minutes):
    from django_tasks_db.models import DBTaskResult

    run = _run(admin_user, status=RunStatus.QUEUED, age=minutes(30))
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"run_id": run.pk}},
        task_path="upswing.jobs.tasks.import_upload",
        backend_name="default",
        run_after=timezone.now(),
    )
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(task.id))
    assert do_fail_abandoned_runs() == []
    DBTaskResult.objects.filter(pk=task.pk).update(status="FAILED")
    (ended,) = do_fail_abandoned_runs()
    assert ended.status == RunStatus.FAILED
    assert not (home / "uploads" / run.stored_name).exists()


def test_an_upload_no_run_owns_is_deleted_once_old(admin_user, home):
    import os
    import time

    from upswing.imports.actions import ORPHAN_UPLOAD_AFTER, delete_orphan_uploads

    waiting = do_start_import(
        actor=admin_user, upload=SimpleUploadedFile("r.csv", roster_csv()), kind="roster",
        reader="canonical",
    )  # fmt: skip
    folder = home / "uploads"
    orphan, fresh = folder / "0ld.csv", folder / "n3w.csv"
    orphan.write_text("x")
    fresh.write_text("x")
    old = time.time() - ORPHAN_UPLOAD_AFTER.total_seconds() - 60
    for path in (orphan, folder / waiting.stored_name):
        os.utime(path, (old, old))
    assert delete_orphan_uploads() == ["0ld.csv"]
    assert fresh.exists()
    assert (folder / waiting.stored_name).exists()
