"""The teams under a program and the agents under a team: each child's counts of metrics below
the SLA floor and the target, counted by the database as the rules judge them, and only the
rows the user may read."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from factories import ProgramFactory, RoleGrantFactory, TeamFactory, UserFactory
from upswing.metrics import CATALOG, min_sample
from upswing.org.models import Role
from upswing.performance.models import Level, ScorecardSnapshot
from upswing.periods import Period, PeriodKind
from upswing.scorecards.access import team_snapshots
from upswing.scorecards.children import _JUDGED, program_teams
from upswing.scorecards.rules import judged_status

pytestmark = pytest.mark.django_db

WEEK = dt.date(2026, 11, 9)
STATUSES = ("below_sla", "below_target", "on_target", "no_target")


def row(entity: str, metric: str, status: str, n: int, *, program="P1", start=WEEK, value=1.0):
    return ScorecardSnapshot(
        level=Level.TEAM, entity_code=entity, team_code=entity, program_code=program,
        period_kind="week", period_start=start, metric=metric, value=value, numerator=value,
        n=n, status=status, refreshed_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
    )  # fmt: skip


def test_the_database_judges_each_status_as_the_rules_do():
    cases = []
    for metric in CATALOG:
        least = min_sample(metric)
        for status, n in itertools.product(STATUSES, sorted({0, 1, least - 1, least, least + 1})):
            cases.append((metric, status, max(n, 0)))
    ScorecardSnapshot.objects.bulk_create(
        row(f"E{i}", metric, status, n) for i, (metric, status, n) in enumerate(cases)
    )
    judged = dict(ScorecardSnapshot.objects.values_list("entity_code", _JUDGED))
    expected = {
        f"E{i}": judged_status(status, metric, n) for i, (metric, status, n) in enumerate(cases)
    }
    assert judged == expected
    assert "too_few" in judged.values()  # the cases reach below the minimum samples


def test_a_teams_counts_and_overall_status_come_from_its_judged_metrics():
    program = ProgramFactory(code="P1")
    TeamFactory(code="T1", name="North", program=program)
    too_few = min_sample("csat") - 1
    assert too_few > 0
    ScorecardSnapshot.objects.bulk_create(
        [
            row("T1", "fcr", "below_sla", 500, value=60.0),
            row("T1", "aht", "below_target", 500),
            row("T1", "csat", "below_target", too_few),  # a miss on too few values: not counted
            row("T1", "wait", "on_target", 500),
            row("T1", "fcr", "on_target", 500, start=WEEK - dt.timedelta(7), value=75.0),
        ]
    )
    manager = UserFactory(username="manager")
    RoleGrantFactory(user=manager, role=Role.OPERATIONS_MANAGER, program=program)

    (team,) = program_teams(manager, program, Period(PeriodKind.WEEK, WEEK), "fcr")

    assert (team.below_sla, team.below_target) == (1, 1)
    assert team.overall.code == "below_sla"
    assert team.raw_value == 60.0
    assert team.delta.previous_text  # the week before, read for the chosen metric


def test_a_lead_reads_the_rows_of_their_own_team_only():
    program = ProgramFactory(code="P1")
    north = TeamFactory(code="T1", name="North", program=program)
    TeamFactory(code="T2", name="South", program=program)
    ScorecardSnapshot.objects.bulk_create(
        [row("T1", "fcr", "on_target", 500), row("T2", "fcr", "below_sla", 500)]
    )
    lead = UserFactory(username="lead")
    RoleGrantFactory(user=lead, role=Role.TEAM_LEAD, team=north)
    manager = UserFactory(username="manager")
    RoleGrantFactory(user=manager, role=Role.OPERATIONS_MANAGER, program=program)

    def read(user):
        return set(
            team_snapshots(user, program, ["T1", "T2"]).values_list("entity_code", flat=True)
        )

    assert read(lead) == {"T1"}
    assert read(manager) == {"T1", "T2"}
    assert [t.code for t in program_teams(lead, program, Period(PeriodKind.WEEK, WEEK), "fcr")] == [
        "T1"
    ]
