"""What `diagnose` asks of every series, answered for all series of a program at once.

Two screens answer the same questions. `ReferenceScreen` runs the per-series rules of `gaps`,
`pairs` and `causes` on every series: straightforward, and the reference. `BatchScreen` judges
every series' weeks at once with numpy (`table`), counts shared gaps from those arrays, and
lets only the series that can have a trend or rushing reach the per-series functions: the
same findings, a fraction of the calls (tests/findings/test_rules_equivalence.py).

Where a finding needs the details (the pooled evidence of a gap, Sen's slope of a trend, the
pair's p-values) both screens hand over to the per-series functions, for the few series
concerned. The batch screen's trend and pair filters may let through a series without the
finding, never hold back one with it: a margin of 1e-9 absorbs any difference in the last
bits of a sum.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from upswing import stats
from upswing.findings.rules.causes import (
    GapShare,
    events_explaining,
    events_explaining_periods,
    gap_share,
    shares_gap,
)
from upswing.findings.rules.gaps import GapAssessment, evaluate_sustained_gap
from upswing.findings.rules.table import (
    BELOW_TEAM,
    NO_STANDARD,
    UNKNOWN,
    SeriesTable,
    build_table,
    judge_windows,
)
from upswing.findings.rules.types import (
    AgentSeries,
    ContextEvent,
    DiagnosisConfig,
    GapState,
)
from upswing.periods import Period

_MARGIN = 1e-9
_STATES = (GapState.NOT_SUSTAINED, GapState.INSUFFICIENT, GapState.SUSTAINED, GapState.NO_STANDARD)
Shares = dict[tuple[str, str, str], GapShare]  # (scope, group id, metric)


class Screen(Protocol):
    """The questions `diagnose` asks of series `row` of `series`."""

    series: tuple[AgentSeries, ...]

    def __init__(
        self, series: Sequence[AgentSeries], last: Period, config: DiagnosisConfig
    ) -> None: ...
    def state(self, row: int) -> GapState: ...
    def shows_gap(self, row: int) -> bool: ...  # point estimates below in k periods
    def gap(self, row: int) -> GapAssessment: ...
    def may_trend(self, row: int) -> bool: ...  # False only if evaluate_trend gives None
    def may_rush(self, row: int) -> bool: ...  # False only if evaluate_pair gives NONE
    def shares(self, events: Sequence[ContextEvent]) -> Shares: ...


class ReferenceScreen:
    """The per-series rules on every series."""

    def __init__(self, series: Sequence[AgentSeries], last: Period, config: DiagnosisConfig):
        self.series = tuple(series)
        self._gaps = [evaluate_sustained_gap(s, last, config) for s in self.series]
        self._config = config

    def state(self, row: int) -> GapState:
        return self._gaps[row].state

    def shows_gap(self, row: int) -> bool:
        return shares_gap(self._gaps[row], self._config)

    def gap(self, row: int) -> GapAssessment:
        return self._gaps[row]

    def may_trend(self, row: int) -> bool:
        return True

    def may_rush(self, row: int) -> bool:
        return True

    def shares(self, events: Sequence[ContextEvent]) -> Shares:
        """Team and program shares of the same gap. An agent whose gap a recorded event
        explains is left out: it has its own explanation and says nothing about everyone
        else's process."""
        teams: dict[tuple[str, str], list[GapAssessment]] = defaultdict(list)
        programs: dict[tuple[str, str], list[GapAssessment]] = defaultdict(list)
        for gap in self._gaps:
            if events and events_explaining(gap, events, self._config):
                continue
            teams[(gap.series.team_id, gap.series.metric)].append(gap)
            programs[(gap.series.program_id, gap.series.metric)].append(gap)
        out = {}
        for scope, groups in (("team", teams), ("program", programs)):
            for (group_id, metric), members in groups.items():
                out[(scope, group_id, metric)] = gap_share(scope, group_id, members, self._config)
        return out


