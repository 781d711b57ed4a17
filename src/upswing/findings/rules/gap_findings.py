"""A sustained gap (or only a hint of one) of one agent on one metric: the finding, its
sentences, and whose gap it is (`whose`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from upswing.findings.rules import wording
from upswing.findings.rules.causes import name_behaviours
from upswing.findings.rules.context import Context, finding, refs
from upswing.findings.rules.gaps import GapAssessment, pool, team_bound
from upswing.findings.rules.ladder import LadderInput, climb_ladder
from upswing.findings.rules.pairs import PairAssessment
from upswing.findings.rules.types import (
    Basis,
    Cause,
    Evidence,
    Facts,
    Finding,
    FindingKind,
    PairVerdict,
    Recommendation,
    Verdict,
)
from upswing.findings.rules.whose import gap_attribution, shared_possible

BEHAVIOUR_METRICS = ("qa", "fcr")


def gap_finding(gap: GapAssessment, pair: PairAssessment, ctx: Context) -> Finding:
    config, series = ctx.inputs.config, gap.series
    below = gap.below
    below_floor = len(gap.below_floor) >= config.periods_below
    reasons = [_gap_sentence(gap, below_floor, config), _team_sentence(gap, ctx)]
    attribution = gap_attribution(gap, _gap_standard(gap, config), ctx)
    cause, events = attribution.cause, attribution.events
    reasons += attribution.reasons
    named = ()
    if series.metric in BEHAVIOUR_METRICS and cause is Cause.INDIVIDUAL:
        named = name_behaviours(ctx.tallies.get(series.agent_id, ()), config)
        reasons += [b.reason() for b in named]
    behaviours = tuple(b.tally.behaviour for b in named)
    decision = climb_ladder(
        LadderInput(
            kind=FindingKind.SUSTAINED_GAP,
            cause=cause,
            metric=series.metric,
            behaviours=behaviours,
            below_floor=below_floor,
            latest_gap_start=max(j.period for j in below).start,
            as_of=ctx.inputs.as_of,
            sessions=ctx.coaching.get(series.agent_id, ()),
        ),
        config,
    )
    recommendation = decision.recommendation
    reasons += decision.reasons
    if series.metric == "aht" and pair.verdict is PairVerdict.SLOWER_BUT_RESOLVING:
        reasons += pair.reasons()
        if recommendation not in (Recommendation.PROCESS_FIX, Recommendation.MONITOR):
            recommendation = Recommendation.MONITOR
            reasons.append("So the handle-time gap is monitored, not acted on.")
    evidence = Evidence(
        periods=tuple(j.period.label for j in below),
        snapshots=refs(below),
        interactions=tuple(i for b in named for i in b.tally.missed_interaction_ids),
        evaluations=tuple(e for b in named for e in b.tally.missed_evaluation_ids),
        events=tuple(e.event_id for e in events),
        coaching_sessions=tuple(s.session_id for s in decision.sessions),
    )
    return finding(
        series,
        FindingKind.SUSTAINED_GAP,
        cause,
        recommendation,
        tuple(j.period.label for j in below),
        reasons,
        evidence,
        behaviours,
        _gap_facts(gap, attribution.facts, config),
    )


def _gap_standard(gap: GapAssessment, config) -> float | None:
    """The standard the gap was found against: the floor, else the team bound, of its
    latest week below (or of the pooled window)."""
    if gap.by_pooled_window:
        return gap.pooled_window.standard
    for j in reversed(gap.below):
        obs = j.observation
        if j.verdict is Verdict.BELOW_FLOOR and obs is not None:
            return obs.sla_floor
        if obs is not None and obs.baseline is not None:
            return team_bound(gap.series.metric, obs.baseline, config)
    return None


def _gap_sentence(gap: GapAssessment, below_floor: bool, config) -> str:
    confidence = config.confidence
    metric = gap.series.metric
    below = gap.below
    side = wording.worse_side(metric)
    if below_floor:
        floors = sorted({j.observation.sla_floor for j in gap.below_floor})
        standard = f"the SLA floor of {', '.join(wording.value(metric, f) for f in floors)}"
    else:
        standard = "the team's value by a material margin"
    weeks = (
        f"in {len(below)} of the last {len(gap.window)} {wording.unit_word(gap.window)} "
        f"({wording.labels([j.period for j in below])})"
    )
    if gap.by_pooled_window:
        w = gap.pooled_window
        return (
            f"{wording.label(metric)} was {side} {standard} {weeks} on each week's point "
            f"estimate. Pooled over the last {len(w.pooled.periods)} weeks with data "
            f"({wording.sample(metric, w.pooled.n)}, {wording.labels(w.pooled.periods)}) it was "
            f"{wording.value(metric, w.pooled.value)}, and its one-sided "
            f"{config.pooled_confidence:.0%} bound of "
            f"{wording.versus(metric, w.bound, w.standard)} is {side} "
            f"{_standard_value(metric, w, below_floor)}"
            f": the gap is sustained on the pooled evidence, although "
            f"{_intervals_count(gap)} its own."
        )
    taken = [j.observation for j in below if j.observation is not None]
    pooled = pool(taken, metric, confidence)
    pooled_note = (
        " Weeks with few observations were pooled with the weeks before them."
        if any(j.pooled is not None and len(j.pooled.periods) > 1 for j in below)
        else ""
    )
    return (
        f"{wording.label(metric)} was {side} {standard} {weeks}, at "
        f"{wording.value(metric, pooled.value)} over those weeks "
        f"({wording.sample(metric, pooled.n)}); each week's whole {confidence:.0%} interval was "
        f"{side} the standard, not just its point estimate.{pooled_note}"
    )


def _own_intervals(gap: GapAssessment) -> str:
    count, side = gap.weekly_intervals_below, wording.worse_side(gap.series.metric)
    if count == 0:
        return f"none of the agent's own weekly intervals lies wholly {side} the standard"
    weeks = "week's interval lies" if count == 1 else "weeks' intervals lie"
    return f"{count} of the agent's own {weeks} wholly {side} the standard"


def _standard_value(metric: str, window, below_floor: bool) -> str:
    what = "the floor" if below_floor else "the team's value less the material margin"
    return f"{what} ({wording.value(metric, window.standard)})"


def _intervals_count(gap: GapAssessment) -> str:
    """How many weeks' own intervals show the gap, as a clause: "no week shows it on",
    "1 of 4 weeks shows it on" ..."""
    count, total = gap.weekly_intervals_below, len(gap.window)
    if count == 0:
        return "no week's own interval shows it on"
    return f"only {count} of {total} weeks' own intervals show it on"


def _team_sentence(gap: GapAssessment, ctx: Context) -> str:
    metric, series = gap.series.metric, gap.series
    baselines = [
        j.observation.baseline
        for j in gap.below
        if j.observation is not None and j.observation.baseline is not None
    ]
    share = ctx.shares.get(("team", series.team_id, metric))
    team_value = (
        f"team {series.team_id}'s value was {_range(metric, baselines)} in the same weeks"
        if baselines
        else f"team {series.team_id} has no value for the same weeks"
    )
    if share is None:
        return f"For comparison, {team_value}."
    return (
        f"For comparison, {team_value}, and {len(share.affected)} of {len(share.agents)} agents "
        f"of the team were below the standard in at least {ctx.inputs.config.periods_below} of "
        f"those {ctx.inputs.config.window} weeks."
    )


def _range(metric: str, values: Sequence[float]) -> str:
    low, high = min(values), max(values)
    if wording.value(metric, low) == wording.value(metric, high):
        return wording.value(metric, low)
    return f"{wording.value(metric, low)} to {wording.value(metric, high)}"


def insufficient_finding(gap: GapAssessment, ctx: Context) -> Finding:
    """Point estimates below the standard on too few observations (or too few weeks): a
    possible gap; the team's when the rest of the team is below the floor too."""
    config, series = ctx.config, gap.series
    hinted = [j for j in gap.judgements if j.point_below]
    n = sum(j.observation.n for j in hinted if j.observation is not None)
    shared = shared_possible(gap, ctx)
    if shared is not None:
        return _shared_possible_gap(gap, hinted, n, shared, ctx)
    reasons = [
        f"{wording.label(series.metric)} point estimates were below the standard in "
        f"{len(hinted)} of the last {len(gap.window)} {wording.unit_word(gap.window)} "
        f"({wording.labels([j.period for j in hinted])}), "
        + (
            f"on {wording.sample(series.metric, n)}."
            if gap.new
            else f"on only {wording.sample(series.metric, n)}."
        ),
        _shortfall_sentence(gap, config),
        "Keep monitoring until the sample is large enough; no action rests on this.",
    ]
    evidence = Evidence(periods=tuple(j.period.label for j in hinted), snapshots=refs(hinted))
    facts = Facts(Basis.TOO_FEW, pooled_n=n, pooled_periods=evidence.periods)
    return finding(
        series,
        FindingKind.POSSIBLE_GAP,
        Cause.INSUFFICIENT_DATA,
        Recommendation.MONITOR,
        evidence.periods,
        reasons,
        evidence,
        facts=facts,
    )


