"""Targets (SLA floors and KPI goals, versioned) and scorecard snapshots written by refresh."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from upswing.metrics import CATALOG, Level
from upswing.performance.choices import Cause, FindingKind, Recommendation
from upswing.status import Status

METRIC_CHOICES = [(m.code, m.label) for m in CATALOG.values()]


class Target(models.Model):
    """One version of a metric's SLA floor and KPI target for a program (or one team in it).

    A change is a new row with a later `effective_from`; history is never edited away.
    """

    program = models.ForeignKey("org.Program", on_delete=models.CASCADE, related_name="targets")
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    metric = models.CharField(max_length=32, choices=METRIC_CHOICES)
    sla_floor = models.FloatField(null=True, blank=True, help_text="contractual minimum")
    kpi_target = models.FloatField(null=True, blank=True, help_text="the goal")
    source = models.CharField(max_length=200, blank=True, help_text='e.g. "MSA §4.2"')
    effective_from = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["program", "metric", "team", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "metric", "effective_from"],
                condition=Q(team__isnull=True),
                name="target_unique_program_version",
            ),
            models.UniqueConstraint(
                fields=["program", "team", "metric", "effective_from"],
                condition=Q(team__isnull=False),
                name="target_unique_team_version",
            ),
            models.CheckConstraint(
                condition=Q(sla_floor__isnull=False) | Q(kpi_target__isnull=False),
                name="target_has_a_bound",
            ),
        ]

    def __str__(self) -> str:
        scope = self.team.code if self.team_id else self.program.code
        return f"{self.metric} on {scope} from {self.effective_from}"


class PeriodKindChoice(models.TextChoices):
    WEEK = "week", "ISO week"
    MONTH = "month", "Calendar month"


class Part(models.TextChoices):
    """What share of an entity's period a snapshot covers.

    Program and team rows are always whole. An agent's period has one whole row; when the
    agent was on more than one team in it (a transfer) the whole row is `teams` and each
    team's days get a `team` row; when the agent worked for more than one program (a
    blended agent) each program's work gets a `program` row (no team)."""

    WHOLE = "", "whole period"
    TEAMS = "teams", "whole period, over several teams"
    TEAM = "team", "days on one team"
    PROGRAM = "program", "work for one program"


WHOLE_PARTS = (Part.WHOLE.value, Part.TEAMS.value)


class ScorecardSnapshot(models.Model):
    """One metric for one agent/team/program in one period (or one part of an agent's period,
    see `Part`), as of the last refresh."""

    level = models.CharField(max_length=8, choices=[(lv.value, lv.label) for lv in Level])
    entity_code = models.CharField(max_length=100)
    team_code = models.CharField(max_length=100, blank=True, default="")
    program_code = models.CharField(max_length=100)
    period_kind = models.CharField(max_length=8, choices=PeriodKindChoice.choices)
    period_start = models.DateField()
    metric = models.CharField(max_length=32, choices=METRIC_CHOICES)
    value = models.FloatField()
    numerator = models.FloatField()
    n = models.IntegerField(help_text="sample size")
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    baseline = models.FloatField(null=True, help_text="team value (agent rows), program (teams)")
    sla_floor = models.FloatField(null=True)
    kpi_target = models.FloatField(null=True)
    status = models.CharField(max_length=16, choices=[(s.value, s.value) for s in Status])
    refreshed_at = models.DateTimeField()
    part = models.CharField(max_length=8, choices=Part.choices, default="", blank=True)
    partial = models.BooleanField(
        default=False, help_text="the period runs past the last day of its program's data"
    )

    class Meta:
        constraints = [
            # Period first: a night rewrites one week and one month, so its inserts (a new
            # week's or month's rows) land together in this index, not on every leaf of it.
            # One entity's rows are read through `snapshot_entity`.
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "level", "entity_code", "metric"],
                condition=Q(part__in=WHOLE_PARTS),
                name="snapshot_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["program_code", "period_kind", "period_start", "level"]),
            models.Index(fields=["team_code", "period_kind", "period_start", "level"]),
            # One entity's rows of every part (an agent page reads its whole periods, the parts
            # on one team and the work for one program together): the unique constraint's
            # index holds whole periods only, and without this PostgreSQL reads every row of
            # the level (seconds at 2,000 agents). The entity first, not the level: every
            # query names a level, and SQLite (without statistics) read a team's page through
            # a leading `level` as if it were selective, every agent row of the table.
            models.Index(
                fields=["entity_code", "period_kind", "period_start"],
                name="snapshot_entity",
            ),
            # The few rows of periods still filling up, found without reading the others.
            models.Index(
                fields=["program_code", "period_kind", "period_start"],
                condition=Q(partial=True),
                name="snapshot_partial",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.entity_code} {self.metric} {self.period_start}"


