"""A quarter or custom days computed live give what a snapshot of the same days holds: a custom
range of exactly one month or one week equals that stored month or week row for row (values,
intervals, baselines, statuses, parts); a quarter's shares are its three months' numerators
and sample sizes summed, and its means are consistent with them.

The data has two programs in zones on either side of UTC, a blended agent, a transfer in the
middle of a month, surveys, QA and targets."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from tests.factories import UserFactory

from upswing.metrics import CATALOG, Aggregate
from upswing.org.models import Program, Role, Team
from upswing.performance.models import ScorecardSnapshot, Target
from upswing.scorecards import live
from upswing.scorecards.access import snapshot_reach, visible_snapshots
from upswing.scorecards.refresh import refresh
from upswing.scorecards.spans import custom_span, parse_span

from .refresh_data import evaluation, interaction, load, roster, roster_row, survey

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
COMPARED = ("value", "numerator", "n", "ci_low", "ci_high", "baseline", "sla_floor")
COMPARED += ("kpi_target", "status", "partial")


def _data(folder) -> None:
    people = roster()
    # A3 moves from T2 to T1 on 17 Feb; A1 also works for P2 (blended)
    people = [r for r in people if r["agent_id"] != "A3"]
    people.append(roster_row("A3", "T2", end=dt.date(2026, 2, 16)))
    people.append(roster_row("A3", "T1", start=dt.date(2026, 2, 17)))
    load(folder, "roster", people)
    calls, surveys, qa = [], [], []
    for day_number in range(0, 90, 2):
        day = JAN + dt.timedelta(days=day_number)
        for k, (agent, program) in enumerate(
            [("A1", "P1"), ("A2", "P1"), ("A3", "P1"), ("A4", "P2"), ("A5", "P2"), ("A1", "P2")]
        ):
            ident = f"{agent}-{program}-{day_number}"
            row = interaction(
                ident,
                agent,
                program,
                day,
                minute=60 * (k + 5) + day_number,
                handle=120.0 + 37 * ((day_number + k) % 7),
                wait=5.0 + (day_number * k) % 40,
                answered=(day_number + k) % 9 != 0,
                resolved=(day_number + k) % 3 != 0,
            )
            calls.append(row)
            if (day_number + k) % 4 == 0:
                surveys.append(survey(ident, 1 + (day_number + k) % 5, day))
            if (day_number + k) % 6 == 1:
                qa += evaluation(f"E-{ident}", row, (day_number + k) % 11)
    load(folder, "interactions", calls)
    load(folder, "surveys", surveys)
    load(folder, "qa", qa)
    p1 = Program.objects.get(code="P1")
    Target.objects.create(
        program=p1, metric="aht", sla_floor=300, kpi_target=240, effective_from=JAN
    )
    Target.objects.create(program=p1, metric="fcr", sla_floor=60, kpi_target=70, effective_from=JAN)
    Target.objects.create(
        program=p1,
        team=Team.objects.get(code="T1"),
        metric="fcr",
        sla_floor=50,
        kpi_target=80,
        effective_from=dt.date(2026, 3, 1),
    )
    refresh(full=True)


@pytest.fixture
def data(settings, tmp_path):
    settings.UPSWING_WAREHOUSE_URL = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    _data(tmp_path)
    return tmp_path


def _admin():
    user = UserFactory()
    user.role_grants.create(role=Role.ADMIN)
    return user


def _key(r) -> tuple:
    return (r.level, r.entity_code, r.team_code, r.program_code, r.part, r.metric)


def _same(a: ScorecardSnapshot, b: ScorecardSnapshot) -> bool:
    for name in COMPARED:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, float) or isinstance(y, float):
            if x is None or y is None or not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9):
                return False
        elif x != y:
            return False
    return True


@pytest.mark.parametrize(
    ("kind", "first", "last"),
    [
        ("month", "2026-02-01", "2026-02-28"),  # the transfer's month: team parts
        ("month", "2026-03-01", "2026-03-31"),  # a team's own target from 1 March; partial
        ("week", "2026-02-16", "2026-02-22"),  # the transfer's week
        ("week", "2026-01-05", "2026-01-11"),
    ],
)
def test_custom_days_of_a_stored_period_equal_its_snapshots_row_for_row(data, kind, first, last):
    span = custom_span(first, last)
    found = live.read_live(_admin(), span, programs={"P1"})
    rows = {_key(r): r for r in found.rows if r.period_start == span.start}
    stored = {
        _key(r): r
        for r in ScorecardSnapshot.objects.filter(period_kind=kind, period_start=span.start)
    }
    assert len(stored) > 60
    assert set(rows) == set(stored)
    different = [k for k in stored if not _same(rows[k], stored[k])]
    assert different == []
    transfer = first in ("2026-02-01", "2026-02-16")
    assert any(r.part == "team" for r in rows.values()) == transfer


def test_a_quarter_is_its_three_months_summed_for_shares_and_consistent_for_means(data):
    quarter = parse_span("2026-Q1")
    found = live.read_live(_admin(), quarter, programs={"P1"})
    rows = [r for r in found.rows if r.period_start == quarter.start and r.part in ("", "teams")]
    months = ScorecardSnapshot.objects.filter(
        period_kind="month", period_start__in=[JAN, dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
    )
    summed: dict[tuple, list[float]] = {}
    for m in months:
        if m.part not in ("", "teams"):
            continue
        total = summed.setdefault((m.level, m.entity_code, m.metric), [0.0, 0])
        total[0] += m.numerator
        total[1] += m.n
    assert len(rows) > 40
    for r in rows:
        numerator, n = summed[(r.level, r.entity_code, r.metric)]
        assert r.n == n, r
        assert r.numerator == pytest.approx(numerator), r
        aggregate = CATALOG[r.metric].aggregate
        if aggregate is Aggregate.SHARE:
            assert r.value == pytest.approx(100 * numerator / n)
            assert r.ci_low <= r.value <= r.ci_high
        elif aggregate is Aggregate.MEAN:
            assert r.value == pytest.approx(numerator / n)
            if n > 1:
                assert r.ci_low <= r.value <= r.ci_high
    # the previous quarter (Q4 2025) has no data: its rows are absent, not zero
    assert not [r for r in found.rows if r.period_start != quarter.start]
    assert {r.partial for r in rows} == {True}  # the data stops on 30 March


def test_live_rows_pass_the_same_doors_as_stored_ones(data):
    """`SnapshotReach.allows` answers as `visible_snapshots` for every stored row and persona."""
    lead = UserFactory()
    lead.role_grants.create(role=Role.TEAM_LEAD, team=Team.objects.get(code="T1"))
    manager = UserFactory()
    manager.role_grants.create(role=Role.OPERATIONS_MANAGER, program=Program.objects.get(code="P2"))
    viewer = UserFactory()
    viewer.role_grants.create(role=Role.CLIENT_VIEWER, client=Program.objects.get(code="P1").client)
    everything = list(ScorecardSnapshot.objects.all())
    for user in (lead, manager, viewer, UserFactory(), _admin()):
        seen = set(visible_snapshots(user).values_list("id", flat=True))
        reach = snapshot_reach(user)
        assert {r.id for r in everything if reach.allows(r)} == seen


def test_a_lead_reads_only_the_days_on_their_team_in_a_custom_range(data):
    lead = UserFactory()
    lead.role_grants.create(role=Role.TEAM_LEAD, team=Team.objects.get(code="T2"))
    span = custom_span("2026-02-01", "2026-02-28")
    found = live.read_live(lead, span, programs={"P1"})
    a3 = [r for r in found.entity_rows("agent", "A3") if r.period_start == span.start]
    assert a3
    assert {r.part for r in a3} == {"team"}
    assert {r.team_code for r in a3} == {"T2"}
    assert not found.where(level="team", entity_code="T1")
    assert not found.where(level="agent", entity_code="A1")
