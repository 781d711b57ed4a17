"""Whose gap is it? Shared with the team, explained by a recorded event, or by a hard mix.

Also names the QA behaviours behind a QA or FCR gap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from upswing import stats
from upswing.findings.rules import wording
from upswing.findings.rules.gaps import GapAssessment, in_range, is_worse
from upswing.findings.rules.types import (
    AgentSeries,
    BehaviourTally,
    ContextEvent,
    DiagnosisConfig,
    MixCell,
    MixProfile,
)
from upswing.metrics import CATALOG, Aggregate, Better
from upswing.periods import Period

# --- the same gap for many ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GapShare:
    """How many agents of a group (a team or the program) show the same gap in the window."""

    scope: str  # "team" or "program"
    group_id: str
    affected: tuple[str, ...]  # agents below the standard in at least k periods (point estimates)
    agents: tuple[str, ...]  # agents with data in the window

    @property
    def share(self) -> float:
        return len(self.affected) / len(self.agents) if self.agents else 0.0

    def is_systemic(self, config: DiagnosisConfig) -> bool:
        return (
            len(self.agents) >= config.systemic_min_agents and self.share >= config.systemic_share
        )


def shares_gap(assessment: GapAssessment, config: DiagnosisConfig) -> bool:
    """An agent shows the gap when the point estimate is below the standard in k periods
    (peers are counted on their point estimates: their own samples may be small)."""
    return assessment.point_below_count >= config.periods_below


def gap_share(
    scope: str, group_id: str, assessments: Sequence[GapAssessment], config: DiagnosisConfig
) -> GapShare:
    with_data = [a for a in assessments if a.with_data]
    affected = tuple(sorted(a.series.agent_id for a in with_data if shares_gap(a, config)))
    return GapShare(scope, group_id, affected, tuple(sorted(a.series.agent_id for a in with_data)))


def share_reason(share: GapShare, metric: str, window_text: str, config: DiagnosisConfig) -> str:
    who = f"team {share.group_id}" if share.scope == "team" else f"program {share.group_id}"
    return (
        f"In {who}, {len(share.affected)} of {len(share.agents)} agents "
        f"({wording.percent(share.share)}) were below the standard on {wording.label(metric)} in "
        f"at least {config.periods_below} of the same {config.window} periods ({window_text})."
    )


# --- recorded events ------------------------------------------------------------------------


def events_explaining(
    assessment: GapAssessment, events: Sequence[ContextEvent], config: DiagnosisConfig
) -> tuple[ContextEvent, ...]:
    """Events on the agent's team (or the whole program) that touch the gap's periods so much
    that, without the periods they touch, fewer than k periods below the standard remain.

    The periods counted are those whose point estimate is below the standard, so the same
    test serves for a peer's gap when counting how widespread a gap is."""
    below = [j.period for j in assessment.judgements if j.point_below or j in assessment.below]
    return events_explaining_periods(assessment.series, below, events, config)


def events_explaining_periods(
    series: AgentSeries,
    below: Sequence[Period],
    events: Sequence[ContextEvent],
    config: DiagnosisConfig,
) -> tuple[ContextEvent, ...]:
    """`events_explaining` given the periods below the standard (point estimate or interval)."""
    relevant = [
        e
        for e in events
        if e.program_id == series.program_id and e.team_id in (None, "", series.team_id)
    ]
    touching = [e for e in relevant if any(e.covers(p) for p in below)]
    if not touching:
        return ()
    untouched = [p for p in below if not any(e.covers(p) for e in touching)]
    if len(untouched) >= config.periods_below:
        return ()
    return tuple(sorted(touching, key=lambda e: (e.starts_on, e.event_id)))


def event_reason(events: Sequence[ContextEvent], periods_below: int, touched: int) -> str:
    described = "; ".join(
        f"{e.kind.replace('_', ' ')} from {e.starts_on} to {e.ends_on}"
        + (f" on team {e.team_id}" if e.team_id else " across the program")
        + (f" ({e.description})" if e.description else "")
        for e in events
    )
    return (
        f"Recorded events cover {touched} of the weeks below the standard: {described}. "
        f"Without those weeks fewer than {periods_below} remain, so the gap is not the agent's own."
    )


