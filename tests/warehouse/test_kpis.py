"""Soundness of the KPI expressions against ground truth worked out by hand on small tables,
and agreement with the hand-written SQL and pandas baselines on a random dataset.

Every test runs on DuckDB and on PostgreSQL (`warehouse` fixture)."""

from __future__ import annotations

import datetime as dt
import itertools
import statistics

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from upswing.metrics import METRIC_CODES
from upswing.periods import PeriodKind, month_of, week_of
from upswing.warehouse.kpis import OUTPUT_SCHEMA, Level, scorecard

from .conftest import load_rows, load_tables, random_tables

WEEK, MONTH = PeriodKind.WEEK, PeriodKind.MONTH
MON = dt.date(2026, 3, 2)  # a Monday; the week 2026-W10 lies inside March
_ids = itertools.count()


def call(day: dt.date = MON, **values) -> dict:
    """An answered, resolved interaction of agent A1 in program P1 (override any column)."""
    row = {
        "source": "canonical",
        "interaction_id": f"I{next(_ids)}",
        "agent_id": "A1",
        "program_id": "P1",
        "started_at": dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
        "local_date": day,
        "handle_seconds": 100.0,
        "answered": True,
        "wait_seconds": 10.0,
        "resolved": True,
        "reopened": False,
        "escalated": False,
    }
    return row | values


def survey(interaction: dict, kind: str, score: float) -> dict:
    return {
        "source": interaction["source"],
        "interaction_id": interaction["interaction_id"],
        "kind": kind,
        "score": score,
    }


def evaluation(interaction: dict, evaluation_id: str, criteria, day: dt.date | None = None):
    """QA rows of one evaluation; `criteria` holds (points, max_points, critical)."""
    return [
        {
            "source": "canonical",
            "evaluation_id": evaluation_id,
            "criterion": f"c{k}",
            "interaction_id": interaction["interaction_id"],
            "agent_id": interaction["agent_id"],
            "program_id": interaction["program_id"],
            "local_date": day or interaction["local_date"],
            "points": points,
            "max_points": maximum,
            "critical": critical,
        }
        for k, (points, maximum, critical) in enumerate(criteria)
    ]


def membership(agent: str, team: str, start: dt.date, end: dt.date | None = None, program="P1"):
    return {
        "agent_id": agent,
        "team_id": team,
        "program_id": program,
        "start_date": start,
        "end_date": end,
    }


def program(program_id: str, threshold: float | None = 20.0) -> dict:
    return {"program_id": program_id, "time_zone": "UTC", "service_level_seconds": threshold}


def load(con, *, calls=(), surveys=(), qa=(), memberships=None, programs=None) -> None:
    load_rows(con, "interactions", calls)
    load_rows(con, "surveys", surveys)
    load_rows(con, "qa_scores", qa)
    load_rows(
        con,
        "memberships",
        [membership("A1", "T1", dt.date(2020, 1, 1))] if memberships is None else memberships,
    )
    load_rows(con, "programs", [program("P1")] if programs is None else programs)


def rows(con, level=Level.AGENT, kind=WEEK, **kwargs) -> dict[tuple, dict]:
    """Scorecard rows keyed by (entity_id, period_start, metric)."""
    table = scorecard(con, level, kind, **kwargs).to_pyarrow()
    out = {(r["entity_id"], r["period_start"], r["metric"]): r for r in table.to_pylist()}
    assert len(out) == table.num_rows, "one row per entity, period and metric"
    return out


def only(result: dict, metric: str) -> dict:
    (row,) = [r for (_, _, m), r in result.items() if m == metric]
    return row


# --- every metric ---------------------------------------------------------------------------


