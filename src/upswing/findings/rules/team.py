"""Is the gap the team's? The rest of the team, pooled over the metric's window, below the floor.

An agent's teammates (the agent left out, so one agent's collapse never makes a team gap)
are pooled over the metric's own pooled window (N weeks, per metric in the policy) and
judged like one agent: the one-sided bound of their pooled value against the most lenient
SLA floor of those weeks. When the whole rest of the team is below the floor, a gap of one of
its agents is the team's: a process problem, whatever that agent's own sample says. So it is
when the rest of the team dropped (significantly, and most of its agents fell) to a level
that does not clear the floor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from upswing import stats
from upswing.findings.rules import wording
from upswing.findings.rules.gaps import Pooled, is_worse, pool
from upswing.findings.rules.types import AgentSeries, DiagnosisConfig, Observation
from upswing.metrics import CATALOG, Better
from upswing.periods import Period, window_ending


@dataclass(frozen=True, slots=True)
class TeamWindow:
    team_id: str
    metric: str
    teammates: int  # agents with data in the window, the agent left out
    pooled: Pooled
    bound: float | None  # one-sided bound on the better side
    floor: float | None
    before: Pooled | None = None  # the same teammates over as many weeks before the window
    dropped: bool = False  # worse than before, materially and significantly

    @property
    def shared(self) -> bool:
        """The rest of the team is below the floor, or dropped to a level that does not clear
        it: the gap is the team's. (A drop that leaves the team clearly above the floor says
        nothing of a gap below it; one that leaves it within sampling error of the floor
        does: the team may be below it, and its agents are judged on the team's new level.)"""
        return self.below_floor or (self.dropped and not self.clears_floor)

    @property
    def clears_floor(self) -> bool:
        """The one-sided bound on the worse side is on the better side of the floor."""
        if self.floor is None or self.pooled.low is None or self.pooled.high is None:
            return True
        higher = CATALOG[self.metric].better is Better.HIGHER
        worse_bound = self.pooled.low if higher else self.pooled.high
        return math.isfinite(worse_bound) and not is_worse(self.metric, worse_bound, self.floor)

    @property
    def worse_bound(self) -> float | None:
        higher = CATALOG[self.metric].better is Better.HIGHER
        return self.pooled.low if higher else self.pooled.high

    @property
    def below_floor(self) -> bool:
        return (
            self.floor is not None
            and self.bound is not None
            and math.isfinite(self.bound)
            and is_worse(self.metric, self.bound, self.floor)
        )

    def reason(self, confidence: float) -> str:
        m = self.metric
        if not self.below_floor:
            now = self.pooled.value
            if is_worse(m, now, self.floor):
                where = f"{wording.worse_side(m)} the SLA floor of {wording.value(m, self.floor)}"
            else:
                where = (
                    f"within sampling error of the SLA floor of {wording.value(m, self.floor)} "
                    f"(its one-sided {confidence:.0%} bound is "
                    f"{wording.versus(m, self.worse_bound, self.floor)})"
                )
            return (
                f"The {wording.label(m)} of the rest of team {self.team_id} "
                f"({self.teammates} agents) "
                f"{wording.direction(m, self.before.value, now)} "
                f"from {wording.value(m, self.before.value)} "
                f"({wording.sample(m, self.before.n)}, {wording.span(_weeks(self.before))}) to "
                f"{wording.versus(m, now, self.floor)} "
                f"({wording.sample(m, self.pooled.n)}, {wording.span(_weeks(self.pooled))}), "
                f"{where}: the drop is the team's, a process problem, not this agent's alone."
            )
        return (
            f"The rest of team {self.team_id} ({self.teammates} agents, "
            f"{wording.sample(m, self.pooled.n)}, {wording.span(_weeks(self.pooled))}) "
            f"was at {wording.value(m, self.pooled.value)} on {wording.label(m)}, its one-sided "
            f"{confidence:.0%} bound of {wording.versus(m, self.bound, self.floor)} "
            f"{wording.worse_side(m)} the SLA floor of {wording.value(m, self.floor)}: the gap is "
            "the team's, a process problem, not this agent's alone."
        )


