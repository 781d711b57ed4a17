"""What the queue keeps besides the tasks themselves (django_tasks_db.DBTaskResult): the
workers' leases, the schedule's fired slots and the connectors' cursors."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerLease(models.Model):
    """A worker's sign of life. A task whose worker stopped beating for longer than the lease
    is recovered (retried or failed) by any other worker or page (upswing.jobs.recovery)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"


class ScheduleSlot(models.Model):
    """One firing of a scheduled job: the unique (name, due_at) makes sure that several
    workers enqueue each slot once."""

    name = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    enqueued_at = models.DateTimeField(default=timezone.now)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "due_at"], name="jobs_one_slot_per_time")
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.due_at:%Y-%m-%d %H:%M}"


class ConnectorCursor(models.Model):
    """Where a pull connector resumes: the vendor's cursor (or the time it was last in sync)
    saved after each page's rows were imported."""

    connector = models.CharField(max_length=32, primary_key=True)
    cursor = models.TextField(blank=True)
    pulled_rows = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.connector}: {self.cursor or '(start)'}"
