"""Did a session work? The metric over the 4 weeks before it against the 4 weeks after it.

Values come from the agent's weekly scorecard snapshots, combined across weeks exactly from
their totals (findings.rules.gaps.pool: shares from counts with a Wilson interval, means
from sums of squares with a Student t interval); the verdict is coaching.rules.effect_verdict.
The session's own week belongs to neither side.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from upswing.coaching import rules
from upswing.coaching.models import CoachingSession
from upswing.findings.rules import DiagnosisConfig, Observation
from upswing.findings.rules.gaps import DIAGNOSED_METRICS, pool
from upswing.performance.models import WHOLE_PARTS, Finding, ScorecardSnapshot
from upswing.periods import Period, PeriodKind, parse_period, week_of


@dataclass(frozen=True, slots=True)
class Windows:
    before: tuple[Period, ...]
    after: tuple[Period, ...]


@dataclass(frozen=True, slots=True)
class SessionEffect:
    session: CoachingSession
    metric: str
    windows: Windows
    effect: rules.Effect


def windows_around(day: dt.date, weeks: int = rules.EFFECT_WEEKS) -> Windows:
    """The `weeks` whole weeks before the session's week, and the `weeks` after it."""
    week = week_of(day)
    before, after = [week.previous()], [week.next()]
    while len(before) < weeks:
        before.insert(0, before[0].previous())
        after.append(after[-1].next())
    return Windows(tuple(before), tuple(after))


def session_metric(session: CoachingSession) -> str:
    metric = session.metric or (session.finding.metric if session.finding_id else "")
    return metric if metric in DIAGNOSED_METRICS else ""


def session_effects(
    sessions: Iterable[CoachingSession], *, as_of: dt.date | None = None
) -> list[SessionEffect]:
    """The effect of each session on its metric (sessions without a diagnosed metric are
    skipped). Snapshots are read in one query for all of them."""
    as_of = as_of or timezone.localdate()
    planned = []
    for session in sessions:
        metric = session_metric(session)
        if metric:
            day = timezone.localdate(session.coached_at)
            planned.append((session, metric, windows_around(day)))
    observations = _load(planned)
    config = DiagnosisConfig()
    out = []
    for session, metric, windows in planned:
        series = observations.get((session.agent.code, metric), {})
        before = [series[p.start] for p in windows.before if p.start in series]
        after = [series[p.start] for p in windows.after if p.start in series]
        standard = next((o.sla_floor for o in reversed(before) if o.sla_floor is not None), None)
        effect = rules.effect_verdict(
            metric,
            pool(before, metric, config.confidence) if before else None,
            pool(after, metric, config.confidence) if after else None,
            standard=standard,
            min_n=config.min_n_for(metric),
            after_complete=as_of >= windows.after[-1].end,
        )
        out.append(SessionEffect(session, metric, windows, effect))
    return out


def _load(planned) -> dict[tuple[str, str], dict[dt.date, Observation]]:
    """One query over the agents, metrics and weeks involved (a superset: extra weeks are
    simply not read)."""
    if not planned:
        return {}
    rows = ScorecardSnapshot.objects.filter(
        level="agent",
        part__in=WHOLE_PARTS,
        period_kind=PeriodKind.WEEK.value,
        entity_code__in={session.agent.code for session, _, _ in planned},
        metric__in={metric for _, metric, _ in planned},
        period_start__gte=min(w.before[0].start for _, _, w in planned),
        period_start__lte=max(w.after[-1].start for _, _, w in planned),
    ).values_list(
        "id", "entity_code", "metric", "period_start", "value", "numerator", "n", "ci_low",
        "ci_high", "baseline", "sla_floor", "kpi_target",
    )  # fmt: skip
    out: dict[tuple[str, str], dict[dt.date, Observation]] = defaultdict(dict)
    for pk, agent, metric, start, *numbers in rows:
        value, numerator, n, low, high, baseline, floor, target = numbers
        out[(agent, metric)][start] = Observation(
            Period(PeriodKind.WEEK, start), value, numerator, n, low, high, baseline, floor,
            target, str(pk),
        )  # fmt: skip
    return out


def finding_effects(finding: Finding, *, as_of: dt.date | None = None) -> list[SessionEffect]:
    """The effect of the coaching on a finding: the sessions recorded from it, or else the
    agent's sessions on the finding's metric since its first period."""
    sessions = CoachingSession.objects.select_related("agent", "finding").filter(finding=finding)
    if not sessions.exists() and finding.periods:
        since = min(parse_period(label) for label in finding.periods)
        sessions = CoachingSession.objects.select_related("agent", "finding").filter(
            agent__code=finding.agent_code, metric=finding.metric, coached_at__date__gte=since.start
        )
    return session_effects(sessions.order_by("coached_at"), as_of=as_of)