# --- the mix --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MixComparison:
    metric: str
    agent_n: int
    agent_value: float
    agent_low: float
    agent_high: float
    peer_raw: float
    peer_standardised: float
    coverage: float  # share of the agent's interactions in cells peers also handled

    standard: float | None = None  # the floor (or team bound) the gap was judged against
    min_shift: float = 0.0  # how far the mix must move peers' value to explain a gap

    @property
    def mix_matters(self) -> bool:
        """The agent's mix moves what peers would score materially: a mix that barely moves
        it explains nothing, whichever side of the standard the small move lands on."""
        return abs(self.peer_standardised - self.peer_raw) >= self.min_shift

    @property
    def peers_miss_the_standard(self) -> bool:
        """Peers, who meet the standard on their own mix, would miss it on the agent's: the
        mix makes the standard out of reach. (Peers who miss it on their own mix too point
        to the process, not to the mix.)"""
        return (
            self.standard is not None
            and is_worse(self.metric, self.peer_standardised, self.standard)
            and not is_worse(self.metric, self.peer_raw, self.standard)
        )

    @property
    def gap_vanishes(self) -> bool:
        """The gap is the mix's: peers given the agent's own mix would miss the standard too,
        or the agent is below the peers as they are but not below them on the same mix."""
        return self.mix_matters and (
            self.peers_miss_the_standard
            or (
                _reaches(self.metric, self, self.peer_standardised)
                and not _reaches(self.metric, self, self.peer_raw)
            )
        )

    @property
    def below_peers_on_mix(self) -> bool:
        return not _reaches(self.metric, self, self.peer_standardised)

    def reasons(self) -> tuple[str, ...]:
        m = self.metric
        first = (
            f"On the agent's own mix of channels, wait times and topics, peers would score "
            f"{wording.value(m, self.peer_standardised)} against "
            f"{wording.value(m, self.peer_raw)} on their own mix; the agent scored "
            f"{wording.value(m, self.agent_value)} (95% interval "
            f"{wording.value(m, self.agent_low)} to {wording.value(m, self.agent_high)}, "
            f"{wording.sample(m, self.agent_n)})."
        )
        if self.gap_vanishes:
            missed = (
                f" (peers on that mix would be {wording.worse_side(m)} the standard of "
                f"{wording.value(m, self.standard)} too)"
                if self.peers_miss_the_standard
                else ""
            )
            if self.peers_miss_the_standard and self.below_peers_on_mix:
                return first, (
                    f"Peers given the same mix would miss the standard too{missed}, so the gap to "
                    "the standard comes from the work routed to the agent; the agent's interval "
                    "also lies below those peers, which is worth a look once the routing is fixed."
                )
            return first, (
                f"Once peers are standardised to the same mix the gap disappears{missed}: it "
                "comes from the work routed to the agent, not from how it is handled."
            )
        return (first,)


def _reaches(metric: str, comparison: MixComparison, target: float) -> bool:
    if CATALOG[metric].better is Better.HIGHER:
        return comparison.agent_high >= target
    return comparison.agent_low <= target


def compare_on_mix(
    profile: MixProfile, config: DiagnosisConfig, standard: float | None = None
) -> MixComparison | None:
    """Indirect standardisation: peers' rate in each cell, weighted by the agent's volume."""
    metric = profile.metric
    agent_n = sum(c.n for c in profile.agent_cells)
    peer_n = sum(c.n for c in profile.peer_cells)
    if agent_n < config.min_n_for(metric) or peer_n == 0:
        return None
    peers = {c.key: c for c in profile.peer_cells if c.n > 0}
    covered = [c for c in profile.agent_cells if c.key in peers and c.n > 0]
    covered_n = sum(c.n for c in covered)
    if covered_n / agent_n < config.mix_min_coverage:
        return None
    scale = 100.0 if CATALOG[metric].aggregate is Aggregate.SHARE else 1.0
    standardised = scale * sum(c.n * peers[c.key].numerator / peers[c.key].n for c in covered)
    standardised /= covered_n
    raw = scale * sum(c.numerator for c in profile.peer_cells) / peer_n
    value, low, high = _agent_interval(profile.agent_cells, metric, config)
    return MixComparison(
        metric,
        agent_n,
        value,
        low,
        high,
        raw,
        standardised,
        covered_n / agent_n,
        standard,
        config.mix_material * abs(raw),
    )


def _agent_interval(cells: Sequence[MixCell], metric: str, config: DiagnosisConfig):
    n = sum(c.n for c in cells)
    total = sum(c.numerator for c in cells)
    if CATALOG[metric].aggregate is Aggregate.SHARE:
        interval = stats.compute_wilson_interval(min(total, n), n, config.confidence)
        return 100 * total / n, 100 * interval.low, 100 * interval.high
    mean = total / n
    squares = sum(c.sum_squares for c in cells)
    sd = math.sqrt(max(0.0, (squares - n * mean * mean) / (n - 1))) if n > 1 else 0.0
    interval = stats.compute_mean_interval(mean, sd, n, config.confidence)
    return mean, *in_range(metric, interval.low, interval.high)


# --- behaviours -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamedBehaviour:
    tally: BehaviourTally

    @property
    def share(self) -> float:
        return self.tally.missed / self.tally.evaluations

    @property
    def peer_share(self) -> float:
        t = self.tally
        return t.peer_missed / t.peer_evaluations if t.peer_evaluations else 0.0

    def reason(self) -> str:
        t = self.tally
        peers = (
            f", against {wording.percent(self.peer_share)} for the rest of the program "
            f"({t.peer_missed} of {t.peer_evaluations})"
            if t.peer_evaluations
            else ""
        )
        return (
            f"{t.behaviour.capitalize()} was missed in {t.missed} of {t.evaluations} evaluations "
            f"({wording.percent(self.share)}){peers}."
        )


def name_behaviours(
    tallies: Sequence[BehaviourTally], config: DiagnosisConfig
) -> tuple[NamedBehaviour, ...]:
    """Behaviours the agent misses clearly more often than peers (the Wilson lower bound of
    the agent's miss rate above the peers' rate), worst excess first, at most a few."""
    named = []
    for tally in tallies:
        if tally.evaluations == 0 or tally.missed < config.behaviour_min_misses:
            continue
        behaviour = NamedBehaviour(tally)
        low = stats.compute_wilson_interval(tally.missed, tally.evaluations, config.confidence).low
        if low > behaviour.peer_share:
            named.append(behaviour)
    named.sort(key=lambda b: (-(b.share - b.peer_share), b.tally.behaviour))
    return tuple(named[: config.max_behaviours])
