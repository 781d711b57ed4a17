"""Performance improvement plans: the case, its versions of terms, checkpoints and the inbox.

A plan's terms live in versions. A version is edited in place only while it is a draft; once
the plan is active, any change is a new version that HR approves and the agent acknowledges.
Every editable row carries `version`, bumped by each save through `plans.actions`, so that a
save based on a stale read is refused (`StaleEdit`) instead of overwriting someone's change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from upswing.audit.concurrency import VersionedModel


class PlanState(models.TextChoices):
    DRAFT = "draft", "Draft"
    HR_REVIEW = "hr_review", "HR review"
    SHARED = "shared", "Shared with the agent"
    ACTIVE = "active", "Active"
    FINAL_REVIEW = "final_review", "Final review"
    CLOSED = "closed", "Closed"


class PlanOutcome(models.TextChoices):
    SUCCESS = "success", "Successful"
    ROLE_CHANGE = "role_change", "Role change"
    EXIT = "exit", "Exit"
    WITHDRAWN = "withdrawn", "Withdrawn"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In HR review"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved, awaiting acknowledgement"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    SUPERSEDED = "superseded", "Superseded"


class VersionReason(models.TextChoices):
    DRAFTED = "drafted", "Drafted"
    REVISION = "revision", "Revision"
    EXTENSION = "extension", "Extension"


class Plan(VersionedModel):
    agent = models.ForeignKey("org.Agent", on_delete=models.PROTECT, related_name="plans")
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="plans")
    program = models.ForeignKey("org.Program", on_delete=models.PROTECT, related_name="plans")
    finding = models.ForeignKey(
        "performance.Finding", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    metric = models.CharField(max_length=32)
    state = models.CharField(max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    outcome = models.CharField(max_length=16, choices=PlanOutcome.choices, blank=True)
    outcome_reason = models.TextField(blank=True)
    review = models.JSONField(null=True, blank=True, help_text="the outcome rules' verdict")
    start_date = models.DateField(null=True, blank=True, help_text="of the terms in force")
    end_date = models.DateField(null=True, blank=True)
    shared_at = models.DateTimeField(
        null=True, blank=True, help_text="first HR approval: the agent sees the plan from here"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "program"]),
            models.Index(fields=["team", "state"]),
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk} for {self.agent.code} ({self.state})"


class PlanVersion(VersionedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    reason = models.CharField(max_length=16, choices=VersionReason.choices)
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    terms = models.JSONField(help_text="the plan JSON (upswing plan lint reads the same shape)")
    problems = models.JSONField(default=list, help_text="lint problems when last saved")
    note = models.TextField(blank=True, help_text="why this version (revision, extension)")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} v{self.number} ({self.status})"


class BlockerKind(models.TextChoices):
    WORKLOAD_SPIKE = "workload_spike", "Workload spike"
    SYSTEM_ISSUE = "system_issue", "System issue"
    ABSENCE = "absence", "Absence"
    OTHER = "other", "Other"


class Checkpoint(VersionedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="checkpoints")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    due_on = models.DateField()
    is_final = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_time = models.BooleanField(null=True, help_text="completed on or before the due day")
    metrics = models.JSONField(default=list, help_text="goal metrics pulled at completion")
    coaching_notes = models.TextField(blank=True)
    agent_reflection = models.TextField(blank=True)
    reflected_at = models.DateTimeField(null=True, blank=True)
    blockers = models.JSONField(default=list, help_text="[{kind, description}] to weigh")
    adjustments = models.TextField(blank=True)
    cancelled = models.BooleanField(default=False, help_text="replaced by a newer version's")

    class Meta:
        ordering = ["plan", "due_on", "number"]
        indexes = [models.Index(fields=["due_on", "completed_at"])]

    def __str__(self) -> str:
        return f"Checkpoint {self.number} of plan {self.plan_id} on {self.due_on}"


class NotificationKind(models.TextChoices):
    CHECKPOINT_DUE = "checkpoint_due", "Checkpoint coming up"
    CHECKPOINT_OVERDUE = "checkpoint_overdue", "Checkpoint overdue"
    PLAN_TO_REVIEW = "plan_to_review", "Plan to review"
    PLAN_RETURNED = "plan_returned", "Plan returned"
    PLAN_SHARED = "plan_shared", "Plan to acknowledge"
    PLAN_ACTIVE = "plan_active", "Plan active"
    PLAN_CLOSED = "plan_closed", "Plan closed"


class Notification(models.Model):
    """One message to one person: the in-app inbox, and the email it may have sent.

    `key` makes a nudge idempotent: the same nudge for the same checkpoint and person is
    created once, so `upswing nudge` never sends it twice however often cron runs it.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notifications")
    checkpoint = models.ForeignKey(
        Checkpoint, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=120, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}: {self.subject}"
