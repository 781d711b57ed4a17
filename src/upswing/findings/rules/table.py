"""Every series of a program as arrays, and each judged week of all of them at once.

The numpy form of `gaps.judge_period`: the same pooling (a small week takes earlier weeks
until it has enough observations), the same Wilson and Student t intervals and the same
verdicts, with each number computed by the same floating-point operations in the same order
as the per-series functions, so that every verdict is theirs (held to it by
tests/findings/test_rules_equivalence.py). A series whose values the arrays cannot carry
faithfully (a missing value or count, a negative count, a week given twice) is marked
`irregular` and left to the per-series functions.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from upswing import stats
from upswing.findings.rules.types import AgentSeries, DiagnosisConfig, Verdict
from upswing.metrics import CATALOG, Aggregate, Better, value_range
from upswing.periods import Period, window_ending

# Verdict codes, in this order: a code at least BELOW_TEAM is a period below the standard.
VERDICTS = (
    Verdict.UNKNOWN,
    Verdict.NO_STANDARD,
    Verdict.MEETS,
    Verdict.BELOW_TEAM,
    Verdict.BELOW_FLOOR,
)
UNKNOWN, NO_STANDARD, MEETS, BELOW_TEAM, BELOW_FLOOR = range(len(VERDICTS))

_FIELDS = ("n", "numerator", "value", "ci_low", "ci_high", "baseline", "sla_floor")
_READ = attrgetter(*_FIELDS)
_START = attrgetter("period.start")
_KIND = attrgetter("period.kind")


@dataclass(frozen=True, slots=True)
class SeriesTable:
    """One row per series, one column per period of the lookback (oldest first).

    Cells without an observation hold n = 0 and NaN elsewhere; None is NaN."""

    series: tuple[AgentSeries, ...]
    periods: tuple[Period, ...]
    n: np.ndarray
    numerator: np.ndarray
    value: np.ndarray
    low: np.ndarray
    high: np.ndarray
    baseline: np.ndarray
    floor: np.ndarray
    present: np.ndarray  # an observation with n > 0
    higher: np.ndarray  # (S, 1): higher is better for the row's metric
    share: np.ndarray  # (S, 1): the metric is a share (else a mean)
    min_n: np.ndarray  # (S, 1): observations a judged period needs
    bottom: np.ndarray  # (S, 1): the lowest value the metric can take
    top: np.ndarray  # (S, 1): the highest
    irregular: np.ndarray  # (S,): left to the per-series functions


def build_table(
    series: Sequence[AgentSeries], last: Period, config: DiagnosisConfig
) -> SeriesTable:
    periods = window_ending(last, config.lookback_periods)
    width = len(periods)
    cells, found = _cells(series, periods)
    values = np.full((len(series) * width, len(_FIELDS)), np.nan)
    if found:
        flat = np.fromiter(itertools.chain.from_iterable(map(_READ, found)), dtype=object)
        values[cells] = flat.reshape(len(found), len(_FIELDS)).astype(float)
    columns = values.reshape(len(series), width, len(_FIELDS))
    n, numerator, value = columns[..., 0], columns[..., 1], columns[..., 2]
    exists = np.zeros(len(series) * width, dtype=np.int64)
    np.add.at(exists, cells, 1)
    exists = exists.reshape(len(series), width)
    irregular = (exists > 1).any(axis=1) | (
        (exists > 0) & ~(np.isfinite(n) & (n >= 0) & np.isfinite(numerator) & ~np.isnan(value))
    ).any(axis=1)
    metrics = [s.metric for s in series]
    # an irregular row is left empty here: the per-series functions judge it
    n = np.where((exists > 0) & ~irregular[:, None], n, 0.0)
    return SeriesTable(
        series=tuple(series),
        periods=periods,
        n=n,
        numerator=numerator,
        value=value,
        low=columns[..., 3],
        high=columns[..., 4],
        baseline=columns[..., 5],
        floor=columns[..., 6],
        present=n > 0,
        higher=_column([CATALOG[m].better is Better.HIGHER for m in metrics], bool),
        share=_column([CATALOG[m].aggregate is Aggregate.SHARE for m in metrics], bool),
        min_n=_column([config.min_n_for(m) for m in metrics], float),
        bottom=_column([value_range(m)[0] for m in metrics], float),
        top=_column([value_range(m)[1] for m in metrics], float),
        irregular=irregular,
    )


def _cells(series: Sequence[AgentSeries], periods: tuple[Period, ...]):
    """(flat cell index, observation) of every observation in the lookback.

    Looked up by start day (a cheap hash, and in C: this runs over every observation given),
    then the ones found are checked for the period's kind."""
    column = {p.start: i for i, p in enumerate(periods)}
    observations = list(itertools.chain.from_iterable(s.observations for s in series))
    starts = map(_START, observations)
    columns = np.fromiter(
        map(column.get, starts, itertools.repeat(-1)), dtype=np.int64, count=len(observations)
    )
    rows = np.repeat(np.arange(len(series)), [len(s.observations) for s in series])
    hit = columns >= 0
    found = list(itertools.compress(observations, hit.tolist()))
    cells = rows[hit] * len(periods) + columns[hit]
    kind = periods[-1].kind
    if set(map(_KIND, found)) - {kind}:  # rare: another kind of period starting that day
        same = np.fromiter(map(kind.__eq__, map(_KIND, found)), dtype=bool, count=len(found))
        cells, found = cells[same], list(itertools.compress(found, same.tolist()))
    return cells, found


def _column(values: list, dtype) -> np.ndarray:
    return np.array(values, dtype=dtype).reshape(-1, 1)


