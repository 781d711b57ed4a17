"""Benchmark data: millions of canonical interactions, with a matching roster, surveys and QA.

Fully vectorized and written chunk by chunk (one million rows at a time), so that ten million
interactions stay within a few hundred MB of memory. Statistically plain: no planted cases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from upswing.demo.catalog import BENCH_FORM, PROGRAMS, VENDOR_DOMAIN
from upswing.demo.clock import (
    DAY,
    HOUR,
    Window,
    ZoneTable,
    default_as_of,
    iso_strings,
    last_sunday_on_or_before,
)
from upswing.demo.feedback import survey_scores
from upswing.demo.interactions import CHANNEL_NAMES, interaction_ids
from upswing.demo.writers import TableStream, write_table

CHUNK_ROWS = 1_000_000
SURVEY_RATE = 0.10  # csat surveys per answered interaction
INTERACTIONS_PER_EVALUATION = 50
PROGRAM_SHARES = (0.4, 0.35, 0.25)


@dataclass(frozen=True, slots=True)
class BenchFiles:
    roster: Path
    interactions: Path
    surveys: Path
    qa: Path
    agents: int
    teams: int
    interaction_rows: int
    survey_rows: int
    qa_rows: int
    evaluations: int

    @property
    def in_import_order(self) -> tuple[tuple[str, Path], ...]:
        kinds = ("roster", "interactions", "surveys", "qa")
        return tuple((kind, getattr(self, kind)) for kind in kinds)


@dataclass(frozen=True, slots=True)
class BenchTables:
    roster: pa.Table
    interactions: pa.Table
    surveys: pa.Table
    qa: pa.Table


@dataclass(frozen=True, slots=True)
class _Setup:
    window: Window
    zones: ZoneTable
    agent_program: np.ndarray
    agent_ids: pa.Array
    roster: pa.Table


def generate_bench_interactions(
    out_path: Path,
    *,
    agents: int = 2000,
    weeks: int = 26,
    interactions: int = 1_000_000,
    seed: int = 1,
    fmt: str = "csv",
    as_of: dt.date | None = None,
) -> BenchFiles:
    """Write roster.csv and interactions/surveys/qa as `fmt` (csv or parquet) into `out_path`."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be csv or parquet, not {fmt!r}")
    out_path.mkdir(parents=True, exist_ok=True)
    setup = _setup(agents, weeks, as_of)
    roster = write_table("roster", setup.roster, out_path / "roster.csv")
    paths = {kind: out_path / f"{kind}.{fmt}" for kind in ("interactions", "surveys", "qa")}
    with (
        TableStream("interactions", paths["interactions"]) as facts,
        TableStream("surveys", paths["surveys"]) as surveys,
        TableStream("qa", paths["qa"]) as qa,
    ):
        for chunk in _chunks(setup, interactions, seed):
            facts.write(chunk.interactions)
            surveys.write(chunk.surveys)
            qa.write(chunk.qa)
    return BenchFiles(
        roster, paths["interactions"], paths["surveys"], paths["qa"],
        agents, _team_count(agents), facts.rows, surveys.rows, qa.rows,
        qa.rows // len(BENCH_FORM),
    )  # fmt: skip


def bench_tables(
    *,
    agents: int = 2000,
    weeks: int = 26,
    interactions: int = 1_000_000,
    seed: int = 1,
    as_of: dt.date | None = None,
) -> BenchTables:
    """The same data as `generate_bench_interactions`, as Arrow tables in memory."""
    setup = _setup(agents, weeks, as_of)
    chunks = list(_chunks(setup, interactions, seed))
    return BenchTables(
        setup.roster,
        pa.concat_tables([c.interactions for c in chunks]),
        pa.concat_tables([c.surveys for c in chunks]),
        pa.concat_tables([c.qa for c in chunks]),
    )


def _team_count(agents: int) -> int:
    return max(len(PROGRAMS), round(agents / 10))


def _setup(agents: int, weeks: int, as_of: dt.date | None) -> _Setup:
    window = Window(last_sunday_on_or_before(as_of) if as_of else default_as_of(), weeks)
    teams = _team_count(agents)
    team_program = _team_programs(teams)
    agent_team = np.arange(agents) * teams // agents
    width = max(4, len(str(agents)))
    agent_ids = pa.array([f"A{i + 1:0{width}d}" for i in range(agents)], pa.string())
    return _Setup(
        window,
        ZoneTable.build([p.time_zone for p in PROGRAMS], window),
        team_program[agent_team],
        agent_ids,
        _roster(agent_ids, agent_team, team_program, window),
    )


