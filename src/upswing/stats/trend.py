"""Mann-Kendall trend test with Sen's slope (the conventions of pyMannKendall's
`original_test`, itself checked against the R packages modifiedmk, fume, rkt, trend).

Missing values (NaN/None) are dropped for S, but Sen's slope keeps each value's
original position, so a week without data stays a gap in time instead of closing up.
Memory is O(n²) for Sen's slope, fine for the weekly and monthly series it serves.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MIN_TREND_LENGTH = 3


class Trend(enum.StrEnum):
    INCREASING = "increasing"
    DECREASING = "decreasing"
    NO_TREND = "no trend"


@dataclass(frozen=True, slots=True)
class MannKendallResult:
    n: int  # values used, after dropping missing ones
    s: float
    var_s: float
    z: float
    p_value: float  # two-sided
    trend: Trend
    tau: float  # Kendall's tau-a: S / (n(n-1)/2)
    sen_slope: float  # per position of the input series
    sen_intercept: float  # median(x) - median(t) * slope, t the 0-based positions

    @property
    def p_value_one_sided(self) -> float:
        """P-value for a trend in the direction of the observed S."""
        return self.p_value / 2.0


def mann_kendall(
    values: Sequence[float | None] | np.ndarray,
    alpha: float = 0.05,
    *,
    tie_correction: bool = True,
) -> MannKendallResult:
    """Two-sided Mann-Kendall test. With fewer than 3 values: no trend, p = 1.

    `tie_correction=False` ignores ties in var(S), as some older tables do.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    series = np.asarray(values, dtype=float).reshape(-1)
    positions = np.flatnonzero(~np.isnan(series))
    x = series[positions]
    n = int(x.size)
    s = compute_mann_kendall_s(x)
    var_s = compute_mann_kendall_variance(x, tie_correction=tie_correction)
    slope, intercept = compute_sen_slope(x, positions)
    tau = s / (n * (n - 1) / 2) if n >= 2 else math.nan
    if n < MIN_TREND_LENGTH:
        return MannKendallResult(n, s, var_s, 0.0, 1.0, Trend.NO_TREND, tau, slope, intercept)
    z = _continuity_corrected_z(s, var_s)
    p_value = math.erfc(abs(z) / math.sqrt(2.0))
    trend = _classify_trend(z, p_value, alpha)
    return MannKendallResult(n, s, var_s, z, p_value, trend, tau, slope, intercept)


def compute_mann_kendall_s(x: np.ndarray) -> float:
    """S = sum over i < j of sign(x_j - x_i)."""
    total = 0
    for i in range(x.size - 1):
        total += int(np.sign(x[i + 1 :] - x[i]).sum())
    return float(total)


def compute_mann_kendall_variance(x: np.ndarray, *, tie_correction: bool = True) -> float:
    """var(S) = [n(n-1)(2n+5) - sum over tie groups of t(t-1)(2t+5)] / 18."""
    n = x.size
    variance = n * (n - 1) * (2 * n + 5)
    if tie_correction:
        _, group_sizes = np.unique(x, return_counts=True)
        variance -= int(np.sum(group_sizes * (group_sizes - 1) * (2 * group_sizes + 5)))
    return variance / 18.0


def compute_sen_slope(x: np.ndarray, positions: np.ndarray | None = None) -> tuple[float, float]:
    """Sen's slope (median pairwise slope) and intercept at the given time positions."""
    if positions is None:
        positions = np.arange(x.size)
    if x.size < 2:
        return math.nan, math.nan
    first, second = np.triu_indices(x.size, k=1)
    slopes = (x[second] - x[first]) / (positions[second] - positions[first])
    slope = float(np.median(slopes))
    intercept = float(np.median(x) - np.median(positions) * slope)
    return slope, intercept


def _continuity_corrected_z(s: float, var_s: float) -> float:
    if s == 0 or var_s <= 0:
        return 0.0
    return (s - math.copysign(1.0, s)) / math.sqrt(var_s)


def _classify_trend(z: float, p_value: float, alpha: float) -> Trend:
    if p_value >= alpha or z == 0:
        return Trend.NO_TREND
    return Trend.INCREASING if z > 0 else Trend.DECREASING
