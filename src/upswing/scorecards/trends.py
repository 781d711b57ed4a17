"""A metric's trend on a dashboard and the recorded events marked on its chart."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery

from upswing.org.access import reach_of, visible_teams
from upswing.org.models import Team
from upswing.periods import Period, PeriodKind
from upswing.scorecards.charts import Event
from upswing.scorecards.models import ContextEvent, Level
from upswing.scorecards.pages import entity_rows

TREND_LENGTH = {PeriodKind.WEEK: 26, PeriodKind.MONTH: 12}


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    value: float | None
    ci_low: float | None
    ci_high: float | None
    baseline: float | None
    sla_floor: float | None
    kpi_target: float | None
    n: int
    status: str
    team_code: str = ""  # the team and program the row was recorded under (blank: a gap)
    program_code: str = ""


def trend(user, level: str, code: str, metric: str, last: Period) -> list[TrendPoint]:
    """The metric over the periods up to `last`; a period without data is a gap, not skipped."""
    periods = [last]
    for _ in range(TREND_LENGTH[last.kind] - 1):
        periods.append(periods[-1].previous())
    periods.reverse()
    rows = entity_rows(user, level, code).filter(
        metric=metric,
        period_kind=last.kind.value,
        period_start__gte=periods[0].start,
        period_start__lte=last.start,
    )
    by_start = {r.period_start: r for r in rows}
    points = []
    for period in periods:
        r = by_start.get(period.start)
        if r is None:
            points.append(TrendPoint(period, None, None, None, None, None, None, 0, ""))
            continue
        points.append(
            TrendPoint(
                period,
                r.value,
                r.ci_low,
                r.ci_high,
                r.baseline,
                r.sla_floor,
                r.kpi_target,
                r.n,
                r.status,
                r.team_code,
                r.program_code,
            )
        )
    return points


def chart_events(user, level: str, code: str, points: list[TrendPoint], *, own: bool = False):
    """Recorded events overlapping the trend's periods, as the viewer may read them (1 query):

    - program: program-wide events; people roles also their visible teams' events, named;
      client viewers program-wide events only (no team in the text);
    - team: program-wide events of the team's program and the team's own;
    - agent: program-wide events and the events of the team each period's row was recorded
      under (a period without a row takes its neighbour's team), `own` for the agent's own page.
    """
    if not points:
        return []
    first, last = points[0].period.start, points[-1].period.end
    found = ContextEvent.objects.filter(starts_on__lte=last, ends_on__gte=first)
    if level == Level.PROGRAM:
        found = _program_events(user, code, found)
    elif level == Level.TEAM:
        program = next((p.program_code for p in points if p.program_code), None)
        found = found.filter(program_code=program, team_code__in=["", code])
    else:
        return _agent_events(points, found, own)
    return [_event(e, getattr(e, "team_name", None) or "this team") for e in found]


def _program_events(user, code: str, found: QuerySet[ContextEvent]) -> QuerySet[ContextEvent]:
    found = found.filter(program_code=code)
    if not reach_of(user).sees_people:
        return found.filter(team_code="")
    teams = visible_teams(user)
    name = Subquery(Team.objects.filter(code=OuterRef("team_code")).values("name")[:1])
    return found.filter(Q(team_code="") | Q(team_code__in=teams.values("code"))).annotate(
        team_name=name
    )


def _agent_events(points: list[TrendPoint], found: QuerySet[ContextEvent], own: bool):
    contexts = _filled_contexts(points)
    if not any(contexts):
        return []
    wanted = Q()
    for team, program in set(filter(None, contexts)):
        wanted |= Q(program_code=program, team_code__in=["", team])
    out = []
    for e in found.filter(wanted):
        on_team = [
            (team, program)
            for p, (team, program) in zip(points, contexts, strict=True)
            if program == e.program_code
            and e.team_code in ("", team)
            and e.starts_on <= p.period.end
            and p.period.start <= e.ends_on
        ]
        if on_team:
            out.append(_event(e, "your team" if own else "the agent's team"))
    return out


def _filled_contexts(points: list[TrendPoint]) -> list[tuple[str, str] | None]:
    """Each period's (team, program); a gap takes the previous period's, else the next's."""
    contexts: list[tuple[str, str] | None] = [
        (p.team_code, p.program_code) if p.program_code else None for p in points
    ]
    for order in (range(len(points)), range(len(points) - 1, -1, -1)):
        carried = None
        for i in order:
            contexts[i] = contexts[i] or carried
            carried = contexts[i]
    return contexts


def _event(e: ContextEvent, team_label: str) -> Event:
    return Event(
        starts=e.starts_on,
        ends=e.ends_on,
        kind=e.kind,
        description=e.description,
        scope=f"team: {team_label}" if e.team_code else "",
    )