def test_it_computes_every_metric_of_the_catalog(warehouse):
    calls = [
        call(handle_seconds=100.0, wait_seconds=5.0, resolved=True, reopened=False),
        call(handle_seconds=200.0, wait_seconds=30.0, resolved=True, reopened=True, escalated=True),
        call(handle_seconds=600.0, wait_seconds=15.0, resolved=False, reopened=False),
        call(handle_seconds=300.0, wait_seconds=20.0, resolved=True, reopened=None),
        call(answered=False, handle_seconds=None, wait_seconds=90.0, resolved=None),
    ]
    surveys = [
        survey(calls[0], "csat", 5), survey(calls[1], "csat", 3), survey(calls[2], "csat", 4),
        survey(calls[0], "nps", 10), survey(calls[1], "nps", 6), survey(calls[2], "nps", 8),
        survey(calls[3], "nps", 9), survey(calls[0], "ces", 2), survey(calls[3], "ces", 5),
    ]  # fmt: skip
    qa = evaluation(calls[0], "E1", [(8, 10, False), (10, 10, True)]) + evaluation(
        calls[1], "E2", [(5, 5, False), (5, 5, True)]
    )
    load(warehouse, calls=calls, surveys=surveys, qa=qa)

    got = rows(warehouse)

    answered_handle = [100.0, 200.0, 600.0, 300.0]
    expected = {  # metric: (numerator, n, value, sd)
        "volume": (4, 4, 4.0, None),
        "aht": (1200.0, 4, 300.0, statistics.stdev(answered_handle)),
        "fcr": (2, 4, 50.0, None),  # reopened NULL counts as not reopened
        "csat": (2, 3, 200 / 3, None),
        "csat_score": (12.0, 3, 4.0, statistics.stdev([5, 3, 4])),
        "nps": (100 * (2 - 1), 4, 25.0, None),
        "ces": (7.0, 2, 3.5, statistics.stdev([2, 5])),
        "qa": (90.0 + 100.0, 2, 95.0, statistics.stdev([90.0, 100.0])),
        "escalation": (1, 4, 25.0, None),
        "reopen": (1, 3, 100 / 3, None),
        "wait": (70.0, 4, 17.5, statistics.stdev([5.0, 30.0, 15.0, 20.0])),
        "service_level": (3, 5, 60.0, None),  # waits 5, 15, 20 <= 20 of 4 answered + 1 abandoned
        "abandonment": (1, 5, 20.0, None),
    }
    assert {m for (_, _, m) in got} == set(METRIC_CODES)
    for metric, (numerator, n, value, sd) in expected.items():
        row = got[("A1", MON, metric)]
        assert row["numerator"] == pytest.approx(numerator), metric
        assert row["n"] == n, metric
        assert row["value"] == pytest.approx(value), metric
        assert row["sd"] == (pytest.approx(sd) if sd is not None else None), metric
        assert (row["level"], row["team_id"], row["program_id"]) == ("agent", "T1", "P1")
        assert (row["period_kind"], row["period_start"]) == ("week", MON)


def test_the_result_has_exactly_the_contract_columns(warehouse):
    load(warehouse, calls=[call()])
    expr = scorecard(warehouse, Level.TEAM, MONTH)
    assert expr.schema() == OUTPUT_SCHEMA
    table = expr.to_pyarrow()
    assert table.schema == OUTPUT_SCHEMA.to_pyarrow()
    assert table.num_rows > 0


# --- traps ----------------------------------------------------------------------------------


