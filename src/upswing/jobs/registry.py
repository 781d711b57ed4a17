"""What features give the job queue, registered from their `AppConfig.ready()`, so that jobs
imports no feature (as ingest's kinds take their writers from the features):

- the work behind each task of `upswing.jobs.tasks` (`register_work`): what it does, how it
  reads on the pages, and what of the feature's own records to end when it is lost;
- the jobs UPSWING_SCHEDULE may name (`register_scheduled`);
- the worker's sweeps, run now and then between tasks (`register_sweep`);
- the errors whose message is written for people, shown as it is (`register_readable_error`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A task's arguments as stored (positional, keyword) -> words for people.
Label = Callable[[list, dict], str]
# Called when a task ends without finishing its own work (its worker or process died, or a
# limit stopped it), with the task's arguments and the reason, for people to read.
OnStopped = Callable[[list, dict, str], None]


@dataclass(frozen=True, slots=True)
class Work:
    run: Callable[..., dict]  # does the task; returns its small JSON summary
    label: Label | None = None  # None: "Background task"
    on_stopped: OnStopped | None = None
    retry: bool = True  # a lost run is queued again while it has attempts left


@dataclass(frozen=True, slots=True)
class Scheduled:
    enqueue: Callable[[], Any]  # queues the job now; returns the task's result
    configured: Callable[[], bool]  # off (skipped, listed as such) when False


_WORK: dict[str, Work] = {}  # by task path (`upswing.jobs.tasks.<name>`)
_SCHEDULED: dict[str, Scheduled] = {}
_SWEEPS: list[Callable[[], None]] = []
_READABLE_ERRORS: set[str] = set()


def register_work(task, work: Work) -> None:
    """`task` is one of upswing.jobs.tasks; the feature that owns its work gives it here."""
    _WORK[task.module_path] = work


def work_for(task_path: str) -> Work | None:
    return _WORK.get(task_path)


def run_work(task, **kwargs) -> dict:
    work = _WORK.get(task.module_path)
    if work is None:
        raise LookupError(f"no installed feature does the task {task.module_path}")
    return work.run(**kwargs)


def register_scheduled(
    name: str, enqueue: Callable[[], Any], configured: Callable[[], bool] | None = None
) -> None:
    _SCHEDULED[name] = Scheduled(enqueue, configured or _always)


def scheduled_jobs() -> dict[str, Scheduled]:
    """Every job the schedule may name, by name, in the order their apps are installed."""
    return dict(_SCHEDULED)


def register_sweep(sweep: Callable[[], None]) -> None:
    if sweep not in _SWEEPS:
        _SWEEPS.append(sweep)


def sweeps() -> tuple[Callable[[], None], ...]:
    return tuple(_SWEEPS)


def register_readable_error(exception_class_path: str) -> None:
    _READABLE_ERRORS.add(exception_class_path)


def readable_errors() -> frozenset[str]:
    return frozenset(_READABLE_ERRORS)


def _always() -> bool:
    return True
