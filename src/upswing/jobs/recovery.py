"""Tasks never stay "running" after their worker is gone.

A worker beats its lease (models.WorkerLease) while it lives. A running task whose worker
has not beaten for UPSWING_JOB_LEASE_SECONDS was cut off (SIGKILL, a crash, a restart): it
is put back in the queue to run again while it has attempts left (every task here is safe to
run twice: imports upsert, refreshes recompute, pulls resume from their cursor, nudges are
never sent twice), and failed with a reason people read otherwise. Workers run this before
each claim, and the imports pages when they are opened.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upswing.jobs import queue
from upswing.jobs.registry import readable_errors, work_for

logger = logging.getLogger(__name__)


class JobStopped(Exception):  # noqa: N818 - recorded as the task's failure, read by people
    """A task ended without finishing: its worker died, or a time or memory limit stopped it."""


def recover_lost_tasks(now=None) -> list[str]:
    """Retry or fail the running tasks of dead workers; returns their ids."""
    now = now or timezone.now()
    alive = set(queue.live_workers(now).values_list("worker_id", flat=True))
    recovered = []
    for task_id, worker_ids in DBTaskResult.objects.running().values_list("id", "worker_ids"):
        if worker_ids and worker_ids[-1] in alive:
            continue
        if _recover(task_id, alive):
            recovered.append(str(task_id))
    return recovered


def _recover(task_id, alive: set[str]) -> bool:
    with transaction.atomic():
        db_task = DBTaskResult.objects.select_for_update().filter(id=task_id).first()
        if db_task is None or db_task.status != TaskResultStatus.RUNNING:
            return False
        if db_task.worker_ids and db_task.worker_ids[-1] in alive:
            return False
        attempts = len(db_task.worker_ids)
        if attempts < queue.max_attempts(db_task.task_path):
            db_task.status = TaskResultStatus.READY
            db_task.started_at = None
            db_task.save(update_fields=["status", "started_at"])
            logger.warning("task %s lost its worker; queued again (attempt %d)", task_id, attempts)
            return True
    reason = (
        f"The worker running this task stopped (killed or restarted) {attempts} time(s); "
        "it was not run again."
    )
    fail_task(db_task, reason)
    return True


def fail_task(db_task: DBTaskResult, reason: str) -> None:
    """Record a task as failed with `reason`, then let its owner end its own records."""
    db_task.set_failed(JobStopped(reason))
    work = work_for(db_task.task_path)
    hook = work.on_stopped if work is not None else None
    if hook is not None:
        args_kwargs = db_task.args_kwargs or {}
        try:
            hook(args_kwargs.get("args", []), args_kwargs.get("kwargs", {}), reason)
        except Exception:
            logger.exception("ending the records of stopped task %s failed", db_task.id)


def failure_message(db_task: DBTaskResult) -> str:
    """What went wrong, in words for the page: our own reasons as they are, anything else
    as a pointer to the server log (a traceback is for the operator, not the page)."""
    if db_task.status != TaskResultStatus.FAILED:
        return ""
    if db_task.exception_class_path == "builtins.MemoryError":
        return "It needed more memory than a task may use (UPSWING_JOB_MEMORY_MB)."
    known = {"upswing.jobs.recovery.JobStopped", "upswing.warehouse.lock.WarehouseBusy"}
    if db_task.exception_class_path in known | readable_errors():
        last = db_task.traceback.strip().splitlines()[-1] if db_task.traceback.strip() else ""
        return last.split(": ", 1)[1] if ": " in last else last
    return "It stopped on an unexpected error; the worker's log has the details."
