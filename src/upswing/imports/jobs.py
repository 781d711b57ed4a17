"""The background side of an upload: import the saved file, then refresh the scorecards.

`launch` puts the import on the job queue (upswing.jobs) once the upload's transaction has
committed; a worker runs `run_import_job` in a process of its own, with time and memory
limits, and holds the warehouse's writer lock while it writes (one writer at a time across
processes). A run's progress is its `stage` column, which the run page polls; a run whose
worker died is retried or ended by the queue (`end_stopped_run`), never left running.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.utils import timezone

from upswing.audit.middleware import bind_actor, bind_request_id
from upswing.imports import options
from upswing.imports.actions import _CUT_OFF_IMPORTING, _CUT_OFF_REFRESHING, do_finish_import
from upswing.imports.models import FINISHED, ImportRun, RunStatus
from upswing.ingest.kinds import Destination, get_kind
from upswing.ingest.service import (
    ImportRejected,
    WarehouseBusyError,
    group_dicts,
    import_file,
)
from upswing.warehouse.lock import WarehouseBusy

logger = logging.getLogger(__name__)


def launch(run_id: int):
    """Queue the import of run `run_id`; returns the task's result handle."""
    from upswing.jobs.tasks import import_upload

    result = import_upload.enqueue(run_id=run_id)
    ImportRun.objects.filter(pk=run_id, task_id="").update(task_id=str(result.id))
    return result


def end_stopped_run(run_id: int | None, reason: str) -> None:
    """The queue gave up on this run's task (its worker died, a limit stopped it): end the
    run saying what was kept, and delete its upload."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    status, fields = _CUT_OFF_REFRESHING if run.stage == "refreshing" else _CUT_OFF_IMPORTING
    fields = dict(fields)
    if status is RunStatus.FAILED:
        fields["error_summary"] = f"{reason} Nothing was imported; upload the file again."
    do_finish_import(run.pk, status=status, **fields)
    (options.uploads_dir() / run.stored_name).unlink(missing_ok=True)


def run_import_job(run_id: int) -> ImportRun:
    run = ImportRun.objects.get(pk=run_id)
    path = options.uploads_dir() / run.stored_name
    try:
        with bind_request_id(run.request_id or None):
            unfinished = ImportRun.objects.filter(pk=run_id).exclude(status__in=FINISHED)
            started = unfinished.update(
                status=RunStatus.RUNNING, stage="starting", started_at=timezone.now()
            )
            if not started:  # already ended (found abandoned while it waited): leave it
                return ImportRun.objects.get(pk=run_id)
            _set(run_id, heartbeat_at=timezone.now())
            return _import(run, path)
    except WarehouseBusy as exc:
        return do_finish_import(
            run_id,
            status=RunStatus.FAILED,
            error_summary=f"{exc} Nothing was imported; upload the file again.",
        )
    except MemoryError:
        logger.exception("import run %s ran out of memory", run_id)
        return do_finish_import(
            run_id,
            status=RunStatus.FAILED,
            error_summary="The file needs more memory than an import may use "
            "(UPSWING_JOB_MEMORY_MB); nothing was imported. Split it into smaller files.",
        )
    except Exception:
        logger.exception("import run %s failed", run_id)
        return do_finish_import(
            run_id,
            status=RunStatus.FAILED,
            error_summary="The import stopped on an unexpected error; nothing was imported. "
            "The server log has the details.",
        )
    finally:
        path.unlink(missing_ok=True)
        options.options_path(path).unlink(missing_ok=True)


def _import(run: ImportRun, path: Path) -> ImportRun:
    mapping = None
    if run.reader.startswith(options.MAPPING_PREFIX):
        mapping = options.mapping_examples()[run.reader.removeprefix(options.MAPPING_PREFIX)]
    try:
        saved = options.load_options(path)
        programs = saved.get("programs")
        with bind_actor(run.created_by if run.created_by_id else None):
            result = import_file(
                run.kind,
                path,
                source=run.source or None,
                mapping_path=mapping,
                progress=lambda stage: _set(run.pk, stage=stage, heartbeat_at=timezone.now()),
                time_zone=saved.get("time_zone"),
                programs=frozenset(programs) if programs is not None else None,
            )
    except WarehouseBusyError as exc:
        return do_finish_import(
            run.pk, status=RunStatus.FAILED, error_summary=f"{str(exc).capitalize()}."
        )
    except ImportRejected as exc:
        return do_finish_import(
            run.pk,
            status=RunStatus.REJECTED,
            error_summary=exc.message.replace(path.name, run.file_name),
            # Grouped by column and reason: every problem is counted in one of the groups.
            errors=group_dicts(exc.problems),
            line_label=exc.line_label,
        )
    # Recorded before the refresh: a run cut off while refreshing still says what it imported.
    _set(
        run.pk,
        batch_id=result.batch_id,
        source=result.source,
        rows_read=result.rows_read,
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
    )
    refreshed, warnings = _refresh(run), list(result.warnings)
    return do_finish_import(
        run.pk,
        status=RunStatus.SUCCEEDED,
        source=result.source,
        rows_read=result.rows_read,
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
        warnings=[w.replace(path.name, run.file_name) for w in warnings]
        + ([f"Read as {result.read_as}."] if result.read_as else []),
        refresh_summary=refreshed,
    )


def _refresh(run: ImportRun) -> str:
    """Facts: the incremental scorecard refresh; targets: statuses of existing scorecards."""
    kind = get_kind(run.kind)
    try:
        if kind.destination is Destination.WAREHOUSE:
            from upswing.findings.refresh import refresh_and_diagnose

            _set(run.pk, stage="refreshing")
            result = refresh_and_diagnose()
            if not result.scope.programs:
                return "No scorecard needed a refresh: nothing new in this file."
            programs = ", ".join(result.scope.programs)
            return f"Scorecards refreshed for {programs}: {result.rows_written:,} values."
        if kind.destination is Destination.TARGETS:
            from upswing.targets.statuses import refresh_statuses

            _set(run.pk, stage="refreshing")
            changed = refresh_statuses(None)
            return f"Statuses of existing scorecards updated: {changed:,} changed."
    except Exception:
        logger.exception("refresh after import run %s failed", run.pk)
        return "The data was imported but the scorecard refresh failed: run `upswing refresh`."
    return ""


def _set(run_id: int, **fields) -> None:
    ImportRun.objects.filter(pk=run_id).update(**fields)
