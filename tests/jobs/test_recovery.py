"""A running task whose worker stopped beating is queued again while it has attempts left,
then failed with a reason; an import's run is ended saying what was kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from tests.imports.uploads import roster_csv

from upswing.imports.actions import do_start_import
from upswing.imports.models import ImportRun, RunStatus
from upswing.jobs.models import WorkerLease
from upswing.jobs.queries import recent_tasks
from upswing.jobs.recovery import recover_lost_tasks

pytestmark = pytest.mark.django_db


def _running(task_path: str, workers: list[str], **kwargs) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": kwargs}, task_path=task_path, backend_name="default",
        run_after=timezone.now(), status="RUNNING", started_at=timezone.now(), worker_ids=workers,
    )  # fmt: skip


def _lease(worker_id: str, seconds_ago: float) -> None:
    WorkerLease.objects.create(
        worker_id=worker_id, host="h", pid=1,
        beat_at=timezone.now() - dt.timedelta(seconds=seconds_ago),
    )  # fmt: skip


def test_a_task_of_a_live_worker_is_left_running(settings):
    settings.UPSWING_JOB_LEASE_SECONDS = 60
    _lease("alive", 5)
    task = _running("upswing.jobs.tasks.refresh_scorecards", ["alive"])
    assert recover_lost_tasks() == []
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_lost_task_is_queued_again_then_failed_with_a_reason(settings):
    settings.UPSWING_JOB_LEASE_SECONDS = 60
    settings.UPSWING_JOB_MAX_ATTEMPTS = 2
    _lease("dead", 600)
    task = _running("upswing.jobs.tasks.refresh_scorecards", ["dead"])
    assert recover_lost_tasks() == [str(task.id)]
    task.refresh_from_db()
    assert (task.status, task.started_at) == ("READY", None)
    # Claimed again by a worker that then dies too (it never even registered a lease).
    DBTaskResult.objects.filter(pk=task.pk).update(status="RUNNING", worker_ids=["dead", "gone"])
    recover_lost_tasks()
    task.refresh_from_db()
    assert task.status == "FAILED"
    (row,) = recent_tasks()
    assert row.label == "Scorecard refresh"
    assert row.message.startswith("The worker running this task stopped (killed or restarted) 2")


def test_a_lost_import_ends_its_run_and_deletes_its_upload(settings, tmp_path, warehouse_url):
    from factories import RoleGrantFactory, UserFactory
    from upswing.org.models import Role

    settings.UPSWING_HOME = tmp_path
    settings.UPSWING_JOB_MAX_ATTEMPTS = 1
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    RoleGrantFactory(user=user, role=Role.ADMIN)
    run = do_start_import(
        actor=user, upload=SimpleUploadedFile("r.csv", roster_csv()), kind="roster",
        reader="canonical",
    )  # fmt: skip
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, stage="checking")
    _running("upswing.jobs.tasks.import_upload", ["dead"], run_id=run.pk)
    recover_lost_tasks()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error_summary.startswith("The worker running this task stopped")
    assert "Nothing was imported" in run.error_summary
    assert not (tmp_path / "uploads" / run.stored_name).exists()
    assert recent_tasks()[0].label == "Import of r.csv (roster)"
