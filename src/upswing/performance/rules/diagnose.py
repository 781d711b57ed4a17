"""Diagnosis of one program as of one day: every rule, composed into findings.

For each agent and diagnosed metric: is there a sustained gap (or only a hint of one on too
few observations, or an early decline)? If there is a gap, is it shared by the team or the
program, explained by a recorded event or by the agent's mix, or the agent's own? Then the
ladder decides what to do, and every step leaves its sentence in the reasons.
What every series is asked (gap state, trend, rushing, shares) a screen answers for all at
once (`screen.BatchScreen`); the per-series rules then build each finding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from upswing.metrics import CATALOG, Better
from upswing.performance.rules import wording
from upswing.performance.rules.causes import (
    compare_on_mix,
    event_reason,
    events_explaining,
    name_behaviours,
    share_reason,
)
from upswing.performance.rules.gaps import (
    DIAGNOSED_METRICS,
    GapAssessment,
    TrendAssessment,
    evaluate_trend,
    is_worse,
    pool,
)
from upswing.performance.rules.groups import group_similar_gaps
from upswing.performance.rules.ladder import LadderInput, climb_ladder
from upswing.performance.rules.pairs import PairAssessment, evaluate_pair
from upswing.performance.rules.screen import BatchScreen, Screen, Shares
from upswing.performance.rules.types import (
    AgentSeries,
    BehaviourTally,
    Cause,
    CoachingRecord,
    DiagnosisInputs,
    Evidence,
    Finding,
    FindingKind,
    GapState,
    MixProfile,
    PairVerdict,
    Recommendation,
    SimilarGapGroup,
    Verdict,
)

BEHAVIOUR_METRICS = ("qa", "fcr")


@dataclass(frozen=True, slots=True)
class Diagnosis:
    findings: tuple[Finding, ...]
    groups: tuple[SimilarGapGroup, ...]


@dataclass(frozen=True, slots=True)
class _Context:
    """What a single agent's findings are read against."""

    inputs: DiagnosisInputs
    screen: Screen
    shares: Shares
    coaching: dict[str, tuple[CoachingRecord, ...]]
    tallies: dict[str, tuple[BehaviourTally, ...]]
    mixes: dict[tuple[str, str], MixProfile]  # (agent, metric): the first profile given


def diagnose(inputs: DiagnosisInputs, *, screen: type[Screen] = BatchScreen) -> Diagnosis:
    """`screen` answers the per-series questions: `BatchScreen` for all series at once with
    numpy, `ReferenceScreen` series by series (the reference the batch is tested against)."""
    # one series per agent and metric, the last given (in the place of the first)
    latest = {(s.agent_id, s.metric): s for s in inputs.series if s.metric in DIAGNOSED_METRICS}
    screened = screen(list(latest.values()), inputs.last_period, inputs.config)
    mixes: dict[tuple[str, str], MixProfile] = {}
    for m in inputs.mixes:
        mixes.setdefault((m.agent_id, m.metric), m)
    context = _Context(
        inputs,
        screened,
        screened.shares(inputs.events),
        _group(inputs.coaching, lambda c: c.agent_id),
        _group(inputs.behaviours, lambda t: t.agent_id),
        mixes,
    )
    by_agent: dict[str, dict[str, int]] = defaultdict(dict)
    for row, s in enumerate(screened.series):
        by_agent[s.agent_id][s.metric] = row
    no_pair = evaluate_pair(None, None, None, inputs.last_period, inputs.config)
    findings: list[Finding] = []
    for agent_id in sorted(by_agent):
        rows = by_agent[agent_id]
        pair = no_pair
        if "aht" in rows and screened.may_rush(rows["aht"]):
            metrics = {metric: screened.series[row] for metric, row in rows.items()}
            pair = evaluate_pair(
                metrics["aht"],
                metrics.get("fcr"),
                metrics.get("reopen"),
                inputs.last_period,
                inputs.config,
            )
        for metric in DIAGNOSED_METRICS:
            if metric in rows:
                finding = _metric_finding(rows[metric], pair, context)
                if finding is not None:
                    findings.append(finding)
        if pair.verdict is PairVerdict.RUSHING:
            findings.append(_rushing_finding(screened.series[rows["aht"]], pair, context))
    return Diagnosis(tuple(findings), group_similar_gaps(findings))


