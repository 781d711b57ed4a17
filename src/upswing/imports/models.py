"""One row per file uploaded on the imports page: who, when, what, and how it ended."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Imported"
    REJECTED = "rejected", "Rejected — nothing was imported"
    FAILED = "failed", "Failed — nothing was imported"


FINISHED = frozenset({RunStatus.SUCCEEDED, RunStatus.REJECTED, RunStatus.FAILED})


class ImportRun(models.Model):
    """An upload and its import. The file itself is deleted once the import has finished."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    kind = models.CharField(max_length=32)
    reader = models.CharField(
        max_length=200, help_text='"canonical", an adapter name, or a shipped mapping file'
    )
    source = models.CharField(max_length=64, blank=True, help_text="source label of the rows")
    file_name = models.CharField(max_length=255, help_text="the name it was uploaded with")
    stored_name = models.CharField(max_length=80, help_text="random name under uploads/")
    size_bytes = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    stage = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="last sign of life of the job (see jobs.HEARTBEAT)"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.IntegerField(null=True, blank=True)
    inserted = models.IntegerField(null=True, blank=True)
    updated = models.IntegerField(null=True, blank=True)
    unchanged = models.IntegerField(null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error_summary = models.TextField(blank=True)
    errors = models.JSONField(
        default=list, blank=True, help_text="the first problems: line, column, value, reason"
    )
    more_errors = models.IntegerField(default=0, help_text="problems beyond those listed")
    line_label = models.CharField(max_length=16, default="line")
    refresh_summary = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    task_id = models.CharField(
        max_length=64, blank=True, help_text="the job queue's task that imports it"
    )
    batch_id = models.CharField(max_length=64, blank=True, help_text="the warehouse batch")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED
