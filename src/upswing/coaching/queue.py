"""The coaching queue: open findings that ask for a conversation, with the coverage of each.

Read-side only, scoped by the access doors; a fixed number of queries whatever the number of
findings (the page test pins it). "No session in 14 days" is coaching.rules.is_uncovered over
the same window as coaching.reports.coverage_report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from upswing.coaching import rules
from upswing.coaching.access import visible_sessions
from upswing.coaching.reports import COVERAGE_DAYS, COVERED_RECOMMENDATIONS
from upswing.findings.access import visible_open_findings
from upswing.metrics import CATALOG
from upswing.org.access import visible_agents, visible_teams
from upswing.performance.models import Finding

# Most serious first within a diagnosis run.
RECOMMENDATION_ORDER = {"pip": 0, "train": 1, "coach": 2, "monitor": 3}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class QueueRow:
    finding: Finding
    agent_name: str
    team_name: str
    metric_label: str
    first_reason: str
    weeks: str
    last_session_on: dt.date | None
    uncovered: bool


@dataclass(frozen=True, slots=True)
class Queue:
    act: tuple[QueueRow, ...]  # coach, train, pip
    monitor: tuple[QueueRow, ...]
    as_of: dt.date
    coverage_days: int = COVERAGE_DAYS

    @property
    def uncovered(self) -> int:
        return sum(1 for row in self.act if row.uncovered)


def first_sentence(reasons: list[str]) -> str:
    """The first sentence of the first reason, as written by the rules."""
    if not reasons:
        return ""
    return _SENTENCE_END.split(reasons[0].strip(), maxsplit=1)[0]


def weeks_text(periods: list[str]) -> str:
    if not periods:
        return ""
    ordered = sorted(periods)
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]} to {ordered[-1]}"


def coaching_queue(user, *, as_of: dt.date | None = None) -> Queue:
    as_of = as_of or timezone.localdate()
    wanted = (*COVERED_RECOMMENDATIONS, "monitor")
    findings = list(visible_open_findings(user, as_of=as_of).filter(recommendation__in=wanted))
    codes = {f.agent_code for f in findings}
    names = dict(visible_agents(user).filter(code__in=codes).values_list("code", "name"))
    teams = dict(
        visible_teams(user)
        .filter(code__in={f.team_code for f in findings})
        .values_list("code", "name")
    )
    last = _last_sessions(user, codes, as_of)
    rows = [
        QueueRow(
            finding=f,
            agent_name=names.get(f.agent_code, f.agent_code),
            team_name=teams.get(f.team_code, f.team_code),
            metric_label=CATALOG[f.metric].label if f.metric in CATALOG else f.metric,
            first_reason=first_sentence(f.reasons),
            weeks=weeks_text(f.periods),
            last_session_on=last.get(f.agent_code),
            uncovered=f.recommendation in COVERED_RECOMMENDATIONS
            and rules.is_uncovered(last.get(f.agent_code), as_of, within_days=COVERAGE_DAYS),
        )
        for f in findings
    ]
    rows.sort(
        key=lambda r: (
            -r.finding.as_of.toordinal(),
            RECOMMENDATION_ORDER.get(r.finding.recommendation, 9),
            r.team_name,
            r.agent_name,
            r.finding.metric,
        )
    )
    return Queue(
        act=tuple(r for r in rows if r.finding.recommendation != "monitor"),
        monitor=tuple(r for r in rows if r.finding.recommendation == "monitor"),
        as_of=as_of,
    )


def _last_sessions(user, agent_codes: set[str], as_of: dt.date) -> dict[str, dt.date]:
    """The latest visible session with each agent on or before `as_of` (any subject)."""
    if not agent_codes:
        return {}
    rows = (
        visible_sessions(user)
        .filter(agent__code__in=agent_codes, coached_at__date__lte=as_of)
        .values("agent__code")
        .annotate(last=Max("coached_at"))
        .values_list("agent__code", "last")
    )
    return {code: timezone.localdate(last) for code, last in rows}
