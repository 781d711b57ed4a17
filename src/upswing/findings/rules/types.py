"""The values diagnosis reads and writes: enums, configuration, inputs and findings.

Pure: frozen slotted dataclasses (and one named tuple), no Django, no Ibis. Dates are plain
`datetime.date`s (coaching and events are read in the program's time zone by the service).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

# A finding's stored codes (kind, cause, recommendation) are defined beside the models that
# store them, so that those models import no feature's rules; the rules use them from here.
from upswing.performance.choices import Cause, FindingKind, Recommendation
from upswing.periods import Period

# Stored on every finding: a change to any rule or default below bumps it.
RULES_VERSION = "diagnosis-2026.4"

# A metric sampled a few at a time (QA evaluations, survey responses) is also judged on all
# its observations of the last N weeks pooled (with persistent point estimates): no single
# week of it can show a gap. N per metric; 1 = week by week only (contact metrics, whose
# weeks are large enough on their own).
POOLED_WEEKS_DEFAULT = 4
POOLED_WEEKS: tuple[tuple[str, int], ...] = ()


class Standard(enum.StrEnum):
    SLA_FLOOR = "sla_floor"
    TEAM = "team"


class Verdict(enum.StrEnum):
    """One period, judged on its (pooled) interval."""

    BELOW_FLOOR = "below_floor"
    BELOW_TEAM = "below_team"
    MEETS = "meets"
    UNKNOWN = "unknown"  # too few observations, or no data that period
    NO_STANDARD = "no_standard"


class GapState(enum.StrEnum):
    SUSTAINED = "sustained"
    NOT_SUSTAINED = "not_sustained"
    INSUFFICIENT = "insufficient"
    NO_STANDARD = "no_standard"


class PairVerdict(enum.StrEnum):
    RUSHING = "rushing"  # faster calls, worse resolution
    SLOWER_BUT_RESOLVING = "slower_but_resolving"  # longer calls that resolve more: fine
    NONE = "none"


@dataclass(frozen=True, slots=True)
class DiagnosisConfig:
    """Defaults of the rules; a program may override any of them (DiagnosisPolicy)."""

    periods_below: int = 3  # k: a gap in k of ...
    window: int = 4  # ... the last m periods
    min_n: int = 10  # observations a judged period needs (after pooling)
    min_n_qa: int = 6  # QA samples few evaluations; judged on its own minimum
    pool_periods: int = 3  # a small week is pooled with up to this many periods (itself included)
    pooled_weeks_default: int = POOLED_WEEKS_DEFAULT  # N: the pooled window, in weeks
    pooled_weeks: tuple[tuple[str, int], ...] = POOLED_WEEKS  # (metric, N) where it differs
    confidence: float = 0.95
    # the pooled window's one-sided bound: a whole program's agents are judged at once, so a
    # gap on pooled evidence must clear a stricter bound than one week's interval
    pooled_confidence: float = 0.99
    material_gap: float = 0.10  # below the team by 10% of the team's value is material
    trend_periods: int = 8
    trend_min_periods: int = 6
    trend_alpha: float = 0.05
    trend_min_change: float = 0.05  # a decline of 5% of the starting level
    cusum_k: float = 0.5
    cusum_h: float = 5.0
    pair_min_aht_change: float = 0.10  # AHT moved by 10% between the two windows
    pair_min_points: float = 3.0  # FCR / reopen moved by 3 points
    pair_alpha: float = 0.01  # each of the pair's tests, for every agent of a program at once
    systemic_share: float = 0.5  # half the team (or program) shows the same gap
    systemic_min_agents: int = 3
    mix_min_coverage: float = 0.8
    mix_material: float = 0.05  # the mix must move peers' value by 5% of it to explain a gap
    pip_min_sessions: int = 2
    pip_min_span_days: int = 21
    coaching_lookback_days: int = 180
    behaviour_min_misses: int = 3
    max_behaviours: int = 3

    def __post_init__(self) -> None:
        if not 1 <= self.periods_below <= self.window:
            raise ValueError(f"periods_below must be in 1..window, got {self.periods_below}")
        if self.pool_periods < 1 or self.min_n < 1 or self.min_n_qa < 1:
            raise ValueError("pool_periods, min_n and min_n_qa must be at least 1")
        if self.pooled_weeks_default < 1 or any(weeks < 1 for _, weeks in self.pooled_weeks):
            raise ValueError("pooled_weeks must be at least 1 for every metric")
        if not 0 < self.systemic_share <= 1:
            raise ValueError(f"systemic_share must be in (0, 1], got {self.systemic_share}")

    def min_n_for(self, metric: str) -> int:
        return self.min_n_qa if metric == "qa" else self.min_n

    def pooled_weeks_for(self, metric: str) -> int:
        """Weeks whose observations are pooled to judge `metric` (1: each week on its own)."""
        return dict(self.pooled_weeks).get(metric, self.pooled_weeks_default)

    @property
    def lookback_periods(self) -> int:
        """How many periods of history the rules read, ending with the last one judged."""
        longest_pool = max((w for _, w in self.pooled_weeks), default=self.pooled_weeks_default)
        longest_pool = max(longest_pool, self.pooled_weeks_default)
        return max(
            self.trend_periods,
            2 * self.window,
            self.window + self.pool_periods - 1,
            longest_pool,
        )


class Observation(NamedTuple):
    """One scorecard value of one agent for one period (a ScorecardSnapshot row).

    A named tuple, not a dataclass: a program of 20,000 agents reads about 300,000 of them,
    and a tuple is made in a fifth of a frozen dataclass's time."""

    period: Period
    value: float
    numerator: float
    n: int
    ci_low: float | None = None
    ci_high: float | None = None
    baseline: float | None = None  # the team's value that period
    sla_floor: float | None = None
    kpi_target: float | None = None
    ref: str | None = None  # the snapshot's id, for evidence


