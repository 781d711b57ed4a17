"""Warehouse fixtures: an empty warehouse per test on DuckDB, PostgreSQL and Spark, table
loaders and a seeded random dataset shaped like a contact-center export."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import ibis
import numpy as np
import pyarrow as pa
import pytest

from upswing.warehouse.connection import connect, ensure_tables
from upswing.warehouse.schema import TABLES

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # `bench` is a top-level folder, not an installed package
    sys.path.insert(0, str(REPO_ROOT))

POSTGRES_URL_ENV = "UPSWING_TEST_POSTGRES_URL"
KPI_TABLES = ("interactions", "surveys", "qa_scores", "memberships", "programs")


def load_rows(con: ibis.BaseBackend, table: str, rows: Sequence[Mapping]) -> None:
    """Insert plain dict rows (missing columns are NULL) into a warehouse table."""
    schema = TABLES[table].to_pyarrow()
    data = pa.Table.from_pylist([dict(r) for r in rows], schema=schema)
    if data.num_rows:
        con.insert(table, data)


def load_tables(con: ibis.BaseBackend, tables: Mapping[str, pa.Table]) -> None:
    for name, data in tables.items():
        if data.num_rows:
            con.insert(name, data)


# --- backends -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A throwaway database on the server named by UPSWING_TEST_POSTGRES_URL, for this session."""
    base = os.environ.get(POSTGRES_URL_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set (e.g. postgres://postgres@127.0.0.1:5432/test)")
    psycopg = pytest.importorskip("psycopg")
    name = f"upswing_kpi_{secrets.token_hex(4)}"
    admin_url = "postgresql://" + base.split("://", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_warehouse(postgres_server_url: str) -> Iterator[ibis.BaseBackend]:
    con = connect(postgres_server_url)
    ensure_tables(con)
    yield con
    con.disconnect()


def _empty_kpi_tables(con: ibis.BaseBackend) -> None:
    for name in KPI_TABLES:
        con.truncate_table(name)


@pytest.fixture(
    params=[
        "duckdb",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow]),
    ]
)
def warehouse(request: pytest.FixtureRequest) -> Iterator[ibis.BaseBackend]:
    """An empty warehouse: a fresh in-memory DuckDB, the session's PostgreSQL database, or a
    fresh folder in the test run's one local Spark."""
    if request.param in ("duckdb", "spark"):
        url = (
            "duckdb://"
            if request.param == "duckdb"
            else request.getfixturevalue("spark_warehouse_url")
        )
        con = connect(url)
        ensure_tables(con)
        yield con
        con.disconnect()
        return
    con = request.getfixturevalue("postgres_warehouse")
    _empty_kpi_tables(con)
    yield con


# --- a random dataset -----------------------------------------------------------------------


def _maybe(rng: np.random.Generator, values: np.ndarray, null_share: float) -> list:
    out = values.tolist()
    for i in np.flatnonzero(rng.random(len(out)) < null_share):
        out[i] = None
    return out


def random_tables(
    seed: int = 7,
    *,
    n_interactions: int = 4000,
    n_agents: int = 40,
    n_teams: int = 6,
    first_day: dt.date = dt.date(2025, 12, 1),
    n_days: int = 90,
) -> dict[str, pa.Table]:
    """Warehouse tables with transfers, membership gaps, NULLs, abandoned calls, surveys on
    abandoned and unknown interactions, and multi-criterion QA evaluations with critical fails."""
    rng = np.random.default_rng(seed)
    programs = _random_programs()
    memberships = _random_memberships(rng, n_agents, n_teams, first_day, n_days)
    interactions = _random_interactions(rng, n_interactions, n_agents, first_day, n_days)
    surveys = _random_surveys(rng, interactions)
    qa = _random_qa(rng, interactions)
    return {
        "programs": pa.Table.from_pylist(programs, schema=TABLES["programs"].to_pyarrow()),
        "memberships": pa.Table.from_pylist(memberships, schema=TABLES["memberships"].to_pyarrow()),
        "interactions": pa.table(interactions, schema=TABLES["interactions"].to_pyarrow()),
        "surveys": pa.table(surveys, schema=TABLES["surveys"].to_pyarrow()),
        "qa_scores": pa.table(qa, schema=TABLES["qa_scores"].to_pyarrow()),
    }


def _agent_id(i: int) -> str:
    return f"A{i:05d}"


def _program_of_agent(i: int) -> str:
    return f"P{i % 3}"


def _random_programs() -> list[dict]:
    thresholds = {"P0": 20.0, "P1": 30.0, "P2": None}  # P2: the default applies
    return [
        {"program_id": p, "client_id": "C1", "time_zone": "UTC", "service_level_seconds": s}
        for p, s in thresholds.items()
    ]


def _random_memberships(
    rng: np.random.Generator, n_agents: int, n_teams: int, first_day: dt.date, n_days: int
) -> list[dict]:
    rows = []
    for i in range(n_agents):
        program = _program_of_agent(i)
        team = f"T{rng.integers(n_teams)}"
        start = first_day - dt.timedelta(days=int(rng.integers(0, 30)))
        shape = rng.random()
        if shape < 0.1:  # no membership at all
            continue
        if shape < 0.5:  # one open membership
            rows.append(_membership(i, team, program, start, None))
            continue
        move = first_day + dt.timedelta(days=int(rng.integers(5, n_days - 5)))
        new_team = f"T{(int(team[1:]) + 1) % n_teams}"
        if shape < 0.7:  # transfer with the old membership ending the day before
            rows.append(_membership(i, team, program, start, move - dt.timedelta(days=1)))
        elif shape < 0.8:  # same-day handover: both memberships cover `move`
            rows.append(_membership(i, team, program, start, move))
        else:  # a gap of a few days between the two teams
            rows.append(_membership(i, team, program, start, move - dt.timedelta(days=5)))
        rows.append(_membership(i, new_team, program, move, None))
    return rows


def _membership(i: int, team: str, program: str, start: dt.date, end: dt.date | None) -> dict:
    return {
        "agent_id": _agent_id(i),
        "team_id": team,
        "program_id": program,
        "start_date": start,
        "end_date": end,
    }


def _random_interactions(
    rng: np.random.Generator, n: int, n_agents: int, first_day: dt.date, n_days: int
) -> dict[str, list]:
    agents = rng.integers(0, n_agents, n)
    days = rng.integers(0, n_days, n)
    seconds = rng.integers(0, 86_400, n)
    base = dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC)
    answered = rng.random(n) > 0.1
    return {
        "source": np.where(rng.random(n) < 0.9, "canonical", "zendesk").tolist(),
        "interaction_id": [f"I{k:08d}" for k in range(n)],
        "agent_id": [_agent_id(a) for a in agents],
        "program_id": [_program_of_agent(a) if a % 7 else f"P{a % 2}" for a in agents],
        "started_at": [
            base + dt.timedelta(days=int(d), seconds=int(s))
            for d, s in zip(days, seconds, strict=True)
        ],
        "local_date": [first_day + dt.timedelta(days=int(d)) for d in days],
        "handle_seconds": _maybe(rng, rng.gamma(2.0, 150.0, n).round(1), 0.05),
        "channel": rng.choice(["voice", "chat", "email"], n).tolist(),
        "answered": _maybe(rng, answered, 0.01),
        "wait_seconds": _maybe(rng, rng.exponential(25.0, n).round(0), 0.05),
        "hold_seconds": [None] * n,
        "resolved": _maybe(rng, rng.random(n) < 0.7, 0.1),
        "reopened": _maybe(rng, rng.random(n) < 0.1, 0.3),
        "escalated": _maybe(rng, rng.random(n) < 0.08, 0.1),
        "transferred": [None] * n,
        "topic": [None] * n,
        "batch_id": ["b1"] * n,
    }


