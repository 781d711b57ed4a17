"""`python -m upswing.jobs.child TASK_ID WORKER_ID PARENT_PID`: run one claimed task.

The worker starts one such process per task: it sets its own limits first (memory; it dies
with its worker), then runs the task the way django-tasks-db's worker does, recording the
return value or the error. Its time limit is the worker's to enforce (it kills this process).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    task_id, worker_id, parent_pid = argv[0], argv[1], int(argv[2])
    from upswing.jobs.limits import EXIT_OUT_OF_MEMORY, die_with_parent, limit_memory

    die_with_parent(parent_pid)
    megabytes = int(os.environ.get("UPSWING_JOB_MEMORY_MB", "0") or 0)
    limit_memory(megabytes)
    if megabytes:  # DuckDB spills to disk well before the cap (its buffers are not all)
        os.environ.setdefault("UPSWING_DUCKDB_MEMORY_MB", str(megabytes // 2))
    try:
        return _run(task_id, worker_id)
    except MemoryError:
        return EXIT_OUT_OF_MEMORY


def _run(task_id: str, worker_id: str) -> int:
    from upswing.boot import setup_django

    setup_django()
    from django.db import connections
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    db_task = DBTaskResult.objects.get(id=task_id)
    if db_task.status != TaskResultStatus.RUNNING or db_task.worker_ids[-1:] != [worker_id]:
        return 0  # recovered and handed to another worker meanwhile: not ours to run
    runner = Worker(
        queue_names=[db_task.queue_name], interval=0, batch=True, backend_name=db_task.backend_name,
        startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
    )  # fmt: skip
    runner.run_task(db_task)
    connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
