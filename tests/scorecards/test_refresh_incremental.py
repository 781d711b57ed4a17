"""The incremental refresh writes exactly what a full refresh writes: blended agents, transfers,
late and corrected data, zones whose local day is not the UTC day, weeks across two months.

Each case runs on a DuckDB and on a PostgreSQL warehouse (the `wh` fixture)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from upswing.org.models import Client, Membership, Program, Team
from upswing.performance.models import ScorecardSnapshot
from upswing.scorecards.refresh import refresh

from .refresh_data import (
    HOME,
    TEAM_PROGRAM,
    evaluation,
    interaction,
    load,
    roster,
    roster_row,
    snapshots,
    survey,
)

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 3, 2)  # 2026-W10, inside March
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def wh(duckdb_or_postgres_warehouse):
    """The warehouse URL of the test: a new DuckDB file, or a throwaway PostgreSQL database."""
    return duckdb_or_postgres_warehouse


def stored(level, entity, metric="volume", kind="week", start=MON, part=None, **more):
    rows = ScorecardSnapshot.objects.filter(
        level=level, entity_code=entity, metric=metric, period_kind=kind, period_start=start
    ).filter(**more)
    if part is not None:
        rows = rows.filter(part=part)
    return {(r.part, r.team_code, r.program_code): r.value for r in rows}


def assert_incremental_equals_full() -> None:
    incremental = snapshots()
    refresh(full=True)
    full = snapshots()
    only_incremental = sorted(set(incremental) - set(full), key=repr)[:6]
    only_full = sorted(set(full) - set(incremental), key=repr)[:6]
    assert (only_incremental, only_full) == ([], [])
    assert full == incremental


# --- blended agents ---------------------------------------------------------------------------


def test_a_blended_agents_day_for_another_program_refreshes_like_a_full_refresh(tmp_path, wh):
    load(tmp_path, "roster", roster())
    home = [interaction(f"H{k}", "A1", "P1", MON + dt.timedelta(days=k % 2)) for k in range(4)]
    other = [interaction(f"O{k}", "A4", "P2", MON) for k in range(2)]
    load(tmp_path, "interactions", home + other)
    refresh(full=True)
    # One more day whose rows all carry P2, taken partly by A1 of P1's team T1.
    day = MON + dt.timedelta(days=2)
    blended = [interaction(f"B{k}", "A1", "P2", day) for k in range(3)]
    load(tmp_path, "interactions", [*blended, interaction("O9", "A4", "P2", day)])

    result = refresh()

    assert set(result.scope.programs) == {"P1", "P2"}  # P1: A1's team counts the P2 calls
    assert stored("agent", "A1", part="") == {("", "T1", "P1"): 7.0}
    assert stored("agent", "A1", part="program") == {
        ("program", "", "P1"): 4.0,
        ("program", "", "P2"): 3.0,
    }
    assert stored("team", "T1") == {("", "T1", "P1"): 7.0}
    assert stored("program", "P2") == {("", "", "P2"): 6.0}
    assert stored("program", "P1") == {("", "", "P1"): 4.0}
    assert stored("agent", "A1", kind="month", start=MARCH, part="program")[
        ("program", "", "P2")
    ] == pytest.approx(3.0)
    assert_incremental_equals_full()


def test_a_blended_agents_program_part_has_its_programs_baseline(tmp_path, wh):
    load(tmp_path, "roster", roster())
    load(
        tmp_path,
        "interactions",
        [
            interaction("X1", "A1", "P2", MON, handle=100.0),
            interaction("X2", "A4", "P2", MON, handle=300.0),
            interaction("X3", "A1", "P1", MON, handle=500.0),
        ],
    )
    refresh(full=True)

    part = ScorecardSnapshot.objects.get(
        entity_code="A1", metric="aht", period_kind="week", part="program", program_code="P2"
    )

    assert part.value == 100.0
    assert part.baseline == 200.0  # P2's mean over A1's and A4's calls
    assert part.team_code == ""


# --- transfers --------------------------------------------------------------------------------


def test_a_transfer_splits_the_agents_period_by_the_days_on_each_team(tmp_path, wh):
    load(tmp_path, "roster", roster())
    moved = dt.date(2026, 3, 11)  # a Wednesday of 2026-W11
    load(tmp_path, "roster", [roster_row("A2", "T2", start=moved)])
    week = dt.date(2026, 3, 9)
    calls = [interaction(f"E{k}", "A2", "P1", week) for k in range(2)]
    calls += [interaction(f"L{k}", "A2", "P1", moved + dt.timedelta(days=1)) for k in range(3)]
    load(tmp_path, "interactions", calls)

    refresh()

    assert stored("agent", "A2", start=week, part="teams") == {("teams", "T2", "P1"): 5.0}
    assert stored("agent", "A2", start=week, part="team") == {
        ("team", "T1", "P1"): 2.0,
        ("team", "T2", "P1"): 3.0,
    }
    assert stored("agent", "A2", kind="month", start=MARCH, part="team") == {
        ("team", "T1", "P1"): 2.0,
        ("team", "T2", "P1"): 3.0,
    }
    assert stored("team", "T1", start=week) == {("", "T1", "P1"): 2.0}
    assert stored("team", "T2", start=week) == {("", "T2", "P1"): 3.0}
    assert_incremental_equals_full()


def test_a_transfer_to_another_program_recomputes_both(tmp_path, wh):
    load(tmp_path, "roster", roster())
    load(tmp_path, "interactions", [interaction(f"F{k}", "A2", "P1", MON) for k in range(2)])
    refresh(full=True)
    moved = MON + dt.timedelta(days=3)
    load(tmp_path, "roster", [roster_row("A2", "T3", start=moved)])
    load(tmp_path, "interactions", [interaction("G1", "A2", "P2", moved)])

    refresh()

    assert stored("agent", "A2", part="team") == {
        ("team", "T1", "P1"): 2.0,
        ("team", "T3", "P2"): 1.0,
    }
    assert stored("team", "T3") == {("", "T3", "P2"): 1.0}
    assert_incremental_equals_full()


# --- dates --------------------------------------------------------------------------------------


def test_late_data_and_a_week_across_two_months(tmp_path, wh):
    load(tmp_path, "roster", roster())
    load(tmp_path, "interactions", [interaction("N1", "A3", "P1", dt.date(2026, 4, 6))])
    refresh(full=True)
    # 2026-W14 runs from Monday 30 March to Sunday 5 April.
    late = [
        interaction("M1", "A3", "P1", dt.date(2026, 3, 31)),
        interaction("M2", "A3", "P1", dt.date(2026, 4, 2)),
        interaction("M3", "A3", "P1", dt.date(2026, 1, 14)),
    ]
    load(tmp_path, "interactions", late)

    refresh()

    w14 = dt.date(2026, 3, 30)
    assert stored("agent", "A3", start=w14) == {("", "T2", "P1"): 2.0}
    assert stored("agent", "A3", kind="month", start=MARCH) == {("", "T2", "P1"): 1.0}
    assert stored("agent", "A3", kind="month", start=dt.date(2026, 4, 1)) == {("", "T2", "P1"): 2.0}
    assert stored("agent", "A3", kind="month", start=dt.date(2026, 1, 1)) == {("", "T2", "P1"): 1.0}
    assert_incremental_equals_full()


def test_a_late_row_of_one_program_reopens_only_that_programs_earlier_week(tmp_path, wh):
    """A night with the new week of both programs and one late row of P1 in the week before
    rewrites P1's rows of that earlier week, not P2's (nothing of P2 changed there)."""
    load(tmp_path, "roster", roster())
    last_week = [interaction(f"L{k}", a, p, MON) for k, (a, p) in enumerate(_BOTH)]
    load(tmp_path, "interactions", last_week)
    refresh(full=True)
    before = dict(
        ScorecardSnapshot.objects.filter(program_code="P2", period_start=MON).values_list(
            "id", "refreshed_at"
        )
    )
    week = MON + dt.timedelta(days=7)
    night = [interaction(f"W{k}", a, p, week) for k, (a, p) in enumerate(_BOTH)]
    load(tmp_path, "interactions", [*night, interaction("LATE", "A1", "P1", MON)])

    result = refresh()

    parts = {(p.periods["week"], p.programs) for p in result.scope.parts}
    assert parts == {((MON,), ("P1",)), ((week,), ("P1", "P2"))}
    after = ScorecardSnapshot.objects.filter(program_code="P2", period_start=MON)
    assert before
    assert dict(after.values_list("id", "refreshed_at")) == before
    assert stored("team", "T1") == {("", "T1", "P1"): 2.0}
    assert_incremental_equals_full()


_BOTH = [("A1", "P1"), ("A3", "P1"), ("A4", "P2")]


def test_the_local_day_not_the_utc_day_places_an_interaction(tmp_path, wh):
    load(tmp_path, "roster", roster())
    sunday = dt.date(2026, 3, 8)
    # 23:30 on Sunday in Los Angeles is Monday in UTC; 00:30 Monday in Tokyo is Sunday in UTC.
    load(
        tmp_path,
        "interactions",
        [
            interaction("Z1", "A1", "P1", sunday, minute=23 * 60 + 30),
            interaction("Z2", "A4", "P2", sunday + dt.timedelta(days=1), minute=30),
        ],
    )
    refresh()

    assert stored("agent", "A1", start=MON) == {("", "T1", "P1"): 1.0}
    assert stored("agent", "A4", start=dt.date(2026, 3, 9)) == {("", "T3", "P2"): 1.0}
    assert_incremental_equals_full()


def test_a_corrected_interaction_leaves_nothing_behind_with_its_old_agent(tmp_path, wh):
    load(tmp_path, "roster", roster())
    load(tmp_path, "interactions", [interaction("C1", "A1", "P1", MON)])
    refresh()
    load(tmp_path, "interactions", [interaction("C1", "A4", "P2", MON + dt.timedelta(days=7))])

    refresh()

    assert stored("agent", "A1") == {}
    assert stored("team", "T1") == {}
    assert stored("agent", "A4", start=MON + dt.timedelta(days=7)) == {("", "T3", "P2"): 1.0}
    assert_incremental_equals_full()


# --- the daily segments kept between refreshes ------------------------------------------------


def test_a_team_change_made_outside_an_import_rebuilds_the_kept_segments(tmp_path, wh):
    """A membership edited by hand marks no day: the kept segments of days nobody touched
    still carry the old team, and the cache must notice (its fingerprint) and start again."""
    load(tmp_path, "roster", roster())
    load(tmp_path, "interactions", [interaction(f"T{k}", "A1", "P1", MON) for k in range(3)])
    refresh(full=True)
    Membership.objects.filter(agent__code="A1").update(team=Team.objects.get(code="T2"))
    load(tmp_path, "interactions", [interaction("T9", "A1", "P1", MON + dt.timedelta(days=1))])

    refresh()

    assert stored("team", "T2") == {("", "T2", "P1"): 4.0}
    assert stored("team", "T1") == {}
    assert_incremental_equals_full()


def test_kept_segments_left_half_rebuilt_are_rebuilt_by_the_next_refresh(tmp_path, wh):
    from upswing.warehouse.connection import open_warehouse
    from upswing.warehouse.segment_cache import STATE

    load(tmp_path, "roster", roster())
    load(tmp_path, "interactions", [interaction(f"H{k}", "A1", "P1", MON) for k in range(3)])
    refresh(full=True)
    with open_warehouse(wh) as warehouse:  # a rebuild cut off after forgetting its fingerprint
        session = warehouse.session()
        session.run(f"DELETE FROM {STATE}")
        session.run("DELETE FROM segments_calls")
    load(tmp_path, "interactions", [interaction("H9", "A1", "P1", MON + dt.timedelta(days=1))])

    refresh()

    assert stored("agent", "A1") == {("", "T1", "P1"): 4.0}
    assert_incremental_equals_full()


def test_kept_segments_from_a_version_without_stored_statements_are_rebuilt(tmp_path, wh):
    """A cache whose state holds a fingerprint but not the statements replacing days (kept by
    an earlier version) is rebuilt, not read."""
    from upswing.warehouse.connection import open_warehouse
    from upswing.warehouse.segment_cache import STATE

    load(tmp_path, "roster", roster())
    load(tmp_path, "interactions", [interaction(f"V{k}", "A1", "P1", MON) for k in range(3)])
    refresh(full=True)
    with open_warehouse(wh) as warehouse:
        session = warehouse.session()
        session.run(f"DROP TABLE {STATE}")
        session.run(f"CREATE TABLE {STATE} (fingerprint VARCHAR)")
        session.run(f"INSERT INTO {STATE} VALUES ('kept by an earlier version')")
    load(tmp_path, "interactions", [interaction("V9", "A1", "P1", MON + dt.timedelta(days=1))])

    refresh()

    assert stored("agent", "A1") == {("", "T1", "P1"): 4.0}
    assert_incremental_equals_full()


def _mark_kept_segments(url: str, table: str, column: str) -> None:
    """Add 100 to a column of the kept segments of MON: a marker that shows whether a night
    recomputed them from the facts (gone) or left or added to them (still there)."""
    from upswing.warehouse.connection import open_warehouse

    with open_warehouse(url) as warehouse:
        warehouse.session().run(
            f"UPDATE {table} SET {column} = {column} + 100 "
            f"WHERE local_date = DATE '{MON.isoformat()}'"
        )


def test_a_night_recomputes_only_the_kept_segments_its_imports_can_change(tmp_path, wh):
    """A QA file leaves the calls' kept segments of its day as they were; a file of new
    interactions adds its rows to them and leaves the QA's; a corrected interaction has the
    calls' segments of its day recomputed from the facts."""
    load(tmp_path, "roster", roster())
    calls = [interaction(f"Q{k}", "A1", "P1", MON) for k in range(3)]
    load(tmp_path, "interactions", calls)
    load(tmp_path, "qa", evaluation("E1", calls[0], 5))
    refresh(full=True)
    assert stored("agent", "A1") == {("", "T1", "P1"): 3.0}

    _mark_kept_segments(wh, "segments_calls", "volume__n")
    load(tmp_path, "qa", evaluation("E2", calls[1], 10))
    refresh()
    assert stored("agent", "A1") == {("", "T1", "P1"): 103.0}  # the calls' segment kept
    assert stored("agent", "A1", metric="qa") == {("", "T1", "P1"): 87.5}  # (75 + 100) / 2

    _mark_kept_segments(wh, "segments_evaluations", "qa__n")
    load(tmp_path, "interactions", [interaction("Q9", "A1", "P1", MON)])
    refresh()
    assert stored("agent", "A1") == {("", "T1", "P1"): 104.0}  # its row added to the kept one
    assert stored("agent", "A1", metric="qa") == {("", "T1", "P1"): pytest.approx(175 / 102)}

    load(tmp_path, "interactions", [interaction("Q9", "A1", "P1", MON, handle=200.0)])
    refresh()
    assert stored("agent", "A1") == {("", "T1", "P1"): 4.0}  # recomputed from the facts
    assert stored("agent", "A1", metric="qa") == {("", "T1", "P1"): pytest.approx(175 / 102)}


