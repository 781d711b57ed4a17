"""A worker killed (SIGKILL) in the middle of an import or a refresh leaves nothing half
written; its task is retried (or, past its attempts, failed with a reason), never left
running; the next task runs; and two workers never write the warehouse at once.

Real processes on a throwaway home: `upswing worker` as people run it, a 200,000-row upload
so that there is time to kill it mid-way."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from jobs.conftest import Home

pytestmark = pytest.mark.slow

ROWS = 200_000
FINISHED = ("succeeded", "failed", "rejected")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[Path, dict]:
    """A home with a roster and a big interactions file, built once and copied per test."""
    path = tmp_path_factory.mktemp("seed") / "home"
    path.mkdir()
    info = Home(path).harness("setup", str(path.parent / "files"), str(ROWS))
    return path, info


def _copy(seeded, make_home, **overrides) -> tuple[Home, dict]:
    template, info = seeded
    home = make_home(**overrides)
    shutil.rmtree(home.path)
    shutil.copytree(template, home.path)
    return home, info


def _task_processes(task_id: str) -> list[int]:
    """Pids of live task processes running `task_id` (upswing.jobs.child)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"upswing.jobs.child" in argv and task_id.encode() in argv:
            found.append(int(entry.name))
    return found


def _kill_when(home: Home, worker, run_id: int, stage: str, task_id: str, after: float) -> None:
    home.wait_for(lambda: home.run_row(run_id) == ("running", stage), what=f"stage {stage}")
    time.sleep(after)
    # A fast machine may be a stage further by now; the kill must still land mid-run.
    assert home.run_row(run_id)[0] == "running", "the run ended before the kill"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    # The task's process dies with its worker: nothing goes on writing behind its back.
    home.wait_for(lambda: not _task_processes(task_id), timeout=10, what="the task process")


def test_a_worker_killed_mid_import_is_retried_and_writes_all_or_nothing(seeded, make_home):
    home, info = _copy(seeded, make_home)
    upload = home.harness("upload", "interactions", info["interactions"])
    following = home.harness("enqueue", "refresh")["task"]
    worker = home.start_worker("--no-schedule")
    _kill_when(home, worker, upload["run"], "checking", upload["task"], after=0.2)

    cut_off = home.harness("state")
    assert cut_off["interactions"] in (0, ROWS)  # one transaction: all or nothing
    assert cut_off["tasks"][upload["task"]]["status"] == "RUNNING"  # until its lease ends

    home.start_worker("--no-schedule")
    home.wait_for(lambda: home.task_status(following) == "SUCCESSFUL", what="the next task")
    # The import is retried once its dead worker's lease runs out (the next task may run first).
    home.wait_for(lambda: home.task_status(upload["task"]) != "RUNNING", what="the retry")
    home.stop_workers()
    done = home.harness("state")
    task = done["tasks"][upload["task"]]
    assert task["status"] == "SUCCESSFUL"
    assert len(task["workers"]) == 2  # the first worker's attempt, then the retry
    assert done["runs"][str(upload["run"])]["status"] == "succeeded"
    assert done["interactions"] == ROWS
    assert done["snapshots"] > 0


def test_a_worker_killed_mid_refresh_past_its_attempts_fails_clearly(seeded, make_home):
    home, info = _copy(seeded, make_home, UPSWING_JOB_MAX_ATTEMPTS="1")
    upload = home.harness("upload", "interactions", info["interactions"])
    following = home.harness("enqueue", "refresh")["task"]
    worker = home.start_worker("--no-schedule")
    _kill_when(home, worker, upload["run"], "refreshing", upload["task"], after=0.3)

    cut_off = home.harness("state")
    assert cut_off["interactions"] == ROWS  # imported before the refresh began

    home.start_worker("--no-schedule")
    home.wait_for(lambda: home.task_status(following) == "SUCCESSFUL", what="the next task")
    # The dead worker's task is failed once its lease runs out (the next task may run first).
    home.wait_for(lambda: home.task_status(upload["task"]) != "RUNNING", what="the failure")
    home.stop_workers()
    done = home.harness("state")
    task = done["tasks"][upload["task"]]
    assert task["status"] == "FAILED"
    assert task["message"].startswith("The worker running this task stopped")
    run = done["runs"][str(upload["run"])]
    assert run["status"] == "succeeded"  # its rows were in; only the refresh is to redo
    assert "upswing refresh" in run["refresh"]
    # The refresh writes its snapshots in one transaction: none or all, never a part.
    assert cut_off["snapshots"] in (0, done["snapshots"])
    assert done["snapshots"] > 0


def test_two_workers_wait_for_the_one_writer(seeded, make_home, tmp_path):
    home, _info = _copy(seeded, make_home)
    _two_workers_one_writer(home, f"duckdb://{home.path / 'warehouse.duckdb'}", tmp_path)


@pytest.mark.postgres
def test_two_workers_on_postgresql_wait_for_the_one_writer(make_home, tmp_path, postgres_url):
    """Queue and warehouse both on PostgreSQL, as with workers on several hosts: the writer
    lock is the warehouse database's advisory lock."""
    import uuid

    import psycopg

    base, names = postgres_url.rsplit("/", 1)[0], [f"upswing_w{uuid.uuid4().hex[:8]}_{k}"
                                                    for k in ("ops", "wh")]  # fmt: skip
    with psycopg.connect(postgres_url, autocommit=True) as con:
        for name in names:
            con.execute(f"CREATE DATABASE {name}")
    try:
        ops, wh = (f"{base}/{name}" for name in names)
        home = make_home(DATABASE_URL=ops, UPSWING_WAREHOUSE_URL=wh)
        home.harness("setup", str(tmp_path / "files"), "1000")
        _two_workers_one_writer(home, wh, tmp_path)
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as con:
            for name in names:
                con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _two_workers_one_writer(home: Home, url: str, tmp_path: Path) -> None:
    from upswing.warehouse.lock import writer_lock

    uploads = []
    before = home.harness("state")["interactions"]
    for n in (1, 2):
        small = tmp_path / f"calls{n}.csv"
        small.write_text(
            "interaction_id,agent_id,started_at,handle_seconds\n"
            + "".join(f"X{n}-{i},{_agent(home)},2026-10-05T10:00:00Z,300\n" for i in range(50))
        )
        uploads.append(home.harness("upload", "interactions", str(small)))
    both = [(u["run"], u["task"]) for u in uploads]
    with writer_lock(url, wait=5):
        home.start_worker("--no-schedule")
        home.start_worker("--no-schedule")
        home.wait_for(lambda: all(home.task_status(t) == "RUNNING" for _r, t in both),
                      what="both tasks claimed")  # fmt: skip
        claimed = home.sql("SELECT worker_ids FROM django_tasks_database_dbtaskresult")
        assert len({str(ids) for (ids,) in claimed}) == 2  # one task in each worker
        home.wait_for(lambda: all(home.run_row(r)[0] == "running" for r, _t in both),
                      what="both imports started")  # fmt: skip
        time.sleep(2)
        # Each waits for the lock before reading its file: neither has begun to write.
        assert [home.run_row(r) for r, _t in both] == [("running", "starting")] * 2
    home.wait_for(lambda: all(home.run_row(r)[0] in FINISHED for r, _t in both), what="imports")
    assert [home.run_row(r)[0] for r, _t in both] == ["succeeded", "succeeded"]
    home.stop_workers()
    assert home.harness("state")["interactions"] == before + 100


def _agent(home: Home) -> str:
    return home.sql("SELECT code FROM org_agent ORDER BY code LIMIT 1")[0][0]
