"""Optimistic concurrency: a save based on a stale copy is refused, never silently applied.

An editable record carries a `version` (VersionedModel). A form or API client sends back the
version it opened; `save_if_unchanged` applies the edit with one conditional UPDATE that also
bumps the version, so of two people who opened version 3, the first to save wins and the
second gets `StaleEdit` (pages: the message with a reload link; API: 409 Conflict).

`.update()` sends no signals and does not touch `auto_now` fields on its own: this function
sets those, and the caller writes the audit event in the same `transaction.atomic()`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone

STALE_EDIT_MESSAGE = (
    "This record was changed by someone else since you opened it. Reload to see their changes."
)


class StaleEdit(Exception):  # noqa: N818 - the name callers and the issue use
    """Someone saved the record after the editor opened it: nothing was written."""

    http_status = 409

    def __init__(self, model_cls: type[models.Model], pk: Any, expected_version: int) -> None:
        super().__init__(STALE_EDIT_MESSAGE)
        self.model_cls = model_cls
        self.pk = pk
        self.expected_version = expected_version


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(
        default=1, help_text="bumped by every save; an edit based on an older one is refused"
    )

    class Meta:
        abstract = True


def save_if_unchanged(
    model_cls: type[models.Model], pk: Any, expected_version: int, **changes: Any
) -> int:
    """Apply `changes` to the row if it is still at `expected_version`; return the new version.

    Raises StaleEdit when the row has moved on, model_cls.DoesNotExist when it is gone.
    """
    if "version" in changes:
        raise ValueError("the version is bumped by save_if_unchanged, not passed to it")
    for field in model_cls._meta.concrete_fields:
        if getattr(field, "auto_now", False) and field.name not in changes:
            is_datetime = isinstance(field, models.DateTimeField)
            changes[field.name] = timezone.now() if is_datetime else timezone.localdate()
    rows = model_cls._default_manager.filter(pk=pk, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    if rows == 0:
        if not model_cls._default_manager.filter(pk=pk).exists():
            raise model_cls.DoesNotExist(f"No {model_cls._meta.verbose_name} with that id.")
        raise StaleEdit(model_cls, pk, expected_version)
    return expected_version + 1
