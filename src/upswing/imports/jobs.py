"""The background side of an upload: import the saved file, then refresh the scorecards.

One thread per upload, started after the upload's transaction commits; imports run one at a
time in a process (a lock), so two uploads never write the warehouse at once. The thread
closes its database connections when it ends. A run's progress is its `stage` column, which
the run page polls; a second thread beats `heartbeat_at` while the job lives, so that a run
cut off by a server restart is found and ended (`actions.do_fail_abandoned_runs`).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.db import connections
from django.utils import timezone

from upswing.audit.middleware import bind_request_id
from upswing.imports import options
from upswing.imports.actions import HEARTBEAT_SECONDS, do_finish_import
from upswing.imports.models import FINISHED, ImportRun, RunStatus
from upswing.ingest.kinds import Destination, get_kind
from upswing.ingest.service import ImportRejected, import_file

logger = logging.getLogger(__name__)
_one_at_a_time = threading.Lock()


def launch(run_id: int) -> threading.Thread:
    thread = threading.Thread(
        target=_thread_main, args=(run_id,), name=f"upswing-import-{run_id}", daemon=True
    )
    thread.start()
    return thread


def _thread_main(run_id: int) -> None:
    stop = threading.Event()
    beating = threading.Thread(
        target=_heartbeat, args=(run_id, stop), name=f"upswing-import-{run_id}-beat", daemon=True
    )
    beating.start()
    try:
        run_import_job(run_id)
    finally:
        stop.set()
        beating.join()
        connections.close_all()


def _heartbeat(run_id: int, stop: threading.Event) -> None:
    """Say the job is alive until it ends, queued or running: a run whose beat stops died
    with its process and is ended by `do_fail_abandoned_runs`."""
    try:
        while True:
            _set(run_id, heartbeat_at=timezone.now())
            if stop.wait(HEARTBEAT_SECONDS):
                return
    finally:
        connections.close_all()


def run_import_job(run_id: int) -> ImportRun:
    run = ImportRun.objects.get(pk=run_id)
    path = options.uploads_dir() / run.stored_name
    try:
        with _one_at_a_time, bind_request_id(run.request_id or None):
            unfinished = ImportRun.objects.filter(pk=run_id).exclude(status__in=FINISHED)
            started = unfinished.update(
                status=RunStatus.RUNNING, stage="starting", started_at=timezone.now()
            )
            if not started:  # already ended (found abandoned while it waited): leave it
                return ImportRun.objects.get(pk=run_id)
            return _import(run, path)
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


def _import(run: ImportRun, path: Path) -> ImportRun:
    mapping = None
    if run.reader.startswith(options.MAPPING_PREFIX):
        mapping = options.mapping_examples()[run.reader.removeprefix(options.MAPPING_PREFIX)]
    try:
        result = import_file(
            run.kind,
            path,
            source=run.source or None,
            mapping_path=mapping,
            progress=lambda stage: _set(run.pk, stage=stage),
        )
    except ImportRejected as exc:
        return do_finish_import(
            run.pk,
            status=RunStatus.REJECTED,
            error_summary=exc.message.replace(path.name, run.file_name),
            errors=[_error(e) for e in exc.problems.errors],
            more_errors=max(exc.problems.count - len(exc.problems.errors), 0),
            line_label=exc.line_label,
        )
    # Recorded before the refresh: a run cut off while refreshing still says what it imported.
    _set(
        run.pk,
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
        warnings=[w.replace(path.name, run.file_name) for w in warnings],
        refresh_summary=refreshed,
    )


def _refresh(run: ImportRun) -> str:
    """Facts: the incremental scorecard refresh; targets: statuses of existing scorecards."""
    kind = get_kind(run.kind)
    try:
        if kind.destination is Destination.WAREHOUSE:
            from upswing.performance.refresh import refresh

            _set(run.pk, stage="refreshing")
            result = refresh(diagnose=True)
            if not result.scope.programs:
                return "No scorecard needed a refresh: nothing new in this file."
            programs = ", ".join(result.scope.programs)
            return f"Scorecards refreshed for {programs}: {result.rows_written:,} values."
        if kind.destination is Destination.TARGETS:
            from upswing.performance.targets import refresh_statuses

            _set(run.pk, stage="refreshing")
            changed = refresh_statuses(None)
            return f"Statuses of existing scorecards updated: {changed:,} changed."
    except Exception:
        logger.exception("refresh after import run %s failed", run.pk)
        return "The data was imported but the scorecard refresh failed: run `upswing refresh`."
    return ""


def _error(err) -> dict:
    return {"line": err.line, "column": err.column, "value": err.value, "reason": err.reason}


def _set(run_id: int, **fields) -> None:
    ImportRun.objects.filter(pk=run_id).update(**fields)
