"""Control charts for sustained shifts: tabular CUSUM and EWMA (Montgomery, Introduction
to Statistical Quality Control, ch. 9).

Both take a series in its own units, the in-control target and the in-control standard
deviation, and report signal positions as 0-based indices into the series. Values must
be finite: a period without data is the caller's decision (skip it or impute it), not
something a chart should silently guess.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class CusumResult:
    """Tabular CUSUM statistics, in the units of the series.

    `upper_run_length[i]` is Montgomery's N+: consecutive periods since C+ was last 0.
    """

    target: float
    reference_value: float  # K = k * sigma
    decision_interval: float  # H = h * sigma
    upper: tuple[float, ...]  # C+
    lower: tuple[float, ...]  # C-
    upper_run_length: tuple[int, ...]
    lower_run_length: tuple[int, ...]
    upper_signals: tuple[int, ...]
    lower_signals: tuple[int, ...]

    @property
    def signals(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.upper_signals) | set(self.lower_signals)))

    def estimate_shifted_mean(self, index: int) -> float:
        """Montgomery's estimate of the new process mean at a signalling period."""
        if index in self.upper_signals:
            return (
                self.target
                + self.reference_value
                + (self.upper[index] / self.upper_run_length[index])
            )
        if index in self.lower_signals:
            return (
                self.target
                - self.reference_value
                - (self.lower[index] / self.lower_run_length[index])
            )
        raise ValueError(f"period {index} does not signal")


@dataclass(frozen=True, slots=True)
class EwmaResult:
    target: float
    z: tuple[float, ...]
    upper_limit: tuple[float, ...]
    lower_limit: tuple[float, ...]
    upper_signals: tuple[int, ...]
    lower_signals: tuple[int, ...]

    @property
    def signals(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.upper_signals) | set(self.lower_signals)))


def tabular_cusum(
    values: Sequence[float] | np.ndarray,
    target: float,
    sigma: float,
    k: float = 0.5,
    h: float = 5.0,
) -> CusumResult:
    """Tabular CUSUM with K = k*sigma and H = h*sigma, C0+ = C0- = 0, no reset after a
    signal. A period signals when its statistic exceeds H."""
    series = _finite_series(values)
    _check_positive(sigma=sigma, h=h)
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    reference, interval = k * sigma, h * sigma
    upper = _one_sided_cusum(series - (target + reference))
    lower = _one_sided_cusum((target - reference) - series)
    return CusumResult(
        target=target,
        reference_value=reference,
        decision_interval=interval,
        upper=tuple(upper),
        lower=tuple(lower),
        upper_run_length=_run_lengths(upper),
        lower_run_length=_run_lengths(lower),
        upper_signals=_indices(np.asarray(upper) > interval),
        lower_signals=_indices(np.asarray(lower) > interval),
    )


def _one_sided_cusum(excess: np.ndarray) -> list[float]:
    statistic, out = 0.0, []
    for step in excess:
        statistic = max(0.0, statistic + float(step))
        out.append(statistic)
    return out


def _run_lengths(statistic: list[float]) -> tuple[int, ...]:
    run, out = 0, []
    for value in statistic:
        run = run + 1 if value > 0 else 0
        out.append(run)
    return tuple(out)


def ewma_chart(
    values: Sequence[float] | np.ndarray,
    target: float,
    sigma: float,
    lam: float = 0.1,
    L: float = 2.7,  # noqa: N803 - Montgomery's name for the limit width
    *,
    start: float | None = None,
) -> EwmaResult:
    """EWMA chart: z_i = lam*x_i + (1-lam)*z_{i-1}, z_0 = start (the target by default),
    with the exact time-varying limits target ± L*sigma*sqrt(lam/(2-lam)*(1-(1-lam)^(2i)))."""
    series = _finite_series(values)
    _check_positive(sigma=sigma, L=L)
    if not 0.0 < lam <= 1.0:
        raise ValueError(f"lam must be in (0, 1], got {lam}")
    z = _exponentially_weighted(series, target if start is None else start, lam)
    periods = np.arange(1, series.size + 1)
    spread = L * sigma * np.sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 * periods)))
    upper, lower = target + spread, target - spread
    return EwmaResult(
        target=target,
        z=tuple(z),
        upper_limit=tuple(float(v) for v in upper),
        lower_limit=tuple(float(v) for v in lower),
        upper_signals=_indices(np.asarray(z) > upper),
        lower_signals=_indices(np.asarray(z) < lower),
    )


def _exponentially_weighted(series: np.ndarray, start: float, lam: float) -> list[float]:
    current, out = start, []
    for value in series:
        current = lam * float(value) + (1 - lam) * current
        out.append(current)
    return out


def _finite_series(values: Sequence[float] | np.ndarray) -> np.ndarray:
    series = np.asarray(values, dtype=float).reshape(-1)
    if not np.all(np.isfinite(series)):
        raise ValueError("control charts need finite values; drop or impute missing periods")
    return series


def _check_positive(**parameters: float) -> None:
    for name, value in parameters.items():
        if not (value > 0 and math.isfinite(value)):
            raise ValueError(f"{name} must be positive, got {value}")


def _indices(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.flatnonzero(mask))
