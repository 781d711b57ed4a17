"""What one agent's findings are read against, and how a finding is put together.

`Context` holds the program's screened series, the shares of each gap, coaching, QA tallies,
mixes and each team's series; `finding` builds the `Finding` the rules return.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from upswing.findings.rules.screen import Screen, Shares
from upswing.findings.rules.team import MateWindow, TeamWindow, mate_windows, team_window
from upswing.findings.rules.types import (
    AgentSeries,
    BehaviourTally,
    CoachingRecord,
    DiagnosisInputs,
    Facts,
    Finding,
    MixProfile,
)


@dataclass(frozen=True, slots=True)
class Context:
    """What a single agent's findings are read against."""

    inputs: DiagnosisInputs
    screen: Screen
    shares: Shares
    coaching: dict[str, tuple[CoachingRecord, ...]]
    tallies: dict[str, tuple[BehaviourTally, ...]]
    mixes: Mapping[tuple[str, str], MixProfile]  # (agent, metric): the first profile given
    teams: dict[tuple[str, str], tuple[AgentSeries, ...]]  # (team, metric): its series
    # (team, metric): each of its agents' windows, read when first needed
    _mates: dict[tuple[str, str], tuple[MateWindow, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # (agent, team, metric): the rest of the team (several rules read it)
    _rest: dict[tuple[str, str, str], TeamWindow | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def config(self):
        return self.inputs.config

    def team_window(self, series: AgentSeries) -> TeamWindow | None:
        """The rest of the agent's team on the metric, pooled over its window."""
        key = (series.agent_id, series.team_id, series.metric)
        if key not in self._rest:
            last, config = self.inputs.last_period, self.inputs.config
            team = (series.team_id, series.metric)
            if team not in self._mates:
                mates = self.teams.get(team, ())
                self._mates[team] = mate_windows(mates, series.metric, last, config)
            self._rest[key] = team_window(series, self._mates[team], config)
        return self._rest[key]

    def teammates(self, series: AgentSeries) -> list[AgentSeries]:
        team = self.teams.get((series.team_id, series.metric), ())
        return [s for s in team if s.agent_id != series.agent_id]


def group(items: Iterable, key) -> dict:
    out: dict = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return {k: tuple(v) for k, v in out.items()}


def refs(judgements) -> tuple[str, ...]:
    out: list[str] = []
    for j in judgements:
        sources = j.pooled.refs if j.pooled is not None else ()
        if not sources and j.observation is not None and j.observation.ref:
            sources = (j.observation.ref,)
        out += [r for r in sources if r not in out]
    return tuple(out)


def finding(
    series,
    kind,
    cause,
    recommendation,
    periods,
    reasons,
    evidence,
    behaviours=(),
    facts: Facts | None = None,
) -> Finding:
    return Finding(
        agent_id=series.agent_id,
        team_id=series.team_id,
        program_id=series.program_id,
        metric=series.metric,
        kind=kind,
        cause=cause,
        recommendation=recommendation,
        periods=tuple(periods),
        reasons=tuple(reasons),
        evidence=evidence,
        behaviours=tuple(behaviours),
        facts=facts if facts is not None else Facts(),
    )
