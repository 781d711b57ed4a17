"""Synthetic diagnosis inputs for `make bench`: weekly agent series held in memory.

Agents in teams of 12 (20 teams a program), 11 metrics x 26 weeks each, values drawn around a
per-agent level with realistic sample sizes and the same intervals refresh stores. About 2% of
agents decline in the last 8 weeks and one team in 20 drops together, so that every rule
(gaps, pooling, trends, pairs, causes, ladder) does real work, not only the quiet path.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from upswing import stats
from upswing.findings import rules
from upswing.periods import Period, PeriodKind

WEEKS = 26
TEAM_SIZE = 12
TEAMS_PER_PROGRAM = 20
FIRST_MONDAY = dt.date(2026, 5, 4)
# metric -> (kind, level, spread between agents, weekly n, sla floor, per-observation sd)
METRICS = {
    "volume": ("count", 45.0, 5.0, 1, None, 0.0),
    "aht": ("mean", 420.0, 40.0, 45, 600.0, 180.0),
    "fcr": ("share", 0.80, 0.03, 45, 70.0, 0.0),
    "csat": ("share", 0.82, 0.04, 7, 75.0, 0.0),
    "csat_score": ("mean", 4.2, 0.15, 7, None, 0.9),
    "nps": ("mean", 35.0, 8.0, 5, None, 60.0),
    "ces": ("mean", 5.6, 0.2, 5, 5.0, 1.0),
    "qa": ("mean", 91.0, 2.5, 2, 85.0, 8.0),
    "escalation": ("share", 0.05, 0.01, 45, 8.0, 0.0),
    "reopen": ("share", 0.055, 0.01, 45, 10.0, 0.0),
    "wait": ("mean", 25.0, 3.0, 45, None, 30.0),
}
WORSE_DOWN = {"fcr", "csat", "csat_score", "ces", "qa"}


def periods() -> list[Period]:
    return [Period(PeriodKind.WEEK, FIRST_MONDAY + dt.timedelta(weeks=w)) for w in range(WEEKS)]


def build_inputs(agents: int, *, seed: int = 1) -> list[rules.DiagnosisInputs]:
    """One DiagnosisInputs per program (the unit the service diagnoses)."""
    rng = np.random.default_rng(seed)
    weeks = periods()
    team = np.arange(agents) // TEAM_SIZE
    program = team // TEAMS_PER_PROGRAM
    drift = np.zeros((agents, WEEKS))
    decliners = rng.random(agents) < 0.02
    drift[decliners, -8:] = np.linspace(0.1, 1.0, 8)
    team_drop = (team % 20 == 7)[:, None] & (np.arange(WEEKS) >= WEEKS - 4)[None, :]
    series_by_program: dict[int, list[rules.AgentSeries]] = {}
    for metric, spec in METRICS.items():
        values, numerators, n, low, high = _metric(rng, metric, spec, drift, team_drop)
        baseline = _team_means(values, team)
        floor = spec[4]
        for a in range(agents):
            observations = tuple(
                rules.Observation(
                    weeks[w],
                    float(values[a, w]),
                    float(numerators[a, w]),
                    int(n[a, w]),
                    _finite(low[a, w]),
                    _finite(high[a, w]),
                    float(baseline[a, w]),
                    floor,
                    None,
                    f"{a}-{metric}-{w}",
                )
                for w in range(WEEKS)
                if n[a, w] > 0
            )
            series_by_program.setdefault(int(program[a]), []).append(
                rules.AgentSeries(f"A{a}", f"T{team[a]}", f"P{program[a]}", metric, observations)
            )
    return [
        rules.DiagnosisInputs(
            as_of=weeks[-1].end, last_period=weeks[-1], series=tuple(series_by_program[p])
        )
        for p in sorted(series_by_program)
    ]


def _metric(rng, metric, spec, drift, team_drop):
    kind, level, spread, weekly_n, _floor, sd = spec
    agents = drift.shape[0]
    n = np.maximum(0, rng.poisson(weekly_n, (agents, WEEKS)))
    own = level + spread * rng.standard_normal((agents, 1))
    sign = -1.0 if metric in WORSE_DOWN else 1.0
    shift = sign * (drift + 0.8 * team_drop) * (3 * spread)
    truth = own + shift
    if kind == "share":
        p = np.clip(truth, 0.001, 0.999)
        successes = rng.binomial(n, p).astype(float)
        safe = np.maximum(n, 1)
        low, high = stats.wilson_interval_arrays(successes, safe, 0.95)
        return 100 * successes / safe, successes, n, 100 * low, 100 * high
    if kind == "count":
        values = np.maximum(0.0, rng.normal(truth, spread, (agents, WEEKS)).round())
        ones = np.ones_like(values, dtype=int)
        return values, values, ones, np.full(values.shape, np.nan), np.full(values.shape, np.nan)
    means = truth + sd * rng.standard_normal((agents, WEEKS)) / np.sqrt(np.maximum(n, 1))
    sds = np.full(means.shape, sd)
    low, high = stats.mean_interval_arrays(means, sds, np.maximum(n, 1), 0.95)
    return means, means * n, n, low, high


def _team_means(values: np.ndarray, team: np.ndarray) -> np.ndarray:
    sums = np.zeros((team.max() + 1, values.shape[1]))
    np.add.at(sums, team, values)
    counts = np.bincount(team)[:, None]
    return (sums / counts)[team]


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None
