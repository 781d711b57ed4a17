"""Patterns in QA, not policing: an SOP review when many agents across teams miss the same
criterion in the same window, and team training when several agents of a team miss the same
behaviour.

SOP review. For each criterion, the window's miss rate (x1 of n1 marks) is compared with the
baseline weeks before it (x0 of n0) by a one-sided two-proportion z test; the signal fires
when the rise is significant at `alpha` after a Bonferroni correction over the criteria tested,
at least `min_rise` points, and broad: at least `min_teams` teams each show the rise
themselves (their own window rate `min_rise` points above the baseline), and at least
`min_agents` agents —
`min_agent_share` of the agents evaluated on it — missed it. A criterion with fewer than
`min_marks` marks in the window or the baseline is "too few to judge" and never fires.

Team training. In one team and window, an agent "shares the miss" of a behaviour category
when they missed it in at least `miss_share` of at least `min_marks_per_agent` marks; when at
least `min_agents` agents and `min_team_share` of the team's evaluated agents share it, the
recommendation is team training (the ladder's `train`) rather than one-to-one coaching each.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True, slots=True)
class CriterionMark:
    """One scored (not N/A) criterion of one evaluation."""

    evaluation_id: str
    agent_id: str
    team_id: str
    criterion: str
    category: str
    day: dt.date
    missed: bool


@dataclass(frozen=True, slots=True)
class SignalConfig:
    window_weeks: int = 4
    baseline_weeks: int = 8
    alpha: float = 0.01
    min_rise: float = 10.0  # percentage points
    min_marks: int = 20
    min_agents: int = 3
    min_teams: int = 2
    min_agent_share: float = 0.25


@dataclass(frozen=True, slots=True)
class Window:
    first: dt.date
    last: dt.date
    baseline_first: dt.date


def window_of(as_of: dt.date, config: SignalConfig) -> Window:
    """The `window_weeks` ISO weeks ending with the week of `as_of`, and the baseline before."""
    last = as_of + dt.timedelta(days=6 - as_of.weekday())
    first = last - dt.timedelta(weeks=config.window_weeks) + dt.timedelta(days=1)
    return Window(first, last, first - dt.timedelta(weeks=config.baseline_weeks))


@dataclass(frozen=True, slots=True)
class SopSignal:
    criterion: str
    window: Window
    window_marks: int
    window_misses: int
    baseline_marks: int
    baseline_misses: int
    z: float
    agents: tuple[str, ...]
    teams: tuple[str, ...]
    agents_evaluated: int
    evaluations: tuple[str, ...]

    @property
    def window_rate(self) -> float:
        return 100.0 * self.window_misses / self.window_marks

    @property
    def baseline_rate(self) -> float:
        return 100.0 * self.baseline_misses / self.baseline_marks

    def sentence(self, label: str) -> str:
        return (
            f"{label} was missed in {self.window_misses} of {self.window_marks} evaluations "
            f"({self.window_rate:.0f}%) from {self.window.first} to {self.window.last}, against "
            f"{self.baseline_misses} of {self.baseline_marks} ({self.baseline_rate:.0f}%) in the "
            f"{(self.window.first - self.window.baseline_first).days // 7} weeks before; "
            f"{len(self.agents)} of {self.agents_evaluated} agents evaluated on it missed it, "
            f"and {len(self.teams)} teams show the rise."
        )


def detect_sop_signals(
    marks: Iterable[CriterionMark],
    as_of: dt.date,
    config: SignalConfig = SignalConfig(),
) -> tuple[SopSignal, ...]:
    window = window_of(as_of, config)
    now: dict[str, list[CriterionMark]] = defaultdict(list)
    before: dict[str, list[CriterionMark]] = defaultdict(list)
    for m in marks:
        if window.first <= m.day <= window.last:
            now[m.criterion].append(m)
        elif window.baseline_first <= m.day < window.first:
            before[m.criterion].append(m)
    testable = [
        c for c in now if len(now[c]) >= config.min_marks and len(before[c]) >= config.min_marks
    ]
    if not testable:
        return ()
    z_needed = NormalDist().inv_cdf(1 - config.alpha / len(testable))
    out = []
    for criterion in sorted(testable):
        signal = _test(criterion, now[criterion], before[criterion], window, z_needed, config)
        if signal is not None:
            out.append(signal)
    return tuple(out)


def _test(criterion, now, before, window, z_needed, config) -> SopSignal | None:
    n1, x1 = len(now), sum(m.missed for m in now)
    n0, x0 = len(before), sum(m.missed for m in before)
    pooled = (x1 + x0) / (n1 + n0)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    z = (x1 / n1 - x0 / n0) / spread if spread > 0 else 0.0
    agents = sorted({m.agent_id for m in now if m.missed})
    teams = _teams_carrying_the_rise(now, x0 / n0, config)
    evaluated = len({m.agent_id for m in now})
    broad = (
        len(agents) >= config.min_agents
        and len(teams) >= config.min_teams
        and len(agents) >= config.min_agent_share * evaluated
    )
    rise = 100.0 * (x1 / n1 - x0 / n0)
    if z < z_needed or rise < config.min_rise or not broad:
        return None
    return SopSignal(
        criterion=criterion,
        window=window,
        window_marks=n1,
        window_misses=x1,
        baseline_marks=n0,
        baseline_misses=x0,
        z=z,
        agents=tuple(agents),
        teams=tuple(teams),
        agents_evaluated=evaluated,
        evaluations=tuple(sorted({m.evaluation_id for m in now if m.missed})),
    )


def _teams_carrying_the_rise(now, baseline_rate: float, config) -> list[str]:
    """Teams whose own window miss rate is at least `min_rise` points above the baseline."""
    marks: dict[str, list[bool]] = defaultdict(list)
    for m in now:
        marks[m.team_id].append(m.missed)
    return sorted(
        team
        for team, missed in marks.items()
        if 100.0 * (sum(missed) / len(missed) - baseline_rate) >= config.min_rise
    )


# --- team training -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrainingConfig:
    miss_share: float = 0.5
    min_marks_per_agent: int = 2
    min_agents: int = 3
    min_team_share: float = 0.4


@dataclass(frozen=True, slots=True)
class AgentMisses:
    agent_id: str
    marks: int
    missed: int


@dataclass(frozen=True, slots=True)
class TrainingRecommendation:
    team_id: str
    category: str
    agents: tuple[AgentMisses, ...]  # the agents who share the miss
    agents_evaluated: int
    evaluations: tuple[str, ...]
    recommendation: str = "train"

    def sentence(self, label: str, team: str) -> str:
        marks = sum(a.marks for a in self.agents)
        missed = sum(a.missed for a in self.agents)
        return (
            f"{len(self.agents)} of {self.agents_evaluated} evaluated agents of {team} missed "
            f"{label} in at least half of their evaluated contacts ({missed} of {marks} marks): "
            f"train the team together rather than coach {len(self.agents)} agents one by one."
        )


def recommend_team_training(
    marks: Iterable[CriterionMark],
    window: Window,
    config: TrainingConfig = TrainingConfig(),
) -> tuple[TrainingRecommendation, ...]:
    cells: dict[tuple[str, str], dict[str, list[CriterionMark]]] = defaultdict(
        lambda: defaultdict(list)
    )
    evaluated: dict[str, set[str]] = defaultdict(set)
    for m in marks:
        if not (window.first <= m.day <= window.last) or not m.category:
            continue
        cells[(m.team_id, m.category)][m.agent_id].append(m)
        evaluated[m.team_id].add(m.agent_id)
    out = []
    for (team, category), by_agent in sorted(cells.items()):
        sharing = []
        for agent, rows in sorted(by_agent.items()):
            missed = sum(r.missed for r in rows)
            if len(rows) >= config.min_marks_per_agent and missed >= config.miss_share * len(rows):
                sharing.append(AgentMisses(agent, len(rows), missed))
        team_size = len(evaluated[team])
        if len(sharing) >= config.min_agents and len(sharing) >= config.min_team_share * team_size:
            ids = {r.evaluation_id for a in sharing for r in by_agent[a.agent_id] if r.missed}
            out.append(
                TrainingRecommendation(
                    team, category, tuple(sharing), team_size, tuple(sorted(ids))
                )
            )
    return tuple(out)
