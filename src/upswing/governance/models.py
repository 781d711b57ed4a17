"""The client's governance records: vendors, contracts and their versions with SLA schedule
lines, events the vendor flagged, excuses the client accepted, corrective action plans and
partnership reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from upswing.governance.rules import contracts as terms
from upswing.metrics import CATALOG

METRIC_CHOICES = [(m.code, m.label) for m in CATALOG.values()]
WINDOW_CHOICES = [(w.value, w.label) for w in terms.Window]
LEVEL_CHOICES = [(lv.value, lv.label) for lv in terms.ContractLevel]
_USER = settings.AUTH_USER_MODEL


class Vendor(models.Model):
    """A company that runs programs for a client (the BPO side of a contract)."""

    code = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """The client's contract for one program with the vendor that runs it.

    `service_line` groups comparable programs of one client (two vendors on the same work)."""

    program = models.OneToOneField(
        "org.Program", on_delete=models.CASCADE, related_name="governance_contract"
    )
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=200, blank=True)
    service_line = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program__name"]

    def __str__(self) -> str:
        return self.title or f"{self.program} with {self.vendor}"


class ContractVersion(models.Model):
    """One version of the terms, in force from `effective_from` until the next version."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=50)
    effective_from = models.DateField()
    corrective_after = models.PositiveSmallIntegerField(default=2)
    review_after = models.PositiveSmallIntegerField(default=3)
    rolling_months = models.PositiveSmallIntegerField(default=6)
    monthly_fee = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["contract", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "effective_from"], name="contractversion_unique_start"
            ),
            models.UniqueConstraint(fields=["contract", "version"], name="contractversion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} v{self.version} from {self.effective_from}"


class SlaLine(models.Model):
    """One line of a version's SLA schedule; a service credit when its fields are filled."""

    version = models.ForeignKey(ContractVersion, on_delete=models.CASCADE, related_name="lines")
    metric = models.CharField(max_length=32, choices=METRIC_CHOICES)
    floor = models.FloatField()
    target = models.FloatField(null=True, blank=True)
    window = models.CharField(max_length=8, choices=WINDOW_CHOICES, default="month")
    level = models.CharField(max_length=8, choices=LEVEL_CHOICES, default="program")
    source = models.CharField(max_length=200, blank=True, help_text='e.g. "Schedule 2 §4.2"')
    credit_percent_per_point = models.FloatField(null=True, blank=True)
    credit_points_per_step = models.FloatField(null=True, blank=True)
    credit_cap_percent = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["version", "metric", "window"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "metric", "window"], name="slaline_unique_metric_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.window} floor {self.floor}"


class EventNotice(models.Model):
    """The vendor told the client about a recorded context event (before it, or after)."""

    program = models.ForeignKey("org.Program", on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=100)
    flagged_at = models.DateTimeField()
    flagged_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "event_id"], name="eventnotice_unique")
        ]


class Excuse(models.Model):
    """The client's governance lead accepted an event as an excuse for breaches of `metric`
    (blank: every metric) in the windows the event overlaps."""

    program = models.ForeignKey("org.Program", on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=100)
    metric = models.CharField(max_length=32, blank=True, default="", choices=METRIC_CHOICES)
    note = models.TextField(blank=True)
    accepted_at = models.DateTimeField()
    accepted_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "event_id", "metric"], name="excuse_unique_event_metric"
            )
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} excuses {self.metric or 'every metric'}"


class CapStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CapOutcome(models.TextChoices):
    UNDECIDED = "", "Not decided"
    SUSTAINED = "sustained", "Recovered, sustained"
    NOT_SUSTAINED = "not_sustained", "Not recovered"


class CorrectiveActionPlan(models.Model):
    """The vendor's program-level plan after breaches exhausted the allowance: a root cause,
    at most three measurable goals, actions with owners and dates, checkpoints, an outcome."""

    program = models.ForeignKey(
        "org.Program", on_delete=models.CASCADE, related_name="corrective_plans"
    )
    status = models.CharField(max_length=8, choices=CapStatus.choices, default=CapStatus.OPEN)
    opened_on = models.DateField()
    due_on = models.DateField()
    trigger = models.TextField(help_text="the breaches that called for the plan")
    trigger_windows = models.JSONField(default=list)
    root_cause = models.TextField(blank=True)
    findings = models.JSONField(default=list, help_text="ids of the systemic findings cited")
    outcome = models.CharField(
        max_length=16, choices=CapOutcome.choices, blank=True, default=CapOutcome.UNDECIDED
    )
    outcome_note = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return f"corrective action plan for {self.program} from {self.opened_on}"


class CapGoal(models.Model):
    plan = models.ForeignKey(CorrectiveActionPlan, on_delete=models.CASCADE, related_name="goals")
    metric = models.CharField(max_length=32, choices=METRIC_CHOICES)
    baseline = models.FloatField(null=True, blank=True)
    target = models.FloatField()
    due_on = models.DateField()

    class Meta:
        ordering = ["due_on", "id"]


class CapAction(models.Model):
    plan = models.ForeignKey(CorrectiveActionPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.CharField(max_length=200, help_text="the vendor's role or person responsible")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class CapCheckpoint(models.Model):
    plan = models.ForeignKey(
        CorrectiveActionPlan, on_delete=models.CASCADE, related_name="checkpoints"
    )
    due_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]


class ReviewDecision(models.TextChoices):
    UNDECIDED = "", "Not decided"
    STAY = "stay", "Stay with the vendor"
    EXTEND = "extend", "Extend the corrective plan"
    EXIT = "exit", "Exit the contract"


class PartnershipReview(models.Model):
    """A review of the partnership once breaches reached the contract's review threshold."""

    program = models.ForeignKey(
        "org.Program", on_delete=models.CASCADE, related_name="partnership_reviews"
    )
    opened_on = models.DateField()
    trigger = models.TextField()
    decision = models.CharField(
        max_length=8, choices=ReviewDecision.choices, blank=True, default=""
    )
    rationale = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        _USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_on", "-id"]


class ReportDelivery(models.Model):
    """One monthly report e-mailed to one client user: never sent twice."""

    program = models.ForeignKey("org.Program", on_delete=models.CASCADE, related_name="+")
    month = models.CharField(max_length=7, help_text="YYYY-MM")
    recipient = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "month", "recipient"], name="reportdelivery_once"
            )
        ]