def test_new_interactions_are_added_to_the_kept_segments_once_when_a_refresh_stops(
    tmp_path, wh, monkeypatch
):
    """A refresh that added a file's rows to the kept segments and stopped before writing
    its snapshots leaves the file's days waiting: the next refresh writes them without adding
    the rows a second time."""
    import upswing.scorecards.refresh as refreshing

    load(tmp_path, "roster", roster())
    load(tmp_path, "interactions", [interaction(f"R{k}", "A1", "P1", MON) for k in range(3)])
    refresh(full=True)
    later = MON + dt.timedelta(days=1)
    more = [interaction("R8", "A1", "P1", MON), interaction("R9", "A1", "P1", later)]
    load(tmp_path, "interactions", more)

    def stopped(*args, **kwargs):
        raise RuntimeError("the operational database went away")

    with monkeypatch.context() as patched:
        patched.setattr(refreshing, "replace_snapshots", stopped)
        with pytest.raises(RuntimeError):
            refresh()
    assert stored("agent", "A1") == {("", "T1", "P1"): 3.0}

    refresh()

    assert stored("agent", "A1") == {("", "T1", "P1"): 5.0}
    assert_incremental_equals_full()


def test_a_night_of_new_calls_rewrites_only_the_rows_they_can_change(tmp_path, wh):
    """New calls of A1 (team T1 of P1) change A1's rows, the baselines of T1's agents, T1's
    and P1's values and the baselines of P1's teams; the rows of A3 (T2 of P1) and of P2's
    agents and team are left as they were, and everything equals a full refresh."""
    load(tmp_path, "roster", roster())
    load(
        tmp_path,
        "interactions",
        [interaction(f"W{a}", a, TEAM_PROGRAM[HOME[a]], MON) for a in HOME],
    )
    refresh(full=True)
    before = dict(ScorecardSnapshot.objects.values_list("id", "refreshed_at"))

    load(tmp_path, "interactions", [interaction("W9", "A1", "P1", MON + dt.timedelta(days=1))])
    refresh()

    rewritten = {
        (r.level, r.entity_code)
        for r in ScorecardSnapshot.objects.all()
        if before.get(r.id) != r.refreshed_at
    }
    assert rewritten == {
        ("agent", "A1"),
        ("agent", "A2"),
        ("team", "T1"),
        ("team", "T2"),
        ("program", "P1"),
    }
    # A2's volume is compared with T1's per agent, now (2 + 1) / 2
    assert ScorecardSnapshot.objects.get(
        level="agent", entity_code="A2", metric="volume", period_kind="week", period_start=MON
    ).baseline == pytest.approx(1.5)
    assert_incremental_equals_full()