def _shortfall_sentence(gap: GapAssessment, config) -> str:
    metric = gap.series.metric
    need = config.min_n_for(metric)
    window = gap.pooled_window
    if gap.new:
        first = min(o.period for o in gap.series.observations if o.n > 0)
        return (
            f"The agent's first {wording.label(metric)} data is in {first.label}: a sustained "
            f"gap is judged on all {len(gap.window)} weeks of the window, so it is too early to "
            "call it a gap either way."
        )
    if window is not None and window.pooled.n < need:
        return (
            f"Judging it needs at least {need} observations pooled over the last "
            f"{config.pooled_weeks_for(metric)} weeks; there are {window.pooled.n}, so there is "
            "too little data to call it a gap either way."
        )
    short = sum(j.verdict is Verdict.UNKNOWN for j in gap.judgements)
    if window is not None and window.verdict is Verdict.MEETS:
        return (
            f"Pooled over the last {len(window.pooled.periods)} weeks with data "
            f"({wording.sample(metric, window.pooled.n)}) its one-sided bound of "
            f"{wording.value(metric, window.bound)} does not lie {wording.worse_side(metric)} "
            f"the standard of {wording.value(metric, window.standard)}, so the gap is not shown "
            "either way."
        )
    return (
        f"A judged week needs at least {need} observations, pooled over up to "
        f"{config.pool_periods} weeks; {short} of the weeks fall short, so there is too little "
        "data to call it a gap either way."
    )


