"""Finding pages: one finding with its reasons, evidence, trend and coaching; and the systemic
issues of the user's teams, grouped across teams ("teams with similar gaps").

Every read goes through an access door (findings, snapshots, sessions, teams, agents).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from upswing.clitools import format_value
from upswing.coaching.access import can_coach_agent, visible_sessions
from upswing.coaching.effectiveness import finding_effects, session_effects
from upswing.coaching.reports import as_rule_finding
from upswing.coaching.rules import EffectVerdict
from upswing.metrics import CATALOG
from upswing.org.access import reach_of, visible_agents, visible_programs, visible_teams
from upswing.performance import selectors
from upswing.performance.access import visible_snapshots
from upswing.performance.charts import trend_chart
from upswing.performance.findings_access import access_finding_by_id, visible_open_findings
from upswing.performance.models import Level
from upswing.performance.rules import group_similar_gaps
from upswing.performance.views import _series_point
from upswing.periods import Period, PeriodKind, parse_period

VERDICT_WORDS = {
    EffectVerdict.CLOSED_GAP: "Closed the gap",
    EffectVerdict.IMPROVED: "Improved",
    EffectVerdict.NO_CHANGE: "No change",
    EffectVerdict.WORSE: "Worse",
    EffectVerdict.TOO_EARLY: "Too early to tell",
    EffectVerdict.INSUFFICIENT: "Too few observations",
}
EVIDENCE_ID_KINDS = ("interactions", "evaluations", "events", "snapshots")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# The reasons that explain a systemic gap beyond the one agent: the share of the team or
# program with the same gap, and recorded events (wording of performance.rules.causes).
_CONTEXT_REASON = re.compile(r"^(In team |In program |Recorded events )")


def finding_view(view):
    return login_required(never_cache(require_safe(view)))


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    label: str
    value: str
    n: int
    interval: str
    baseline: str
    sla_floor: str
    kpi_target: str
    status: selectors.StatusView


@finding_view
def finding_page(request, pk: int):
    user = request.user
    finding = access_finding_by_id(user, pk)
    agent = visible_agents(user).filter(code=finding.agent_code).first()
    team = visible_teams(user).filter(code=finding.team_code).first()
    metric = CATALOG[finding.metric]
    effects = _coaching_history(user, finding)
    context = {
        "finding": finding,
        "agent": agent,
        "team": team,
        "metric": metric,
        "evidence_rows": _evidence_rows(user, finding),
        "evidence_ids": [(k, _ids(finding, k)) for k in EVIDENCE_ID_KINDS if _ids(finding, k)],
        "effects": [(e, VERDICT_WORDS[e.effect.verdict]) for e in effects],
        "read_by_rules": set(_ids(finding, "coaching_sessions")),
        "can_record": agent is not None and can_coach_agent(user, agent),
        **_trend(user, finding),
    }
    return render(request, "performance/finding.html", context)


def _coaching_history(user, finding) -> list:
    """The coaching on the finding (finding_effects) and the sessions the rules read for it,
    each with its effect, oldest first; only the sessions the user may see."""
    effects = finding_effects(finding)
    read = set(_ids(finding, "coaching_sessions")) - {e.session.pk for e in effects}
    if read:
        extra = visible_sessions(user).filter(pk__in=read).select_related("agent", "finding")
        effects += session_effects(extra)
    shown = set(
        visible_sessions(user)
        .filter(pk__in=[e.session.pk for e in effects])
        .values_list("pk", flat=True)
    )
    return sorted((e for e in effects if e.session.pk in shown), key=lambda e: e.session.coached_at)


def _ids(finding, kind: str) -> list:
    values = (finding.evidence or {}).get(kind, [])
    if kind == "coaching_sessions":
        return [int(v) for v in values if str(v).isdigit()]
    return [str(v) for v in values]


def _periods(finding) -> list[Period]:
    out = []
    for label in finding.periods:
        try:
            out.append(parse_period(label))
        except ValueError:
            continue
    return sorted(out, key=lambda p: p.start)


def _evidence_rows(user, finding) -> list[EvidenceRow]:
    """The agent's scorecard values in the finding's periods, as they stand now."""
    periods = _periods(finding)
    rows = visible_snapshots(user).filter(
        level=Level.AGENT,
        entity_code=finding.agent_code,
        metric=finding.metric,
        period_kind=finding.period_kind,
        period_start__in=[p.start for p in periods],
    )
    by_start = {r.period_start: r for r in rows}
    out = []
    for period in periods:
        r = by_start.get(period.start)
        if r is None:
            continue
        interval = ""
        if r.ci_low is not None and r.ci_high is not None:
            interval = f"{format_value(r.metric, r.ci_low)} – {format_value(r.metric, r.ci_high)}"
        out.append(
            EvidenceRow(
                label=period.label,
                value=format_value(r.metric, r.value),
                n=r.n,
                interval=interval,
                baseline=format_value(r.metric, r.baseline),
                sla_floor=format_value(r.metric, r.sla_floor),
                kpi_target=format_value(r.metric, r.kpi_target),
                status=selectors.status_view(r.status),
            )
        )
    return out


def _trend(user, finding) -> dict:
    """The agent's weekly metric up to the latest week on record (after the finding too), with
    the team as baseline and the floor and target."""
    weeks = [p for p in _periods(finding) if p.kind is PeriodKind.WEEK]
    latest = (
        selectors.entity_rows(user, Level.AGENT, finding.agent_code)
        .filter(metric=finding.metric, period_kind=PeriodKind.WEEK.value)
        .aggregate(last=Max("period_start"))["last"]
    )
    if latest is None and not weeks:
        return {"chart": None, "series": []}
    last = Period(PeriodKind.WEEK, latest) if latest else weeks[-1]
    points = selectors.trend(user, Level.AGENT, finding.agent_code, finding.metric, last)
    series = [_series_point(finding.metric, p) for p in points]
    marked = {p.label for p in weeks}
    return {
        "chart": trend_chart(series, CATALOG[finding.metric].unit.value),
        "series": series,
        "finding_weeks": marked,
        "trend_last": last,
    }


# --- systemic issues --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamGap:
    program_name: str
    team_code: str
    team_name: str
    agents: int
    findings: int


@dataclass(frozen=True, slots=True)
class SystemicIssue:
    metric_label: str
    first_period: str
    last_period: str
    teams: tuple[TeamGap, ...]
    agents: int
    events: tuple[str, ...]
    reason: str
    explanations: tuple[str, ...]


@finding_view
def systemic_page(request):
    user = request.user
    if not reach_of(user).sees_people:
        # Client viewers read program-level numbers only; this page names teams.
        raise Http404("Nothing here.")
    findings = list(visible_open_findings(user).filter(cause="systemic"))
    teams = {
        t.code: t for t in visible_teams(user).filter(code__in={f.team_code for f in findings})
    }
    programs = dict(
        visible_programs(user)
        .filter(code__in={f.program_code for f in findings})
        .values_list("code", "name")
    )
    issues = [_issue(g, findings, teams, programs) for g in _groups(findings)]
    as_of = max((f.as_of for f in findings), default=None)
    return render(request, "performance/systemic.html", {"issues": issues, "as_of": as_of})


def _groups(findings):
    return group_similar_gaps(as_rule_finding(f) for f in findings)


def _issue(group, findings, teams, programs) -> SystemicIssue:
    members = [
        f
        for f in findings
        if f.metric == group.metric
        and f.agent_code in group.agents
        and set(f.periods) & set(group.periods)
    ]
    per_team: dict[str, list] = defaultdict(list)
    for f in members:
        per_team[f.team_code].append(f)
    rows = []
    for code in group.teams:
        team = teams.get(code)
        items = per_team.get(code, [])
        program = programs.get(items[0].program_code, "") if items else ""
        rows.append(
            TeamGap(
                program,
                code,
                team.name if team else code,
                len({f.agent_code for f in items}),
                len(items),
            )
        )
    rows.sort(key=lambda r: (r.program_name, r.team_name))
    return SystemicIssue(
        metric_label=CATALOG[group.metric].label,
        first_period=group.periods[0],
        last_period=group.periods[-1],
        teams=tuple(rows),
        agents=len(group.agents),
        events=group.events,
        reason=group.reason,
        explanations=_explanations(members),
    )


def _explanations(findings) -> tuple[str, ...]:
    """The team- and event-level sentences of the findings' reasons, each once."""
    seen: dict[str, None] = {}
    for f in findings:
        for reason in f.reasons:
            if _CONTEXT_REASON.match(reason):
                seen.setdefault(_SENTENCE_END.split(reason.strip(), maxsplit=1)[0], None)
    return tuple(seen)
