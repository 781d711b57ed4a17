"""POST /api/imports hands its upload to the job queue's worker (never parses it in the web
process) and refuses an upload over UPSWING_MAX_UPLOAD_MB with 413, like the imports page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.conftest import bearer
from upswing.imports.models import ImportRun, RunStatus

ROSTER = b"agent_id,name,team_id,program_id,time_zone\nQ1,Quinn Q,TQ,PQ,UTC\n"


@pytest.fixture
def tiny_limit(settings, tmp_path, warehouse_url):
    settings.UPSWING_MAX_UPLOAD_MB = 1
    settings.UPSWING_HOME = tmp_path
    return b"agent_id,name,team_id,program_id\n" + b"Q1,Quinn Q,TQ,PQ\n" * 80_000  # ~1.4 MB


def test_an_api_upload_over_the_limit_is_413_not_422(session_as, token_for, tiny_limit):
    from django.test import Client

    files = {"kind": "roster", "file": SimpleUploadedFile("big.csv", tiny_limit)}
    response = Client().post("/api/imports", files, **bearer(token_for("admin")))
    assert response.status_code == 413
    assert "not accepted" in response.json()["detail"]
    assert not ImportRun.objects.exists()


def test_an_api_upload_waits_for_the_worker_then_answers_202(
    session_as, token_for, settings, tmp_path, warehouse_url
):
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.UPSWING_API_IMPORT_WAIT = 0
    settings.UPSWING_HOME = tmp_path
    auth = bearer(token_for("admin"))
    files = {"kind": "roster", "file": SimpleUploadedFile("r.csv", ROSTER)}
    response = Client().post("/api/imports", files, **auth)
    assert response.status_code == 202
    body = response.json()
    run = ImportRun.objects.get(pk=body["run_id"])
    assert run.status == RunStatus.QUEUED  # nothing was parsed in the web process
    assert DBTaskResult.objects.filter(id=run.task_id).exists()
    status = Client().get(body["status_url"], **auth)
    assert status.status_code == 202
    assert status.json()["status"] == "queued"
    assert Client().get("/api/imports/999999", **auth).status_code == 404