@dataclass(frozen=True, slots=True)
class AgentSeries:
    agent_id: str
    team_id: str
    program_id: str
    metric: str
    observations: tuple[Observation, ...]
    # period -> observation, built once: the rules look periods up many times per series
    _by_period: dict[Period, Observation] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        index: dict[Period, Observation] = {}
        for obs in self.observations:
            index.setdefault(obs.period, obs)  # the first one wins, as a scan would find it
        object.__setattr__(self, "_by_period", index)

    def at(self, period: Period) -> Observation | None:
        return self._by_period.get(period)


@dataclass(frozen=True, slots=True)
class ContextEvent:
    event_id: str
    program_id: str
    team_id: str | None  # None: the whole program
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    description: str = ""

    def covers(self, period: Period) -> bool:
        return self.starts_on <= period.end and self.ends_on >= period.start


@dataclass(frozen=True, slots=True)
class CoachingRecord:
    session_id: str
    agent_id: str
    coached_on: dt.date
    kind: str
    metric: str = ""
    topic: str = ""
    documented: bool = True  # a topic, and notes or an agreed action: only such sessions count


@dataclass(frozen=True, slots=True)
class MixCell:
    """Interactions of one mix cell: for shares `numerator` counts successes; for means it is
    the sum of values and `sum_squares` the sum of their squares."""

    channel: str
    wait_band: str
    topic: str
    n: int
    numerator: float
    sum_squares: float = 0.0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.channel, self.wait_band, self.topic)


@dataclass(frozen=True, slots=True)
class MixProfile:
    """One agent's cells for one metric over the judged window, and everyone else's."""

    agent_id: str
    metric: str
    agent_cells: tuple[MixCell, ...]
    peer_cells: tuple[MixCell, ...]


@dataclass(frozen=True, slots=True)
class BehaviourTally:
    """QA evaluations of one agent on one behaviour (QA category) in the judged window."""

    agent_id: str
    behaviour: str
    evaluations: int
    missed: int
    peer_evaluations: int
    peer_missed: int
    missed_evaluation_ids: tuple[str, ...] = ()
    missed_interaction_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DiagnosisInputs:
    """Everything the rules need for one program, as of one day."""

    as_of: dt.date
    last_period: Period  # the last complete period on or before as_of
    series: tuple[AgentSeries, ...]
    events: tuple[ContextEvent, ...] = ()
    coaching: tuple[CoachingRecord, ...] = ()
    # Or a mapping (agent, metric) -> profile, read only for the agents whose gap the mix
    # could explain (the service builds a program's profiles on demand: findings.mixes).
    mixes: tuple[MixProfile, ...] | Mapping[tuple[str, str], MixProfile] = ()
    behaviours: tuple[BehaviourTally, ...] = ()
    config: DiagnosisConfig = field(default_factory=DiagnosisConfig)


