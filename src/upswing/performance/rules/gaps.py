"""Is a gap real and sustained? Each period is judged on its interval, small periods pooled.

A period counts as below its standard only when its whole interval lies on the wrong side
of it (the SLA floor, or the team's value less the material margin). A period with too few
observations, even after pooling with the periods before it, is unknown: it neither
convicts nor clears. A period without data is a gap in the series, never skipped over.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from upswing import stats
from upswing.metrics import CATALOG, Aggregate, Better
from upswing.performance.rules.types import (
    AgentSeries,
    DiagnosisConfig,
    GapState,
    Observation,
    Verdict,
)
from upswing.periods import Period
from upswing.stats.trend import MIN_TREND_LENGTH

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
class GapAssessment:
    series: AgentSeries
    window: tuple[Period, ...]
    judgements: tuple[PeriodJudgement, ...]
    state: GapState

    @property
    def below(self) -> tuple[PeriodJudgement, ...]:
        return tuple(j for j in self.judgements if j.verdict in _BELOW)

    @property
    def below_floor(self) -> tuple[PeriodJudgement, ...]:
        return tuple(j for j in self.judgements if j.verdict is Verdict.BELOW_FLOOR)

    @property
    def point_below_count(self) -> int:
        return sum(j.point_below for j in self.judgements)

    @property
    def with_data(self) -> tuple[PeriodJudgement, ...]:
        return tuple(j for j in self.judgements if j.observation is not None)


_BELOW = (Verdict.BELOW_FLOOR, Verdict.BELOW_TEAM)


@functools.lru_cache(maxsize=256)  # the same few windows, asked for by every series
def window_ending(last: Period, length: int) -> tuple[Period, ...]:
    periods = [last]
    while len(periods) < length:
        periods.append(periods[-1].previous())
    return tuple(reversed(periods))


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
    half_width = (obs.ci_high - obs.ci_low) / 2
    return half_width * math.sqrt(obs.n) / stats.t_for_confidence(confidence, obs.n - 1)


def pool(observations: list[Observation], metric: str, confidence: float) -> Pooled:
    """Combine periods exactly: shares from their counts, means from their sums of squares."""
    n = sum(o.n for o in observations)
    numerator = sum(o.numerator for o in observations)
    periods = tuple(sorted(o.period for o in observations))
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
    sd = pooled_sd(observations, mean, n, confidence)
    if sd is None or n < 2:
        return Pooled(periods, n, numerator, mean, None, None, refs)
    interval = stats.compute_mean_interval(mean, sd, n, confidence)
    return Pooled(periods, n, numerator, mean, interval.low, interval.high, refs)


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

    Insufficient when the point estimates say "sustained" but too few periods could be
    judged to confirm it: that is reported, never judged.
    """
    window = window_ending(last, config.window)
    judgements = tuple(judge_period(series, p, config) for p in window)
    below = sum(j.verdict in _BELOW for j in judgements)
    suggested = sum(
        j.verdict in _BELOW or (j.verdict is Verdict.UNKNOWN and j.point_below) for j in judgements
    )
    unjudgeable = all(j.verdict is Verdict.NO_STANDARD or j.observation is None for j in judgements)
    if unjudgeable and any(j.verdict is Verdict.NO_STANDARD for j in judgements):
        state = GapState.NO_STANDARD
    elif below >= config.periods_below:
        state = GapState.SUSTAINED
    elif suggested >= config.periods_below:
        state = GapState.INSUFFICIENT
    else:
        state = GapState.NOT_SUSTAINED
    return GapAssessment(series, window, judgements, state)


# --- trend ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrendAssessment:
    periods: tuple[Period, ...]
    first_value: float
    last_value: float
    slope: float  # per period, in the metric's unit (Sen's slope)
    p_value: float | None  # Mann-Kendall, when it is the detector
    cusum_period: Period | None  # the period where CUSUM signalled, when it did
    refs: tuple[str, ...]