def test_the_kept_segments_code_fingerprint_follows_every_source_file_and_the_engine(
    tmp_path, monkeypatch
):
    """A new version of any module, or another engine version, makes the segments rebuild."""
    import upswing
    from upswing.warehouse.segment_cache import _code_digest

    digest = _code_digest.__wrapped__  # uncached: read the files again
    package = tmp_path / "upswing"
    (package / "warehouse").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    module = package / "warehouse" / "segments.py"
    module.write_text("SHARE = 100\n")
    monkeypatch.setattr(upswing, "__file__", str(package / "__init__.py"))
    before = digest("duckdb", "1.5.6")

    assert digest("duckdb", "1.5.6") == before
    assert digest("duckdb", "1.6.0") != before
    module.write_text("SHARE = 1\n")
    assert digest("duckdb", "1.5.6") != before


# --- partial periods ----------------------------------------------------------------------------


def test_a_period_past_the_last_day_of_data_is_partial_until_the_data_covers_it(tmp_path, wh):
    load(tmp_path, "roster", roster())
    load(tmp_path, "interactions", [interaction("Q1", "A1", "P1", MON + dt.timedelta(days=2))])
    refresh()
    week = ScorecardSnapshot.objects.filter(period_kind="week", period_start=MON)
    assert set(week.values_list("partial", flat=True)) == {True}

    load(tmp_path, "interactions", [interaction("Q2", "A1", "P1", MON + dt.timedelta(days=7))])
    refresh()

    assert set(week.values_list("partial", flat=True)) == {False}
    later = ScorecardSnapshot.objects.filter(period_kind="week", period_start=MON.replace(day=9))
    assert set(later.values_list("partial", flat=True)) == {True}
    march = ScorecardSnapshot.objects.filter(period_kind="month", period_start=MARCH)
    assert set(march.values_list("partial", flat=True)) == {True}
    assert_incremental_equals_full()