def test_surveys_and_qa_evaluations_do_not_fan_out_interactions(warehouse):
    first = call(handle_seconds=120.0)
    second = call(handle_seconds=60.0, resolved=False)
    surveys = [survey(first, "csat", 5), survey(first, "nps", 10)]
    qa = evaluation(first, "E1", [(3, 5, False), (5, 5, False), (2, 2, True)]) + evaluation(
        first, "E2", [(4, 4, False), (1, 4, False), (3, 4, False), (2, 4, False)]
    )
    load(warehouse, calls=[first, second], surveys=surveys, qa=qa)

    got = rows(warehouse)

    assert got[("A1", MON, "volume")]["n"] == 2
    assert got[("A1", MON, "aht")]["numerator"] == pytest.approx(180.0)
    assert got[("A1", MON, "fcr")]["numerator"] == 1
    assert (got[("A1", MON, "csat")]["n"], got[("A1", MON, "nps")]["n"]) == (1, 1)
    qa_row = got[("A1", MON, "qa")]
    assert qa_row["n"] == 2
    assert qa_row["value"] == pytest.approx((100 * 10 / 12 + 100 * 10 / 16) / 2)
    for level in (Level.TEAM, Level.PROGRAM):
        other = rows(warehouse, level)
        assert only(other, "volume")["n"] == 2
        assert only(other, "qa")["n"] == 2


def test_months_reaggregate_raw_rows_instead_of_averaging_weeks(warehouse):
    week_a = [call(MON, resolved=True)]  # 1 of 1 resolved: 100 %
    week_b = [call(MON + dt.timedelta(days=7), resolved=r) for r in (True, False, False, False)]
    load(warehouse, calls=week_a + week_b)

    weeks = rows(warehouse)
    month = rows(warehouse, kind=MONTH)[("A1", dt.date(2026, 3, 1), "fcr")]

    weekly = [weeks[("A1", MON, "fcr")], weeks[("A1", MON + dt.timedelta(days=7), "fcr")]]
    assert [w["value"] for w in weekly] == [pytest.approx(100.0), pytest.approx(25.0)]
    assert (month["numerator"], month["n"]) == (2, 5)
    assert month["value"] == pytest.approx(40.0)
    assert month["value"] != pytest.approx(statistics.mean(w["value"] for w in weekly))
    assert month["numerator"] == sum(w["numerator"] for w in weekly)


def test_nulls_leave_a_row_out_of_their_own_metric_only(warehouse):
    calls = [
        call(handle_seconds=None, wait_seconds=10.0, resolved=True),
        call(handle_seconds=200.0, wait_seconds=None, resolved=True),
        call(handle_seconds=400.0, wait_seconds=30.0, resolved=None, escalated=None),
    ]
    load(warehouse, calls=calls)

    got = rows(warehouse)

    def num_n(metric):
        return got[("A1", MON, metric)]["numerator"], got[("A1", MON, metric)]["n"]

    assert num_n("volume") == (3, 3)
    assert num_n("aht") == (600.0, 2)
    assert num_n("wait") == (40.0, 2)
    assert num_n("fcr") == (2, 2)
    assert num_n("escalation") == (0, 2)
    assert num_n("reopen") == (0, 3)
    assert num_n("service_level") == (1, 2)  # the answered call with no wait is not offered
    assert num_n("abandonment") == (0, 3)
    assert got[("A1", MON, "aht")]["sd"] == pytest.approx(statistics.stdev([200.0, 400.0]))


@pytest.mark.parametrize(
    ("day", "week_start", "month_start"),
    [
        (dt.date(2026, 1, 4), dt.date(2025, 12, 29), dt.date(2026, 1, 1)),  # Sunday: 2026-W01
        (dt.date(2026, 1, 5), dt.date(2026, 1, 5), dt.date(2026, 1, 1)),  # Monday: 2026-W02
        (dt.date(2024, 12, 30), dt.date(2024, 12, 30), dt.date(2024, 12, 1)),  # 2025-W01
        (dt.date(2025, 1, 1), dt.date(2024, 12, 30), dt.date(2025, 1, 1)),  # 2025-W01
        (dt.date(2026, 12, 31), dt.date(2026, 12, 28), dt.date(2026, 12, 1)),  # 2026-W53
        (dt.date(2027, 1, 3), dt.date(2026, 12, 28), dt.date(2027, 1, 1)),  # 2026-W53, Sunday
        (dt.date(2027, 1, 4), dt.date(2027, 1, 4), dt.date(2027, 1, 1)),  # 2027-W01
        (dt.date(2024, 2, 29), dt.date(2024, 2, 26), dt.date(2024, 2, 1)),
    ],
)
def test_periods_are_iso_weeks_and_calendar_months(warehouse, day, week_start, month_start):
    assert (week_of(day).start, month_of(day).start) == (week_start, month_start)
    load(warehouse, calls=[call(day)])

    assert set(rows(warehouse, metrics=["volume"])) == {("A1", week_start, "volume")}
    assert set(rows(warehouse, kind=MONTH, metrics=["volume"])) == {("A1", month_start, "volume")}


