"""Imports page: uploads, background runs, rejected files, limits and the audit trail."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.imports.uploads import ROSTER_HEADER, roster_csv

from factories import RoleGrantFactory, UserFactory
from upswing.audit.models import AuditEvent
from upswing.imports import jobs
from upswing.imports.actions import do_start_import
from upswing.imports.models import ImportRun, RunStatus
from upswing.org.models import Agent, Role
from upswing.performance.models import ScorecardSnapshot


def _upload(client, content: bytes, name="roster.csv", kind="roster", reader="canonical", **extra):
    data = {"kind": kind, "reader": reader, "file": SimpleUploadedFile(name, content), **extra}
    return client.post("/imports/", data)


def test_an_admin_imports_a_roster(
    admin_client, inline_jobs, home, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(admin_client, roster_csv(3), source="hris")
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{run.pk}/"
    assert inline_jobs == [run.pk]
    assert run.status == RunStatus.SUCCEEDED
    assert (run.rows_read, run.inserted, run.source) == (3, 3, "hris")
    assert run.file_name == "roster.csv"
    assert run.stored_name != "roster.csv"
    assert Agent.objects.count() == 3
    assert not list((home / "uploads").iterdir())  # the upload is gone once imported
    text = admin_client.get(f"/imports/{run.pk}/").content.decode()
    assert "3 roster rows from hris: 3 new" in text
    assert 'hx-trigger="every 1s"' not in text  # finished: no more polling
    events = AuditEvent.objects.filter(object_type="ingest.import", object_id=str(run.pk))
    assert [e.action for e in events.order_by("id")] == ["import.roster", "import.roster"]
    assert events.order_by("id").last().changes["status"] == ["running", "succeeded"]


def test_a_bad_file_changes_nothing_and_lists_its_problems(
    admin_client, inline_jobs, django_capture_on_commit_callbacks
):
    rows = "".join(f"A{i},,T1,P1,Claims,Atlas,UTC\n" for i in range(1, 61))  # 60 without name
    with django_capture_on_commit_callbacks(execute=True):
        _upload(admin_client, (ROSTER_HEADER + rows).encode())
    run = ImportRun.objects.get()
    assert run.status == RunStatus.REJECTED
    assert Agent.objects.count() == 0
    # 60 identical problems are one group: how many, the first lines and the first value.
    assert run.errors == [
        {
            "column": "name",
            "reason": "required value is missing",
            "count": 60,
            "lines": [2, 3, 4, 5, 6],
            "value": None,
        }
    ]
    text = admin_client.get(f"/imports/{run.pk}/").content.decode()
    assert "<td>2, 3, 4, 5, 6, …</td>" in text
    assert '<td class="num">60</td>' in text
    assert "roster.csv" in run.error_summary
    assert run.stored_name not in run.error_summary


def test_a_missing_column_is_rejected_with_a_summary(
    admin_client, inline_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(admin_client, b"agent_id,name\nA1,Ann\n")
    run = ImportRun.objects.get()
    assert run.status == RunStatus.REJECTED
    assert "missing required column(s) team_id, program_id" in run.error_summary
    assert run.errors == []


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<x/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * 60_000_000)
    return buf.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened(admin_client, inline_jobs, home):
    bomb = _bomb()
    assert len(bomb) < 200_000
    response = _upload(admin_client, bomb, name="roster.xlsx")
    assert response.status_code == 400
    assert "roster.xlsx: the archive expands too much" in response.content.decode()
    assert not ImportRun.objects.exists()
    assert not list((home / "uploads").iterdir())


def test_an_upload_over_the_limit_is_refused_unsaved(admin_client, inline_jobs, home, settings):
    settings.UPSWING_MAX_UPLOAD_MB = 1
    big = ROSTER_HEADER.encode() + b"A1,Ann,T1,P1,Claims,Atlas\n" * 50_000  # ~1.3 MB
    response = _upload(admin_client, big)
    assert response.status_code == 413
    assert "larger than the 1 MB upload limit" in response.content.decode()
    assert not ImportRun.objects.exists()
    assert not (home / "uploads").exists() or not list((home / "uploads").iterdir())


def test_a_file_of_unknown_type_is_refused(admin_client, inline_jobs):
    response = _upload(admin_client, b"MZ\x90\x00", name="roster.exe")
    assert response.status_code == 400
    assert "unknown file type .exe" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_only_shipped_mappings_can_be_chosen(admin_client, inline_jobs):
    page = admin_client.get("/imports/").content.decode()
    assert 'value="map:pwc-call-center.toml"' in page
    response = _upload(admin_client, roster_csv(), reader="map:../../secret.toml")
    assert response.status_code == 400
    assert not ImportRun.objects.exists()


def test_an_adapter_that_cannot_read_the_kind_is_refused(admin_client, inline_jobs):
    response = _upload(admin_client, b"{}", name="t.json", kind="roster", reader="zendesk")
    assert response.status_code == 400
    assert "the zendesk adapter reads" in response.content.decode()


@pytest.mark.parametrize("role", [Role.OPERATIONS_MANAGER, Role.HR, Role.TEAM_LEAD])
def test_only_admins_upload(client, home, inline_jobs, role, db):
    from factories import ProgramFactory

    user = UserFactory()
    RoleGrantFactory(user=user, role=role, program=ProgramFactory())
    client.force_login(user)
    assert _upload(client, roster_csv()).status_code == 403
    assert not ImportRun.objects.exists()


def test_the_run_page_polls_until_the_run_ends(admin_client, admin_user):
    run = do_start_import(
        actor=admin_user,
        upload=SimpleUploadedFile("roster.csv", roster_csv()),
        kind="roster",
        reader="canonical",
    )
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, stage="checking")
    partial = admin_client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert text.lstrip().startswith('<section class="card" id="run-status"')
    assert 'hx-trigger="every 1s"' in text
    assert "Step: checking" in text
    assert "<html" not in text
    jobs.run_import_job(run.pk)
    done = admin_client.get(f"/imports/{run.pk}/", headers={"HX-Request": "true"}).content
    assert b'hx-trigger="every 1s"' not in done
    assert b"Imported" in done


def test_a_crashing_import_is_recorded_as_failed(admin_user, home, monkeypatch):
    run = do_start_import(
        actor=admin_user,
        upload=SimpleUploadedFile("roster.csv", roster_csv()),
        kind="roster",
        reader="canonical",
    )

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "import_file", boom)
    jobs.run_import_job(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "disk on fire" not in run.error_summary  # details go to the log, not the page
    assert not list((home / "uploads").iterdir())
    assert AuditEvent.objects.filter(action="import.roster").count() == 2


def test_facts_are_followed_by_a_scorecard_refresh(admin_user, home):
    def start(kind, name, content):
        run = do_start_import(
            actor=admin_user, upload=SimpleUploadedFile(name, content), kind=kind,
            reader="canonical",
        )  # fmt: skip
        return jobs.run_import_job(run.pk)

    assert start("roster", "roster.csv", roster_csv(2)).status == RunStatus.SUCCEEDED
    facts = "interaction_id,agent_id,started_at,handle_seconds,program_id\n" + "".join(
        f"I{i},A{1 + i % 2},2026-10-0{1 + i % 5}T10:00:00,{300 + i},P1\n" for i in range(40)
    )
    run = start("interactions", "calls.csv", facts.encode())
    assert run.status == RunStatus.SUCCEEDED, run.error_summary
    assert run.refresh_summary.startswith("Scorecards refreshed for P1")
    assert ScorecardSnapshot.objects.filter(program_code="P1", metric="aht").exists()


def test_an_upload_is_put_on_the_job_queue(admin_user, home, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = do_start_import(
        actor=admin_user, upload=SimpleUploadedFile("r.csv", roster_csv()), kind="roster",
        reader="canonical",
    )  # fmt: skip
    result = jobs.launch(run.pk)
    run.refresh_from_db()
    task = DBTaskResult.objects.get(id=result.id)
    assert run.task_id == str(task.id)
    assert task.task_path == "upswing.jobs.tasks.import_upload"
    assert task.args_kwargs["kwargs"] == {"run_id": run.pk}
    assert run.status == RunStatus.QUEUED  # nothing ran in the web process
    assert not Agent.objects.exists()
