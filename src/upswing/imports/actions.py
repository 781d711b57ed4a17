"""Starting an import from an upload and recording how it ended (each with its audit event).

The upload is written to UPSWING_HOME/uploads under a random name (the user's file name is
kept only as a label), an XLSX archive is checked for zip bombs before anything else, and the
import itself runs in the background (`upswing.imports.jobs`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from upswing.audit.actions import record_event
from upswing.audit.middleware import current_request_id
from upswing.audit.models import IMPORT_OBJECT_TYPE
from upswing.imports import options
from upswing.imports.access import import_role
from upswing.imports.models import ImportRun, RunStatus
from upswing.ingest.adapters import ADAPTERS
from upswing.ingest.readers import ReadError, check_xlsx_archive
from upswing.org.models import Role


def do_start_import(
    *,
    actor,
    upload,
    kind: str,
    reader: str,
    source: str = "",
    time_zone: str = "",
    programs: frozenset[str] | None = None,
) -> ImportRun:
    """Save the upload and queue its import; the caller starts the job after commit. The
    import's options (a roster's time zone, the only programs its rows may name) wait beside
    the upload (`options.save_options`)."""
    role = import_role(actor, kind, programs)
    if role is None:
        raise PermissionDenied("Only administrators import files.")
    if upload.size > options.max_upload_bytes():
        raise ValidationError("the file is larger than the upload limit")
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in options.SUFFIXES:
        raise ValidationError(f"unknown file type {suffix!r}")
    _check_reader(reader)
    stored = f"{secrets.token_hex(16)}{suffix}"
    path = options.uploads_dir() / stored
    _save(upload, path)
    saved = {"time_zone": time_zone} if time_zone else {}
    if programs is not None:
        saved["programs"] = sorted(programs)
    if saved:
        options.save_options(path, saved)
    try:
        if suffix in options.XLSX_SUFFIXES:
            check_xlsx_archive(path)
    except ReadError as exc:
        path.unlink(missing_ok=True)
        options.options_path(path).unlink(missing_ok=True)
        # The message names the stored file; say it with the user's own file name.
        raise ValidationError(str(exc).replace(stored, Path(upload.name).name)) from None
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                created_by=actor,
                kind=kind,
                reader=reader,
                source=_source(reader, source),
                file_name=Path(upload.name).name[:255],
                stored_name=stored,
                size_bytes=upload.size,
                request_id=current_request_id(),
            )
            record_event(
                actor=actor,
                role=role,
                action=f"import.{kind}",
                object_type=IMPORT_OBJECT_TYPE,
                object_id=str(run.pk),
                changes={
                    "status": [None, RunStatus.QUEUED],
                    "file_name": [None, run.file_name],
                    "size_bytes": [None, run.size_bytes],
                    "reader": [None, reader],
                    **({"time_zone": [None, time_zone]} if time_zone else {}),
                    **({"programs": [None, sorted(programs)]} if programs is not None else {}),
                },
            )
    except Exception:
        path.unlink(missing_ok=True)
        options.options_path(path).unlink(missing_ok=True)
        raise
    return run


def _check_reader(reader: str) -> None:
    if reader == options.CANONICAL or reader in ADAPTERS:
        return
    name = reader.removeprefix(options.MAPPING_PREFIX)
    if reader.startswith(options.MAPPING_PREFIX) and name in options.mapping_examples():
        return
    raise ValidationError(f"unknown reader {reader!r}")


def _source(reader: str, label: str) -> str:
    if reader in ADAPTERS:
        return reader
    if reader == options.CANONICAL:
        return label
    return ""  # a mapping names its own source


def _save(upload, path: Path) -> None:
    written = 0
    limit = options.max_upload_bytes()
    with path.open("xb") as out:
        path.chmod(0o600)
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise ValidationError("the file is larger than the upload limit")
            out.write(chunk)


# A job beats (its stage, its heartbeat) as it goes; a run without a queued task that is
# silent for ABANDONED_AFTER died with its process and never ends by itself. A run on the
# job queue is the queue's to retry or end (upswing.jobs.recovery) while its task lives.
HEARTBEAT_SECONDS = 10
ABANDONED_AFTER = dt.timedelta(minutes=2)
# An upload no unfinished run owns (a crash between saving it and recording the run, or
# before its job could delete it) is deleted once it is this old.
ORPHAN_UPLOAD_AFTER = dt.timedelta(hours=1)


def do_fail_abandoned_runs(now: dt.datetime | None = None) -> list[ImportRun]:
    """End the queued and running imports whose job is gone. An import is one
    transaction, so one cut off while importing wrote nothing; one cut off while refreshing
    had its rows imported and only needs `upswing refresh`. Their uploads are deleted."""
    now = now or timezone.now()
    cutoff = now - ABANDONED_AFTER
    _recover_queue(now)
    unfinished = ImportRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING))
    stale = unfinished.filter(created_at__lt=cutoff).exclude(heartbeat_at__gte=cutoff)
    live_tasks = _live_task_ids(unfinished.exclude(task_id="").values_list("task_id", flat=True))
    ended = []
    for run_id, stage, task_id, stored in stale.values_list(
        "pk", "stage", "task_id", "stored_name"
    ):
        if task_id and task_id in live_tasks:
            continue  # waiting for, or run by, a live worker
        status, fields = _CUT_OFF_REFRESHING if stage == "refreshing" else _CUT_OFF_IMPORTING
        ended.append(do_finish_import(run_id, status=status, **fields))
        (options.uploads_dir() / stored).unlink(missing_ok=True)
    delete_orphan_uploads(now)
    return ended


def _recover_queue(now: dt.datetime) -> None:
    from upswing.jobs.queue import uses_database_queue
    from upswing.jobs.recovery import recover_lost_tasks

    if uses_database_queue():
        recover_lost_tasks(now)


def _live_task_ids(task_ids) -> set[str]:
    """The tasks among `task_ids` still waiting or running on the database queue."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    wanted = list(task_ids)
    if not wanted:
        return set()
    live = DBTaskResult.objects.filter(
        id__in=wanted, status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING)
    ).values_list("id", flat=True)
    return {str(task_id) for task_id in live}


