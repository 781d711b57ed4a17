"""Coaching reports: who improves after coaching and who is stuck, which coaching closes gaps,
coaching coverage of open findings, and teams with similar gaps.

Findings are read as stored by the last `upswing diagnose` run on or before the day asked
about ("open": the latest run's findings). Scope (which programs a user may see) is the
caller's: every function takes an optional program code and the web layer's access check.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone

from upswing.coaching import rules
from upswing.coaching.effectiveness import SessionEffect, session_effects
from upswing.coaching.models import CoachingKind, CoachingSession
from upswing.coaching.queries import sessions_between
from upswing.findings import rules as diagnosis_rules
from upswing.findings.stored import as_rule_finding
from upswing.metrics import CATALOG
from upswing.performance.models import Finding

COVERED_RECOMMENDATIONS = ("coach", "train", "pip")
COVERAGE_DAYS = 14
RECOMMENDATION_WORDS = {"coach": "coaching", "train": "training", "pip": "a performance plan"}


# --- improving and stuck ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgentProgress:
    agent_code: str
    agent_name: str
    metric: str
    progress: rules.Progress
    sessions: int
    latest: SessionEffect

    @property
    def label(self) -> str:
        return rules.PROGRESS_LABELS[self.progress]

    @property
    def metric_label(self) -> str:
        return CATALOG[self.metric].label if self.metric in CATALOG else self.metric


def progress_tally(rows: Iterable[AgentProgress]) -> list[tuple[str, int]]:
    """How many readings of each kind, in the order of `rules.Progress` (none left out)."""
    counts = Counter(row.progress for row in rows)
    return [(rules.PROGRESS_LABELS[p], counts.get(p, 0)) for p in rules.Progress]


def progress_report(
    *,
    since: dt.date,
    as_of: dt.date | None = None,
    program: str | None = None,
    base: QuerySet[CoachingSession] | None = None,
) -> list[AgentProgress]:
    """Per agent and metric coached since `since`: improving or stuck after the coaching
    (the latest session whose after-weeks are over decides), worst news first."""
    as_of = as_of or timezone.localdate()
    effects = session_effects(
        sessions_between(since, as_of, program=program, base=base), as_of=as_of
    )
    grouped: dict[tuple[str, str], list[SessionEffect]] = defaultdict(list)
    for effect in effects:
        grouped[(effect.session.agent.code, effect.metric)].append(effect)
    out = []
    for (agent, metric), items in grouped.items():
        items.sort(key=lambda e: e.session.coached_at, reverse=True)
        progress = rules.progress_after_coaching([e.effect.verdict for e in items])
        latest = next(
            (e for e in items if e.effect.verdict.value not in ("too_early", "insufficient")),
            items[0],
        )
        out.append(
            AgentProgress(agent, items[0].session.agent.name, metric, progress, len(items), latest)
        )
    order = {p: i for i, p in enumerate((
        rules.Progress.STUCK, rules.Progress.UNCLEAR, rules.Progress.IMPROVING,
        rules.Progress.CLOSED, rules.Progress.TOO_FEW, rules.Progress.TOO_EARLY,
    ))}  # fmt: skip
    return sorted(out, key=lambda p: (order[p.progress], p.agent_code, p.metric))


@dataclass(frozen=True, slots=True)
class EffectivenessRow:
    kind: str
    metric: str
    sessions: int
    verdicts: dict[str, int]

    @property
    def judged(self) -> int:
        return sum(n for v, n in self.verdicts.items() if v not in ("too_early", "insufficient"))

    def tally(self, *verdicts: str) -> int:
        return sum(self.verdicts.get(v, 0) for v in verdicts)

    @property
    def improved(self) -> int:
        return self.tally("improved")

    @property
    def stuck(self) -> int:
        return self.tally("no_change", "worse")

    @property
    def unclear(self) -> int:
        return self.tally("unclear")

    @property
    def label(self) -> str:
        return CATALOG[self.metric].label if self.metric in CATALOG else self.metric

    @property
    def kind_label(self) -> str:
        return CoachingKind(self.kind).label if self.kind in CoachingKind.values else self.kind

    @property
    def closed_share(self) -> float | None:
        return self.verdicts.get("closed_gap", 0) / self.judged if self.judged else None


def effectiveness_report(
    *,
    since: dt.date,
    as_of: dt.date | None = None,
    program: str | None = None,
    base: QuerySet[CoachingSession] | None = None,
) -> list[EffectivenessRow]:
    """Which coaching closes gaps: per session kind and metric, how many sessions closed the
    gap, improved, changed nothing or were followed by a decline."""
    as_of = as_of or timezone.localdate()
    effects = session_effects(
        sessions_between(since, as_of, program=program, base=base), as_of=as_of
    )
    tallies: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for effect in effects:
        tallies[(effect.session.kind, effect.metric)][effect.effect.verdict.value] += 1
    rows = [
        EffectivenessRow(kind, metric, sum(counts.values()), dict(counts))
        for (kind, metric), counts in tallies.items()
    ]
    return sorted(rows, key=lambda r: (-(r.closed_share or 0.0), r.kind, r.metric))


# --- coverage ---------------------------------------------------------------------------------


def open_findings(*, as_of: dt.date | None = None, program: str | None = None):
    """The findings of each program's latest diagnosis run on or before `as_of`."""
    as_of = as_of or timezone.localdate()
    stored = Finding.objects.filter(as_of__lte=as_of, rules_version=diagnosis_rules.RULES_VERSION)
    if program:
        stored = stored.filter(program_code=program)
    latest = dict(
        stored.values("program_code").annotate(day=Max("as_of")).values_list("program_code", "day")
    )
    findings = [
        f
        for f in stored.filter(as_of__in=set(latest.values()))
        if latest[f.program_code] == f.as_of
    ]
    return findings