@dataclass(frozen=True, slots=True)
class Evidence:
    periods: tuple[str, ...] = ()
    snapshots: tuple[str, ...] = ()
    interactions: tuple[str, ...] = ()
    evaluations: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    coaching_sessions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in asdict(self).items()}


class Basis(enum.StrEnum):
    """What a finding's cause rests on."""

    AGENT = "agent"  # the agent's own numbers, nothing beyond them
    EVENT = "event"  # recorded events cover the weeks below the standard
    TEAM_SHARE = "team_share"  # most of the team shows the same gap
    PROGRAM_SHARE = "program_share"  # most of the program does
    TEAM_BELOW = "team_below"  # the rest of the team, pooled, is below the floor
    TEAM_DECLINE = "team_decline"  # the rest of the team declined over the same weeks
    MIX = "mix"  # the work routed to the agent: peers on the same mix miss it too
    TOO_FEW = "too_few"  # too few observations (or weeks) to judge


@dataclass(frozen=True, slots=True)
class EventFact:
    event_id: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    team_id: str | None
    description: str

    @classmethod
    def of(cls, event: ContextEvent) -> EventFact:
        return cls(
            event.event_id,
            event.kind,
            event.starts_on,
            event.ends_on,
            event.team_id,
            event.description,
        )

    def to_dict(self) -> dict:
        return {
            "event_id": self.event_id,
            "kind": self.kind,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "team_id": self.team_id,
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, data: dict) -> EventFact:
        return cls(
            str(data["event_id"]),
            str(data.get("kind", "")),
            dt.date.fromisoformat(data["starts_on"]),
            dt.date.fromisoformat(data["ends_on"]),
            data.get("team_id") or None,
            str(data.get("description", "")),
        )


@dataclass(frozen=True, slots=True)
class Facts:
    """What a finding rests on, as data: pages group, count and name from these, never from
    the sentences of its reasons."""

    basis: Basis = Basis.AGENT
    group_id: str = ""  # the team or program of a shared gap
    affected: int = 0  # agents of that group with the same gap
    agents: int = 0  # agents of that group with data
    events: tuple[EventFact, ...] = ()
    pooled_n: int = 0  # observations the judgement pooled
    pooled_periods: tuple[str, ...] = ()
    value: float | None = None  # the agent's (pooled) value judged
    standard: float | None = None  # the floor or team bound it was judged against

    def to_dict(self) -> dict:
        return {
            "basis": self.basis.value,
            "group_id": self.group_id,
            "affected": self.affected,
            "agents": self.agents,
            "events": [e.to_dict() for e in self.events],
            "pooled_n": self.pooled_n,
            "pooled_periods": list(self.pooled_periods),
            "value": self.value,
            "standard": self.standard,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Facts:
        data = data or {}
        return cls(
            Basis(data.get("basis") or Basis.AGENT),
            str(data.get("group_id", "")),
            int(data.get("affected", 0)),
            int(data.get("agents", 0)),
            tuple(EventFact.from_dict(e) for e in data.get("events", ())),
            int(data.get("pooled_n", 0)),
            tuple(data.get("pooled_periods", ())),
            data.get("value"),
            data.get("standard"),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    agent_id: str
    team_id: str
    program_id: str
    metric: str
    kind: FindingKind
    cause: Cause
    recommendation: Recommendation
    periods: tuple[str, ...]
    reasons: tuple[str, ...]
    evidence: Evidence
    behaviours: tuple[str, ...] = ()
    facts: Facts = field(default_factory=Facts)
    rules_version: str = RULES_VERSION

    def to_dict(self) -> dict:
        return {
            "agent_id": self.agent_id,
            "team_id": self.team_id,
            "program_id": self.program_id,
            "metric": self.metric,
            "kind": self.kind.value,
            "periods": list(self.periods),
            "cause": self.cause.value,
            "recommendation": self.recommendation.value,
            "reasons": list(self.reasons),
            "behaviours": list(self.behaviours),
            "evidence": self.evidence.to_dict(),
            "facts": self.facts.to_dict(),
            "rules_version": self.rules_version,
        }


@dataclass(frozen=True, slots=True)
class SimilarGapGroup:
    """Teams showing the same systemic gap on the same metric in overlapping periods."""

    metric: str
    periods: tuple[str, ...]
    teams: tuple[str, ...]
    agents: tuple[str, ...]
    events: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "periods": list(self.periods),
            "teams": list(self.teams),
            "agents": list(self.agents),
            "events": list(self.events),
            "reason": self.reason,
        }
