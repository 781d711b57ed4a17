"""The batch screen (numpy over all series, what `diagnose` uses) gives exactly what the
per-series rules give (ReferenceScreen), on randomized programs full of awkward cases: tiny and
empty weeks, missing weeks and intervals, infinite and NaN bounds, ties, duplicated weeks and
series, a stray monthly value, events, coaching, mixes, behaviours and varied configurations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math

import numpy as np
import pytest
from bench.diagnosis_inputs import build_inputs
from tests.findings.builders import AS_OF, LAST, weeks_ending

from upswing import stats
from upswing.findings.rules import (
    AgentSeries,
    BehaviourTally,
    CoachingRecord,
    ContextEvent,
    DiagnosisConfig,
    DiagnosisInputs,
    MixCell,
    MixProfile,
    Observation,
    diagnose,
)
from upswing.findings.rules.gaps import (
    DIAGNOSED_METRICS,
    evaluate_sustained_gap,
    judge_period,
    pool_back,
)
from upswing.findings.rules.pairs import evaluate_pair
from upswing.findings.rules.screen import BatchScreen, ReferenceScreen
from upswing.findings.rules.table import VERDICTS, build_table, judge_windows, pooled_intervals
from upswing.findings.rules.trends import evaluate_trend
from upswing.findings.rules.types import PairVerdict
from upswing.metrics import CATALOG, Aggregate, Better
from upswing.periods import Period, PeriodKind

METRICS = (*DIAGNOSED_METRICS, "volume")  # a metric that is not diagnosed is ignored by both
FLOORS = {"aht": 600.0, "fcr": 70.0, "csat": 75.0, "ces": 5.0, "qa": 85.0, "reopen": 10.0}
LEVELS = {"aht": 420.0, "csat_score": 4.2, "ces": 5.6, "qa": 91.0, "volume": 45.0}
SIZES = (0, 1, 2, 3, 4, 6, 9, 10, 12, 20, 45, 80)


def random_config(rng: np.random.Generator) -> DiagnosisConfig:
    window = int(rng.integers(3, 6))
    trend_periods = int(rng.integers(6, 10))
    return DiagnosisConfig(
        periods_below=int(rng.integers(1, window + 1)),
        window=window,
        min_n=int(rng.integers(2, 15)),
        min_n_qa=int(rng.integers(1, 8)),
        pool_periods=int(rng.integers(1, 4)),
        confidence=float(rng.choice([0.9, 0.95, 0.99])),
        material_gap=float(rng.choice([0.0, 0.05, 0.1])),
        trend_periods=trend_periods,
        trend_min_periods=int(rng.integers(3, trend_periods + 1)),
        pair_min_aht_change=float(rng.choice([0.02, 0.1])),
        systemic_min_agents=int(rng.integers(2, 4)),
    )


def random_observation(rng, metric: str, period: Period, level: float, baseline, floor, ref):
    n = int(rng.choice(SIZES))
    if CATALOG[metric].aggregate is Aggregate.SHARE:
        successes = float(rng.binomial(n, min(max(level, 0.0), 1.0)))
        value = 100 * successes / n if n else 0.0
        interval = stats.compute_wilson_interval(successes, n) if n else None
        low, high = (100 * interval.low, 100 * interval.high) if interval else (None, None)
        numerator = successes
    else:
        value = float(level + rng.normal(0, abs(level) * 0.15 + 0.5) / math.sqrt(max(n, 1)))
        if rng.random() < 0.2:
            value = float(round(value))  # ties for Mann-Kendall
        numerator = value * n
        interval = stats.compute_mean_interval(value, abs(level) * 0.3 + 1.0, n)
        low, high = interval.low, interval.high  # (-inf, inf) below two observations
        if rng.random() < 0.1:
            low, high = None, None
    if rng.random() < 0.02:
        value = math.nan  # an odd value: the whole series goes to the per-series rules
    return Observation(period, value, numerator, n, low, high, baseline, floor, None, ref)


def random_series(rng, agent, team, program, metric, weeks, level, team_level, floor):
    observations = []
    for w, period in enumerate(weeks):
        if rng.random() < 0.15:
            continue  # a week without data
        baseline = team_level[w]
        if rng.random() < 0.05:
            baseline = None if rng.random() < 0.5 else math.nan
        elif rng.random() < 0.3:
            baseline = float(round(baseline, 1))
        drift = level * (1 - 0.04 * max(0, w - len(weeks) + 6) * (rng.random() < 0.2))
        ref = f"{agent}-{metric}-{w}"
        observations.append(random_observation(rng, metric, period, drift, baseline, floor, ref))
        if rng.random() < 0.02:  # the same week twice: the first one counts
            observations.append(random_observation(rng, metric, period, level, None, floor, ref))
    if rng.random() < 0.05:
        # another kind of period starting on a judged Monday: not one of the weeks
        month = Period(PeriodKind.MONTH, weeks[-2].start)
        observations.append(random_observation(rng, metric, month, level, None, floor, "m"))
    if rng.random() < 0.1:
        rng.shuffle(observations)
    return AgentSeries(agent, team, program, metric, tuple(observations))


@functools.cache  # the inputs are frozen: each seed is built once for all the tests
def random_inputs(seed: int, agents: int = 24) -> DiagnosisInputs:
    rng = np.random.default_rng(seed)
    config = random_config(rng)
    weeks = weeks_ending(LAST, config.lookback_periods + 2)
    series = []
    for metric in METRICS:
        share = CATALOG[metric].aggregate is Aggregate.SHARE
        base = 0.8 if share else LEVELS.get(metric, 30.0)
        floor = FLOORS.get(metric)
        teams = {}
        for t in range(4):
            drop = 1.0 - 0.15 * (t == 0) * (CATALOG[metric].better is Better.HIGHER)
            teams[t] = [base * drop * (100 if share else 1) for _ in weeks]
        for a in range(agents):
            team = a % 4
            level = base * (1 + rng.normal(0, 0.08)) * (0.85 if team == 0 else 1.0)
            agent_floor = None if rng.random() < 0.15 else floor
            args = (f"A{a:02d}", f"T{team}", f"P{team // 3}", metric, weeks, level)
            series.append(random_series(rng, *args, teams[team], agent_floor))
    if rng.random() < 0.5:  # a series given twice: the last one counts
        again = series[int(rng.integers(len(series)))]
        series.append(dataclasses.replace(again, observations=again.observations[:-1]))
    return DiagnosisInputs(
        as_of=AS_OF,
        last_period=LAST,
        series=tuple(series),
        events=random_events(rng, weeks),
        coaching=tuple(
            CoachingRecord(
                f"S{i}",
                f"A{rng.integers(agents):02d}",
                AS_OF - dt.timedelta(days=int(d)),
                "coaching",
                str(rng.choice(METRICS)),
            )
            for i, d in enumerate(rng.integers(1, 120, size=12))
        ),
        mixes=tuple(
            random_mix(rng, f"A{a:02d}", m) for a in range(0, agents, 5) for m in ("aht", "fcr")
        ),
        behaviours=tuple(
            BehaviourTally(f"A{a:02d}", "greeting", 10, int(rng.integers(0, 8)), 200, 20)
            for a in range(agents)
        ),
        config=config,
    )


def random_events(rng, weeks) -> tuple[ContextEvent, ...]:
    events = []
    for i in range(int(rng.integers(0, 3))):
        first = weeks[int(rng.integers(len(weeks) - 5, len(weeks)))].start
        team = None if rng.random() < 0.3 else f"T{rng.integers(4)}"
        events.append(
            ContextEvent(f"E{i}", "P0", team, "outage", first, first + dt.timedelta(days=20))
        )
    return tuple(events)


def random_mix(rng, agent: str, metric: str) -> MixProfile:
    def cells(scale: int):
        return tuple(
            MixCell("phone", band, "billing", n, float(rng.binomial(n, 0.7)), 0.0)
            for band, n in (("0-20s", int(rng.integers(0, 30)) * scale), ("21-60s", 8 * scale))
        )

    return MixProfile(agent, metric, cells(1), cells(20))


SEEDS = range(20)


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_and_per_series_diagnoses_are_identical(seed):
    inputs = random_inputs(seed)
    batch = diagnose(inputs)
    reference = diagnose(inputs, screen=ReferenceScreen)
    assert batch.findings == reference.findings
    assert batch.groups == reference.groups


@pytest.mark.parametrize("seed", SEEDS)
def test_each_judged_week_and_its_pooled_interval_are_the_per_series_ones(seed):
    inputs = random_inputs(seed)
    config, last = inputs.config, inputs.last_period
    series = [s for s in inputs.series if s.metric in DIAGNOSED_METRICS]
    table = build_table(series, last, config)
    verdicts, point_below = judge_windows(table, config)
    n, low, high, has_interval = pooled_intervals(table, config)
    window = table.periods[-config.window :]
    for row, s in enumerate(series):
        if table.irregular[row]:
            continue
        for c, period in enumerate(window):
            judgement = judge_period(s, period, config)
            assert VERDICTS[verdicts[row, c]] is judgement.verdict, (s, period)
            assert point_below[row, c] == judgement.point_below
            pooled = pool_back(s, period, config)
            if pooled is None:
                continue
            assert n[row, c] == pooled.n
            assert has_interval[row, c] == (pooled.low is not None)
            if pooled.low is not None:  # bit for bit, not approximately
                assert (low[row, c], high[row, c]) == (pooled.low, pooled.high)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_batch_screen_answers_as_the_per_series_rules(seed):
    inputs = random_inputs(seed)
    config, last = inputs.config, inputs.last_period
    latest = {(s.agent_id, s.metric): s for s in inputs.series if s.metric in DIAGNOSED_METRICS}
    series = list(latest.values())
    batch = BatchScreen(series, last, config)
    reference = ReferenceScreen(series, last, config)
    assert batch.shares(inputs.events) == reference.shares(inputs.events)
    for row, s in enumerate(series):
        assert batch.state(row) is reference.state(row)
        assert batch.shows_gap(row) == reference.shows_gap(row)
        assert batch.gap(row) == evaluate_sustained_gap(s, last, config)
        if not batch.may_trend(row):  # a filter: it may pass too many, never too few
            assert evaluate_trend(s, last, config) is None
        if s.metric == "aht" and not batch.may_rush(row):
            pair = evaluate_pair(s, latest.get((s.agent_id, "fcr")), None, last, config)
            assert pair.verdict is PairVerdict.NONE


def test_the_random_inputs_reach_every_outcome():
    """A generator that never produced a gap or a trend would make the tests above empty."""
    findings = [f for seed in SEEDS for f in diagnose(random_inputs(seed)).findings]
    kinds = {f.kind.value for f in findings}
    causes = {f.cause.value for f in findings}
    assert kinds >= {"sustained_gap", "possible_gap", "trend"}
    assert causes >= {"individual", "systemic", "insufficient_data"}
    tables = [
        build_table([s for s in i.series if s.metric in DIAGNOSED_METRICS], LAST, i.config)
        for i in map(random_inputs, SEEDS)
    ]
    assert any(table.irregular.any() for table in tables)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_the_bench_programs_diagnose_identically(seed):
    for program in build_inputs(480, seed=seed):
        batch = diagnose(program)
        reference = diagnose(program, screen=ReferenceScreen)
        assert batch.findings == reference.findings
        assert batch.groups == reference.groups
