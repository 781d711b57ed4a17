"""Metrics read in pairs: AHT with FCR and reopens.

Faster calls that resolve less (or come back more) are rushing. Longer calls that resolve
more are not a problem: the reasons say so, and no rushing or AHT trend is raised for them.
The last m periods are compared with the m before them, each pooled from its totals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from upswing.findings.rules import wording
from upswing.findings.rules.gaps import Pooled, pool
from upswing.findings.rules.types import AgentSeries, DiagnosisConfig, PairVerdict
from upswing.periods import Period, window_ending

_NORMAL = NormalDist()


@dataclass(frozen=True, slots=True)
class Shift:
    metric: str
    before: Pooled
    after: Pooled
    p_value: float

    @property
    def change(self) -> float:
        return self.after.value - self.before.value


@dataclass(frozen=True, slots=True)
class PairAssessment:
    verdict: PairVerdict
    recent: tuple[Period, ...]
    prior: tuple[Period, ...]
    aht: Shift | None
    partner: Shift | None  # the FCR or reopen shift behind the verdict
    refs: tuple[str, ...]

    def reasons(self) -> tuple[str, ...]:
        if self.verdict is PairVerdict.NONE or self.aht is None or self.partner is None:
            return ()
        aht, partner = self.aht, self.partner
        recent, prior = wording.span(self.recent), wording.span(self.prior)
        first = (
            f"AHT went from {wording.value('aht', aht.before.value)} ({prior}) to "
            f"{wording.value('aht', aht.after.value)} ({recent}), "
            f"{100 * aht.change / aht.before.value:+.0f}%, on n={aht.before.n} and "
            f"{aht.after.n} interactions."
        )
        second = (
            f"In the same weeks {wording.label(partner.metric)} went from "
            f"{wording.value(partner.metric, partner.before.value)} to "
            f"{wording.value(partner.metric, partner.after.value)} "
            f"(p={partner.p_value:.3f}, n={partner.before.n} and {partner.after.n} interactions)."
        )
        if self.verdict is PairVerdict.RUSHING:
            third = "Faster calls that resolve less are rushing: coach on resolution, not on speed."
        else:
            third = (
                "Longer calls that resolve more are not a problem on their own: handle time "
                "is buying resolution."
            )
        return first, second, third


def evaluate_pair(
    aht: AgentSeries | None,
    fcr: AgentSeries | None,
    reopen: AgentSeries | None,
    last: Period,
    config: DiagnosisConfig,
) -> PairAssessment:
    recent = window_ending(last, config.window)
    prior = window_ending(recent[0].previous(), config.window)
    none = PairAssessment(PairVerdict.NONE, recent, prior, None, None, ())
    aht_shift = _mean_shift(aht, prior, recent, config) if aht else None
    if aht_shift is None or aht_shift.p_value >= config.pair_alpha:
        return none
    relative = aht_shift.change / aht_shift.before.value
    if abs(relative) < config.pair_min_aht_change:
        return none
    fcr_shift = _share_shift(fcr, prior, recent, config) if fcr else None
    reopen_shift = _share_shift(reopen, prior, recent, config) if reopen else None
    fcr_worse = _moved(fcr_shift, -1, config)
    fcr_better = _moved(fcr_shift, +1, config)
    reopen_worse = _moved(reopen_shift, +1, config)
    refs = aht_shift.before.refs + aht_shift.after.refs
    if relative < 0:
        # rushing rests on the typical week too: a shift one odd week carries is not one
        if not _medians_moved(aht, prior, recent, -config.pair_min_aht_change, relative=True):
            return none
        fcr_worse = fcr_worse and _medians_moved(fcr, prior, recent, -config.pair_min_points)
        reopen_worse = reopen_worse and _medians_moved(
            reopen, prior, recent, config.pair_min_points
        )
    if relative < 0 and (fcr_worse or reopen_worse):
        partner = fcr_shift if fcr_worse else reopen_shift
        refs += partner.before.refs + partner.after.refs
        return PairAssessment(PairVerdict.RUSHING, recent, prior, aht_shift, partner, refs)
    if relative > 0 and fcr_better and not reopen_worse:
        refs += fcr_shift.before.refs + fcr_shift.after.refs
        return PairAssessment(
            PairVerdict.SLOWER_BUT_RESOLVING, recent, prior, aht_shift, fcr_shift, refs
        )
    return none


def _medians_moved(
    series: AgentSeries | None,
    prior: tuple[Period, ...],
    recent: tuple[Period, ...],
    change: float,
    *,
    relative: bool = False,
) -> bool:
    """The median week moved by `change` (signed; relative to the prior median when
    `relative`) between the windows, as the pooled values did: a shift carried by one odd
    week in either window is not a change in how the agent works."""
    if series is None:
        return False
    before, after = _weekly_median(series, prior), _weekly_median(series, recent)
    if before is None or after is None or (relative and before == 0):
        return False
    moved = (after - before) / abs(before) if relative else after - before
    return moved <= change if change < 0 else moved >= change


def _weekly_median(series: AgentSeries, periods: tuple[Period, ...]) -> float | None:
    values = sorted(
        o.value
        for p in periods
        if (o := series.at(p)) is not None and o.n > 0 and math.isfinite(o.value)
    )
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _moved(shift: Shift | None, direction: int, config: DiagnosisConfig) -> bool:
    if shift is None or shift.p_value >= config.pair_alpha:
        return False
    return shift.change * direction >= config.pair_min_points


def _pooled(series: AgentSeries, periods: tuple[Period, ...], config: DiagnosisConfig):
    taken = [o for p in periods if (o := series.at(p)) is not None and o.n > 0]
    if not taken:
        return None
    pooled = pool(taken, series.metric, config.confidence)
    return pooled if pooled.n >= config.min_n_for(series.metric) else None


def _share_shift(series, prior, recent, config) -> Shift | None:
    before, after = _pooled(series, prior, config), _pooled(series, recent, config)
    if before is None or after is None:
        return None
    p1, p2 = before.numerator / before.n, after.numerator / after.n
    both = (before.numerator + after.numerator) / (before.n + after.n)
    spread = math.sqrt(both * (1 - both) * (1 / before.n + 1 / after.n))
    p_value = 1.0 if spread == 0 else 2 * (1 - _NORMAL.cdf(abs(p2 - p1) / spread))
    return Shift(series.metric, before, after, p_value)


def _mean_shift(series, prior, recent, config) -> Shift | None:
    """Welch's z on the pooled means (samples are large enough for the normal)."""
    before, after = _pooled(series, prior, config), _pooled(series, recent, config)
    if before is None or after is None or before.low is None or after.low is None:
        return None
    if before.value == 0:
        return None
    z = _NORMAL.inv_cdf(0.5 + config.confidence / 2)
    se_before = (before.high - before.low) / (2 * z)
    se_after = (after.high - after.low) / (2 * z)
    spread = math.hypot(se_before, se_after)
    p_value = (
        1.0 if spread == 0 else 2 * (1 - _NORMAL.cdf(abs(after.value - before.value) / spread))
    )
    return Shift(series.metric, before, after, p_value)
