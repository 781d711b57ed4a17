"""Clients, programs, teams, agents, dated team memberships, and scoped role grants."""

from __future__ import annotations

import datetime as dt
import enum

from django.conf import settings
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    TEAM_LEAD = "team_lead", "Team lead"
    QA_ANALYST = "qa_analyst", "QA analyst"
    OPERATIONS_MANAGER = "operations_manager", "Operations manager"
    HR = "hr", "HR partner"
    CLIENT_VIEWER = "client_viewer", "Client viewer"
    CLIENT_GOVERNANCE_LEAD = "client_governance_lead", "Client governance lead"
    VENDOR_ACCOUNT_MANAGER = "vendor_account_manager", "Vendor account manager"
    ADMIN = "admin", "Administrator"


class Scope(enum.StrEnum):
    CLIENT = "client"
    PROGRAM = "program"
    TEAM = "team"
    GLOBAL = "global"


class Client(models.Model):
    code = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    code = models.CharField(max_length=100, unique=True, help_text="program_id in imports")
    name = models.CharField(max_length=200)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="programs")
    time_zone = models.CharField(max_length=64, default="UTC")
    service_level_seconds = models.PositiveIntegerField(
        default=20, help_text="an interaction answered within this many seconds meets service level"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    code = models.CharField(max_length=100, unique=True, help_text="team_id in imports")
    name = models.CharField(max_length=200)
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="teams")
    lead_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    code = models.CharField(max_length=100, unique=True, help_text="agent_id in imports")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agent",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class MembershipQuerySet(models.QuerySet):
    def on(self, day: dt.date) -> MembershipQuerySet:
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class Membership(models.Model):
    """An agent on a team from start_date to end_date (inclusive; open when end_date is null).

    A transfer closes one membership and opens another, so history stays with the old team.
    """

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["agent", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "team", "start_date"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["team", "start_date"])]

    def __str__(self) -> str:
        return f"{self.agent.code} on {self.team.code} from {self.start_date}"


class RoleGrant(models.Model):
    """A role held by a user on one client, program or team (admin: no scope needed)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.CASCADE)
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="rolegrant_at_most_one_scope",
                condition=(
                    Q(client__isnull=True, program__isnull=True, team__isnull=True)
                    | Q(client__isnull=False, program__isnull=True, team__isnull=True)
                    | Q(client__isnull=True, program__isnull=False, team__isnull=True)
                    | Q(client__isnull=True, program__isnull=True, team__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="rolegrant_scoped_unless_admin",
                condition=Q(role="admin")
                | Q(client__isnull=False)
                | Q(program__isnull=False)
                | Q(team__isnull=False),
            ),
        ]

    @property
    def scope(self) -> Scope:
        if self.team_id:
            return Scope.TEAM
        if self.program_id:
            return Scope.PROGRAM
        if self.client_id:
            return Scope.CLIENT
        return Scope.GLOBAL

    def __str__(self) -> str:
        target = self.team or self.program or self.client or "everything"
        return f"{self.user} — {self.get_role_display()} on {target}"
