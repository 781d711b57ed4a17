"""Inter-rater agreement for QA calibration: Krippendorff's alpha and the Shrout &
Fleiss (1979) intraclass correlations.

Both return NaN when the data carry no variation to agree about (every rating the
same): the statistic is 0/0 there, and a number would overstate what is known.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


class MeasurementLevel(enum.StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


def krippendorff_alpha(
    data: Sequence[Sequence[float | None]] | np.ndarray,
    level: MeasurementLevel | str = MeasurementLevel.INTERVAL,
) -> float:
    """Krippendorff's alpha on reliability data (rows observers, columns units, None or
    NaN missing). Units with fewer than two values are not pairable and are ignored."""
    level = MeasurementLevel(level)
    matrix = np.asarray(data, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("reliability data must be a 2-D matrix: observers x units")
    values, counts = _value_counts_by_unit(matrix)
    coincidences = _coincidence_matrix(counts)
    totals = coincidences.sum(axis=1)
    n = float(totals.sum())
    if n <= 1:
        return math.nan
    delta = _squared_distances(values, totals, level)
    observed = float((coincidences * delta).sum())
    expected = float((np.outer(totals, totals) * delta).sum()) / (n - 1)
    if expected == 0:
        return math.nan
    return 1.0 - observed / expected


def _value_counts_by_unit(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values, and a units x values matrix of how often each unit got each."""
    present = ~np.isnan(matrix)
    values, codes = np.unique(matrix[present], return_inverse=True)
    units = np.broadcast_to(np.arange(matrix.shape[1]), matrix.shape)[present]
    counts = np.zeros((matrix.shape[1], values.size))
    np.add.at(counts, (units, codes.reshape(-1)), 1.0)
    return values, counts


def _coincidence_matrix(counts: np.ndarray) -> np.ndarray:
    """o_ck = sum over pairable units of (n_uc n_uk - [c == k] n_uc) / (m_u - 1)."""
    per_unit = counts.sum(axis=1)
    pairable = counts[per_unit >= 2]
    weights = 1.0 / (per_unit[per_unit >= 2] - 1.0)
    pairs = (pairable * weights[:, None]).T @ pairable
    return pairs - np.diag((pairable * weights[:, None]).sum(axis=0))


def _squared_distances(
    values: np.ndarray, totals: np.ndarray, level: MeasurementLevel
) -> np.ndarray:
    c, k = values[:, None], values[None, :]
    if level is MeasurementLevel.NOMINAL:
        return (c != k).astype(float)
    if level is MeasurementLevel.INTERVAL:
        return (c - k) ** 2
    if level is MeasurementLevel.RATIO:
        total = c + k
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total == 0, 0.0, ((c - k) / total) ** 2)
    return _ordinal_distances(totals)


def _ordinal_distances(totals: np.ndarray) -> np.ndarray:
    """delta²_ck = (sum of n_g for g from c to k - (n_c + n_k) / 2)², ranks not values."""
    cumulative = np.concatenate(([0.0], np.cumsum(totals)))
    low = np.minimum.outer(np.arange(totals.size), np.arange(totals.size))
    high = np.maximum.outer(np.arange(totals.size), np.arange(totals.size))
    between = cumulative[high + 1] - cumulative[low]
    return (between - (totals[:, None] + totals[None, :]) / 2.0) ** 2


@dataclass(frozen=True, slots=True)
class IccMeanSquares:
    """Two-way ANOVA mean squares of a targets x judges matrix (Shrout & Fleiss)."""

    targets: int
    judges: int
    between_targets: float  # BMS
    within_targets: float  # WMS
    between_judges: float  # JMS
    residual: float  # EMS


_ICC_FORM = re.compile(r"^ICC\(([123]),\s*(1|k|\d+)\)$", re.IGNORECASE)


def intraclass_correlation(
    matrix: Sequence[Sequence[float]] | np.ndarray, form: str = "ICC(2,1)"
) -> float:
    """Shrout & Fleiss ICC on a complete matrix (rows targets, columns judges).

    Forms: ICC(1,1) one-way random; ICC(2,1) two-way random, absolute agreement;
    ICC(3,1) two-way mixed, consistency; ICC(1,k), ICC(2,k), ICC(3,k) the reliability of
    the mean of the k judges (k may also be written as the number of columns).
    """
    squares = compute_icc_mean_squares(matrix)
    model, average = _parse_icc_form(form, squares.judges)
    numerator, denominator = _icc_terms(squares, model, average)
    if denominator == 0:
        return math.nan
    return numerator / denominator


def compute_icc_mean_squares(matrix: Sequence[Sequence[float]] | np.ndarray) -> IccMeanSquares:
    ratings = np.asarray(matrix, dtype=float)
    if ratings.ndim != 2 or ratings.shape[0] < 2 or ratings.shape[1] < 2:
        raise ValueError("ICC needs a matrix of at least 2 targets x 2 judges")
    if not np.all(np.isfinite(ratings)):
        raise ValueError("ICC needs a complete matrix: no missing ratings")
    n, k = ratings.shape
    grand_mean = ratings.mean()
    total = float(((ratings - grand_mean) ** 2).sum())
    targets = k * float(((ratings.mean(axis=1) - grand_mean) ** 2).sum())
    judges = n * float(((ratings.mean(axis=0) - grand_mean) ** 2).sum())
    return IccMeanSquares(
        targets=n,
        judges=k,
        between_targets=targets / (n - 1),
        within_targets=(total - targets) / (n * (k - 1)),
        between_judges=judges / (k - 1),
        residual=(total - targets - judges) / ((n - 1) * (k - 1)),
    )


def _parse_icc_form(form: str, judges: int) -> tuple[int, bool]:
    """(model 1/2/3, whether the average of all judges is rated)."""
    match = _ICC_FORM.match(form.strip())
    if match is None:
        raise ValueError(f"unknown ICC form {form!r}; use e.g. 'ICC(2,1)' or 'ICC(3,k)'")
    raters = match.group(2).lower()
    if raters not in {"1", "k", str(judges)}:
        raise ValueError(f"{form} asks for {raters} judges but the matrix has {judges}")
    return int(match.group(1)), raters != "1"


def _icc_terms(squares: IccMeanSquares, model: int, average: bool) -> tuple[float, float]:
    n, k = squares.targets, squares.judges
    bms, wms = squares.between_targets, squares.within_targets
    jms, ems = squares.between_judges, squares.residual
    if model == 1:
        return bms - wms, bms if average else bms + (k - 1) * wms
    if model == 2:
        if average:
            return bms - ems, bms + (jms - ems) / n
        return bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n
    return bms - ems, bms if average else bms + (k - 1) * ems
