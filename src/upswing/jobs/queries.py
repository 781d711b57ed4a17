"""Read side of the queue for the imports page and `upswing jobs list`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from upswing.jobs import queue
from upswing.jobs.recovery import failure_message

STATUS_LABELS = {
    TaskResultStatus.READY: "Waiting for a worker",
    TaskResultStatus.RUNNING: "Running",
    TaskResultStatus.SUCCESSFUL: "Done",
    TaskResultStatus.FAILED: "Failed",
}


@dataclass(frozen=True, slots=True)
class TaskRow:
    label: str
    status: str
    status_label: str
    enqueued_at: dt.datetime
    finished_at: dt.datetime | None
    attempts: int
    message: str


def recent_tasks(limit: int = 10) -> list[TaskRow]:
    rows = DBTaskResult.objects.order_by("-enqueued_at")[:limit]
    return [
        TaskRow(
            label=queue.label(t.task_path, t.args_kwargs or {}),
            status=t.status.lower(),
            status_label=STATUS_LABELS.get(t.status, t.status),
            enqueued_at=t.enqueued_at,
            finished_at=t.finished_at,
            attempts=len(t.worker_ids),
            message=failure_message(t),
        )
        for t in rows
    ]


def queue_summary() -> dict:
    """Is anyone there to run the queue, and how much waits."""
    waiting = DBTaskResult.objects.ready().count()
    return {
        "workers": queue.live_workers().count(),
        "waiting": waiting,
        "uses_queue": queue.uses_database_queue(),
    }
