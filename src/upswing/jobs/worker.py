"""`upswing worker`: claim tasks from the database queue and run each in a child process.

The worker itself stays small and alive: it beats its lease from a thread, recovers the
tasks of dead workers, enqueues the schedule's due jobs, claims one task at a time and runs
it in `upswing.jobs.child` with a memory limit (the child's own rlimit) and a wall-clock
limit (the worker kills a child past it). Whatever way the child ends, the task ends
recorded: its own result, or a failure saying why (time, memory, a crash).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.db import OperationalError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from upswing.jobs import schedule
from upswing.jobs.limits import EXIT_OUT_OF_MEMORY
from upswing.jobs.models import WorkerLease
from upswing.jobs.recovery import fail_task, recover_lost_tasks
from upswing.jobs.registry import sweeps

logger = logging.getLogger(__name__)
SWEEP_SECONDS = 600


class Worker:
    def __init__(self, *, interval: float = 1.0, batch: bool = False, run_schedule: bool = True):
        self.worker_id = f"{socket.gethostname()[:40]}-{get_random_string(12)}"
        self.interval = interval
        self.batch = batch
        self.run_schedule = run_schedule
        self.stopping = threading.Event()
        self.child: subprocess.Popen | None = None
        self._swept = float("-inf")

    # --- life ------------------------------------------------------------------------------
    def run(self) -> int:
        """Run until stopped (SIGTERM/SIGINT: after the current task) or, in batch mode,
        until the queue is empty. Returns the number of tasks run."""
        self._install_signals()
        WorkerLease.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"host": socket.gethostname()[:255], "pid": os.getpid(),
                      "started_at": timezone.now(), "beat_at": timezone.now()},
        )  # fmt: skip
        beat = threading.Thread(target=self._beat, name="upswing-worker-beat", daemon=True)
        beat.start()
        ran = 0
        try:
            while not self.stopping.is_set():
                close_old_connections()
                recover_lost_tasks()
                self._sweep()
                if self.run_schedule:
                    schedule.tick()
                db_task = self._claim()
                if db_task is not None:
                    self._run_in_child(db_task)
                    ran += 1
                    continue
                if self.batch:
                    break
                self.stopping.wait(self.interval)
        finally:
            self.stopping.set()
            beat.join(timeout=5)
            WorkerLease.objects.filter(worker_id=self.worker_id).update(stopped_at=timezone.now())
            connections.close_all()
        return ran

    def _install_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum, _frame) -> None:
        if self.stopping.is_set() and self.child is not None:
            self.child.kill()  # a second signal: stop the task too (it ends failed, recorded)
        logger.warning("worker %s: %s, stopping after the current task", self.worker_id,
                       signal.strsignal(signum))  # fmt: skip
        self.stopping.set()

    def _beat(self) -> None:
        """Beat until stopped. A beat that fails (the database busy with a long write) is
        logged and the next one tried: only a dead worker should miss its lease."""
        every = max(1.0, int(settings.UPSWING_JOB_LEASE_SECONDS) / 4)
        try:
            while not self.stopping.wait(every):
                try:
                    WorkerLease.objects.filter(worker_id=self.worker_id).update(
                        beat_at=timezone.now()
                    )
                except Exception:
                    logger.warning("worker %s: a beat failed", self.worker_id, exc_info=True)
                    connections.close_all()
        finally:
            connections.close_all()

    def _sweep(self) -> None:
        """Now and then: the features' sweeps (the imports delete uploads that no queued or
        running import will read)."""
        now = time.monotonic()
        if now - self._swept < SWEEP_SECONDS:
            return
        self._swept = now
        for sweep in sweeps():
            try:
                sweep()
            except OSError:
                logger.warning("the sweep %s failed", sweep.__qualname__, exc_info=True)

    # --- tasks -----------------------------------------------------------------------------
    def _claim(self) -> DBTaskResult | None:
        ready = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(ready.db):
                db_task = ready.get_locked()
                if db_task is not None:
                    db_task.claim(self.worker_id)
                return db_task
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise

    def _run_in_child(self, db_task: DBTaskResult) -> None:
        limit = int(settings.UPSWING_JOB_TIME_LIMIT)
        env = {**os.environ, "UPSWING_JOB_MEMORY_MB": str(settings.UPSWING_JOB_MEMORY_MB)}
        command = [sys.executable, "-m", "upswing.jobs.child", str(db_task.id), self.worker_id,
                   str(os.getpid())]  # fmt: skip
        started, timed_out = time.monotonic(), False
        self.child = subprocess.Popen(command, env=env)  # noqa: S603 - our own module  # nosec B603 - our own child command, no shell
        try:
            while self.child.poll() is None:
                if time.monotonic() - started > limit:
                    self.child.kill()
                    timed_out = True
                    self.child.wait()
                    break
                time.sleep(0.2)
            code = self.child.returncode
        finally:
            self.child = None
        db_task.refresh_from_db()
        if db_task.status == TaskResultStatus.RUNNING and db_task.worker_ids[-1:] == [
            self.worker_id
        ]:
            fail_task(db_task, _why_it_stopped(code, timed_out, limit))


def _why_it_stopped(code: int, timed_out: bool, limit: int) -> str:
    if timed_out:
        return f"It took longer than the {limit}-second time limit (UPSWING_JOB_TIME_LIMIT)."
    if code == EXIT_OUT_OF_MEMORY:
        return (
            f"It needed more memory than a task may use ({settings.UPSWING_JOB_MEMORY_MB} MB, "
            "UPSWING_JOB_MEMORY_MB)."
        )
    if code < 0:
        return f"Its process was stopped by the system ({signal.Signals(-code).name})."
    return f"Its process ended unexpectedly (exit status {code}); the worker's log has more."