def _team_programs(teams: int) -> np.ndarray:
    bounds = np.round(np.cumsum(PROGRAM_SHARES) * teams).astype(np.int64)
    program = np.searchsorted(bounds, np.arange(teams), side="right")
    return np.minimum(program, len(PROGRAMS) - 1)


def _roster(
    agent_ids: pa.Array, agent_team: np.ndarray, team_program: np.ndarray, window: Window
) -> pa.Table:
    ids = agent_ids.to_pylist()
    programs = [PROGRAMS[team_program[t]] for t in agent_team]
    start = window.first_day - dt.timedelta(days=365)
    return pa.table(
        {
            "agent_id": ids,
            "name": [f"Agent {i}" for i in ids],
            "email": [f"{i.lower()}@{VENDOR_DOMAIN}" for i in ids],
            "team_id": [f"T{t + 1:03d}" for t in agent_team],
            "team_name": [
                f"{p.team_prefix} {t + 1:03d}" for p, t in zip(programs, agent_team, strict=True)
            ],
            "program_id": [p.program_id for p in programs],
            "program_name": [p.name for p in programs],
            "client_name": [p.client_name for p in programs],
            "team_lead_email": [f"lead.t{t + 1:03d}@{VENDOR_DOMAIN}" for t in agent_team],
            "start_date": pa.array([start] * len(ids), pa.date32()),
            "end_date": pa.array([None] * len(ids), pa.date32()),
            "time_zone": [p.time_zone for p in programs],
        }
    )


def _chunks(setup: _Setup, total: int, seed: int) -> Iterator[BenchTables]:
    sizes = [min(CHUNK_ROWS, total - start) for start in range(0, total, CHUNK_ROWS)]
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    first_row, first_eval = 0, 0
    for size, child in zip(sizes, seeds, strict=True):
        chunk = _chunk(np.random.default_rng(child), setup, size, first_row, first_eval)
        first_row += size
        first_eval += chunk.qa.num_rows // len(BENCH_FORM)
        yield chunk


def _chunk(
    rng: np.random.Generator, setup: _Setup, n: int, first_row: int, first_eval: int
) -> BenchTables:
    agent = rng.integers(0, len(setup.agent_program), n)
    program = setup.agent_program[agent]
    day = setup.window.first_day_number + rng.integers(0, 7 * setup.window.weeks, n)
    local = day * DAY + 7 * HOUR + rng.integers(0, 13 * HOUR, n)
    utc = setup.zones.utc_of_local(program, local)
    channel, handle_median, wait_median, abandon = _channel_profiles(rng, program)
    wait = np.round(wait_median * rng.lognormal(0.0, 0.7, n))
    answered = rng.random(n) >= abandon * np.clip(np.nan_to_num(wait) / 20.0, 0.3, 5.0)
    handle = np.where(
        answered, np.maximum(20, np.round(handle_median * rng.lognormal(0.0, 0.45, n))), 0
    )
    resolved = answered & (rng.random(n) < 0.8)
    reopened = resolved & (rng.random(n) < 0.06)
    ids = interaction_ids(first_row + np.arange(n), "I", 9)
    topics = _topics(rng, program)
    interactions = pa.table(
        {
            "interaction_id": ids,
            "agent_id": setup.agent_ids.take(pa.array(agent)),
            "started_at": iso_strings(utc, setup.zones.offset_at(program, utc)),
            "handle_seconds": pa.array(handle.astype(np.int64)),
            "program_id": pa.array([p.program_id for p in PROGRAMS]).take(pa.array(program)),
            "channel": pa.array(CHANNEL_NAMES).take(pa.array(channel)),
            "answered": pa.array(answered),
            "wait_seconds": pa.array(np.nan_to_num(wait).astype(np.int64), mask=np.isnan(wait)),
            "hold_seconds": pa.array(
                np.where(channel == 0, np.round(rng.exponential(25, n)), 0).astype(np.int64),
                mask=(channel != 0) | ~answered,
            ),
            "resolved": pa.array(resolved),
            "reopened": pa.array(reopened),
            "escalated": pa.array(answered & (rng.random(n) < 0.05)),
            "transferred": pa.array(answered & (channel != 2) & (rng.random(n) < 0.05)),
            "topic": topics,
        }
    )
    mood = 2.2 * (resolved & ~reopened) - np.clip(0.012 * (np.nan_to_num(wait) - 20), 0, 2.5)
    answered_rows = np.flatnonzero(answered)
    surveys = _surveys(rng, setup, ids, answered_rows, mood, utc + handle.astype(np.int64), program)
    qa = _qa(rng, setup, ids, answered_rows, agent, utc, program, first_eval)
    return BenchTables(setup.roster, interactions, surveys, qa)