@dataclass(frozen=True, slots=True)
class MateWindow:
    """One agent of a team on one metric: their observations with data (finite, n > 0) in the
    metric's window and in as many weeks before it, and whether their value fell from the one
    to the other (None: no data in one of them). Read once per team and metric, then used for
    every one of its agents judged (each time with that agent left out)."""

    agent_id: str
    now: tuple[Observation, ...]
    before: tuple[Observation, ...]
    fell: bool | None


def window_weeks(metric: str, last: Period, config: DiagnosisConfig) -> tuple[Period, ...]:
    """The weeks a team is pooled over on `metric`: its pooled window, at least the window."""
    return tuple(window_ending(last, max(config.window, config.pooled_weeks_for(metric))))


def mate_windows(
    team: Sequence[AgentSeries], metric: str, last: Period, config: DiagnosisConfig
) -> tuple[MateWindow, ...]:
    """Each of the team's series on `metric`, in the team's order, read over its window."""
    weeks = window_weeks(metric, last, config)
    prior = window_ending(weeks[0].previous(), len(weeks))
    out = []
    for mate in team:
        if mate.metric != metric:
            continue
        now, before = _with_data(mate, weeks), _with_data(mate, prior)
        fell = None
        if now and before:
            fell = is_worse(metric, _mean(now), _mean(before))
        out.append(MateWindow(mate.agent_id, now, before, fell))
    return tuple(out)


def _with_data(series: AgentSeries, periods: Sequence[Period]) -> tuple[Observation, ...]:
    found = (series.at(p) for p in periods)
    return tuple(o for o in found if o is not None and o.n > 0 and math.isfinite(o.value))


def _mean(observations: Sequence[Observation]) -> float:
    return sum(o.numerator for o in observations) / sum(o.n for o in observations)


def team_window(
    series: AgentSeries, windows: Sequence[MateWindow], config: DiagnosisConfig
) -> TeamWindow | None:
    """The rest of `series`' team on its metric (its team's `mate_windows`, the agent left
    out), pooled over the metric's window; None with fewer than `systemic_min_agents`
    teammates with data or too few observations."""
    mates = [w for w in windows if w.agent_id != series.agent_id]
    taken = [o for w in mates for o in w.now]
    agents = sum(1 for w in mates if w.now)
    if agents < config.systemic_min_agents:
        return None
    # one test per team, not per agent: the configured confidence, one-sided
    pooled = pool(taken, series.metric, 2 * config.confidence - 1, config.confidence)
    if pooled.n < config.min_n_for(series.metric) or pooled.low is None:
        return None
    higher = CATALOG[series.metric].better is Better.HIGHER
    floors = [o.sla_floor for o in taken if o.sla_floor is not None and math.isfinite(o.sla_floor)]
    floor = (min(floors) if higher else max(floors)) if floors else None
    bound = pooled.high if higher else pooled.low
    before = pool([o for w in mates for o in w.before], series.metric, config.confidence)
    now = pool(taken, series.metric, config.confidence)
    dropped = _dropped(series.metric, before, now, config) and _most_fell(mates)
    return TeamWindow(series.team_id, series.metric, agents, pooled, bound, floor, before, dropped)


def _most_fell(mates: Sequence[MateWindow]) -> bool:
    """More than half of the teammates with data in both windows are worse in the second: a
    drop of the team, not of one or two of its agents pulling the pooled value down."""
    compared = [w.fell for w in mates if w.fell is not None]
    return 2 * sum(compared) > len(compared)


def _dropped(metric: str, before: Pooled, after: Pooled, config: DiagnosisConfig) -> bool:
    """`after` is worse than `before` by the trend rule's material change (a share of the
    earlier level) and significantly (a two-sided z test at the trend rule's alpha)."""
    if before.n < config.min_n_for(metric) or before.low is None or after.low is None:
        return False
    if not before.value or not is_worse(metric, after.value, before.value):
        return False
    if abs(after.value - before.value) < config.trend_min_change * abs(before.value):
        return False
    z = stats.z_for_confidence(config.confidence)
    spread = math.hypot((before.high - before.low) / (2 * z), (after.high - after.low) / (2 * z))
    if spread == 0:
        return True
    p_value = math.erfc(abs(after.value - before.value) / spread / math.sqrt(2.0))
    return p_value < config.trend_alpha


def _weeks(pooled: Pooled) -> tuple[Period, ...]:
    return tuple(sorted(set(pooled.periods)))
