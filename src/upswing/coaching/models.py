"""Coaching sessions and their agreed actions: the record that a gap was worked on before any
plan is considered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from upswing.audit.concurrency import VersionedModel
from upswing.ingest.kinds import COACHING_KINDS
from upswing.metrics import CATALOG


class CoachingKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    SIDE_BY_SIDE = "side_by_side", "Side-by-side"
    TRAINING = "training", "Refresher training"
    WORKSHOP = "workshop", "Group workshop"


assert {c.value for c in CoachingKind} == set(COACHING_KINDS)


class CoachingSession(VersionedModel):
    """One session with one agent, recorded in Upswing (from a finding or freely) or imported.

    `version` (VersionedModel) guards edits: an edit based on an older copy is refused.
    """

    agent = models.ForeignKey("org.Agent", on_delete=models.CASCADE, related_name="coaching")
    coached_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=CoachingKind.choices)
    coach_email = models.EmailField(blank=True)
    topic = models.CharField(max_length=200, blank=True)
    metric = models.CharField(max_length=32, blank=True)
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=64, default="upswing")
    finding = models.ForeignKey(
        "performance.Finding",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coaching_sessions",
        help_text="the finding the session responds to, if any",
    )
    behaviours = models.JSONField(default=list, blank=True, help_text="behaviours worked on")
    follow_up_on = models.DateField(null=True, blank=True)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coaching_given",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    agent_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering = ["-coached_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "coached_at", "kind"], name="coaching_unique_session"
            )
        ]
        indexes = [models.Index(fields=["agent", "coached_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.agent.code} on {self.coached_at:%Y-%m-%d}"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def metric_label(self) -> str:
        """The metric's name as people read it ("" when the session names none)."""
        return CATALOG[self.metric].label if self.metric in CATALOG else self.metric


class ActionItem(models.Model):
    """Something agreed in a session, with an owner and a due date."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coaching_actions",
    )
    owner_email = models.EmailField(blank=True, help_text="the owner when they have no account")
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="coaching_action_has_description"
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def done(self) -> bool:
        return self.done_at is not None
