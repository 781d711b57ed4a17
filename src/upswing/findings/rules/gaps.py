"""Is a gap real and sustained? Each period is judged on its interval, small periods pooled.

A period counts as below its standard only when its whole interval lies on the wrong side
of it (the SLA floor, or the team's value less the material margin). A period with too few
observations, even after pooling with the periods before it, is unknown: it neither
convicts nor clears. A period without data is a gap in the series, never skipped over.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from upswing import stats
from upswing.findings.rules.types import (
    AgentSeries,
    DiagnosisConfig,
    GapState,
    Observation,
    Verdict,
)
from upswing.metrics import CATALOG, Aggregate, Better, value_range
from upswing.periods import Period, window_ending

# Metrics a person is diagnosed on: they control them and each value has an interval.
DIAGNOSED_METRICS = tuple(
    m.code
    for m in CATALOG.values()
    if m.agent_controls
    and m.better is not Better.NEITHER
    and m.aggregate in (Aggregate.SHARE, Aggregate.MEAN)
)


@dataclass(frozen=True, slots=True)
class Pooled:
    """Observations of one or more consecutive periods combined from their totals."""

    periods: tuple[Period, ...]
    n: int
    numerator: float
    value: float
    low: float | None
    high: float | None
    refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PeriodJudgement:
    period: Period
    verdict: Verdict
    point_below: bool  # the period's own point estimate is on the wrong side
    observation: Observation | None
    pooled: Pooled | None


@dataclass(frozen=True, slots=True)
class WindowJudgement:
    """A sampled metric judged on every observation of its last N weeks pooled: the pooled
    value's one-sided bound (at the configured confidence) against the standard."""

    pooled: Pooled
    bound: float | None  # the one-sided bound on the better side (upper when higher is better)
    verdict: Verdict
    standard: float | None  # the floor (or the team bound) the bound was compared with


@dataclass(frozen=True, slots=True)
class GapAssessment:
    series: AgentSeries
    window: tuple[Period, ...]
    judgements: tuple[PeriodJudgement, ...]
    state: GapState
    pooled_window: WindowJudgement | None = None  # for a metric judged on pooled weeks
    # sustained on the pooled window with persistent point estimates, not week by week
    by_pooled_window: bool = False
    new: bool = False  # no data before the window: too early to call a gap sustained

    @property
    def below(self) -> tuple[PeriodJudgement, ...]:
        """The weeks below the standard: each on its own interval, or (judged on the pooled
        window) each on its point estimate."""
        if self.by_pooled_window:
            return tuple(j for j in self.judgements if j.point_below)
        return tuple(j for j in self.judgements if j.verdict in _BELOW)

    @property
    def below_floor(self) -> tuple[PeriodJudgement, ...]:
        if self.by_pooled_window:
            if self.pooled_window.verdict is not Verdict.BELOW_FLOOR:
                return ()
            return self.below
        return tuple(j for j in self.judgements if j.verdict is Verdict.BELOW_FLOOR)

    @property
    def weekly_intervals_below(self) -> int:
        """Weeks whose own interval lies wholly below the standard."""
        return sum(j.verdict in _BELOW for j in self.judgements)

    @property
    def point_below_count(self) -> int:
        return sum(j.point_below for j in self.judgements)

    @property
    def with_data(self) -> tuple[PeriodJudgement, ...]:
        return tuple(j for j in self.judgements if j.observation is not None)


_BELOW = (Verdict.BELOW_FLOOR, Verdict.BELOW_TEAM)


def is_worse(metric: str, number: float, bound: float) -> bool:
    higher = CATALOG[metric].better is Better.HIGHER
    return number < bound if higher else number > bound


def team_bound(metric: str, baseline: float, config: DiagnosisConfig) -> float:
    """The team's value moved by the material margin in the worse direction."""
    if CATALOG[metric].better is Better.HIGHER:
        return baseline * (1 - config.material_gap)
    return baseline * (1 + config.material_gap)


def interval_worse(metric: str, low: float, high: float, bound: float) -> bool:
    """The whole interval lies on the wrong side of `bound`."""
    if CATALOG[metric].better is Better.HIGHER:
        return high < bound
    return low > bound


