"""The imports' side of the job queue, registered with upswing.jobs from apps.py: the work of
`upswing.jobs.tasks.import_upload`, how it reads on the pages, what to end when it is lost,
and the worker's sweep of uploads no import will read.

Imported when Django starts: the runs themselves (and DuckDB with them) are imported only
when a task runs.
"""

from __future__ import annotations

from upswing.imports.models import ImportRun


def run_upload(run_id: int) -> dict:
    """An upload of the imports page or the API: import it, then refresh what it touched."""
    from upswing.imports.jobs import run_import_job

    run = run_import_job(run_id)
    return {"run_id": run.pk, "status": run.status}


def upload_label(args: list, kwargs: dict) -> str:
    run_id = kwargs.get("run_id", args[0] if args else None)
    run = ImportRun.objects.filter(pk=run_id).only("file_name", "kind").first()
    return f"Import of {run.file_name} ({run.kind})" if run else "Import of an upload"


def end_stopped_upload(args: list, kwargs: dict, reason: str) -> None:
    from upswing.imports.jobs import end_stopped_run

    end_stopped_run(kwargs.get("run_id", args[0] if args else None), reason)


def sweep_uploads() -> None:
    from upswing.imports.actions import delete_orphan_uploads

    delete_orphan_uploads()


def register() -> None:
    from upswing.jobs import tasks
    from upswing.jobs.registry import Work, register_sweep, register_work

    register_work(tasks.import_upload, Work(run_upload, upload_label, end_stopped_upload))
    register_sweep(sweep_uploads)