class BatchScreen:
    """The gap rule on whole arrays; trends and pairs filtered before the per-series rules."""

    def __init__(self, series: Sequence[AgentSeries], last: Period, config: DiagnosisConfig):
        table = build_table(series, last, config)
        verdict, point_below = judge_windows(table, config)
        window = table.present[:, -config.window :]
        self.series = table.series
        self._last, self._config = last, config
        self._window = table.periods[-config.window :]
        self._gaps: dict[int, GapAssessment] = {}
        self._states = _gap_states(verdict, point_below, window, config).tolist()
        self._shows = (point_below.sum(axis=1) >= config.periods_below).tolist()
        self._with_data = window.any(axis=1).tolist()
        self._flagged = point_below | (verdict >= BELOW_TEAM)
        self._trend = trend_candidates(table, config).tolist()
        self._rush = rush_candidates(table, config).tolist()
        # a persistent gap (point estimates below the standard in k weeks) is judged on its
        # pooled window, and a new agent's is too early to judge, by the per-series rule:
        # these rows are few
        for row in np.flatnonzero(self._shows).tolist():
            if not table.irregular[row]:
                self._states[row] = _STATES.index(self.gap(row).state)
        for row in np.flatnonzero(table.irregular).tolist():
            gap = self.gap(row)
            self._states[row] = _STATES.index(gap.state)
            self._shows[row] = shares_gap(gap, config)
            self._with_data[row] = bool(gap.with_data)
            self._flagged[row] = [j.point_below or j in gap.below for j in gap.judgements]
            self._trend[row] = self._rush[row] = True

    def state(self, row: int) -> GapState:
        return _STATES[self._states[row]]

    def shows_gap(self, row: int) -> bool:
        return self._shows[row]

    def gap(self, row: int) -> GapAssessment:
        """The full assessment, from the per-series rule, for a series with a finding."""
        if row not in self._gaps:
            self._gaps[row] = evaluate_sustained_gap(self.series[row], self._last, self._config)
        return self._gaps[row]

    def may_trend(self, row: int) -> bool:
        return self._trend[row]

    def may_rush(self, row: int) -> bool:
        return self._rush[row]

    def shares(self, events: Sequence[ContextEvent]) -> Shares:
        """As `ReferenceScreen.shares`, from the arrays."""
        teams: dict[tuple[str, str], tuple[list, list]] = {}
        programs: dict[tuple[str, str], tuple[list, list]] = {}
        for row, s in enumerate(self.series):
            if events and self._explained(row, events):
                continue
            for groups, group_id in ((teams, s.team_id), (programs, s.program_id)):
                agents, affected = groups.setdefault((group_id, s.metric), ([], []))
                if self._with_data[row]:
                    agents.append(s.agent_id)
                    if self._shows[row]:
                        affected.append(s.agent_id)
        return {
            (scope, group_id, metric): GapShare(
                scope, group_id, tuple(sorted(affected)), tuple(sorted(agents))
            )
            for scope, groups in (("team", teams), ("program", programs))
            for (group_id, metric), (agents, affected) in groups.items()
        }

    def _explained(self, row: int, events: Sequence[ContextEvent]) -> bool:
        flags = zip(self._window, self._flagged[row], strict=True)
        periods = [p for p, flagged in flags if flagged]
        return bool(events_explaining_periods(self.series[row], periods, events, self._config))


def _gap_states(verdict, point_below, present, config: DiagnosisConfig) -> np.ndarray:
    """`gaps.evaluate_sustained_gap`'s state, as an index into _STATES."""
    below = (verdict >= BELOW_TEAM).sum(axis=1)
    suggested = below + ((verdict == UNKNOWN) & point_below).sum(axis=1)
    no_standard = verdict == NO_STANDARD
    unjudgeable = (no_standard | ~present).all(axis=1) & no_standard.any(axis=1)
    return np.select(
        [unjudgeable, below >= config.periods_below, suggested >= config.periods_below],
        [3, 2, 1],
        0,
    )


# --- trends -----------------------------------------------------------------------------------


def trend_candidates(table: SeriesTable, config: DiagnosisConfig) -> np.ndarray:
    """Series `trends.evaluate_trend` may find a decline in: enough weeks, and a Mann-Kendall
    decline (decided exactly) or a CUSUM signal (within the margin). Sen's slope and the
    material change are left to the per-series rule."""
    t = table
    width = len(t.periods)
    recent = slice(width - config.trend_periods, width)
    x = np.where(t.present[:, recent], t.value[:, recent], np.nan)
    valid = ~np.isnan(x)
    count = valid.sum(axis=1)
    enough = count >= config.trend_min_periods
    worse_sign = np.where(t.higher[:, 0], 1.0, -1.0)
    z = _mann_kendall_z(x, valid, count)
    side = enough & (z * worse_sign < 0)
    p_value = np.ones(len(z))
    p_value[side] = [math.erfc(v) for v in (np.abs(z[side]) / math.sqrt(2.0)).tolist()]
    declining = side & (p_value < config.trend_alpha)
    signal = _cusum_may_signal(table, recent, x, valid, count, worse_sign, config)
    return t.irregular | (enough & (declining | signal))


