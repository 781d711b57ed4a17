"""Targets and findings added to the persona org for the API tests, and who may see which."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from upswing.performance.models import Finding, Target

ALL = {"P1", "P2", "T1", "T2", "T3", "A1", "A2", "A3", "A4", "A5"}
P1_PEOPLE = {"P1", "T1", "T2", "A1", "A2", "A3", "A5"}

# Programs, teams and agents each persona may open (same as tests/site/test_site_permissions).
VISIBLE: dict[str, set[str]] = {
    "anonymous": set(),
    "agent": {"A1"},
    "peer": {"A2"},
    "lead": {"P1", "T1", "A1", "A2", "A5"},
    "other_lead": {"P1", "T2", "A3", "A5"},
    "qa": P1_PEOPLE,
    "manager": P1_PEOPLE,
    "hr": P1_PEOPLE,
    "client_viewer": {"P1"},
    "other_client_viewer": {"P2"},
    "admin": ALL,
    "outsider": set(),
}

# Target versions by label: (program, team, metric, floor, target).
TARGETS = {
    "P1-aht": ("P1", None, "aht", 600.0, 420.0),
    "P2-aht": ("P2", None, "aht", 500.0, 400.0),
    "T1-fcr": ("P1", "T1", "fcr", 70.0, 80.0),
    "T2-fcr": ("P1", "T2", "fcr", 65.0, 75.0),
}
TARGETS_VISIBLE: dict[str, set[str]] = {
    "agent": set(),
    "peer": set(),
    "lead": {"P1-aht", "T1-fcr"},
    "other_lead": {"P1-aht", "T2-fcr"},
    "qa": {"P1-aht", "T1-fcr", "T2-fcr"},
    "manager": {"P1-aht", "T1-fcr", "T2-fcr"},
    "hr": {"P1-aht", "T1-fcr", "T2-fcr"},
    "client_viewer": {"P1-aht"},
    "other_client_viewer": {"P2-aht"},
    "admin": set(TARGETS),
    "outsider": set(),
}

# Findings by label: (agent, team the agent was on, program).
FINDINGS = {
    "A1@T1": ("A1", "T1", "P1"),
    "A3@T2": ("A3", "T2", "P1"),
    "A4@T3": ("A4", "T3", "P2"),
    "A5@T1": ("A5", "T1", "P1"),
    "A5@T2": ("A5", "T2", "P1"),
}
P1_FINDINGS = {"A1@T1", "A3@T2", "A5@T1", "A5@T2"}
FINDINGS_VISIBLE: dict[str, set[str]] = {
    "agent": set(),
    "peer": set(),
    "lead": {"A1@T1", "A5@T1"},
    "other_lead": {"A3@T2", "A5@T2"},
    "qa": P1_FINDINGS,
    "manager": P1_FINDINGS,
    "hr": P1_FINDINGS,
    "client_viewer": set(),
    "other_client_viewer": set(),
    "admin": set(FINDINGS),
    "outsider": set(),
}


def add_targets(org) -> dict[str, Target]:
    out = {}
    for label, (program, team, metric, floor, goal) in TARGETS.items():
        out[label] = Target.objects.create(
            program=org.programs[program],
            team=org.teams[team] if team else None,
            metric=metric,
            sla_floor=floor,
            kpi_target=goal,
            source="MSA §4.2",
            effective_from=dt.date(2026, 1, 1),
        )
    return out


def add_findings() -> dict[str, Finding]:
    out = {}
    for i, (label, (agent, team, program)) in enumerate(FINDINGS.items()):
        out[label] = Finding.objects.create(
            as_of=dt.date(2026, 11, 1) - dt.timedelta(days=i),
            rules_version="test",
            program_code=program,
            team_code=team,
            agent_code=agent,
            metric="qa",
            kind="sustained_gap",
            cause="individual",
            recommendation="coach",
            periods=["2026-W40", "2026-W41"],
            reasons=[f"{label}: QA below the floor in 2 of the last 2 weeks."],
            created_at=timezone.now(),
        )
    return out
