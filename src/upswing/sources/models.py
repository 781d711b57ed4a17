from django.db import models
from django.utils import timezone


class WarehouseSource(models.Model):
    """A table or view of the warehouse read in place: its definition (TOML: the table, its
    watermark column and the column mapping) and the watermark it resumes from."""

    name = models.SlugField(max_length=64, primary_key=True)
    definition = models.TextField()
    # The greatest watermark read so far, as text (an ISO timestamp or date, a number); empty:
    # never read, the next read takes every row.
    watermark = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    last_read = models.JSONField(default=dict, blank=True)  # what the last read did
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