# --- the property: random imports in random order ---------------------------------------------

DAYS = [dt.date(2026, 2, 23) + dt.timedelta(days=k) for k in range(45)]  # Feb 23 .. Apr 8
AGENTS = sorted(HOME)


@st.composite
def fact(draw, ident: str) -> dict:
    agent = draw(st.sampled_from(AGENTS))
    home = TEAM_PROGRAM[HOME[agent]]
    program = draw(st.sampled_from([home, home, home, "P1", "P2"]))
    answered = draw(st.booleans() | st.just(True))
    return interaction(
        ident,
        agent,
        program,
        draw(st.sampled_from(DAYS)),
        minute=draw(st.integers(0, 24 * 60 - 1)),
        handle=draw(st.none() | st.integers(30, 900)) if answered else None,
        wait=draw(st.none() | st.integers(0, 120)),
        answered=answered,
        resolved=draw(st.none() | st.booleans()),
    )


@st.composite
def batches(draw) -> list[tuple[str, list[dict]]]:
    """Interaction files (some correcting earlier rows) and roster changes in a random order,
    with surveys and QA dropped in anywhere after their interactions."""
    ids = [f"I{k}" for k in range(draw(st.integers(3, 14)))]
    facts = {i: draw(fact(i)) for i in ids}
    out: list[tuple[str, list[dict]]] = []
    pending = list(draw(st.permutations(ids)))
    while pending:
        size = draw(st.integers(1, len(pending)))
        chunk, pending = pending[:size], pending[size:]
        out.append(("interactions", [facts[i] for i in chunk]))
    for _ in range(draw(st.integers(0, 2))):  # corrections: the same ids, new values
        fixed = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        out.append(("interactions", [draw(fact(i)) for i in fixed]))
    for _ in range(draw(st.integers(0, 2))):  # transfers, on any day of the data
        agent = draw(st.sampled_from(AGENTS))
        team = draw(st.sampled_from(sorted(TEAM_PROGRAM)))
        out.append(("roster", [roster_row(agent, team, start=draw(st.sampled_from(DAYS)))]))
    out = list(draw(st.permutations(out)))
    answered = [i for i in ids if facts[i]["answered"] == "true"]
    later: list[tuple[str, list[dict]]] = []
    if answered:
        rated = draw(st.lists(st.sampled_from(answered), max_size=3, unique=True))
        if rated:
            day = dt.date(2026, 4, 9)
            later.append(("surveys", [survey(i, draw(st.integers(1, 5)), day) for i in rated]))
        judged = draw(st.lists(st.sampled_from(answered), max_size=2, unique=True))
        for n, i in enumerate(judged):
            later.append(("qa", evaluation(f"E{n}-{i}", facts[i], draw(st.integers(0, 10)))))
    for kind, rows in later:  # after the first file holding all their interactions
        needed = {r["interaction_id"] for r in rows}
        seen: set[str] = set()
        first = len(out)
        for position, (batch_kind, batch) in enumerate(out):
            if batch_kind == "interactions":
                seen |= {r["interaction_id"] for r in batch}
            if needed <= seen:
                first = position + 1
                break
        out.insert(draw(st.integers(first, len(out))), (kind, rows))
    return out