def _group(items: Iterable, key) -> dict:
    out: dict = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return {k: tuple(v) for k, v in out.items()}


# --- one metric -----------------------------------------------------------------------------


def _metric_finding(row: int, pair: PairAssessment, ctx: _Context) -> Finding | None:
    screen = ctx.screen
    series, state = screen.series[row], screen.state(row)
    if state is GapState.SUSTAINED:
        return _gap_finding(screen.gap(row), pair, ctx)
    if state is GapState.INSUFFICIENT:
        return _insufficient_finding(screen.gap(row), ctx)
    if state is GapState.NOT_SUSTAINED and screen.shows_gap(row) and _team_systemic(series, ctx):
        gap = screen.gap(row)
        shared = _shared_team_gap(gap, ctx)
        if shared is not None:  # the agent's own intervals are too wide to show the team's gap
            hinted = [j for j in gap.judgements if j.point_below]
            n = sum(j.observation.n for j in hinted if j.observation is not None)
            return _shared_possible_gap(gap, hinted, n, shared, ctx)
    if series.metric == "aht" and pair.verdict is PairVerdict.SLOWER_BUT_RESOLVING:
        return None  # longer calls that resolve more: not a decline to warn about
    if not screen.may_trend(row):
        return None
    trend = evaluate_trend(series, ctx.inputs.last_period, ctx.inputs.config)
    return _trend_finding(series, trend, ctx) if trend is not None else None


def _gap_finding(gap: GapAssessment, pair: PairAssessment, ctx: _Context) -> Finding:
    config, series = ctx.inputs.config, gap.series
    below = gap.below
    below_floor = len(gap.below_floor) >= config.periods_below
    reasons = [_gap_sentence(gap, below_floor, config.confidence), _team_sentence(gap, ctx)]
    cause, cause_reasons, events = _cause(gap, ctx)
    reasons += cause_reasons
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
        snapshots=_refs(below),
        interactions=tuple(i for b in named for i in b.tally.missed_interaction_ids),
        evaluations=tuple(e for b in named for e in b.tally.missed_evaluation_ids),
        events=tuple(e.event_id for e in events),
        coaching_sessions=tuple(s.session_id for s in decision.sessions),
    )
    return _finding(
        series,
        FindingKind.SUSTAINED_GAP,
        cause,
        recommendation,
        tuple(j.period.label for j in below),
        reasons,
        evidence,
        behaviours,
    )


def _cause(gap: GapAssessment, ctx: _Context):
    """(cause, reasons, events): events first, then a shared gap, then the mix."""
    config, series = ctx.inputs.config, gap.series
    events = events_explaining(gap, ctx.inputs.events, config)
    if events:
        touched = sum(any(e.covers(j.period) for e in events) for j in gap.below)
        return Cause.SYSTEMIC, [event_reason(events, config.periods_below, touched)], events
    window_text = wording.span(gap.window)
    for scope, group_id in (("team", series.team_id), ("program", series.program_id)):
        share = ctx.shares.get((scope, group_id, series.metric))
        if share is not None and share.is_systemic(config):
            reason = share_reason(share, series.metric, window_text, config)
            return Cause.SYSTEMIC, [reason + " The same gap for so many is a process problem."], ()
    profile = ctx.mixes.get((series.agent_id, series.metric))
    comparison = compare_on_mix(profile, config) if profile is not None else None
    if comparison is not None and comparison.gap_vanishes:
        return Cause.CONTEXT, list(comparison.reasons()), ()
    reasons = list(comparison.reasons()) if comparison is not None else []
    return Cause.INDIVIDUAL, reasons, ()


def _gap_sentence(gap: GapAssessment, below_floor: bool, confidence: float) -> str:
    metric = gap.series.metric
    below = gap.below
    taken = [j.observation for j in below if j.observation is not None]
    pooled = pool(taken, metric, confidence)
    if below_floor:
        floors = sorted({j.observation.sla_floor for j in gap.below_floor})
        standard = f"the SLA floor of {', '.join(wording.value(metric, f) for f in floors)}"
    else:
        standard = "the team's value by a material margin"
    pooled_note = (
        " Weeks with few observations were pooled with the weeks before them."
        if any(j.pooled is not None and len(j.pooled.periods) > 1 for j in below)
        else ""
    )
    return (
        f"{wording.label(metric)} was below {standard} in {len(below)} of the last "
        f"{len(gap.window)} {wording.unit_word(gap.window)} "
        f"({wording.labels([j.period for j in below])}), at {wording.value(metric, pooled.value)} "
        f"over those weeks ({wording.sample(metric, pooled.n)}); each week's whole "
        f"{confidence:.0%} interval was below the standard, not just its point estimate."
        f"{pooled_note}"
    )


