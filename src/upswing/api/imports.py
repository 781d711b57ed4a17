"""POST /api/imports: an admin uploads one file; it is imported like `upswing import`, by the
job queue's worker (never in the web process).

The upload is saved and queued like one of the imports page; the request then waits up to
UPSWING_API_IMPORT_WAIT seconds for its outcome: 200 with the counts, 422 with the problems
(first 50 with line, column, value and reason, and the total count; nothing was written), or
202 with the run's id when it takes longer (GET /api/imports/{id} follows it). Uploads over
UPSWING_MAX_UPLOAD_MB are refused with 413 before they are stored.
"""

import enum
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from ninja import File, Form, Router
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from upswing.api.access import may_import
from upswing.api.actions import record_api_import, safe_file_name
from upswing.api.schemas import ErrorOut, ImportOut, ImportQueuedOut, ImportRejectedOut
from upswing.ingest.kinds import KINDS
from upswing.ingest.service import WarehouseBusyError
from upswing.warehouse.lock import WarehouseBusy

router = Router(tags=["imports"])

ImportKind = enum.StrEnum("ImportKind", {name: name for name in KINDS})


@router.post(
    "/imports",
    response={
        200: ImportOut,
        202: ImportQueuedOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        422: ImportRejectedOut,
        503: ErrorOut,
    },
    url_name="imports",
)
def create_import(
    request,
    kind: Form[ImportKind],
    file: File[UploadedFile | None] = None,
    source: Form[str | None] = None,
    time_zone: Form[str | None] = None,
):
    """Import one file (CSV, XLSX, Parquet or JSON Lines) of `kind`; `source` names where the
    rows come from, or an adapter (zendesk, genesys, freshdesk) for those exports; `time_zone`
    (roster) the IANA zone of programs the file gives none for. Admins only.
    202 when the import takes longer than the request waits: follow `status_url`."""
    from upswing.imports import jobs, options
    from upswing.imports.actions import do_start_import
    from upswing.ingest.adapters import ADAPTERS

    if not may_import(request.auth):
        raise HttpError(403, "Only administrators import files.")
    if getattr(request, "upload_too_large", False) or (file and (file.size or 0) > _max_bytes()):
        raise HttpError(413, _too_large())
    if file is None:
        raise HttpError(422, "file: a file to import is required")
    source = (source or "").strip()[:64]
    reader = source if source in ADAPTERS else options.CANONICAL
    file.name = safe_file_name(file.name or "")
    try:
        run = do_start_import(
            actor=request.auth,
            upload=file,
            kind=kind.value,
            reader=reader,
            source=source,
            time_zone=(time_zone or "").strip(),
        )
    except ValidationError as exc:
        if "larger than the upload limit" in " ".join(exc.messages):
            raise HttpError(413, _too_large()) from None
        raise HttpError(400, "; ".join(exc.messages)) from None
    jobs.launch(run.pk)
    return _outcome(request, _wait_for(run.pk))


@router.get(
    "/imports/{run_id}",
    response={200: ImportOut, 202: ImportQueuedOut, 401: ErrorOut, 403: ErrorOut,
              404: ErrorOut, 422: ImportRejectedOut},
    url_name="import_run",
)  # fmt: skip
def import_status(request, run_id: int):
    """Where an upload's import stands: 202 while it waits or runs, then 200 or 422."""
    from upswing.imports.models import ImportRun

    if not may_import(request.auth):
        raise HttpError(403, "Only administrators import files.")
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        raise HttpError(404, "No such import.")
    return _outcome(request, run)


def _max_bytes() -> int:
    return int(settings.UPSWING_MAX_UPLOAD_MB) * 1024 * 1024


def _too_large() -> str:
    return f"files over {settings.UPSWING_MAX_UPLOAD_MB} MB are not accepted"


def _wait_for(run_id: int):
    from upswing.imports.models import ImportRun

    deadline = time.monotonic() + float(settings.UPSWING_API_IMPORT_WAIT)
    while True:
        run = ImportRun.objects.get(pk=run_id)
        if run.is_finished or time.monotonic() >= deadline:
            return run
        time.sleep(0.5)


def _outcome(request, run):
    from upswing.imports.models import RunStatus

    if not run.is_finished:
        return Status(202, {
            "run_id": run.pk, "status": run.status, "stage": run.stage,
            "status_url": f"/api/imports/{run.pk}",
        })  # fmt: skip
    if run.status == RunStatus.FAILED and run.error_summary.startswith(_BUSY):
        raise _ImportFoundWarehouseBusy(run.error_summary)
    if run.status != RunStatus.SUCCEEDED:
        return Status(422, {
            "detail": run.error_summary, "file_name": run.file_name,
            "line_label": run.line_label, **_problems(run.errors),
            "problem_count": sum(g.get("count", 1) for g in run.errors) + run.more_errors,
        })  # fmt: skip
    record_api_import(run, actor=request.auth)
    return Status(200, {
        "kind": run.kind, "file_name": run.file_name, "source": run.source,
        "batch_id": run.batch_id, "rows_read": run.rows_read or 0,
        "inserted": run.inserted or 0, "updated": run.updated or 0,
        "unchanged": run.unchanged or 0, "warnings": list(run.warnings),
    })  # fmt: skip


def _problems(errors: list[dict]) -> dict:
    """A rejected run's problems, stored grouped by column and reason: the groups, and their
    first lines one by one (runs stored before grouping hold single problems)."""
    groups = [e for e in errors if "count" in e]
    single = [e for e in errors if "count" not in e]
    firsts = [
        {"line": line, "column": g["column"], "value": g["value"] if i == 0 else None,
         "reason": g["reason"]}
        for g in groups
        for i, line in enumerate(g["lines"])
    ]  # fmt: skip
    return {"problems": (single + firsts)[:50], "groups": groups}


# How the worker words an import that found the warehouse locked by another process.
_BUSY = str(WarehouseBusyError()).capitalize()[:40]


class _ImportFoundWarehouseBusy(WarehouseBusy):
    """The worker found the warehouse locked by another writer: 503 with Retry-After (the
    API's handler for WarehouseBusy), as when the request itself waits too long."""

    def __init__(self, detail: str) -> None:
        Exception.__init__(self, detail)
        self.waited = 0.0
        self.retry_after = WarehouseBusyError.retry_after_seconds
