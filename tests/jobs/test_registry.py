"""The queue knows the features' work only through what they register from ready(): every
task of upswing.jobs.tasks has its work, every scheduled job its task, and a task or a job no
feature registered fails with words instead of running something else."""

from __future__ import annotations

import pytest
from django_tasks.base import Task

from upswing.jobs import queue, recovery, registry, tasks
from upswing.jobs.schedule import ScheduleError, job_names, parse_schedule

TASKS = [value for value in vars(tasks).values() if isinstance(value, Task)]


def test_the_tasks_are_all_found():
    assert len(TASKS) == 7


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.name)
def test_every_task_has_its_features_work(task):
    assert registry.work_for(task.module_path) is not None


def test_the_schedule_names_the_jobs_the_features_registered():
    assert job_names() == (
        "refresh", "diagnose", "nudge", "governance_reports", "pull_zendesk", "pull_freshdesk",
        "read_sources",
    )  # fmt: skip
    with pytest.raises(ScheduleError, match="one of refresh, diagnose, nudge"):
        parse_schedule("backup@01:00")


def test_work_no_feature_registered_is_refused_by_name(monkeypatch):
    monkeypatch.setattr(registry, "_WORK", {})
    with pytest.raises(LookupError, match=r"no installed feature does the task .*diagnose"):
        tasks.diagnose_programs.call()
    assert queue.label(tasks.diagnose_programs.module_path, {}) == "Background task"


def test_labels_come_from_the_features():
    path = tasks.refresh_scorecards.module_path
    assert queue.label(path, {"kwargs": {"full": True}}) == "Full scorecard refresh"
    assert queue.label(tasks.pull_connector.module_path, {"args": ["zendesk"]}) == "Zendesk pull"


def test_a_features_error_is_shown_in_its_own_words():
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    def failed(path: str) -> DBTaskResult:
        traceback = f"Traceback (most recent call last):\n{path}: Zendesk refused the token."
        return DBTaskResult(
            status=TaskResultStatus.FAILED, exception_class_path=path, traceback=traceback
        )

    connector = failed("upswing.connectors.base.ConnectorError")
    assert recovery.failure_message(connector) == "Zendesk refused the token."
    other = recovery.failure_message(failed("builtins.KeyError"))
    assert "Zendesk" not in other
    assert "the worker's log" in other