def _shared_possible_gap(gap, hinted, n, shared, ctx: Context) -> Finding:
    series = gap.series
    reasons = [
        f"{wording.label(series.metric)} point estimates were below the standard in "
        f"{len(hinted)} of the last {len(gap.window)} {wording.unit_word(gap.window)} "
        f"({wording.labels([j.period for j in hinted])}), on "
        f"{wording.sample(series.metric, n)}: not enough to judge the agent alone; "
        f"{_own_intervals(gap)}.",
        *shared.reasons,
    ]
    decision = climb_ladder(
        LadderInput(
            FindingKind.POSSIBLE_GAP,
            shared.cause,
            series.metric,
            (),
            False,
            None,
            ctx.inputs.as_of,
            (),
        ),
        ctx.config,
    )
    reasons += decision.reasons
    evidence = Evidence(
        periods=tuple(j.period.label for j in hinted),
        snapshots=refs(hinted),
        events=tuple(e.event_id for e in shared.events),
    )
    return finding(
        series,
        FindingKind.POSSIBLE_GAP,
        shared.cause,
        decision.recommendation,
        evidence.periods,
        reasons,
        evidence,
        facts=shared.facts,
    )


def _gap_facts(gap: GapAssessment, facts: Facts, config) -> Facts:
    """The attribution's facts with what the gap itself was judged on."""
    if gap.by_pooled_window:
        w = gap.pooled_window
        n, periods, value = w.pooled.n, tuple(p.label for p in w.pooled.periods), w.pooled.value
    else:
        taken = [j.observation for j in gap.below if j.observation is not None]
        pooled = pool(taken, gap.series.metric, config.confidence)
        n, periods, value = pooled.n, tuple(p.label for p in pooled.periods), pooled.value
    return dataclasses.replace(
        facts,
        pooled_n=n,
        pooled_periods=periods,
        value=value,
        standard=_gap_standard(gap, config),
    )
