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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from upswing.findings.rules.context import Context, group
from upswing.findings.rules.gap_findings import BEHAVIOUR_METRICS, gap_finding, insufficient_finding
from upswing.findings.rules.gaps import DIAGNOSED_METRICS
from upswing.findings.rules.groups import group_similar_gaps
from upswing.findings.rules.pairs import PairAssessment, evaluate_pair
from upswing.findings.rules.screen import BatchScreen, Screen
from upswing.findings.rules.trend_findings import rushing_finding, trend_finding
from upswing.findings.rules.trends import evaluate_trend
from upswing.findings.rules.types import (
    DiagnosisInputs,
    Finding,
    GapState,
    MixProfile,
    PairVerdict,
    SimilarGapGroup,
)
from upswing.findings.rules.whose import shared_possible

__all__ = ["BEHAVIOUR_METRICS", "Diagnosis", "diagnose"]


@dataclass(frozen=True, slots=True)
class Diagnosis:
    findings: tuple[Finding, ...]
    groups: tuple[SimilarGapGroup, ...]


def diagnose(inputs: DiagnosisInputs, *, screen: type[Screen] = BatchScreen) -> Diagnosis:
    """`screen` answers the per-series questions: `BatchScreen` for all series at once with
    numpy, `ReferenceScreen` series by series (the reference the batch is tested against)."""
    # one series per agent and metric, the last given (in the place of the first)
    latest = {(s.agent_id, s.metric): s for s in inputs.series if s.metric in DIAGNOSED_METRICS}
    screened = screen(list(latest.values()), inputs.last_period, inputs.config)
    mixes = inputs.mixes if isinstance(inputs.mixes, Mapping) else _first_profiles(inputs.mixes)
    context = Context(
        inputs,
        screened,
        screened.shares(inputs.events),
        group(inputs.coaching, lambda c: c.agent_id),
        group(inputs.behaviours, lambda t: t.agent_id),
        mixes,
        group(screened.series, lambda s: (s.team_id, s.metric)),
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
            findings.append(rushing_finding(screened.series[rows["aht"]], pair, context))
    return Diagnosis(tuple(findings), group_similar_gaps(findings))


# --- one metric -----------------------------------------------------------------------------


def _metric_finding(row: int, pair: PairAssessment, ctx: Context) -> Finding | None:
    screen = ctx.screen
    series, state = screen.series[row], screen.state(row)
    if state is GapState.SUSTAINED:
        return gap_finding(screen.gap(row), pair, ctx)
    if state is GapState.INSUFFICIENT:
        return insufficient_finding(screen.gap(row), ctx)
    if state is GapState.NOT_SUSTAINED and screen.shows_gap(row):
        gap = screen.gap(row)
        if shared_possible(gap, ctx) is not None:  # too wide to show the team's gap alone
            return insufficient_finding(gap, ctx)
    if series.metric == "aht" and pair.verdict is PairVerdict.SLOWER_BUT_RESOLVING:
        return None  # longer calls that resolve more: not a decline to warn about
    if not screen.may_trend(row):
        return None
    trend = evaluate_trend(series, ctx.inputs.last_period, ctx.config)
    return trend_finding(series, trend, ctx) if trend is not None else None


def _first_profiles(profiles: Iterable[MixProfile]) -> dict[tuple[str, str], MixProfile]:
    """(agent, metric) -> the first profile given for it."""
    mixes: dict[tuple[str, str], MixProfile] = {}
    for m in profiles:
        mixes.setdefault((m.agent_id, m.metric), m)
    return mixes