def observation_sd(obs: Observation, confidence: float) -> float | None:
    """A mean's sample sd, read back from its stored Student t interval."""
    if obs.n < 2:
        return 0.0
    if obs.ci_low is None or obs.ci_high is None or not math.isfinite(obs.ci_high - obs.ci_low):
        return None
    # the wider side: a stored interval may be cut at the metric's range on the other one
    half_width = max(obs.value - obs.ci_low, obs.ci_high - obs.value)
    return half_width * math.sqrt(obs.n) / stats.t_for_confidence(confidence, obs.n - 1)


def pool(
    observations: list[Observation],
    metric: str,
    confidence: float,
    stored_confidence: float | None = None,
) -> Pooled:
    """Combine periods exactly: shares from their counts, means from their sums of squares
    (each period's sd read back from its stored interval, at `stored_confidence`, by default
    the same as the pooled interval's `confidence`)."""
    n = sum(o.n for o in observations)
    numerator = sum(o.numerator for o in observations)
    periods = tuple(sorted((o.period for o in observations), key=_period_order))
    refs = tuple(o.ref for o in observations if o.ref is not None)
    aggregate = CATALOG[metric].aggregate
    if n == 0:
        return Pooled(periods, 0, 0.0, math.nan, None, None, refs)
    if aggregate is Aggregate.SHARE:
        interval = stats.compute_wilson_interval(min(max(numerator, 0.0), n), n, confidence)
        return Pooled(
            periods,
            n,
            numerator,
            100 * numerator / n,
            100 * interval.low,
            100 * interval.high,
            refs,
        )
    mean = numerator / n
    stored = confidence if stored_confidence is None else stored_confidence
    sd = pooled_sd(observations, mean, n, stored)
    if sd is None or n < 2:
        return Pooled(periods, n, numerator, mean, None, None, refs)
    interval = stats.compute_mean_interval(mean, sd, n, confidence)
    low, high = in_range(metric, interval.low, interval.high)
    return Pooled(periods, n, numerator, mean, low, high, refs)


def _period_order(period: Period) -> tuple:
    """The periods' own order (kind, then first day), compared in C, not by the dataclass's
    generated method: a program's pools sort about a million of them."""
    return (period.kind, period.start)


def clamp(metric: str, number: float) -> float:
    """A value moved into the metric's range."""
    bottom, top = value_range(metric)
    return min(max(number, bottom), top)


def in_range(metric: str, low: float, high: float) -> tuple[float, float]:
    """An interval cut to the values the metric can take."""
    bottom, top = value_range(metric)
    return (bottom if low < bottom else low), (top if high > top else high)


def pooled_sd(
    observations: list[Observation], mean: float, n: int, confidence: float
) -> float | None:
    squares = 0.0
    for obs in observations:
        sd = observation_sd(obs, confidence)
        if sd is None:
            return None
        period_mean = obs.numerator / obs.n if obs.n else 0.0
        squares += (obs.n - 1) * sd * sd + obs.n * period_mean * period_mean
    if n < 2:
        return None
    return math.sqrt(max(0.0, (squares - n * mean * mean) / (n - 1)))


def pool_back(series: AgentSeries, period: Period, config: DiagnosisConfig) -> Pooled | None:
    """The period itself, widened to earlier periods until it has enough observations."""
    own = series.at(period)
    if own is None or own.n == 0:
        return None
    taken, current = [own], period
    for _ in range(config.pool_periods - 1):
        if sum(o.n for o in taken) >= config.min_n_for(series.metric):
            break
        current = current.previous()
        earlier = series.at(current)
        if earlier is not None and earlier.n > 0:
            taken.append(earlier)
    return pool(taken, series.metric, config.confidence)


def judge_period(series: AgentSeries, period: Period, config: DiagnosisConfig) -> PeriodJudgement:
    obs = series.at(period)
    metric = series.metric
    if obs is None or obs.n == 0:
        return PeriodJudgement(period, Verdict.UNKNOWN, False, None, None)
    bounds = _bounds(metric, obs, config)
    point_below = any(is_worse(metric, obs.value, b) for b in bounds.values())
    if not bounds:
        return PeriodJudgement(period, Verdict.NO_STANDARD, False, obs, None)
    pooled = pool_back(series, period, config)
    if pooled is None or pooled.low is None or pooled.n < config.min_n_for(metric):
        return PeriodJudgement(period, Verdict.UNKNOWN, point_below, obs, pooled)
    if "floor" in bounds and interval_worse(metric, pooled.low, pooled.high, bounds["floor"]):
        return PeriodJudgement(period, Verdict.BELOW_FLOOR, point_below, obs, pooled)
    if "team" in bounds and interval_worse(metric, pooled.low, pooled.high, bounds["team"]):
        return PeriodJudgement(period, Verdict.BELOW_TEAM, point_below, obs, pooled)
    return PeriodJudgement(period, Verdict.MEETS, point_below, obs, pooled)


