"""What the pages and the worker know about tasks: a label for people, how many times one
may run, the lease of a worker and whether the database queue is in use. What each task
does, its label and what to end when it is lost are its feature's (upswing.jobs.registry)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from upswing.jobs.registry import work_for

logger = logging.getLogger(__name__)
UNKNOWN_LABEL = "Background task"


def label(task_path: str, args_kwargs: dict) -> str:
    """How a task reads for people: its feature's label (upswing.jobs.registry)."""
    work = work_for(task_path)
    if work is None or work.label is None:
        return UNKNOWN_LABEL
    try:
        return work.label(args_kwargs.get("args", []), args_kwargs.get("kwargs", {}))
    except Exception:  # a label must never break a page
        logger.exception("no label for task %s", task_path)
        return UNKNOWN_LABEL


def max_attempts(task_path: str) -> int:
    work = work_for(task_path)
    retry = work.retry if work is not None else True
    return max(1, int(settings.UPSWING_JOB_MAX_ATTEMPTS)) if retry else 1


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