def evaluate_trend(
    series: AgentSeries, last: Period, config: DiagnosisConfig
) -> TrendAssessment | None:
    """A steady decline, found early: Mann-Kendall on the weekly values (gaps kept as gaps)
    or a tabular CUSUM against the agent's own earlier level. The change must be material."""
    periods = window_ending(last, config.trend_periods)
    observations = [series.at(p) for p in periods]
    values = np.array([o.value if o is not None and o.n > 0 else np.nan for o in observations])
    present = np.flatnonzero(~np.isnan(values))
    if present.size < config.trend_min_periods:
        return None
    worse_sign = 1.0 if CATALOG[series.metric].better is Better.HIGHER else -1.0
    # Cheapest test first: most series have neither a Mann-Kendall decline nor a CUSUM signal,
    # and then Sen's slope (the costly part) is never needed. The outcome is the same.
    z, p_value = _mann_kendall_z(values[present])
    declining = z * worse_sign < 0 and p_value < config.trend_alpha
    cusum_at = None
    if not declining:
        cusum_at = _cusum_signal(series, observations, values, present, worse_sign, config)
        if cusum_at is None:
            return None
    slope, intercept = _sen_line(values[present].tolist(), present.tolist())
    fitted_first = intercept
    fitted_last = intercept + slope * (len(periods) - 1)
    if not _material_change(fitted_first, fitted_last, worse_sign, config):
        return None
    if declining:
        cusum_at = _cusum_signal(series, observations, values, present, worse_sign, config)
    refs = tuple(o.ref for o in observations if o is not None and o.ref is not None)
    return TrendAssessment(
        periods=periods,
        first_value=float(values[present[0]]),
        last_value=float(values[present[-1]]),
        slope=slope,
        p_value=p_value if declining else None,
        cusum_period=periods[cusum_at] if cusum_at is not None else None,
        refs=refs,
    )


def _mann_kendall_z(x: np.ndarray) -> tuple[float, float]:
    """Mann-Kendall's z and two-sided p exactly as stats.mann_kendall computes them (tie
    correction, continuity correction), without Sen's slope; plain Python on a short series
    is several times faster than numpy's per-call overhead."""
    xs = x.tolist()
    n = len(xs)
    if n < MIN_TREND_LENGTH:
        return 0.0, 1.0
    s = 0
    for i, earlier in enumerate(xs):
        for later in xs[i + 1 :]:
            s += (later > earlier) - (later < earlier)
    ties = Counter(xs).values()
    var_s = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18.0
    z = 0.0 if s == 0 or var_s <= 0 else (s - math.copysign(1.0, s)) / math.sqrt(var_s)
    return z, math.erfc(abs(z) / math.sqrt(2.0))


def _sen_line(xs: list[float], positions: list[int]) -> tuple[float, float]:
    """Sen's slope and intercept exactly as stats.compute_sen_slope computes them (the same
    divisions, the same medians), in plain Python: a short series is faster without numpy."""
    count = len(xs)
    if count < 2:
        return math.nan, math.nan
    slopes = [
        (xs[j] - xs[i]) / (positions[j] - positions[i])
        for i in range(count)
        for j in range(i + 1, count)
    ]
    slope = _median(slopes)
    return slope, _median(xs) - _median(positions) * slope


def _median(values: list) -> float:
    """np.median of a 1-d list: NaN if any value is NaN, else the middle order statistic or
    the mean of the two middle ones."""
    if any(v != v for v in values):
        return math.nan
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _one_sided_cusum_signals(
    xs: list[float], target: float, sigma: float, worse_sign: float, config: DiagnosisConfig
) -> list[int]:
    """The worse-direction side of stats.tabular_cusum (K = k*sigma, H = h*sigma, no reset):
    the positions whose statistic exceeds H, computed with the same float operations."""
    reference, interval = config.cusum_k * sigma, config.cusum_h * sigma
    statistic, signals = 0.0, []
    for i, x in enumerate(xs):
        step = (target - reference) - x if worse_sign > 0 else x - (target + reference)
        statistic = max(0.0, statistic + step)
        if statistic > interval:
            signals.append(i)
    return signals


def _material_change(first: float, last: float, worse_sign: float, config: DiagnosisConfig) -> bool:
    if not (math.isfinite(first) and math.isfinite(last)) or first == 0:
        return False
    drop = (first - last) * worse_sign
    return drop / abs(first) >= config.trend_min_change


def _cusum_signal(series, observations, values, present, worse_sign, config) -> int | None:
    """CUSUM on the periods with data, target the first half's mean, sigma the typical
    standard error of one period; a signal in the worse direction in the last 3 periods."""
    half = max(2, present.size // 2)
    target = float(np.mean(values[present[:half]]))
    z = stats.z_for_confidence(config.confidence)
    errors = []
    for index in present:
        obs = observations[index]
        if obs.ci_low is not None and obs.ci_high is not None and math.isfinite(obs.ci_high):
            errors.append((obs.ci_high - obs.ci_low) / (2 * z))
    sigma = float(_median(errors)) if errors else 0.0
    if not sigma > 0:
        return None
    signals = _one_sided_cusum_signals(values[present].tolist(), target, sigma, worse_sign, config)
    recent = [i for i in signals if i >= present.size - 3]
    if not recent:
        return None
    return int(present[recent[0]])