def _start_afresh(base_url: str) -> None:
    """A new warehouse and empty organisation for one generated example."""
    from django.conf import settings

    ScorecardSnapshot.objects.all().delete()
    Membership.objects.all().delete()
    from upswing.org.models import Agent

    Agent.objects.all().delete()
    Team.objects.all().delete()
    Program.objects.all().delete()
    Client.objects.all().delete()
    if base_url.startswith("duckdb://"):
        folder = Path(tempfile.mkdtemp(prefix="upswing-refresh-"))
        settings.UPSWING_WAREHOUSE_URL = f"duckdb://{folder / 'warehouse.duckdb'}"
        return
    from upswing.warehouse.connection import connect
    from upswing.warehouse.schema import TABLES

    con = connect(base_url)
    for name in TABLES:
        con.drop_table(name, force=True)
    con.disconnect()


@pytest.mark.slow  # about 100 s: its module starts first (tests/conftest.py)
@hsettings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=batches())
def test_random_imports_in_random_order_refresh_incrementally_as_a_full_refresh(tmp_path, wh, plan):
    _start_afresh(wh)
    load(tmp_path, "roster", roster())
    refresh()
    for kind, rows in plan:
        load(tmp_path, kind, rows)
        refresh()

    assert_incremental_equals_full()


@pytest.mark.slow  # about 100 s: its module starts first (tests/conftest.py)
@hsettings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=batches())
def test_random_rows_of_a_warehouse_source_refresh_incrementally_as_a_full_refresh(
    tmp_path, wh, plan
):
    """The same plans, the interactions written into a table of the warehouse (a CRM's,
    rewritten row by row with a later `updated_at`) read in place by a source before each
    refresh; the roster, surveys and QA still come in files."""
    from tests.sources.conftest import DEFINITION, as_call, put_calls

    from upswing.sources.models import WarehouseSource
    from upswing.sources.service import add_source, read_sources

    _start_afresh(wh)
    WarehouseSource.objects.all().delete()
    from django.conf import settings

    url = settings.UPSWING_WAREHOUSE_URL
    if not url.startswith("duckdb://"):
        from upswing.warehouse.connection import connect

        con = connect(url)
        con.drop_table("crm_calls", force=True)
        con.disconnect()
    load(tmp_path, "roster", roster())
    put_calls(url, [])
    add_source("crm_calls", DEFINITION)
    refresh()
    clock = dt.datetime(2026, 4, 10, tzinfo=dt.UTC)
    latest: dict[str, str] = {}  # each call's agent as the CRM holds it last
    for kind, rows in plan:
        if kind == "interactions":
            clock += dt.timedelta(minutes=1)
            put_calls(url, [as_call(r, clock) for r in rows])
            latest |= {r["interaction_id"]: r["agent_id"] for r in rows}
            [outcome] = read_sources()
            assert (outcome.error, outcome.left_out) == ("", 0)
        else:
            load(tmp_path, kind, rows)
        refresh()

    from upswing.warehouse.connection import open_warehouse

    with open_warehouse(url) as opened:
        calls = opened.ibis.table("interactions").to_pyarrow().to_pylist()
    assert {c["interaction_id"]: c["agent_id"] for c in calls} == latest
    assert_incremental_equals_full()


