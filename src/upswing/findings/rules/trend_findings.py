"""Early warnings and paired metrics: a decline that is not yet a gap (trend), and faster calls
that resolve less (rushing). Whose they are is asked as for a gap (`whose`)."""

from __future__ import annotations

import dataclasses

from upswing.findings.rules import wording
from upswing.findings.rules.causes import event_reason, share_reason
from upswing.findings.rules.context import Context, finding
from upswing.findings.rules.ladder import LadderInput, climb_ladder
from upswing.findings.rules.pairs import PairAssessment
from upswing.findings.rules.trends import TrendAssessment
from upswing.findings.rules.types import (
    AgentSeries,
    Basis,
    Cause,
    EventFact,
    Evidence,
    Facts,
    Finding,
    FindingKind,
    Recommendation,
)
from upswing.findings.rules.whose import trend_attribution


def trend_finding(series: AgentSeries, trend: TrendAssessment, ctx: Context) -> Finding:
    metric = series.metric
    detector = []
    if trend.p_value is not None:
        detector.append(f"Mann-Kendall p={trend.p_value:.3f}")
    if trend.cusum_period is not None:
        detector.append(
            f"CUSUM against the agent's earlier level signalled in {trend.cusum_period.label}"
        )
    first, last = trend.fitted_first, trend.fitted_last
    reasons = [
        f"{wording.label(metric)} moved the wrong way over the last {len(trend.periods)} weeks "
        f"({wording.span(trend.periods)}): along its trend line it "
        f"{wording.direction(metric, first, last)} from {wording.value(metric, first)} to "
        f"{wording.value(metric, last)}, about {wording.change(metric, trend.slope)} a week "
        f"({'; '.join(detector)}; weekly values {wording.value(metric, trend.first_value)} "
        f"first, {wording.value(metric, trend.last_value)} last).",
    ]
    latest = series.at(trend.periods[-1])
    if latest is not None and latest.sla_floor is not None:
        reasons.append(
            f"It has not become a sustained gap {wording.worse_side(metric)} the SLA floor of "
            f"{wording.value(metric, latest.sla_floor)} yet: an early warning."
        )
    attribution = trend_attribution(series, trend.periods, ctx)
    cause, events = attribution.cause, attribution.events
    reasons += attribution.reasons
    if cause is Cause.SYSTEMIC:
        reasons.append(
            "The decline is shared or explained: watch the process, not the agent; nothing here "
            "rests on the agent, and an early warning is monitored, not acted on."
        )
        recommendation = Recommendation.MONITOR
    elif cause is Cause.CONTEXT:
        reasons.append("Monitor it, and look at what is routed to the agent.")
        recommendation = Recommendation.MONITOR
    else:
        reasons.append("Monitor it; a decline that has not become a sustained gap is not acted on.")
        recommendation = Recommendation.MONITOR
    evidence = Evidence(
        periods=tuple(p.label for p in trend.periods),
        snapshots=trend.refs,
        events=tuple(e.event_id for e in events),
    )
    facts = dataclasses.replace(
        attribution.facts,
        pooled_n=sum(o.n for p in trend.periods if (o := series.at(p)) is not None),
        pooled_periods=evidence.periods,
        value=trend.fitted_last,
        standard=latest.sla_floor if latest is not None else None,
    )
    return finding(
        series,
        FindingKind.TREND,
        cause,
        recommendation,
        evidence.periods,
        reasons,
        evidence,
        facts=facts,
    )


def rushing_finding(aht: AgentSeries, pair: PairAssessment, ctx: Context) -> Finding:
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
    if events:
        facts = Facts(Basis.EVENT, events=tuple(EventFact.of(e) for e in events))
    elif shared:
        facts = Facts(Basis.TEAM_SHARE, aht.team_id)
    else:
        facts = Facts()
    n = sum(o.n for p in pair.recent if (o := aht.at(p)) is not None)
    facts = dataclasses.replace(
        facts, pooled_n=n, pooled_periods=tuple(p.label for p in pair.recent)
    )
    return finding(
        aht,
        FindingKind.RUSHING,
        cause,
        decision.recommendation,
        tuple(p.label for p in pair.recent),
        reasons,
        evidence,
        facts=facts,
    )


def _shared_partner_decline(aht: AgentSeries, pair: PairAssessment, ctx: Context) -> str:
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
