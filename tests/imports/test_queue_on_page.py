"""The imports pages show the job queue: whether a worker is running, what waits, and why a
job failed, in words (never a traceback)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from tests.imports.uploads import roster_csv

from upswing.imports.actions import do_start_import
from upswing.jobs.models import WorkerLease


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _failed(task_path: str, exception: str, traceback: str) -> None:
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}}, task_path=task_path, backend_name="default",
        run_after=timezone.now(), status="FAILED", worker_ids=["w1"],
        exception_class_path=exception, traceback=traceback,
    )  # fmt: skip


def test_the_page_says_when_no_worker_runs_and_why_jobs_failed(admin_client, database_queue):
    _failed("upswing.jobs.tasks.pull_connector", "upswing.connectors.base.ConnectorError",
            "Traceback …\nupswing.connectors.base.ConnectorError: Zendesk refused the "
            "credentials (HTTP 401): check ZENDESK_URL.")  # fmt: skip
    _failed("upswing.jobs.tasks.refresh_scorecards", "builtins.KeyError",
            "Traceback (most recent call last):\n  File \"/srv/x.py\"\nKeyError: 'P1'")  # fmt: skip
    page = admin_client.get("/imports/").content.decode()
    assert "No worker is running" in page
    assert "Zendesk refused the credentials (HTTP 401)" in page
    assert "It stopped on an unexpected error; the worker&#x27;s log has the details." in page
    assert "/srv/x.py" not in page
    assert "Traceback" not in page


def test_a_queued_upload_says_it_waits_for_a_worker(admin_client, admin_user, database_queue):
    from upswing.imports import jobs

    run = do_start_import(
        actor=admin_user, upload=SimpleUploadedFile("r.csv", roster_csv()), kind="roster",
        reader="canonical",
    )  # fmt: skip
    jobs.launch(run.pk)
    page = admin_client.get(f"/imports/{run.pk}/").content.decode()
    assert "Waiting for a worker" in page
    assert "No worker is running: this import starts when one does" in page
    WorkerLease.objects.create(worker_id="w1", host="h", pid=1)
    page = admin_client.get(f"/imports/{run.pk}/").content.decode()
    assert "No worker is running" not in page
    index = admin_client.get("/imports/").content.decode()
    assert "1 worker running; 1 job waiting." in index
    assert "Import of r.csv (roster)" in index
