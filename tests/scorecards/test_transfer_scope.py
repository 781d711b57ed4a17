"""Transfers split by date: in a week or month of a transfer, each lead reads exactly the days
the agent was on their team — the scorecard rows, the team page and the drill-down — and the
program's manager reads the whole period."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from tests.factories import RoleGrantFactory, UserFactory

from upswing.org.models import Agent, Client, Membership, Program, Role, Team
from upswing.performance.models import ScorecardSnapshot
from upswing.periods import PeriodKind, period_of
from upswing.scorecards import children
from upswing.scorecards import pages as selectors
from upswing.scorecards.drilldown_views import _evidence, _number
from upswing.scorecards.refresh import refresh
from upswing.warehouse import evidence as drilldown

from .refresh_data import interaction, load, roster, roster_row

pytestmark = pytest.mark.django_db

FIRST = dt.date(2026, 3, 2)
DAYS = [FIRST + dt.timedelta(days=k) for k in range(35)]  # 2 Mar .. 5 Apr


def _afresh(folder: Path) -> None:
    ScorecardSnapshot.objects.all().delete()
    Membership.objects.all().delete()
    Agent.objects.all().delete()
    Team.objects.all().delete()
    Program.objects.all().delete()
    Client.objects.all().delete()
    settings.UPSWING_WAREHOUSE_URL = f"duckdb://{folder / 'warehouse.duckdb'}"


def _team_on(moves: list[tuple[dt.date, str]], day: dt.date) -> str:
    """The team A1 is on that day: T1 from the start, then each move from its day."""
    team = "T1"
    for start, to in sorted(moves):
        if start <= day:
            team = to
    return team


def _lead_of(team: str):
    user = UserFactory(username=f"lead-{team}-{UserFactory._meta.model.objects.count()}")
    RoleGrantFactory(user=user, role=Role.TEAM_LEAD, team=Team.objects.get(code=team))
    return user


@hsettings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    moves=st.lists(
        st.tuples(st.sampled_from(DAYS[1:]), st.sampled_from(["T1", "T2"])),
        min_size=1,
        max_size=3,
        unique_by=lambda m: m[0],
    ),
    days=st.lists(st.sampled_from(DAYS), min_size=1, max_size=12),
)
def test_each_lead_reads_exactly_the_days_the_agent_was_on_their_team(
    settings, tmp_path, moves, days
):
    folder = Path(tempfile.mkdtemp(prefix="upswing-transfer-", dir=tmp_path))
    _afresh(folder)
    load(folder, "roster", roster())
    for start, team in sorted(moves):
        load(folder, "roster", [roster_row("A1", team, start=start)])
    calls = [interaction(f"C{k}", "A1", "P1", day) for k, day in enumerate(days)]
    load(folder, "interactions", calls)
    refresh()

    leads = {team: _lead_of(team) for team in ("T1", "T2")}
    for kind in PeriodKind:
        for period in {period_of(kind, d) for d in days}:
            on = {
                team: sum(
                    1
                    for d in days
                    if period.start <= d <= period.end and _team_on(moves, d) == team
                )
                for team in ("T1", "T2")
            }
            for team, lead in leads.items():
                rows = selectors.entity_rows(lead, "agent", "A1").filter(
                    period_kind=kind.value, period_start=period.start, metric="volume"
                )
                expected = [on[team]] if on[team] else []
                assert [r.n for r in rows] == expected, (team, period)
                listed = {
                    c.code: c.n
                    for c in children.team_agents(
                        lead, Team.objects.get(code=team), period, "volume"
                    )
                }
                assert listed.get("A1") == (on[team] or None), (team, period)
                if on[team]:
                    number = _number(lead, "agent", "A1", period, "volume", None)
                    evidence = _evidence("agent", "A1", period, "volume", number)
                    with drilldown.read_only_warehouse(settings.UPSWING_WAREHOUSE_URL) as con:
                        page = drilldown.read_evidence(con, evidence, drilldown.Filters(), 1)
                    assert page.total == on[team], (team, period)
            team_rows = {
                t: ScorecardSnapshot.objects.filter(
                    level="team",
                    entity_code=t,
                    metric="volume",
                    period_kind=kind.value,
                    period_start=period.start,
                ).values_list("n", flat=True)
                for t in ("T1", "T2")
            }
            for team in ("T1", "T2"):
                # A1's calls on the team plus nobody else's (only A1 has calls).
                assert list(team_rows[team]) == ([on[team]] if on[team] else [])