def delete_orphan_uploads(now: dt.datetime | None = None) -> list[str]:
    """Delete the files under uploads/ that no queued or running run will read."""
    folder = options.uploads_dir()
    kept = set(
        ImportRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).values_list(
            "stored_name", flat=True
        )
    )
    oldest = ((now or timezone.now()) - ORPHAN_UPLOAD_AFTER).timestamp()
    deleted = []
    for path in folder.iterdir():
        if path.name in kept or not path.is_file():
            continue
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
                deleted.append(path.name)
        except FileNotFoundError:
            continue
    return deleted


_CUT_OFF_IMPORTING = (
    RunStatus.FAILED,
    {
        "error_summary": "The server stopped before this import finished; nothing was "
        "imported. Upload the file again."
    },
)
_CUT_OFF_REFRESHING = (
    RunStatus.SUCCEEDED,
    {"refresh_summary": "The server stopped during the scorecard refresh: run `upswing refresh`."},
)


def do_finish_import(run_id: int, *, status: RunStatus, **fields) -> ImportRun:
    """Record the outcome of a run, with its audit event, in one transaction."""
    with transaction.atomic():
        run = (
            ImportRun.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .get(pk=run_id)
        )
        if run.is_finished:  # ended meanwhile (by its job, or as abandoned): keep that
            return run
        before = run.status
        for name, value in fields.items():
            setattr(run, name, value)
        run.status = status
        run.stage = ""
        run.finished_at = timezone.now()
        run.save()
        changes = {"status": [before, status]}
        for name in ("rows_read", "inserted", "updated", "unchanged", "more_errors"):
            if getattr(run, name):
                changes[name] = [None, getattr(run, name)]
        if run.error_summary:
            changes["error_summary"] = [None, run.error_summary[:500]]
        record_event(
            actor=run.created_by if run.created_by_id else "system",
            role=Role.ADMIN,
            action=f"import.{run.kind}",
            object_type=IMPORT_OBJECT_TYPE,
            object_id=str(run.pk),
            changes=changes,
            request_id=run.request_id,
        )
    return run
