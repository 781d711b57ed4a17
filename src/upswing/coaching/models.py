"""Coaching sessions: the record that a gap was worked on before any plan is considered."""

from __future__ import annotations

from django.db import models

from upswing.ingest.kinds import COACHING_KINDS


class CoachingKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    SIDE_BY_SIDE = "side_by_side", "Side-by-side"
    TRAINING = "training", "Refresher training"
    WORKSHOP = "workshop", "Group workshop"


assert {c.value for c in CoachingKind} == set(COACHING_KINDS)


class CoachingSession(models.Model):
    agent = models.ForeignKey("org.Agent", on_delete=models.CASCADE, related_name="coaching")
    coached_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=CoachingKind.choices)
    coach_email = models.EmailField(blank=True)
    topic = models.CharField(max_length=200, blank=True)
    metric = models.CharField(max_length=32, blank=True)
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=64, default="upswing")

    class Meta:
        ordering = ["-coached_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "coached_at", "kind"], name="coaching_unique_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.agent.code} on {self.coached_at:%Y-%m-%d}"