@dataclass(frozen=True, slots=True)
class UncoveredFinding:
    finding: Finding
    last_session_on: dt.date | None

    @property
    def reason(self) -> str:
        f = self.finding
        last = (
            f"the last session was on {self.last_session_on}"
            if self.last_session_on
            else "no session is recorded"
        )
        metric = CATALOG[f.metric].label if f.metric in CATALOG else f.metric
        action = RECOMMENDATION_WORDS.get(f.recommendation, f.recommendation)
        return (
            f"The {metric} finding recommends {action}, and {last}: "
            f"nothing in the last {COVERAGE_DAYS} days."
        )


def coverage_report(
    *, as_of: dt.date | None = None, program: str | None = None, within_days: int = COVERAGE_DAYS
) -> list[UncoveredFinding]:
    """Open findings that recommend coach, train or pip, with no session with the agent in
    the last `within_days` days (any subject: a session is the conversation)."""
    as_of = as_of or timezone.localdate()
    findings = [
        f
        for f in open_findings(as_of=as_of, program=program)
        if f.recommendation in COVERED_RECOMMENDATIONS
    ]
    last = _last_sessions({f.agent_code for f in findings}, as_of)
    out = [
        UncoveredFinding(f, last.get(f.agent_code))
        for f in findings
        if rules.is_uncovered(last.get(f.agent_code), as_of, within_days=within_days)
    ]
    return sorted(out, key=lambda u: (u.finding.team_code, u.finding.agent_code, u.finding.metric))


def _last_sessions(agent_codes: Iterable[str], as_of: dt.date) -> dict[str, dt.date]:
    from upswing.coaching.models import CoachingSession

    rows = (
        CoachingSession.objects.filter(agent__code__in=agent_codes, coached_at__date__lte=as_of)
        .values("agent__code")
        .annotate(last=Max("coached_at"))
        .values_list("agent__code", "last")
    )
    return {code: timezone.localdate(last) for code, last in rows}


# --- similar gaps ----------------------------------------------------------------------------


def similar_gaps_report(
    *, as_of: dt.date | None = None, program: str | None = None
) -> tuple[diagnosis_rules.SimilarGapGroup, ...]:
    """Teams showing the same systemic gap in overlapping weeks (the diagnosis rules' grouping
    over the open findings)."""
    return diagnosis_rules.group_similar_gaps(
        as_rule_finding(f) for f in open_findings(as_of=as_of, program=program)
    )