def _mann_kendall_z(x: np.ndarray, valid: np.ndarray, count: np.ndarray) -> np.ndarray:
    """`trends._mann_kendall_z` row by row: S and the tie counts are exact integers."""
    width = x.shape[1]
    s = np.zeros(len(x), dtype=np.int64)
    ties = np.zeros(len(x), dtype=np.int64)
    for i in range(width):
        same = np.zeros(len(x), dtype=np.int64)
        for j in range(width):
            both = valid[:, i] & valid[:, j]
            same += both & (x[:, j] == x[:, i])
            if j > i:
                s += both * ((x[:, j] > x[:, i]).astype(np.int64) - (x[:, j] < x[:, i]))
        ties += np.where(valid[:, i], (same - 1) * (2 * same + 5), 0)
    var_s = (count * (count - 1) * (2 * count + 5) - ties) / 18.0
    with np.errstate(all="ignore"):
        z = (s - np.sign(s)) / np.sqrt(var_s)
    return np.where((s == 0) | (var_s <= 0), 0.0, z)


def _cusum_may_signal(table, recent, x, valid, count, worse_sign, config) -> np.ndarray:
    """`trends._cusum_signal` row by row, a signal counted within the margin. Sigma, the
    median standard error, is not finite only on odd inputs: those rows pass."""
    rank = np.cumsum(valid, axis=1) - 1
    half = np.maximum(2, count // 2)
    first = valid & (rank < half[:, None])
    total = np.zeros(len(x))
    for column in range(x.shape[1]):
        total = total + np.where(first[:, column], x[:, column], 0.0)
    target = total / half
    z = stats.z_for_confidence(config.confidence)
    low, high = table.low[:, recent], table.high[:, recent]
    known = valid & ~np.isnan(low) & np.isfinite(high)
    sigma = _row_median(np.where(known, (high - low) / (2 * z), np.nan))
    reference, interval = config.cusum_k * sigma, config.cusum_h * sigma
    scale = np.abs(target) + np.abs(reference) + np.abs(interval)
    scale = scale + np.where(valid, np.abs(x), 0.0).max(axis=1)
    statistic, signal = np.zeros(len(x)), np.zeros(len(x), dtype=bool)
    with np.errstate(all="ignore"):
        for column in range(x.shape[1]):
            xs = x[:, column]
            step = np.where(worse_sign > 0, (target - reference) - xs, xs - (target + reference))
            moved = np.maximum(0.0, statistic + step)
            statistic = np.where(valid[:, column], moved, statistic)
            late = valid[:, column] & (rank[:, column] >= count - 3)
            signal |= late & (statistic > interval - _MARGIN * 10 * scale)
    return ~np.isfinite(sigma) | ~np.isfinite(scale) | ((sigma > 0) & signal)


def _row_median(values: np.ndarray) -> np.ndarray:
    """np.median of each row's non-NaN values; 0.0 for a row without any."""
    ordered = np.sort(values, axis=1)  # NaN last
    known = (~np.isnan(values)).sum(axis=1)
    rows = np.arange(len(values))
    upper = ordered[rows, np.maximum(known // 2, 0).clip(max=values.shape[1] - 1)]
    lower = ordered[rows, np.maximum((known - 1) // 2, 0)]
    with np.errstate(all="ignore"):
        median = np.where(known % 2 == 1, upper, (lower + upper) / 2)
    return np.where(known == 0, 0.0, median)


# --- pairs ------------------------------------------------------------------------------------


def rush_candidates(table: SeriesTable, config: DiagnosisConfig) -> np.ndarray:
    """AHT series whose pooled mean moved by at least the pair rule's minimum between the
    two windows (within the margin): the only ones `pairs.evaluate_pair` can give a verdict."""
    t, width, m = table, len(table.periods), config.window
    pooled = []
    for window in (range(width - 2 * m, width - m), range(width - m, width)):
        n, total = np.zeros(len(t.n)), np.zeros(len(t.n))
        for column in window:
            n = n + np.where(t.present[:, column], t.n[:, column], 0.0)
            total = total + np.where(t.present[:, column], t.numerator[:, column], 0.0)
        pooled.append((n, total))
    (n_before, before), (n_after, after) = pooled
    min_n = t.min_n[:, 0]
    with np.errstate(all="ignore"):
        relative = (after / n_after - before / n_before) / (before / n_before)
    small = np.abs(relative) < config.pair_min_aht_change * (1 - _MARGIN)
    return t.irregular | ((n_before >= min_n) & (n_after >= min_n) & ~small)