def _channel_profiles(rng: np.random.Generator, program: np.ndarray) -> tuple[np.ndarray, ...]:
    n = len(program)
    channel, handle, wait, abandon = (
        np.zeros(n, np.int64),
        np.zeros(n),
        np.full(n, np.nan),
        np.zeros(n),
    )
    u = rng.random(n)
    for p, prog in enumerate(PROGRAMS):
        mine = program == p
        low = 0.0
        for c in prog.channels:
            hit = mine & (u >= low) & (u < low + c.share)
            low += c.share
            channel[hit] = CHANNEL_NAMES.index(c.channel)
            handle[hit], abandon[hit] = c.handle_median, c.abandon_rate
            if c.wait_median is not None:
                wait[hit] = c.wait_median
    return channel, handle, wait, abandon


def _topics(rng: np.random.Generator, program: np.ndarray) -> pa.Array:
    names = [t for p in PROGRAMS for t in p.topic_names]
    code = np.zeros(len(program), np.int64)
    u, base = rng.random(len(program)), 0
    for p, prog in enumerate(PROGRAMS):
        shares = np.cumsum([s for _, s in prog.topics])
        code[program == p] = base + np.minimum(
            np.searchsorted(shares, u[program == p]), len(shares) - 1
        )
        base += len(shares)
    return pa.array(names, pa.string()).take(pa.array(code))


def _surveys(rng, setup, ids, answered_rows, mood, ended, program) -> pa.Table:
    k = round(SURVEY_RATE * len(answered_rows))
    picked = np.sort(rng.choice(answered_rows, size=k, replace=False))
    responded = ended[picked] + 300 + rng.exponential(3 * HOUR, k).astype(np.int64)
    return pa.table(
        {
            "interaction_id": ids.take(pa.array(picked)),
            "kind": pa.array(np.full(k, "csat", dtype=object), pa.string()),
            "score": pa.array(survey_scores(rng, "csat", mood[picked])),
            "responded_at": iso_strings(
                responded, setup.zones.offset_at(program[picked], responded)
            ),
            "comment": pa.nulls(k, pa.string()),
        }
    )


def _qa(rng, setup, ids, answered_rows, agent, utc, program, first_eval) -> pa.Table:
    n_eval = min(len(answered_rows), round(len(agent) / INTERACTIONS_PER_EVALUATION))
    picked = np.sort(rng.choice(answered_rows, size=n_eval, replace=False))
    k = len(BENCH_FORM)
    when = utc[picked] + rng.integers(2 * HOUR, 48 * HOUR, n_eval)
    maxima = np.array([float(c.max_points) for c in BENCH_FORM])
    share = np.where(
        rng.random((n_eval, k)) < 0.9, 1.0, np.where(rng.random((n_eval, k)) < 0.5, 0.5, 0.0)
    )
    critical = np.array([c.critical for c in BENCH_FORM])
    share[:, critical] = np.where(rng.random((n_eval, int(critical.sum()))) < 0.01, 0.0, 1.0)
    evaluators = pa.array([f"{e}@{VENDOR_DOMAIN}" for p in PROGRAMS for e in p.evaluators[:2]])
    each = pa.array(np.repeat(np.arange(n_eval), k))
    return pa.table(
        {
            "evaluation_id": interaction_ids(first_eval + np.arange(n_eval), "E", 8).take(each),
            "interaction_id": ids.take(pa.array(picked)).take(each),
            "agent_id": setup.agent_ids.take(pa.array(agent[picked])).take(each),
            "evaluated_at": iso_strings(when, setup.zones.offset_at(program[picked], when)).take(
                each
            ),
            "criterion": pa.array([c.name for c in BENCH_FORM] * n_eval, pa.string()),
            "points": pa.array((share * maxima).reshape(-1)),
            "max_points": pa.array(np.tile(maxima, n_eval)),
            "evaluator": evaluators.take(
                pa.array(np.repeat(program[picked] * 2 + rng.integers(0, 2, n_eval), k))
            ),
            "category": pa.array([c.category for c in BENCH_FORM] * n_eval, pa.string()),
            "critical": pa.array(np.tile(critical, n_eval)),
        }
    )
