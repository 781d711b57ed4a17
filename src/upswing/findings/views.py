"""Finding pages: one finding with its reasons, evidence and trend, and the panels other
features register for it (coaching's sessions and next steps: findings.registry); and the
systemic issues of the user's teams, grouped across teams ("teams with similar gaps").

Every read goes through an access door (findings, snapshots, teams, agents; a panel's own).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from upswing.findings.access import access_finding_by_id, visible_open_findings
from upswing.findings.registry import finding_panels
from upswing.findings.rules import Cause
from upswing.findings.systemic import systemic_issues
from upswing.metrics import CATALOG, format_value
from upswing.org.access import reach_of, visible_agents, visible_programs, visible_teams
from upswing.periods import Period, PeriodKind, parse_period
from upswing.scorecards import pages as selectors
from upswing.scorecards import trends
from upswing.scorecards.access import visible_snapshots
from upswing.scorecards.charts import trend_chart
from upswing.scorecards.models import Level
from upswing.scorecards.views import _series_point

EVIDENCE_ID_KINDS = ("interactions", "evaluations", "events", "snapshots")


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
    context = {
        "finding": finding,
        "agent": agent,
        "team": team,
        "metric": metric,
        "evidence_rows": _evidence_rows(user, finding),
        "evidence_ids": [(k, _ids(finding, k)) for k in EVIDENCE_ID_KINDS if _ids(finding, k)],
        "panels": finding_panels(user, finding, agent),
        **_trend(user, finding),
    }
    return render(request, "findings/finding.html", context)


def _ids(finding, kind: str) -> list[str]:
    return [str(v) for v in (finding.evidence or {}).get(kind, [])]


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
                status=selectors.status_view(r.status, r.metric, r.n),
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
    points = trends.trend(user, Level.AGENT, finding.agent_code, finding.metric, last)
    series = [_series_point(finding.metric, p) for p in points]
    marked = {p.label for p in weeks}
    return {
        "chart": trend_chart(series, CATALOG[finding.metric].unit.value),
        "series": series,
        "finding_weeks": marked,
        "trend_last": last,
    }


# --- systemic issues --------------------------------------------------------------------------


@finding_view
def systemic_page(request):
    user = request.user
    if not reach_of(user).sees_people:
        # Client viewers read program-level numbers only; this page names teams.
        raise Http404("Nothing here.")
    findings = list(visible_open_findings(user).filter(cause=Cause.SYSTEMIC))
    codes = {f.team_code for f in findings} | {
        e.get("team_id") for f in findings for e in (f.facts or {}).get("events", ())
    }
    teams = {t.code: t for t in visible_teams(user).filter(code__in=codes - {None})}
    programs = dict(
        visible_programs(user)
        .filter(code__in={f.program_code for f in findings})
        .values_list("code", "name")
    )
    issues = systemic_issues(findings, teams, programs)
    as_of = max((f.as_of for f in findings), default=None)
    return render(request, "findings/systemic.html", {"issues": issues, "as_of": as_of})