def _bounds(metric: str, obs: Observation, config: DiagnosisConfig) -> dict[str, float]:
    bounds = {}
    if obs.sla_floor is not None and math.isfinite(obs.sla_floor):
        bounds["floor"] = obs.sla_floor
    if obs.baseline is not None and math.isfinite(obs.baseline):
        bounds["team"] = team_bound(metric, obs.baseline, config)
    return bounds


def evaluate_sustained_gap(
    series: AgentSeries, last: Period, config: DiagnosisConfig
) -> GapAssessment:
    """Below the standard in at least k of the last m periods, each judged on its interval.

    A metric sampled a few at a time (`config.pooled_weeks_for` > 1) is also judged on its
    pooled window: when the point estimates are below the standard in at least k of the m
    weeks (persistence) and the one-sided bound of all the window's observations pooled lies
    below it, the gap is sustained even though no single week's interval shows it.

    Insufficient when the point estimates say "sustained" but too few observations could be
    judged to confirm it: that is reported, never judged.
    """
    window = window_ending(last, config.window)
    judgements = tuple(judge_period(series, p, config) for p in window)
    below = sum(j.verdict in _BELOW for j in judgements)
    suggested = sum(
        j.verdict in _BELOW or (j.verdict is Verdict.UNKNOWN and j.point_below) for j in judgements
    )
    unjudgeable = all(j.verdict is Verdict.NO_STANDARD or j.observation is None for j in judgements)
    persistent = sum(j.point_below for j in judgements) >= config.periods_below
    pooled = None
    if persistent and below < config.periods_below:
        pooled = judge_pooled_window(series, last, config)
    new = is_new(series, window)
    if unjudgeable and any(j.verdict is Verdict.NO_STANDARD for j in judgements):
        state = GapState.NO_STANDARD
    elif below >= config.periods_below:
        state = GapState.INSUFFICIENT if new else GapState.SUSTAINED
    elif pooled is not None and pooled.verdict in _BELOW:
        state = GapState.INSUFFICIENT if new else GapState.SUSTAINED
        return GapAssessment(series, window, judgements, state, pooled, not new, new)
    elif suggested >= config.periods_below:
        state = GapState.INSUFFICIENT
    else:
        state = GapState.NOT_SUSTAINED
    return GapAssessment(series, window, judgements, state, pooled, False, new)


def is_new(series: AgentSeries, window: Sequence[Period]) -> bool:
    """The agent's data starts inside the judged window (a new hire, or new to the metric):
    a sustained gap is judged over the whole window, so it is too early to judge one."""
    starts = [o.period for o in series.observations if o.n > 0]
    return bool(starts) and min(starts) > window[0]


def judge_pooled_window(
    series: AgentSeries, last: Period, config: DiagnosisConfig
) -> WindowJudgement | None:
    """The last N weeks' observations pooled (N per metric), judged by their one-sided bound
    at the configured confidence against the most lenient SLA floor of those weeks. The team
    comparison moves week by week and stays weekly. None for a metric judged week by week."""
    weeks = config.pooled_weeks_for(series.metric)
    if weeks <= 1:
        return None
    metric = series.metric
    taken = [
        o
        for p in window_ending(last, weeks)
        if (o := series.at(p)) is not None and o.n > 0 and math.isfinite(o.value)
    ]
    # the two-sided (2c - 1) interval of the pooled confidence c: its bound is one-sided at c
    pooled = pool(taken, metric, 2 * config.pooled_confidence - 1, config.confidence)
    higher = CATALOG[metric].better is Better.HIGHER
    bound = pooled.high if higher else pooled.low
    floors = [o.sla_floor for o in taken if o.sla_floor is not None and math.isfinite(o.sla_floor)]
    if not floors:
        return WindowJudgement(pooled, bound, Verdict.NO_STANDARD, None)
    floor = min(floors) if higher else max(floors)
    if bound is None or not math.isfinite(bound) or pooled.n < config.min_n_for(metric):
        return WindowJudgement(pooled, bound, Verdict.UNKNOWN, floor)
    if is_worse(metric, bound, floor):
        return WindowJudgement(pooled, bound, Verdict.BELOW_FLOOR, floor)
    return WindowJudgement(pooled, bound, Verdict.MEETS, floor)
