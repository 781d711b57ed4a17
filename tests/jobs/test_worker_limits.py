"""Each task runs in a process of its own with a time and a memory limit: past either, the
task ends failed with the reason in words, and the worker goes on with the next task."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_a_task_past_its_limits_fails_clearly_and_the_next_one_runs(make_home):
    # A task's process holds ~360 MB of address space once Django and Ibis are loaded: the
    # cap leaves room for that (and a thread's malloc arena) and the greedy task passes it.
    home = make_home(UPSWING_JOB_TIME_LIMIT="30", UPSWING_JOB_MEMORY_MB="1200")
    home.harness("init")
    slow = home.harness("sample", "sleep_for", "600")["task"]
    greedy = home.harness("sample", "allocate", "4000")["task"]
    fine = home.harness("sample", "answer")["task"]
    home.start_worker("--no-schedule")
    home.wait_for(lambda: home.task_status(fine) in ("SUCCESSFUL", "FAILED"), what="3 tasks")
    home.stop_workers()
    tasks = home.harness("state")["tasks"]
    assert tasks[slow]["status"] == "FAILED"
    assert tasks[slow]["message"] == (
        "It took longer than the 30-second time limit (UPSWING_JOB_TIME_LIMIT)."
    )
    assert tasks[greedy]["status"] == "FAILED"
    assert "more memory than a task may use" in tasks[greedy]["message"]
    assert tasks[fine]["status"] == "SUCCESSFUL"
