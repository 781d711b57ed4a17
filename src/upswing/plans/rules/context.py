"""What a plan is checked against: the agent's own history, the team's, coaching, diagnosis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from upswing.findings.rules import CoachingRecord
from upswing.plans.rules.measures import WeekValue, pooled


@dataclass(frozen=True, slots=True)
class MeasureData:
    """One measure's weekly values: the agent's own, and each teammate's (same weeks)."""

    metric: str
    agent: tuple[WeekValue, ...] = ()
    peers: dict[str, tuple[WeekValue, ...]] = field(default_factory=dict)
    recent_weeks: int = 8  # the peers' level is read over this many latest weeks

    def peer_levels(self) -> dict[str, float]:
        """Each teammate's pooled value over the recent weeks (the team's distribution)."""
        out = {}
        for agent, weeks in self.peers.items():
            value, n = pooled(self.metric, weeks[-self.recent_weeks :])
            if value is not None and n > 0:
                out[agent] = value
        return out


@dataclass(frozen=True, slots=True)
class DiagnosisNote:
    """One finding of the latest diagnosis for the agent (a stored Finding, reduced)."""

    metric: str
    kind: str
    cause: str
    recommendation: str
    as_of: dt.date
    periods: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    behaviours: tuple[str, ...] = ()
    ref: str = ""


@dataclass(frozen=True, slots=True)
class LintContext:
    """The system's data for the plan's agent; `None` fields were not available."""

    as_of: dt.date
    measures: dict[str, MeasureData] = field(default_factory=dict)
    coaching: tuple[CoachingRecord, ...] | None = None
    diagnosis: tuple[DiagnosisNote, ...] | None = None
    holidays: frozenset[dt.date] = frozenset()