# --- targets and absent facts -----------------------------------------------------------------


def test_importing_targets_rereads_the_statuses_without_a_refresh(tmp_path, wh):
    load(tmp_path, "roster", roster())
    calls = [interaction(f"R{k}", "A1", "P1", MON, resolved=k < 3) for k in range(4)]
    load(tmp_path, "interactions", calls)
    refresh()
    fcr = ScorecardSnapshot.objects.filter(level="program", metric="fcr", period_kind="week")
    assert fcr.get().status == "no_target"

    target = {"program_id": "P1", "metric": "fcr", "sla_floor": "80", "kpi_target": "90"}
    load(tmp_path, "targets", [target | {"source": "MSA", "effective_from": "2026-01-01"}])

    row = fcr.get()
    assert row.value == 75.0
    assert (row.sla_floor, row.kpi_target, row.status) == (80.0, 90.0, "below_sla")


def test_a_metric_without_inputs_is_not_measured_never_zero(tmp_path, wh):
    load(tmp_path, "roster", roster())
    load(
        tmp_path,
        "interactions",
        [interaction(f"U{k}", "A1", "P1", MON, handle=None, wait=None) for k in range(3)],
    )
    refresh()

    stored_metrics = set(
        ScorecardSnapshot.objects.filter(
            level="agent", entity_code="A1", period_kind="week"
        ).values_list("metric", flat=True)
    )
    assert {"volume", "fcr"} <= stored_metrics
    assert not {"aht", "wait"} & stored_metrics

    from upswing.clitools import render_scorecard, resolve_scorecard

    label, lines = resolve_scorecard("agent", "A1", "2026-W10")
    by_metric = {line.metric: line for line in lines}
    assert by_metric["aht"].value is None
    assert by_metric["aht"].status == "not_measured"
    assert by_metric["volume"].value == 3.0
    table = render_scorecard("agent", "A1", label, lines, "table")
    assert "not measured" in table
    assert "(partial week)" in table  # the data ends on Monday
