"""Retention schedule (as data), legal holds, and the record of erasures."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RecordClass(models.TextChoices):
    COACHING_NOTES = "coaching_notes", "Coaching session notes and agent comments"
    ACTION_ITEMS = "action_items", "Agreed actions of coaching sessions"
    PLAN_RECORDS = "plan_records", "Improvement plan narratives and check-in notes"


class RetentionRule(models.Model):
    """How long the free text of one class of records is kept, counted from its date
    (a session's day; a plan's closing). Past it the text is blanked in place; the record,
    its dates and its numbers stay (aggregates keep adding up)."""

    record_class = models.CharField(max_length=32, choices=RecordClass.choices, unique=True)
    keep_days = models.PositiveIntegerField(help_text="days the free text is kept")
    basis = models.CharField(max_length=200, blank=True, help_text='e.g. "works council §3"')

    def __str__(self) -> str:
        return f"{self.get_record_class_display()}: {self.keep_days} days"


class LegalHold(models.Model):
    """While active, nothing about the agent is blanked or erased (GDPR Art. 17(3)(e))."""

    agent = models.ForeignKey("org.Agent", on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(max_length=500)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"hold on {self.agent_id} since {self.placed_at:%Y-%m-%d}"


class Erasure(models.Model):
    """One erased person: who asked, when; the agent row itself now reads "Erased person #N"."""

    agent = models.OneToOneField("org.Agent", on_delete=models.PROTECT, related_name="erasure")
    erased_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500)