def test_a_week_across_two_months_is_split_between_them(warehouse):
    sunday, monday = dt.date(2026, 5, 31), dt.date(2026, 6, 1)
    load(warehouse, calls=[call(sunday), call(sunday - dt.timedelta(days=1)), call(monday)])

    weeks = rows(warehouse, metrics=["volume"])
    months = rows(warehouse, kind=MONTH, metrics=["volume"])

    assert {k: r["n"] for k, r in weeks.items()} == {
        ("A1", dt.date(2026, 5, 25), "volume"): 2,
        ("A1", dt.date(2026, 6, 1), "volume"): 1,
    }
    assert {k: r["n"] for k, r in months.items()} == {
        ("A1", dt.date(2026, 5, 1), "volume"): 2,
        ("A1", dt.date(2026, 6, 1), "volume"): 1,
    }


def test_a_transfer_mid_month_splits_team_rows_and_keeps_the_agent_row_whole(warehouse):
    move = dt.date(2026, 3, 18)  # a Wednesday
    members = [
        membership("A1", "T1", dt.date(2025, 1, 1), move - dt.timedelta(days=1)),
        membership("A1", "T2", move),
        membership("A2", "T1", dt.date(2025, 1, 1)),
    ]
    calls = [
        call(dt.date(2026, 3, 3), handle_seconds=100.0),
        call(dt.date(2026, 3, 17), handle_seconds=200.0),  # Tuesday, still T1
        call(move, handle_seconds=300.0),
        call(dt.date(2026, 3, 20), handle_seconds=500.0),
        call(dt.date(2026, 3, 4), agent_id="A2", handle_seconds=50.0),
    ]
    load(warehouse, calls=calls, memberships=members)
    march = dt.date(2026, 3, 1)

    agents = rows(warehouse, kind=MONTH, metrics=["aht"])
    teams = rows(warehouse, Level.TEAM, MONTH, metrics=["aht"])
    team_weeks = rows(warehouse, Level.TEAM, WEEK, metrics=["volume"])
    agent_weeks = rows(warehouse, metrics=["volume"])

    a1 = agents[("A1", march, "aht")]
    assert (a1["numerator"], a1["n"], a1["team_id"]) == (1100.0, 4, "T2")
    assert agents[("A2", march, "aht")]["team_id"] == "T1"
    assert (teams[("T1", march, "aht")]["numerator"], teams[("T1", march, "aht")]["n"]) == (350, 3)
    assert (teams[("T2", march, "aht")]["numerator"], teams[("T2", march, "aht")]["n"]) == (800, 2)
    assert all(r["team_id"] == r["entity_id"] and r["program_id"] == "P1" for r in teams.values())
    transfer_week = dt.date(2026, 3, 16)
    assert team_weeks[("T1", transfer_week, "volume")]["n"] == 1
    assert team_weeks[("T2", transfer_week, "volume")]["n"] == 2
    assert agent_weeks[("A1", transfer_week, "volume")]["n"] == 3
    assert agent_weeks[("A1", transfer_week, "volume")]["team_id"] == "T2"


def test_overlapping_memberships_never_count_an_interaction_twice(warehouse):
    handover = dt.date(2026, 3, 4)
    members = [
        membership("A1", "T1", dt.date(2025, 1, 1), handover),  # both cover the handover day
        membership("A1", "T2", handover),
    ]
    load(warehouse, calls=[call(MON), call(handover), call(handover)], memberships=members)

    teams = rows(warehouse, Level.TEAM, metrics=["volume"])

    assert {k[0]: r["n"] for k, r in teams.items()} == {"T1": 1, "T2": 2}


