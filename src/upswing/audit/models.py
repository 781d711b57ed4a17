"""The audit trail: one append-only row per change to a person's record (DESIGN.md principle 9).

Rows are written by the action that makes the change, in the same transaction (see
`upswing.audit.actions.record_event`), so a change and its event commit or roll back together.

Append-only twice over:

- here, in Python: `save()` refuses to touch an existing row, `delete()` refuses, and the
  QuerySet's `update()`/`delete()` refuse, so ORM code fails loudly and early;
- in the database (migrations 0002/0003, `upswing.audit.append_only`): triggers refuse UPDATE,
  DELETE, an INSERT over a stored row (REPLACE, UPSERT) and TRUNCATE from any client, raw SQL
  included, with no switch a session can flip;

and tamper-evident: a keyed hash chain (`upswing.audit.chain`) that `upswing audit verify`
checks, which catches what the owner of the database or of the SQLite file could still do.

SQLite caveat for future migrations: SQLite alters a table by rebuilding it, which drops its
triggers. A migration that alters this table must call `install_triggers` again afterwards;
`tests/audit/test_append_only.py` checks that the triggers exist after all migrations.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, models
from django.utils import timezone

APPEND_ONLY_MESSAGE = "audit log is append-only"


IMPORT_OBJECT_TYPE = "ingest.import"  # object_type for import runs (action "import.<kind>")


class AppendOnlyError(DatabaseError):
    """An attempt to change or remove an audit row (the triggers raise a DatabaseError too)."""

    def __init__(self, message: str = APPEND_ONLY_MESSAGE) -> None:
        super().__init__(message)


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError()

    def delete(self):
        raise AppendOnlyError()

    def _raw_delete(self, using):
        # The deletion collector's fast path, used when a referenced row is deleted.
        raise AppendOnlyError()

    update.queryset_only = True
    delete.queryset_only = True


class AuditEvent(models.Model):
    """Who did what to which record, when, in which role, why, and what changed.

    `changes` maps a field name to `[before, after]` (JSON-safe values). It holds only what the
    caller passes: callers never put confidential free text (note bodies, plan narratives,
    feedback comments) in it; they record that the field changed, not its words.
    """

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # A user with audit events is pseudonymised in place, never deleted (research §4.3).
        on_delete=models.PROTECT,
        related_name="audit_events",
        help_text="empty for the system and the command line",
    )
    actor_label = models.CharField(
        max_length=150, blank=True, help_text='the username at the time, or "cli"/"system"'
    )
    role = models.CharField(max_length=32, blank=True, help_text="the role the actor acted in")
    action = models.CharField(max_length=100, help_text='e.g. "plan.approve", "import.roster"')
    object_type = models.CharField(max_length=100, blank=True, help_text='e.g. "plans.plan"')
    object_id = models.CharField(max_length=100, blank=True)
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # The hash chain (upswing.audit.chain): position, the previous event's hash, this one's.
    seq = models.PositiveBigIntegerField(unique=True, help_text="1, 2, 3, … with no holes")
    prev_hash = models.CharField(max_length=64, help_text="the hash of event seq - 1")
    hash = models.CharField(max_length=64, help_text="HMAC-SHA256 of this event's canonical JSON")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
            models.Index(fields=["action", "at"], name="audit_action_at_idx"),
        ]

    def __str__(self) -> str:
        target = f"{self.object_type}:{self.object_id}" if self.object_type else ""
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {target}".rstrip()

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError()
        # Never let Django try an UPDATE first for an instance that carries a primary key.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError()
