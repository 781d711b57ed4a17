"""Whose gap is it? The same questions for every finding kind, in the same order.

A recorded event that covers the weeks below the standard; the work routed to the agent
(peers on the same mix would miss the standard too: context); the same gap for most of the
team or program, or the rest of the team below the floor on its pooled window, or the rest of
the team declining over the same weeks (systemic); else the agent's own. Each answer carries
its sentences and its facts (`Facts`), so pages never read the sentences back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from upswing.findings.rules import wording
from upswing.findings.rules.causes import (
    GapShare,
    compare_on_mix,
    event_reason,
    events_explaining,
    share_reason,
)
from upswing.findings.rules.context import Context
from upswing.findings.rules.gaps import GapAssessment
from upswing.findings.rules.trends import team_decline
from upswing.findings.rules.types import (
    AgentSeries,
    Basis,
    Cause,
    ContextEvent,
    EventFact,
    Facts,
)
from upswing.periods import Period


@dataclass(frozen=True, slots=True)
class Attribution:
    cause: Cause
    reasons: tuple[str, ...]
    events: tuple[ContextEvent, ...] = ()
    facts: Facts = field(default_factory=Facts)


def gap_attribution(gap: GapAssessment, standard: float | None, ctx: Context) -> Attribution:
    """A sustained gap: events, then the mix, then a shared gap, else the agent's."""
    config, series = ctx.config, gap.series
    events = events_explaining(gap, ctx.inputs.events, config)
    if events:
        touched = sum(any(e.covers(j.period) for e in events) for j in gap.below)
        return _by_events(events, event_reason(events, config.periods_below, touched))
    mix = _mix(series, standard, ctx)
    if mix is not None and mix.gap_vanishes:
        return Attribution(Cause.CONTEXT, mix.reasons(), (), Facts(Basis.MIX))
    shared = _shared(series, gap.window, ctx)
    if shared is not None:
        return shared
    return Attribution(Cause.INDIVIDUAL, mix.reasons() if mix is not None else ())


def shared_possible(gap: GapAssessment, ctx: Context) -> Attribution | None:
    """Too few observations to judge the agent, but the gap is plainly beyond the agent: a
    recorded event covers it, or the rest of the team is below the floor on its pooled window
    (context when peers on the agent's mix would miss the standard too). None otherwise."""
    config, series = ctx.config, gap.series
    hinted = [j for j in gap.judgements if j.point_below]
    if len(hinted) < config.periods_below:
        return None
    events = events_explaining(gap, ctx.inputs.events, config)
    if events:
        touched = sum(any(e.covers(j.period) for e in events) for j in hinted)
        return _by_events(events, event_reason(events, config.periods_below, touched))
    team = ctx.team_window(series)
    if team is None or not team.shared:
        return None
    mix = _mix(series, team.floor, ctx)
    if mix is not None and mix.gap_vanishes:
        return Attribution(Cause.CONTEXT, mix.reasons(), (), Facts(Basis.MIX))
    share = ctx.shares.get(("team", series.team_id, series.metric))
    reasons = [team.reason(config.confidence)]
    if share is not None and share.is_systemic(config):
        reasons.insert(0, share_reason(share, series.metric, wording.span(gap.window), config))
    return Attribution(
        Cause.SYSTEMIC,
        tuple(reasons),
        (),
        _share_facts(_team_basis(team), share, series.team_id, team.teammates),
    )


def _team_basis(team) -> Basis:
    return Basis.TEAM_BELOW if team.below_floor else Basis.TEAM_DECLINE


def trend_attribution(series: AgentSeries, periods: Sequence[Period], ctx: Context):
    """A decline: events over its recent weeks, the team declining too, a shared gap, the
    mix; else the agent's own."""
    config = ctx.config
    recent = periods[-config.window :]
    events = [
        e
        for e in ctx.inputs.events
        if e.program_id == series.program_id
        and e.team_id in (None, "", series.team_id)
        and sum(e.covers(p) for p in recent) >= config.periods_below
    ]
    if events:
        events.sort(key=lambda e: (e.starts_on, e.event_id))
        text = event_reason(events, config.periods_below, len(recent)).replace(
            "the weeks below the standard", "the recent weeks"
        )
        return _by_events(tuple(events), text)
    declined = team_decline(ctx.teammates(series), periods, config)
    if declined is not None and declined.shared:
        metric = series.metric
        text = (
            f"In team {series.team_id}, the other {declined.teammates} agents' "
            f"{wording.label(metric)} fell over the same weeks too (their pooled weekly value, "
            f"Mann-Kendall p={declined.p_value:.3f}; the median agent moved "
            f"{wording.change(metric, declined.median_change)} the wrong way): the decline is "
            "the team's, not the agent's alone."
        )
        facts = Facts(Basis.TEAM_DECLINE, series.team_id, agents=declined.teammates)
        return Attribution(Cause.SYSTEMIC, (text,), (), facts)
    shared = _shared(series, recent, ctx)
    if shared is not None:
        return shared
    latest = series.at(periods[-1])
    mix = _mix(series, latest.sla_floor if latest is not None else None, ctx)
    if mix is not None and mix.gap_vanishes:
        return Attribution(Cause.CONTEXT, mix.reasons(), (), Facts(Basis.MIX))
    return Attribution(Cause.INDIVIDUAL, ())


def _by_events(events: Sequence[ContextEvent], text: str) -> Attribution:
    facts = Facts(Basis.EVENT, events=tuple(EventFact.of(e) for e in events))
    return Attribution(Cause.SYSTEMIC, (text,), tuple(events), facts)


def _mix(series: AgentSeries, standard: float | None, ctx: Context):
    profile = ctx.mixes.get((series.agent_id, series.metric))
    return compare_on_mix(profile, ctx.config, standard) if profile is not None else None


def _shared(series: AgentSeries, window: Sequence[Period], ctx: Context) -> Attribution | None:
    """Most of the team (or program) shows the same gap, or the rest of the team is below
    the floor on its pooled window: systemic."""
    config = ctx.config
    for scope, group_id in (("team", series.team_id), ("program", series.program_id)):
        share = ctx.shares.get((scope, group_id, series.metric))
        if share is not None and share.is_systemic(config):
            reason = share_reason(share, series.metric, wording.span(window), config)
            basis = Basis.TEAM_SHARE if scope == "team" else Basis.PROGRAM_SHARE
            return Attribution(
                Cause.SYSTEMIC,
                (reason + " The same gap for so many is a process problem.",),
                (),
                _share_facts(basis, share, group_id, len(share.agents)),
            )
    team = ctx.team_window(series)
    if team is not None and team.shared:
        share = ctx.shares.get(("team", series.team_id, series.metric))
        facts = _share_facts(_team_basis(team), share, series.team_id, team.teammates)
        return Attribution(Cause.SYSTEMIC, (team.reason(config.confidence),), (), facts)
    return None


def _share_facts(basis: Basis, share: GapShare | None, group_id: str, agents: int) -> Facts:
    if share is None:
        return Facts(basis, group_id, agents=agents)
    return Facts(basis, group_id, len(share.affected), len(share.agents))