def test_facts_outside_any_membership_count_for_agent_and_program_but_no_team(warehouse):
    members = [membership("A1", "T1", MON, MON)]
    calls = [call(MON), call(MON + dt.timedelta(days=1)), call(agent_id="A9")]
    qa = evaluation(calls[2], "E9", [(1, 1, False)])
    load(warehouse, calls=calls, qa=qa, memberships=members)

    agents = rows(warehouse, metrics=["volume", "qa"])
    teams = rows(warehouse, Level.TEAM, metrics=["volume", "qa"])
    programs = rows(warehouse, Level.PROGRAM, metrics=["volume", "qa"])

    assert agents[("A1", MON, "volume")]["n"] == 2
    assert agents[("A1", MON, "volume")]["team_id"] is None  # latest call is after the membership
    assert (agents[("A9", MON, "qa")]["team_id"], agents[("A9", MON, "qa")]["program_id"]) == (
        None,
        "P1",
    )
    assert {k: r["n"] for k, r in teams.items()} == {("T1", MON, "volume"): 1}
    assert programs[("P1", MON, "volume")]["n"] == 3
    assert programs[("P1", MON, "qa")]["n"] == 1
    assert all(r["team_id"] is None and r["program_id"] == "P1" for r in programs.values())


def test_abandoned_calls_count_only_in_abandonment_and_service_level(warehouse):
    answered = call(handle_seconds=100.0, wait_seconds=10.0)
    abandoned = call(answered=False, handle_seconds=900.0, wait_seconds=300.0, resolved=False)
    surveys = [survey(answered, "csat", 5), survey(abandoned, "csat", 1)]
    load(warehouse, calls=[answered, abandoned], surveys=surveys)

    got = rows(warehouse)

    def num_n(metric):
        return got[("A1", MON, metric)]["numerator"], got[("A1", MON, metric)]["n"]

    assert num_n("volume") == (1, 1)
    assert num_n("aht") == (100.0, 1)
    assert num_n("wait") == (10.0, 1)
    assert num_n("fcr") == (1, 1)
    assert num_n("csat") == (1, 1)
    assert num_n("csat_score") == (5.0, 1)
    assert num_n("abandonment") == (1, 2)
    assert num_n("service_level") == (1, 2)


def test_an_agent_week_with_only_abandoned_calls_has_no_rows_for_answered_metrics(warehouse):
    load(warehouse, calls=[call(answered=False)])

    assert {m for (_, _, m) in rows(warehouse)} == {"abandonment", "service_level"}


def test_a_failed_critical_criterion_zeroes_the_evaluation(warehouse):
    first = call()
    qa = (
        evaluation(first, "E1", [(10, 10, False), (9, 10, True)])  # critical lost a point: 0
        + evaluation(first, "E2", [(0, 10, False), (10, 10, True)])  # critical passed: 50
        + evaluation(first, "E3", [(7, 10, None)])  # critical unknown: not critical, 70
    )
    load(warehouse, calls=[first], qa=qa)

    qa_row = rows(warehouse)[("A1", MON, "qa")]

    assert (qa_row["numerator"], qa_row["n"]) == (120.0, 3)
    assert qa_row["value"] == pytest.approx(40.0)
    assert qa_row["sd"] == pytest.approx(statistics.stdev([0.0, 50.0, 70.0]))


def test_an_evaluation_belongs_to_the_period_of_its_own_local_date(warehouse):
    sunday = MON + dt.timedelta(days=6)
    first = call(sunday)
    load(
        warehouse,
        calls=[first],
        qa=evaluation(first, "E1", [(5, 5, False)], day=sunday + dt.timedelta(days=1)),
    )

    got = rows(warehouse)

    assert ("A1", MON, "volume") in got
    assert ("A1", MON, "qa") not in got
    assert got[("A1", MON + dt.timedelta(days=7), "qa")]["team_id"] == "T1"


