"""Confidence intervals for shares (Wilson score) and for means (Student t).

Scalar functions return an `Interval` and, when there is no data, the whole range of
the parameter ((0, 1) for a share, (-inf, inf) for a mean): "we know nothing" must
never look like a narrow interval to a rule that compares it with a target. The array
versions, used by the scorecard refresh, return NaN bounds instead, which is what a
database column stores for "no interval".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from upswing.stats.student_t import student_t_quantile, student_t_quantiles

_STANDARD_NORMAL = NormalDist()


@dataclass(frozen=True, slots=True)
class Interval:
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def z_for_confidence(confidence: float) -> float:
    """Two-sided normal critical value: 1.959963984540054 for 0.95."""
    _check_confidence(confidence)
    return _STANDARD_NORMAL.inv_cdf(0.5 + confidence / 2.0)


def t_for_confidence(confidence: float, df: float) -> float:
    """Two-sided Student t critical value with `df` degrees of freedom."""
    _check_confidence(confidence)
    return student_t_quantile(0.5 + confidence / 2.0, df)


def t_for_confidence_array(confidence: float, df: np.ndarray) -> np.ndarray:
    """`t_for_confidence` for every degrees of freedom of `df` (arrays in and out)."""
    _check_confidence(confidence)
    return student_t_quantiles(0.5 + confidence / 2.0, df)


def compute_wilson_interval(
    successes: float,
    n: int,
    confidence: float = 0.95,
    *,
    continuity_correction: bool = False,
) -> Interval:
    """Wilson score interval for successes / n, as fractions in [0, 1].

    `continuity_correction=True` gives Newcombe's (1998) method 4. With n == 0 the
    interval is (0, 1): nothing is known about the share.
    """
    z = z_for_confidence(confidence)
    _check_share_inputs(successes, n)
    if n == 0:
        return Interval(0.0, 1.0)
    if continuity_correction:
        return _wilson_corrected(successes, n, z)
    return _wilson_plain(successes, n, z)


def _wilson_plain(successes: float, n: int, z: float) -> Interval:
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    high = 1.0 if successes == n else min(1.0, centre + half_width)
    return Interval(low, high)


def _wilson_corrected(successes: float, n: int, z: float) -> Interval:
    """Newcombe (1998) method 4: the score interval with continuity correction."""
    p = successes / n
    q = 1.0 - p
    z2 = z * z
    denominator = 2 * (n + z2)
    low_root = math.sqrt(max(0.0, z2 - 2 - 1 / n + 4 * p * (n * q + 1)))
    high_root = math.sqrt(max(0.0, z2 + 2 - 1 / n + 4 * p * (n * q - 1)))
    low = (2 * n * p + z2 - 1 - z * low_root) / denominator
    high = (2 * n * p + z2 + 1 + z * high_root) / denominator
    low = 0.0 if successes == 0 else min(max(0.0, low), p)
    high = 1.0 if successes == n else max(min(1.0, high), p)
    return Interval(low, high)


def wilson_interval_arrays(
    successes: np.ndarray,
    n: np.ndarray,
    confidence: float = 0.95,
    *,
    continuity_correction: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorized `compute_wilson_interval`: (low, high) arrays, NaN where n == 0."""
    z = z_for_confidence(confidence)
    successes, n = np.broadcast_arrays(
        np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    )
    _check_share_arrays(successes, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        if continuity_correction:
            low, high = _wilson_corrected_arrays(successes, n, z)
        else:
            low, high = _wilson_plain_arrays(successes, n, z)
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def _wilson_plain_arrays(
    successes: np.ndarray, n: np.ndarray, z: float
) -> tuple[np.ndarray, np.ndarray]:
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = z / denominator * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = np.where(successes == 0, 0.0, np.maximum(0.0, centre - half_width))
    high = np.where(successes == n, 1.0, np.minimum(1.0, centre + half_width))
    return low, high


def _wilson_corrected_arrays(
    successes: np.ndarray, n: np.ndarray, z: float
) -> tuple[np.ndarray, np.ndarray]:
    p = successes / n
    q = 1.0 - p
    z2 = z * z
    denominator = 2 * (n + z2)
    low_root = np.sqrt(np.maximum(0.0, z2 - 2 - 1 / n + 4 * p * (n * q + 1)))
    high_root = np.sqrt(np.maximum(0.0, z2 + 2 - 1 / n + 4 * p * (n * q - 1)))
    low = (2 * n * p + z2 - 1 - z * low_root) / denominator
    high = (2 * n * p + z2 + 1 + z * high_root) / denominator
    low = np.where(successes == 0, 0.0, np.minimum(np.maximum(0.0, low), p))
    high = np.where(successes == n, 1.0, np.maximum(np.minimum(1.0, high), p))
    return low, high


def compute_mean_interval(mean: float, sd: float, n: int, confidence: float = 0.95) -> Interval:
    """Student t interval for a mean from its sample size and sample sd (ddof = 1).

    With n < 2 the sd is undefined and the interval is (-inf, inf).
    """
    _check_confidence(confidence)
    if sd < 0:
        raise ValueError(f"standard deviation must be >= 0, got {sd}")
    if n < 2:
        return Interval(-math.inf, math.inf)
    half_width = t_for_confidence(confidence, n - 1) * sd / math.sqrt(n)
    return Interval(mean - half_width, mean + half_width)


def mean_interval_arrays(
    mean: np.ndarray, sd: np.ndarray, n: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorized `compute_mean_interval`: (low, high) arrays, NaN where n < 2.

    The t quantile is computed once per distinct sample size.
    """
    _check_confidence(confidence)
    mean, sd, n = np.broadcast_arrays(
        np.asarray(mean, dtype=float), np.asarray(sd, dtype=float), np.asarray(n, dtype=float)
    )
    if np.any(sd < 0):
        raise ValueError("standard deviations must be >= 0")
    usable = n >= 2
    critical = np.full(n.shape, np.nan)
    sizes, positions = np.unique(n[usable], return_inverse=True)
    quantiles = t_for_confidence_array(confidence, sizes - 1)
    critical[usable] = quantiles[positions.reshape(-1)] if sizes.size else np.nan
    with np.errstate(invalid="ignore"):
        half_width = critical * sd / np.sqrt(np.where(usable, n, np.nan))
    return mean - half_width, mean + half_width


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def _check_share_inputs(successes: float, n: int) -> None:
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in [0, n], got {successes} of {n}")


def _check_share_arrays(successes: np.ndarray, n: np.ndarray) -> None:
    if np.any(n < 0):
        raise ValueError("n must be >= 0")
    if np.any((successes < 0) | (successes > n)):
        raise ValueError("successes must be in [0, n]")