def _team_sentence(gap: GapAssessment, ctx: _Context) -> str:
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


def _insufficient_finding(gap: GapAssessment, ctx: _Context) -> Finding:
    config, series = ctx.inputs.config, gap.series
    hinted = [j for j in gap.judgements if j.point_below]
    n = sum(j.observation.n for j in hinted if j.observation is not None)
    shared = _shared_team_gap(gap, ctx)
    if shared is not None:
        return _shared_possible_gap(gap, hinted, n, shared, ctx)
    reasons = [
        f"{wording.label(series.metric)} point estimates were below the standard in "
        f"{len(hinted)} of the last {len(gap.window)} {wording.unit_word(gap.window)} "
        f"({wording.labels([j.period for j in hinted])}), "
        f"on only {wording.sample(series.metric, n)}.",
        f"A judged week needs at least {config.min_n_for(series.metric)} observations, pooled over "
        f"up to {config.pool_periods} weeks; "
        f"{sum(j.verdict is Verdict.UNKNOWN for j in gap.judgements)} of the weeks fall short, so "
        "there is too little data to call it a gap either way.",
        "Keep monitoring until the sample is large enough; no action rests on this.",
    ]
    evidence = Evidence(periods=tuple(j.period.label for j in hinted), snapshots=_refs(hinted))
    return _finding(
        series,
        FindingKind.POSSIBLE_GAP,
        Cause.INSUFFICIENT_DATA,
        Recommendation.MONITOR,
        evidence.periods,
        reasons,
        evidence,
    )


def _shared_team_gap(gap: GapAssessment, ctx: _Context) -> str | None:
    """Too few observations to judge the agent, but the gap is plainly the team's: most of it
    shows the same gap, and the team's own value (its whole sample) is below the SLA floor in
    k of the window's periods. Returns the sentence saying so, or None."""
    config, series = ctx.inputs.config, gap.series
    if not _team_systemic(series, ctx):
        return None
    share = ctx.shares[("team", series.team_id, series.metric)]
    team_below = [
        j.period
        for j in gap.judgements
        if j.observation is not None
        and j.observation.baseline is not None
        and j.observation.sla_floor is not None
        and is_worse(series.metric, j.observation.baseline, j.observation.sla_floor)
    ]
    if len(team_below) < config.periods_below:
        return None
    return (
        share_reason(share, series.metric, wording.span(gap.window), config)
        + f" The team's own {wording.label(series.metric)} was below the SLA floor in "
        f"{len(team_below)} of those weeks ({wording.labels(team_below)}): the gap is the "
        "team's, a process problem, whatever this agent's small sample says."
    )


def _team_systemic(series: AgentSeries, ctx: _Context) -> bool:
    share = ctx.shares.get(("team", series.team_id, series.metric))
    return share is not None and share.is_systemic(ctx.inputs.config)


def _shared_possible_gap(gap, hinted, n, shared: str, ctx: _Context) -> Finding:
    series = gap.series
    reasons = [
        f"{wording.label(series.metric)} point estimates were below the standard in "
        f"{len(hinted)} of the last {len(gap.window)} {wording.unit_word(gap.window)} "
        f"({wording.labels([j.period for j in hinted])}), on only "
        f"{wording.sample(series.metric, n)}: too few to judge the agent alone, "
        "and the agent's own intervals do not show it either way.",
        shared,
    ]
    decision = climb_ladder(
        LadderInput(
            FindingKind.POSSIBLE_GAP,
            Cause.SYSTEMIC,
            series.metric,
            (),
            False,
            None,
            ctx.inputs.as_of,
            (),
        ),
        ctx.inputs.config,
    )
    reasons += decision.reasons
    evidence = Evidence(periods=tuple(j.period.label for j in hinted), snapshots=_refs(hinted))
    return _finding(
        series,
        FindingKind.POSSIBLE_GAP,
        Cause.SYSTEMIC,
        decision.recommendation,
        evidence.periods,
        reasons,
        evidence,
    )