def worse(higher: np.ndarray, number: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """`gaps.is_worse`, row by row."""
    return np.where(higher, number < bound, number > bound)


def judge_windows(table: SeriesTable, config: DiagnosisConfig) -> tuple[np.ndarray, np.ndarray]:
    """(verdict codes, point_below) for the last `window` periods of every series, as
    `gaps.judge_period` gives them."""
    t, width = table, len(table.periods)
    own = slice(width - config.window, width)
    present, value = t.present[:, own], t.value[:, own]
    floor, baseline = t.floor[:, own], t.baseline[:, own]
    floor_ok, team_ok = np.isfinite(floor), np.isfinite(baseline)
    team = np.where(
        t.higher, baseline * (1 - config.material_gap), baseline * (1 + config.material_gap)
    )
    point_below = present & (
        (floor_ok & worse(t.higher, value, floor)) | (team_ok & worse(t.higher, value, team))
    )
    n, low, high, has_interval = pooled_intervals(table, config)
    judged = has_interval & (n >= t.min_n)

    def interval_worse(bound):
        return np.where(t.higher, high < bound, low > bound)

    verdict = np.select(
        [
            ~present,
            ~(floor_ok | team_ok),
            ~judged,
            floor_ok & interval_worse(floor),
            team_ok & interval_worse(team),
        ],
        [UNKNOWN, NO_STANDARD, UNKNOWN, BELOW_FLOOR, BELOW_TEAM],
        MEETS,
    )
    return verdict, point_below


def pooled_intervals(table: SeriesTable, config: DiagnosisConfig):
    """`gaps.pool_back` for each of the last `window` periods: (n, low, high, has_interval).

    Sums run in the order `pool` adds (the period itself, then each earlier one taken), and
    both a share's and a mean's interval are computed, each row keeping its own kind."""
    t, width, window = table, len(table.periods), config.window

    def back(a: np.ndarray, k: int) -> np.ndarray:
        return a[:, width - window - k : width - k]

    with np.errstate(all="ignore"):
        take = back(t.present, 0)
        n = np.where(take, back(t.n, 0), 0.0)
        numerator = 0.0 + np.where(take, back(t.numerator, 0), 0.0)
        squares, sd_ok = _squares(table, slice(width - window, width), take, config.confidence)
        for k in range(1, config.pool_periods):
            take = (n < t.min_n) & back(t.present, k)
            n = n + np.where(take, back(t.n, k), 0.0)
            numerator = numerator + np.where(take, back(t.numerator, k), 0.0)
            columns = slice(width - window - k, width - k)
            more, ok = _squares(table, columns, take, config.confidence)
            squares = squares + more
            sd_ok &= ok | ~take
        share_low, share_high = _wilson(numerator, n, config.confidence)
        mean_low, mean_high = _mean_interval(numerator, squares, n, config.confidence)
        # `gaps.in_range`: cut to the metric's values
        mean_low = np.where(mean_low < t.bottom, t.bottom, mean_low)
        mean_high = np.where(mean_high > t.top, t.top, mean_high)
    low = np.where(t.share, share_low, mean_low)
    high = np.where(t.share, share_high, mean_high)
    has_interval = t.share | (sd_ok & (n >= 2))
    return n, low, high, has_interval


def _squares(table: SeriesTable, columns: slice, take: np.ndarray, confidence: float):
    """Periods' parts of `gaps.pooled_sd` (0 where not taken), and whether their sd is known."""
    n, low, high = table.n[:, columns], table.low[:, columns], table.high[:, columns]
    width_known = ~np.isnan(low) & np.isfinite(high - low)
    value = table.value[:, columns]
    half_width = np.maximum(value - low, high - value)  # `gaps.observation_sd`'s wider side
    sd = np.where(n < 2, 0.0, half_width * np.sqrt(n) / t_quantiles(n, confidence))
    period_mean = table.numerator[:, columns] / n
    term = (n - 1) * sd * sd + n * period_mean * period_mean
    return np.where(take, term, 0.0), (n < 2) | width_known


def _wilson(numerator: np.ndarray, n: np.ndarray, confidence: float):
    """`gaps.pool`'s share interval: `stats.compute_wilson_interval` on the clamped count."""
    successes = np.where(numerator < 0.0, 0.0, numerator)
    successes = np.where(n < successes, n, successes)
    z = stats.z_for_confidence(confidence)
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = z / denominator * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low, high = centre - half_width, centre + half_width
    low = np.where(successes == 0, 0.0, np.where(low > 0.0, low, 0.0))
    high = np.where(successes == n, 1.0, np.where(high < 1.0, high, 1.0))
    return 100 * low, 100 * high


def _mean_interval(numerator: np.ndarray, squares: np.ndarray, n: np.ndarray, confidence: float):
    """`gaps.pooled_sd` and `stats.compute_mean_interval` on the pooled totals."""
    mean = numerator / n
    variance = (squares - n * mean * mean) / (n - 1)
    sd = np.sqrt(np.where(variance > 0.0, variance, 0.0))
    half_width = t_quantiles(n, confidence) * sd / np.sqrt(n)
    return mean - half_width, mean + half_width


def t_quantiles(n: np.ndarray, confidence: float) -> np.ndarray:
    """`stats.t_for_confidence(confidence, n - 1)` for every n of at least 2, NaN otherwise;
    computed once per distinct n."""
    sizes, where = np.unique(n, return_inverse=True)
    quantiles = np.full(sizes.shape, np.nan)
    judged = sizes >= 2
    quantiles[judged] = stats.t_for_confidence_array(confidence, sizes[judged] - 1)
    return quantiles[where.reshape(n.shape)] if sizes.size else np.full(n.shape, np.nan)