class DiagnosisPolicy(models.Model):
    """A program's own diagnosis settings; an empty field keeps the rules' default."""

    program = models.OneToOneField(
        "org.Program", on_delete=models.CASCADE, related_name="diagnosis_policy"
    )
    periods_below = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="k: weeks below the standard out of the window (3)"
    )
    window = models.PositiveSmallIntegerField(null=True, blank=True, help_text="m: weeks read (4)")
    min_n = models.PositiveIntegerField(
        null=True, blank=True, help_text="observations a judged week needs after pooling (10)"
    )
    min_n_qa = models.PositiveIntegerField(
        null=True, blank=True, help_text="QA evaluations a judged week needs after pooling (6)"
    )
    pool_periods = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="weeks a small week may be pooled over (3)"
    )
    systemic_share = models.FloatField(
        null=True, blank=True, help_text="share of a team with the same gap that is systemic (0.5)"
    )
    pip_min_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    pip_min_span_days = models.PositiveSmallIntegerField(null=True, blank=True)

    OVERRIDES = (
        "periods_below",
        "window",
        "min_n",
        "min_n_qa",
        "pool_periods",
        "systemic_share",
        "pip_min_sessions",
        "pip_min_span_days",
    )

    class Meta:
        verbose_name_plural = "diagnosis policies"

    def __str__(self) -> str:
        return f"diagnosis policy of {self.program}"

    def overrides(self) -> dict[str, float | int]:
        return {f: getattr(self, f) for f in self.OVERRIDES if getattr(self, f) is not None}


def _choices(enum_type) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("_", " ")) for member in enum_type]


class Finding(models.Model):
    """One diagnosis finding for one agent and metric, as of a day, by one version of the rules.

    Re-running `upswing diagnose` for the same day replaces that day's findings in its scope;
    earlier days are kept, so a finding's history stays readable.
    """

    as_of = models.DateField()
    rules_version = models.CharField(max_length=32)
    program_code = models.CharField(max_length=100)
    team_code = models.CharField(max_length=100, blank=True, default="")
    agent_code = models.CharField(max_length=100)
    metric = models.CharField(max_length=32, choices=METRIC_CHOICES)
    kind = models.CharField(max_length=16, choices=_choices(FindingKind))
    cause = models.CharField(max_length=20, choices=_choices(Cause))
    recommendation = models.CharField(max_length=16, choices=_choices(Recommendation))
    period_kind = models.CharField(
        max_length=8, choices=PeriodKindChoice.choices, default=PeriodKindChoice.WEEK
    )
    periods = models.JSONField(default=list, help_text="period labels the finding rests on")
    reasons = models.JSONField(default=list, help_text="complete sentences, shown as they are")
    behaviours = models.JSONField(default=list)
    evidence = models.JSONField(
        default=dict,
        help_text="ids: periods, snapshots, interactions, evaluations, events, coaching_sessions",
    )
    facts = models.JSONField(
        default=dict,
        help_text="what the cause rests on, as data: basis, group, shares, events, pooled n",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-as_of", "program_code", "team_code", "agent_code", "metric", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "agent_code", "metric", "kind", "rules_version"],
                name="finding_unique_per_day",
            )
        ]
        indexes = [
            models.Index(fields=["program_code", "as_of"]),
            models.Index(fields=["team_code", "as_of"]),
            models.Index(fields=["agent_code", "as_of"]),
            models.Index(fields=["cause", "as_of"]),
        ]

    def __str__(self) -> str:
        return f"{self.agent_code} {self.metric} {self.kind} as of {self.as_of}"


class ContextEvent(models.Model):
    """An operational copy of a recorded event (outage, understaffing, tool change…) from the
    warehouse's `context_events`, replaced on every refresh so pages never read the warehouse.

    `team_code` is blank for an event that concerns the whole program.
    """

    event_id = models.CharField(max_length=100, unique=True)
    program_code = models.CharField(max_length=100)
    team_code = models.CharField(max_length=100, blank=True, default="")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    starts_on = models.DateField(help_text="first local day, in the program's time zone")
    ends_on = models.DateField(help_text="last local day (inclusive)")
    kind = models.CharField(max_length=32)
    description = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["starts_at", "event_id"]
        indexes = [models.Index(fields=["program_code", "starts_on"])]

    def __str__(self) -> str:
        scope = self.team_code or self.program_code
        return f"{self.kind} on {scope} from {self.starts_at:%Y-%m-%d}"
