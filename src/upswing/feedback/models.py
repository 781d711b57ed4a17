"""360 feedback: cycles with nominated raters, the answers, and continuous notes.

Anonymous answers live in their own tables, which have no column that could point at the
person who wrote them: `AnonymousSheet` (cycle answers) and `AnonymousNote` (continuous notes)
carry a random id, the subject, the group and the words; no rater, no time stamp, no sequence.
Who has answered is kept apart in `Completion`, which in turn holds no link to any answer.
Each anonymous submission rewrites its subject's sheets in a fresh random order with fresh
random ids, so not even the storage order follows the order people answered in.

Self and manager answers (`AttributedSheet`) keep the rater: the manager group is
*confidential*, not anonymous, and every page says so.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from upswing.audit.concurrency import VersionedModel
from upswing.feedback.rules import GROUP_LABELS, RaterGroup

GROUP_CHOICES = [(g.value, GROUP_LABELS[g]) for g in RaterGroup]


class CycleState(models.TextChoices):
    NOMINATING = "nominating", "Nominating raters"
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed, results open"


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for the lead"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class NoteKind(models.TextChoices):
    PRAISE = "praise", "Praise"
    SUGGESTION = "suggestion", "Suggestion"


class QuestionTemplate(models.Model):
    """Questions as data: rating questions carry their scale, text questions none."""

    name = models.CharField(max_length=200, unique=True)
    questions = models.JSONField(help_text="see upswing.feedback.rules.parse_questions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Cycle(VersionedModel):
    name = models.CharField(max_length=200)
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(QuestionTemplate, on_delete=models.PROTECT, related_name="+")
    questions = models.JSONField(help_text="the template's questions when the cycle was made")
    state = models.CharField(
        max_length=16, choices=CycleState.choices, default=CycleState.NOMINATING
    )
    due_on = models.DateField()
    min_raters = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="raises the site's threshold for this cycle"
    )
    min_commenters = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-due_on", "-pk"]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    """One agent whose feedback the cycle gathers (an agent cycle has one, a team cycle many)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="subjects")
    agent = models.ForeignKey("org.Agent", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["agent__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "agent"], name="feedback_subject_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agent} in {self.cycle}"


class Nomination(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="nominations")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=16, choices=GROUP_CHOICES)
    status = models.CharField(
        max_length=12, choices=NominationStatus.choices, default=NominationStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "rater"], name="feedback_one_nomination")
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()} rater for {self.subject.agent.code}"


class Completion(models.Model):
    """That a rater has answered for a subject: no link to what they answered, only the day."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="completions")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    completed_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "rater"], name="feedback_one_completion")
        ]


class AttributedSheet(models.Model):
    """Self and manager answers: kept with the rater (self: attributed; manager: confidential)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="attributed")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=16, choices=GROUP_CHOICES)
    answers = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "rater"], name="feedback_one_sheet")
        ]


class AnonymousSheet(models.Model):
    """An anonymous rater's answers. Deliberately no rater, no date, no sequence number."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="anonymous")
    group = models.CharField(max_length=16, choices=GROUP_CHOICES)
    answers = models.JSONField()

    class Meta:
        ordering = ["id"]


class FeedbackNote(models.Model):
    """Continuous feedback with the giver's name, seen by the subject and their lead."""

    agent = models.ForeignKey("org.Agent", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=NoteKind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class AnonymousNote(models.Model):
    """Continuous feedback without a name: only the month it was given, released in batches."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agent = models.ForeignKey("org.Agent", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="the first day of the month it was given")
    kind = models.CharField(max_length=12, choices=NoteKind.choices)
    text = models.TextField()

    class Meta:
        ordering = ["id"]


class Reminder(models.Model):
    """One reminder to one rater (or the lead) per key: `upswing nudge` never repeats one."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=120, unique=True)
    subject_line = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
