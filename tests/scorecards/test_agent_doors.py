"""An agent's rows read through `agent_snapshots` (the doors resolved to that agent's own teams
and programs first) are exactly those `visible_snapshots` lets through, for every persona and
every kind of agent row: a whole period, a transfer's team parts and whole, a blended agent's
program parts, another program's rows."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.factories import FIRST_WEEK, PERSONAS, build_persona_org, snapshot_rows

from upswing.performance.models import Part, ScorecardSnapshot
from upswing.scorecards.access import agent_snapshots, visible_snapshots
from upswing.scorecards.models import Level

pytestmark = pytest.mark.django_db

EXTRA_WEEK = FIRST_WEEK - dt.timedelta(weeks=1)


def _part_rows(agent: str, team: str, program: str, part: str) -> list[ScorecardSnapshot]:
    rows = snapshot_rows(Level.AGENT, agent, team, program, EXTRA_WEEK)
    for row in rows:
        row.part = part
    return rows


def test_an_agents_rows_are_exactly_the_visible_ones_for_every_persona():
    org = build_persona_org()
    extra = (
        # A5's transfer week: the whole over teams, and each team's days
        _part_rows("A5", "", "P1", Part.TEAMS.value)
        + _part_rows("A5", "T1", "P1", Part.TEAM.value)
        + _part_rows("A5", "T2", "P1", Part.TEAM.value)
        # A1 blended: work for the other client's program, and the whole under P1
        + _part_rows("A1", "T1", "P1", Part.WHOLE.value)
        + _part_rows("A1", "", "P2", Part.PROGRAM.value)
        + _part_rows("A1", "", "P1", Part.PROGRAM.value)
        # A4 (P2) once recorded on a P1 team
        + _part_rows("A4", "T2", "P1", Part.WHOLE.value)
    )
    ScorecardSnapshot.objects.bulk_create(extra)
    checked = 0
    for persona in PERSONAS:
        user = org.user(persona)
        if user is None:
            continue
        for code in [*org.agents, "nobody"]:
            expected = set(
                visible_snapshots(user)
                .filter(level=Level.AGENT, entity_code=code)
                .values_list("id", flat=True)
            )
            got = set(agent_snapshots(user, code).values_list("id", flat=True))
            assert got == expected, f"{persona} reading {code}"
            checked += len(expected)
    assert checked > 0
