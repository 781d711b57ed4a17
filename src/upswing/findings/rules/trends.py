"""Early declines: a Mann-Kendall trend or a CUSUM signal in an agent's weekly values, and
whether the rest of the team declined over the same weeks."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from upswing import stats
from upswing.findings.rules.gaps import clamp
from upswing.findings.rules.types import AgentSeries, DiagnosisConfig
from upswing.metrics import CATALOG, Aggregate, Better
from upswing.periods import Period, window_ending
from upswing.stats.trend import MIN_TREND_LENGTH

# --- trend ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrendAssessment:
    periods: tuple[Period, ...]
    first_value: float
    last_value: float
    slope: float  # per period, in the metric's unit (Sen's slope)
    fitted_first: float  # Sen's line at the window's first and last period
    fitted_last: float
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
        # the line's ends as a reader can take them: a steep line may run past 100% or 0
        fitted_first=clamp(series.metric, fitted_first),
        fitted_last=clamp(series.metric, fitted_last),
        p_value=p_value if declining else None,
        cusum_period=periods[cusum_at] if cusum_at is not None else None,
        refs=refs,
    )


def fitted_change(series: AgentSeries, periods: Sequence[Period], min_periods: int):
    """The change along Sen's line of the agent's own values over `periods` (None with fewer
    than `min_periods` weeks of data)."""
    xs, positions = [], []
    for i, p in enumerate(periods):
        obs = series.at(p)
        if obs is not None and obs.n > 0 and math.isfinite(obs.value):
            xs.append(obs.value)
            positions.append(i)
    if len(xs) < min_periods:
        return None
    slope, _ = _sen_line(xs, positions)
    return slope * (len(periods) - 1) if math.isfinite(slope) else None


@dataclass(frozen=True, slots=True)
class TeamDecline:
    """Whether teammates (the agent left out) declined over the same weeks: their pooled
    weekly value falls (Mann-Kendall) and the median teammate moved materially."""

    teammates: int
    median_change: float
    p_value: float
    shared: bool


def team_decline(
    teammates: Sequence[AgentSeries], periods: Sequence[Period], config: DiagnosisConfig
) -> TeamDecline | None:
    """Robust to one outlier teammate: the median of their own changes must be material, and
    their pooled weekly values must fall significantly, so neither noise nor a single agent's
    collapse makes an agent's decline the team's."""
    if not teammates:
        return None
    metric = teammates[0].metric
    changes = [fitted_change(s, periods, config.trend_min_periods) for s in teammates]
    changes = [c for c in changes if c is not None]
    if len(changes) < config.systemic_min_agents:
        return None
    totals = []
    for p in periods:
        observed = [o for s in teammates if (o := s.at(p)) is not None and o.n > 0]
        n = sum(o.n for o in observed)
        totals.append(sum(o.numerator for o in observed) / n if n else math.nan)
    values = np.array(totals)
    present = values[~np.isnan(values)]
    worse_sign = 1.0 if CATALOG[metric].better is Better.HIGHER else -1.0
    z, p_value = _mann_kendall_z(present)
    median_change = _median(changes)
    level = float(np.mean(present[: max(2, present.size // 2)])) if present.size else math.nan
    scale = 100.0 if CATALOG[metric].aggregate is Aggregate.SHARE else 1.0
    material = (
        math.isfinite(level)
        and level != 0
        and -median_change * worse_sign >= config.trend_min_change * abs(level * scale)
    )
    shared = z * worse_sign < 0 and p_value < config.trend_alpha and material
    return TeamDecline(len(changes), median_change, p_value, shared)


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