def test_service_level_uses_each_programs_threshold(warehouse):
    waits = [5.0, 19.0, 20.0, 25.0, 30.0, 31.0]
    calls = [
        call(program_id=p, agent_id=f"A{p}", wait_seconds=w)
        for p in ("P1", "P2", "P3", "P4")
        for w in waits
    ]
    programs = [program("P1", 20.0), program("P2", 30.0), program("P3", None)]  # P4: unknown
    load(warehouse, calls=calls, programs=programs, memberships=[])

    got = rows(warehouse, Level.PROGRAM, metrics=["service_level"])

    assert {k[0]: r["numerator"] for k, r in got.items()} == {"P1": 3, "P2": 5, "P3": 3, "P4": 3}
    assert all(r["n"] == 6 for r in got.values())


# --- the caller's knobs ---------------------------------------------------------------------


def test_programs_dates_and_metrics_narrow_the_facts_read(warehouse):
    later = MON + dt.timedelta(days=7)
    calls = [call(MON), call(later), call(MON, program_id="P2", agent_id="A2")]
    surveys = [survey(calls[0], "csat", 5), survey(calls[2], "csat", 1)]
    load(warehouse, calls=calls, surveys=surveys, programs=[program("P1"), program("P2")])

    by_program = rows(warehouse, Level.PROGRAM, programs=["P2"])
    since = rows(warehouse, since=later)
    until = rows(warehouse, until=later - dt.timedelta(days=1))
    some = rows(warehouse, metrics=["csat", "aht"])

    assert {k[0] for k in by_program} == {"P2"}
    assert {(k[0], k[1]) for k in since} == {("A1", later)}
    assert {(k[0], k[1]) for k in until} == {("A1", MON), ("A2", MON)}
    assert {k[2] for k in some} == {"csat", "aht"}
    assert some[("A1", MON, "csat")]["team_id"] == "T1"


def test_it_refuses_unknown_or_no_metrics(warehouse):
    with pytest.raises(KeyError, match="unknown metric"):
        scorecard(warehouse, Level.AGENT, WEEK, metrics=["speed"])
    with pytest.raises(ValueError, match="no metrics"):
        scorecard(warehouse, Level.AGENT, WEEK, metrics=[])


def test_levels_and_kinds_accept_their_string_values(warehouse):
    load(warehouse, calls=[call()])

    got = rows(warehouse, "program", "month", metrics=["volume"])

    assert set(got) == {("P1", dt.date(2026, 3, 1), "volume")}


# --- random data: levels agree with each other and with the baselines ------------------------


@pytest.fixture
def random_warehouse(warehouse):
    tables = random_tables(seed=11)
    load_tables(warehouse, tables)
    return warehouse, tables


def _sorted_frame(table: pa.Table | pd.DataFrame) -> pd.DataFrame:
    frame = table.to_pandas() if isinstance(table, pa.Table) else table
    frame = frame.assign(period_start=pd.to_datetime(frame["period_start"]))
    return frame.sort_values(["entity_id", "period_start", "metric"]).reset_index(drop=True)


