"""QA scorecard templates and their versions, sampled interactions, evaluations, disputes,
blind calibration sessions and SOP-review signals.

A template's criteria live in versions (`TemplateVersion.definition`, the JSON shape of
`rules.scorecard.parse_template`). A version that scored anything is never edited: an edit
makes the next version, and each evaluation keeps the version it was scored on. A score is
written only by `actions` (scoring, or an arbitrator's decision on a dispute), computed by
the rules; `Evaluation.version` guards every change against a stale read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from upswing.audit.concurrency import VersionedModel
from upswing.quality.rules.sampling import REASON_LABELS, SampleReason


class Channel(models.TextChoices):
    ANY = "", "Any channel"
    VOICE = "voice", "Voice"
    CHAT = "chat", "Chat"
    EMAIL = "email", "Email"
    SOCIAL = "social", "Social"
    OTHER = "other", "Other"


class ScorecardTemplate(models.Model):
    program = models.ForeignKey("org.Program", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    name = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "name"]

    def __str__(self) -> str:
        return self.name

    def current(self) -> TemplateVersion | None:
        return self.versions.order_by("-number").first()


class TemplateVersion(models.Model):
    template = models.ForeignKey(
        ScorecardTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    definition = models.JSONField(help_text="sections, criteria, categories (rules.scorecard)")
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="quality_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    def parsed(self):
        from upswing.quality.rules.scorecard import parse_template

        return parse_template(self.definition)


class SampleStatus(models.TextChoices):
    OPEN = "open", "To evaluate"
    SCORED = "scored", "Scored"
    SKIPPED = "skipped", "Skipped"


class SampleItem(models.Model):
    """One interaction in a QA analyst's queue, drawn by the sampling rules."""

    program = models.ForeignKey("org.Program", on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey("org.Agent", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("org.Team", null=True, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=100)
    interaction_id = models.CharField(max_length=200)
    channel = models.CharField(max_length=16, blank=True)
    interaction_day = models.DateField()
    week_start = models.DateField()
    reason = models.CharField(
        max_length=16, choices=[(r.value, REASON_LABELS[r]) for r in SampleReason]
    )
    status = models.CharField(max_length=8, choices=SampleStatus.choices, default=SampleStatus.OPEN)
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "week_start", "agent"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "source", "interaction_id"], name="quality_sample_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.interaction_id} ({self.get_reason_display()})"


class EvaluationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for the agent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DISPUTED = "disputed", "Disputed"
    RESOLVED = "resolved", "Dispute decided"


class Evaluation(VersionedModel):
    template_version = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, related_name="+"
    )
    program = models.ForeignKey("org.Program", on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey("org.Agent", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("org.Team", null=True, on_delete=models.PROTECT, related_name="+")
    sample = models.OneToOneField(
        SampleItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="evaluation"
    )
    source = models.CharField(max_length=100, default="upswing")
    interaction_id = models.CharField(max_length=200)
    interaction_day = models.DateField()
    recording_url = models.URLField(blank=True, max_length=500)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.FloatField(null=True, help_text="percent, by the template's rules")
    first_score = models.FloatField(null=True, help_text="as scored, before any dispute")
    before_critical = models.FloatField(null=True)
    failed_critical = models.JSONField(default=list)
    summary = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=EvaluationStatus.choices, default=EvaluationStatus.SUBMITTED
    )
    evaluated_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-evaluated_at"]
        indexes = [
            models.Index(fields=["program", "evaluated_at"]),
            models.Index(fields=["agent", "evaluated_at"]),
        ]

    def __str__(self) -> str:
        return f"Evaluation {self.pk} of {self.agent.code}"


class CriterionScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="marks")
    criterion = models.CharField(max_length=100)
    points = models.FloatField(null=True, help_text="null: N/A")
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["evaluation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="quality_mark_unique")
        ]


class DisputeOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
    REJECTED = "rejected", "Rejected"


class Dispute(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="disputes")
    criterion = models.CharField(max_length=100)
    reason = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=16, choices=DisputeOutcome.choices, blank=True)
    decision_note = models.TextField(blank=True)
    points_before = models.FloatField(null=True)
    points_after = models.FloatField(null=True)
    score_before = models.FloatField(null=True)
    score_after = models.FloatField(null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="quality_one_dispute_per_criterion"
            )
        ]

    @property
    def is_open(self) -> bool:
        return not self.outcome

    @property
    def criterion_label(self) -> str:
        try:
            return self.evaluation.template_version.parsed().criterion(self.criterion).label
        except KeyError:
            return self.criterion


class CalibrationStatus(models.TextChoices):
    SCORING = "scoring", "Scoring (blind)"
    REVEALED = "revealed", "Scores revealed"
    CLOSED = "closed", "Reference recorded"


class CalibrationSession(models.Model):
    program = models.ForeignKey("org.Program", on_delete=models.PROTECT, related_name="+")
    template_version = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=CalibrationStatus.choices, default=CalibrationStatus.SCORING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class CalibrationParticipant(models.Model):
    session = models.ForeignKey(
        CalibrationSession, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="quality_participant_unique")
        ]


class CalibrationItem(models.Model):
    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="items")
    source = models.CharField(max_length=100, default="upswing")
    interaction_id = models.CharField(max_length=200)
    agent = models.ForeignKey("org.Agent", null=True, on_delete=models.PROTECT, related_name="+")
    recording_url = models.URLField(blank=True, max_length=500)

    class Meta:
        ordering = ["session", "id"]


class CalibrationMark(models.Model):
    """One evaluator's points on one criterion of one item (item=None, criterion="" never)."""

    item = models.ForeignKey(CalibrationItem, on_delete=models.CASCADE, related_name="marks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_reference = models.BooleanField(default=False)
    criterion = models.CharField(max_length=100)
    points = models.FloatField(null=True, help_text="null: N/A")

    class Meta:
        ordering = ["item", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "user", "criterion"],
                condition=models.Q(is_reference=False),
                name="quality_calibration_mark_unique",
            ),
            models.UniqueConstraint(
                fields=["item", "criterion"],
                condition=models.Q(is_reference=True),
                name="quality_reference_mark_unique",
            ),
        ]


class SignalStatus(models.TextChoices):
    OPEN = "open", "SOP review open"
    DONE = "done", "Done: the SOP changed"


class SopSignal(models.Model):
    program = models.ForeignKey("org.Program", on_delete=models.PROTECT, related_name="+")
    template_version = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.CharField(max_length=100)
    criterion_label = models.CharField(max_length=200)
    sop_reference = models.CharField(max_length=100, blank=True)
    sop_version = models.CharField(max_length=50, blank=True)
    window_first = models.DateField()
    window_last = models.DateField()
    evidence = models.JSONField(help_text="the rule's numbers and the evaluations behind them")
    summary = models.TextField()
    status = models.CharField(max_length=8, choices=SignalStatus.choices, default=SignalStatus.OPEN)
    raised_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "SOP signal"
        ordering = ["status", "-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "criterion", "window_first"], name="quality_signal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"SOP review: {self.criterion_label}"
