"""A persona org where A1 (the agent persona) has a sustained QA gap with prior coaching."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from tests.factories import FIRST_WEEK, WEEKS, build_persona_org

from upswing.coaching.models import CoachingSession
from upswing.findings.rules import RULES_VERSION
from upswing.performance.models import Finding, ScorecardSnapshot, Target

AS_OF = dt.date(2026, 11, 15)  # Sunday, end of 2026-W46
QA = {  # agent -> (value before, value in the last four weeks)
    "A1": (92.0, 70.0),
    "A2": (91.0, 90.0),
    "A5": (89.0, 88.0),
    "A3": (90.0, 91.0),
    "A4": (93.0, 93.0),
}


def qa_rows(org, agent: str, values: list[float]) -> list[ScorecardSnapshot]:
    from tests.factories import team_of

    rows = []
    for i, value in enumerate(values):
        start = FIRST_WEEK + dt.timedelta(weeks=i)
        team = team_of(org, agent, start)
        rows.append(
            ScorecardSnapshot(
                level="agent",
                entity_code=agent,
                team_code=team.code,
                program_code=team.program.code,
                period_kind="week",
                period_start=start,
                metric="qa",
                value=value,
                numerator=value * 100,
                n=100,
                baseline=90.0,
                sla_floor=85.0,
                kpi_target=90.0,
                status="on_target",
                refreshed_at=timezone.now(),
            )
        )
    return rows


def build_world():
    org = build_persona_org(snapshots=False)
    rows = []
    for agent, (before, after) in QA.items():
        rows += qa_rows(org, agent, [before] * (WEEKS - 4) + [after] * 4)
    ScorecardSnapshot.objects.bulk_create(rows)
    Target.objects.create(
        program=org.programs["P1"],
        metric="qa",
        sla_floor=85.0,
        kpi_target=90.0,
        source="QA criteria v3",
        effective_from=dt.date(2026, 1, 1),
    )
    for day in (dt.date(2026, 10, 6), dt.date(2026, 11, 2)):
        CoachingSession.objects.create(
            agent=org.agents["A1"],
            kind="one_to_one",
            topic="empathy",
            metric="qa",
            coached_at=dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC),
        )
    Finding.objects.create(
        as_of=AS_OF,
        rules_version=RULES_VERSION,
        program_code="P1",
        team_code="T1",
        agent_code="A1",
        metric="qa",
        kind="sustained_gap",
        cause="individual",
        recommendation="pip",
        periods=["2026-W44", "2026-W45", "2026-W46"],
        reasons=["QA was below the SLA floor of 85.0% in 3 of the last 4 weeks."],
        evidence={"snapshots": ["1"], "coaching_sessions": []},
        created_at=timezone.now(),
    )
    return org


@pytest.fixture
def world(db, warehouse_url):
    return build_world()


@pytest.fixture
def at():
    """Travel to a local noon on a day: `with at(day): ...`."""

    def travel(day: dt.date):
        return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC), tick=False)

    return travel