def assert_same_scorecard(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert len(actual) == len(expected)
    for column in actual.columns:
        a, e = actual[column], expected[column]
        if column in ("numerator", "value", "sd"):
            np.testing.assert_allclose(a.astype(float), e.astype(float), rtol=1e-9, err_msg=column)
        else:
            assert (
                a.astype(object).fillna("<null>").tolist()
                == e.astype(object).fillna("<null>").tolist()
            ), column


def _frames(tables: dict[str, pa.Table]) -> dict[str, pd.DataFrame]:
    return {name: table.to_pandas() for name, table in tables.items()}


def test_the_agent_week_scorecard_matches_the_pandas_baseline(random_warehouse):
    from bench.baselines import agent_week_pandas

    con, tables = random_warehouse
    ours = _sorted_frame(scorecard(con, Level.AGENT, WEEK).to_pyarrow())
    frames = _frames(tables)
    theirs = agent_week_pandas(
        frames["interactions"],
        frames["surveys"],
        frames["qa_scores"],
        frames["memberships"],
        frames["programs"],
    )

    assert set(ours["metric"]) == set(METRIC_CODES)
    assert ours["team_id"].isna().any()
    assert ours["team_id"].notna().any()
    assert_same_scorecard(ours, _sorted_frame(theirs))


def test_the_agent_week_scorecard_matches_the_hand_written_sql(random_warehouse):
    from bench.baselines import agent_week_sql

    con, _ = random_warehouse
    if con.name != "duckdb":
        pytest.skip("the hand-written SQL baseline is DuckDB SQL")
    ours = _sorted_frame(scorecard(con, Level.AGENT, WEEK).to_pyarrow())

    assert_same_scorecard(ours, _sorted_frame(agent_week_sql(con.con)))


@pytest.mark.parametrize("level", [Level.AGENT, Level.TEAM, Level.PROGRAM])
@pytest.mark.parametrize("kind", [WEEK, MONTH])
def test_every_level_and_period_matches_the_hand_written_sql(random_warehouse, level, kind):
    """The bench's baseline for the full refresh (`bench.baselines.scorecard_sql`)."""
    from bench.baselines import scorecard_sql

    con, _ = random_warehouse
    if con.name != "duckdb":
        pytest.skip("the hand-written SQL baseline is DuckDB SQL")
    theirs = con.con.sql(scorecard_sql(level.value, kind.value)).to_arrow_table()

    def by_key(table) -> pd.DataFrame:  # a team whose program changed: a row per program
        keys = ["entity_id", "period_start", "metric", "program_id"]
        return _sorted_frame(table).sort_values(keys).reset_index(drop=True)

    ours = by_key(scorecard(con, level, kind).to_pyarrow())
    assert len(ours) > 0
    assert_same_scorecard(ours, by_key(theirs))


@pytest.mark.parametrize("kind", [WEEK, MONTH])
def test_agent_and_program_rows_add_up_to_the_same_totals(random_warehouse, kind):
    con, _ = random_warehouse

    def totals(level):
        frame = scorecard(con, level, kind).to_pyarrow().to_pandas()
        return frame.groupby(["period_start", "metric"])[["numerator", "n"]].sum()

    agents, programs, teams = totals(Level.AGENT), totals(Level.PROGRAM), totals(Level.TEAM)

    pd.testing.assert_frame_equal(agents, programs)
    assert (teams["n"] <= agents["n"].reindex(teams.index)).all()
    assert (teams["n"] < agents["n"].reindex(teams.index)).any()  # some facts have no team


def test_months_equal_the_sum_of_their_days_not_of_their_weeks(random_warehouse):
    con, tables = random_warehouse
    calls = tables["interactions"].to_pandas()
    answered = calls[calls["answered"].astype("boolean").fillna(True)]
    expected = answered.groupby(pd.to_datetime(answered["local_date"]).dt.to_period("M")).size()

    months = scorecard(con, Level.PROGRAM, MONTH, metrics=["volume"]).to_pyarrow().to_pandas()
    got = months.groupby(pd.to_datetime(months["period_start"]).dt.to_period("M"))["n"].sum()

    assert got.to_dict() == expected.to_dict()


def test_scorecard_is_an_ibis_table(warehouse):
    assert isinstance(scorecard(warehouse, Level.AGENT, WEEK), ibis.Table)


def test_every_catalog_metric_is_measured_once():
    from upswing.warehouse.measures import MEASURES

    assert sorted(MEASURES) == sorted(METRIC_CODES)