def _random_surveys(rng: np.random.Generator, interactions: dict[str, list]) -> dict[str, list]:
    n = len(interactions["interaction_id"])
    cols: dict[str, list] = {k: [] for k in TABLES["surveys"].names}
    for kind, share, (low, high) in (
        ("csat", 0.3, (1, 5)),
        ("nps", 0.15, (0, 10)),
        ("ces", 0.1, (1, 7)),
    ):
        picked = np.flatnonzero(rng.random(n) < share)
        cols["source"] += [interactions["source"][i] for i in picked]
        cols["interaction_id"] += [interactions["interaction_id"][i] for i in picked]
        cols["kind"] += [kind] * len(picked)
        cols["score"] += rng.integers(low, high + 1, len(picked)).astype(float).tolist()
    orphans = 20  # surveys whose interaction is not in the warehouse
    cols["source"] += ["canonical"] * orphans
    cols["interaction_id"] += [f"X{k}" for k in range(orphans)]
    cols["kind"] += ["csat"] * orphans
    cols["score"] += [5.0] * orphans
    size = len(cols["source"])
    for name in ("responded_at", "comment", "batch_id"):
        cols[name] = [None] * size
    return cols


def _random_qa(rng: np.random.Generator, interactions: dict[str, list]) -> dict[str, list]:
    n = len(interactions["interaction_id"])
    cols: dict[str, list] = {k: [] for k in TABLES["qa_scores"].names}
    for e, i in enumerate(np.flatnonzero(rng.random(n) < 0.08)):
        lag = dt.timedelta(days=int(rng.integers(0, 4)))
        for c in range(int(rng.integers(2, 6))):
            maximum = float(rng.choice([5.0, 10.0]))
            row = {
                "source": "canonical",
                "evaluation_id": f"E{e:06d}",
                "criterion": f"c{c}",
                "interaction_id": interactions["interaction_id"][i],
                "agent_id": interactions["agent_id"][i],
                "program_id": interactions["program_id"][i],
                "evaluated_at": interactions["started_at"][i] + lag,
                "local_date": interactions["local_date"][i] + lag,
                "points": float(maximum if rng.random() < 0.6 else rng.integers(0, maximum)),
                "max_points": maximum,
                "evaluator": "qa1",
                "category": "greeting",
                "critical": bool(c == 0),
                "batch_id": "b1",
            }
            for k, v in row.items():
                cols[k].append(v)
    return cols