def _trend_finding(series: AgentSeries, trend: TrendAssessment, ctx: _Context) -> Finding:
    metric = series.metric
    verb = "declined" if CATALOG[metric].better is Better.HIGHER else "risen"
    detector = []
    if trend.p_value is not None:
        detector.append(f"Mann-Kendall p={trend.p_value:.3f}")
    if trend.cusum_period is not None:
        detector.append(
            f"CUSUM against the agent's earlier level signalled in {trend.cusum_period.label}"
        )
    reasons = [
        f"{wording.label(metric)} has {verb} steadily over the last {len(trend.periods)} weeks "
        f"({wording.span(trend.periods)}): from {wording.value(metric, trend.first_value)} to "
        f"{wording.value(metric, trend.last_value)}, about "
        f"{wording.change(metric, trend.slope)} a week ({'; '.join(detector)}).",
    ]
    latest = series.at(trend.periods[-1])
    if latest is not None and latest.sla_floor is not None:
        reasons.append(
            f"It has not become a sustained gap below the SLA floor of "
            f"{wording.value(metric, latest.sla_floor)} yet: an early warning."
        )
    reasons.append("Monitor it; a decline that has not become a sustained gap is not acted on.")
    evidence = Evidence(periods=tuple(p.label for p in trend.periods), snapshots=trend.refs)
    return _finding(
        series,
        FindingKind.TREND,
        Cause.INDIVIDUAL,
        Recommendation.MONITOR,
        evidence.periods,
        reasons,
        evidence,
    )


def _rushing_finding(aht: AgentSeries, pair: PairAssessment, ctx: _Context) -> Finding:
    config = ctx.inputs.config
    reasons = list(pair.reasons())
    events = [
        e
        for e in ctx.inputs.events
        if e.program_id == aht.program_id
        and e.team_id in (None, "", aht.team_id)
        and sum(e.covers(p) for p in pair.recent) >= config.periods_below
    ]
    shared = _shared_partner_decline(aht, pair, ctx)
    cause = Cause.SYSTEMIC if events or shared else Cause.INDIVIDUAL
    if events:
        reasons.append(
            event_reason(events, config.periods_below, len(pair.recent)).replace(
                "the weeks below the standard", "the recent weeks"
            )
        )
    if shared:
        reasons.append(shared)
    decision = climb_ladder(
        LadderInput(
            FindingKind.RUSHING,
            cause,
            pair.partner.metric,
            (),
            False,
            pair.recent[0].start,
            ctx.inputs.as_of,
            ctx.coaching.get(aht.agent_id, ()),
        ),
        config,
    )
    reasons += decision.reasons
    evidence = Evidence(
        periods=tuple(p.label for p in pair.prior + pair.recent),
        snapshots=pair.refs,
        events=tuple(e.event_id for e in events),
        coaching_sessions=tuple(s.session_id for s in decision.sessions),
    )
    return _finding(
        aht,
        FindingKind.RUSHING,
        cause,
        decision.recommendation,
        tuple(p.label for p in pair.recent),
        reasons,
        evidence,
    )


def _shared_partner_decline(aht: AgentSeries, pair: PairAssessment, ctx: _Context) -> str:
    """The resolution side of the pair fell for most of the team (or program) in the same
    weeks: that fall is the process's, so faster calls alongside it are not shown to be rushing.
    Returns the sentence saying so, or ""."""
    config, metric = ctx.inputs.config, pair.partner.metric
    for scope, group_id in (("team", aht.team_id), ("program", aht.program_id)):
        share = ctx.shares.get((scope, group_id, metric))
        if share is not None and share.is_systemic(config):
            return (
                share_reason(share, metric, wording.span(pair.recent), config)
                + f" The fall in {wording.label(metric)} is shared, so it is not the agent's "
                "rushing."
            )
    return ""


def _refs(judgements) -> tuple[str, ...]:
    refs: list[str] = []
    for j in judgements:
        sources = j.pooled.refs if j.pooled is not None else ()
        if not sources and j.observation is not None and j.observation.ref:
            sources = (j.observation.ref,)
        refs += [r for r in sources if r not in refs]
    return tuple(refs)


def _finding(series, kind, cause, recommendation, periods, reasons, evidence, behaviours=()):
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
    )
