"""What the pages and the worker know about tasks: a label for people, how many times one
may run, what to do when it is lost, and the recent ones for the imports page."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Policy:
    label: Callable[[list, dict], str]
    # Called when a task ends without finishing its own work (its worker or process died,
    # or a limit stopped it), with the task's arguments and the reason, for people to read.
    on_stopped: Callable[[list, dict, str], None] | None = None
    retry: bool = True


def _import_label(args: list, kwargs: dict) -> str:
    from upswing.imports.models import ImportRun

    run_id = kwargs.get("run_id", args[0] if args else None)
    run = ImportRun.objects.filter(pk=run_id).only("file_name", "kind").first()
    return f"Import of {run.file_name} ({run.kind})" if run else "Import of an upload"


def _import_stopped(args: list, kwargs: dict, reason: str) -> None:
    from upswing.imports.jobs import end_stopped_run

    end_stopped_run(kwargs.get("run_id", args[0] if args else None), reason)


def _connector_label(args: list, kwargs: dict) -> str:
    name = kwargs.get("name", args[0] if args else "")
    return f"{str(name).title()} pull"


POLICIES: dict[str, Policy] = {
    "upswing.jobs.tasks.import_upload": Policy(_import_label, _import_stopped),
    "upswing.jobs.tasks.refresh_scorecards": Policy(
        lambda a, k: "Full scorecard refresh" if k.get("full") else "Scorecard refresh"
    ),
    "upswing.jobs.tasks.diagnose_programs": Policy(lambda a, k: "Diagnosis"),
    "upswing.jobs.tasks.send_plan_nudges": Policy(lambda a, k: "Plan checkpoint reminders"),
    "upswing.jobs.tasks.pull_connector": Policy(_connector_label),
}
UNKNOWN = Policy(lambda a, k: "Background task")


def policy(task_path: str) -> Policy:
    return POLICIES.get(task_path, UNKNOWN)


def label(task_path: str, args_kwargs: dict) -> str:
    try:
        return policy(task_path).label(args_kwargs.get("args", []), args_kwargs.get("kwargs", {}))
    except Exception:  # a label must never break a page
        logger.exception("no label for task %s", task_path)
        return "Background task"


def max_attempts(task_path: str) -> int:
    return max(1, int(settings.UPSWING_JOB_MAX_ATTEMPTS)) if policy(task_path).retry else 1


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=int(settings.UPSWING_JOB_LEASE_SECONDS))


def live_workers(now: dt.datetime | None = None):
    from upswing.jobs.models import WorkerLease

    cutoff = (now or timezone.now()) - lease()
    return WorkerLease.objects.filter(beat_at__gte=cutoff, stopped_at__isnull=True)


def uses_database_queue() -> bool:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
