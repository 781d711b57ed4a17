"""Read-side selectors for the dashboard pages, always starting from `visible_snapshots`.

Each function runs a fixed number of queries whatever the number of agents or teams (the
page tests pin the budget), and returns plain dataclasses the templates only display.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from upswing.findings.rules import Status
from upswing.metrics import CATALOG, METRIC_CODES, Better, format_value
from upswing.org.access import reach_of, visible_teams
from upswing.org.models import Membership, Team
from upswing.periods import Period, PeriodKind
from upswing.scorecards.access import visible_snapshots
from upswing.scorecards.charts import Event
from upswing.scorecards.models import WHOLE_PARTS, ContextEvent, Level, Part, ScorecardSnapshot
from upswing.scorecards.previous import both_periods, delta_of, split_periods
from upswing.scorecards.rules import TOO_FEW, judged_status, overall_status, shortfall
from upswing.tables.rules.deltas import Delta

TREND_LENGTH = {PeriodKind.WEEK: 26, PeriodKind.MONTH: 12}

STATUS_WORDS = {
    Status.BELOW_SLA.value: "Below SLA floor",
    Status.BELOW_TARGET.value: "Below target",
    Status.ON_TARGET.value: "On target",
    Status.NO_TARGET.value: "No target",
    TOO_FEW: "Too few to judge",
}
# A symbol next to the words so status never relies on colour alone.
STATUS_MARKS = {
    Status.BELOW_SLA.value: "▼",
    Status.BELOW_TARGET.value: "▽",
    Status.ON_TARGET.value: "✓",
    Status.NO_TARGET.value: "–",
    TOO_FEW: "…",
}


@dataclass(frozen=True, slots=True)
class StatusView:
    code: str
    words: str
    mark: str


def status_view(code: str, metric: str = "", n: int | None = None) -> StatusView:
    """The status as shown: below its minimum sample a value is "too few to judge"."""
    code = judged_status(code, metric, n) if metric else code
    return StatusView(code, STATUS_WORDS.get(code, code), STATUS_MARKS.get(code, "?"))


@dataclass(frozen=True, slots=True)
class ScoreRow:
    metric: str
    label: str
    unit: str
    better: str
    value: str
    n: str
    interval: str
    baseline: str
    sla_floor: str
    kpi_target: str
    status: StatusView
    pair_label: str
    risk_alone: str
    delta: Delta | None = None
    raw_value: float | None = None
    raw_n: int | None = None
    shortfall: float = 0.0  # how far below its standard, as a share of its scale (rules)


@dataclass(frozen=True, slots=True)
class PairGroup:
    """Metrics read together: a metric and its catalog pair, plus those paired with them."""

    title: str
    rows: tuple[ScoreRow, ...]


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


@dataclass(frozen=True, slots=True)
class ChildRow:
    """One team (on a program page) or one agent (on a team page) for the chosen period."""

    code: str
    name: str
    value: str
    status: StatusView | None
    n: int | None
    below_sla: int
    below_target: int
    overall: StatusView | None = None  # the worst of its metrics' statuses (rules.overall_status)
    note: str = ""
    delta: Delta | None = None
    raw_value: float | None = None


@dataclass(frozen=True, slots=True)
class Overall:
    """An entity's one status for a period (rules.overall_status) with the counts it rests on."""

    status: StatusView
    below_sla: int
    below_target: int


def overall_of(groups) -> Overall | None:
    """The overall status of a scorecard's rows (each metric once, statuses as shown)."""
    codes = {row.metric: row.status.code for group in groups for row in group.rows}
    if not codes:
        return None
    statuses = list(codes.values())
    return Overall(
        status_view(overall_status(statuses)),
        statuses.count(Status.BELOW_SLA.value),
        statuses.count(Status.BELOW_TARGET.value),
    )


def pair_groups(codes: list[str] | tuple[str, ...] = METRIC_CODES) -> list[list[str]]:
    """Catalog order, each metric next to its pair: [[volume, aht, fcr, …], [csat, wait, …], …].

    A metric whose pair is not placed yet opens a group with it; one whose pair is already
    placed joins that pair's group.
    """
    wanted = set(codes)
    group_of: dict[str, list[str]] = {}
    groups: list[list[str]] = []
    for code in METRIC_CODES:
        if code not in wanted or code in group_of:
            continue
        pair = CATALOG[code].pair
        if pair in group_of:
            group = group_of[pair]
            group.append(code)
        else:
            group = [code, pair] if pair in wanted else [code]
            groups.append(group)
        for member in group:
            group_of[member] = group
    return groups


def _score_row(row: ScorecardSnapshot, previous: ScorecardSnapshot | None = None) -> ScoreRow:
    metric = CATALOG[row.metric]
    interval = ""
    if row.ci_low is not None and row.ci_high is not None:
        interval = (
            f"{format_value(row.metric, row.ci_low)} – {format_value(row.metric, row.ci_high)}"
        )
    pair = CATALOG.get(metric.pair) if metric.pair else None
    return ScoreRow(
        metric=row.metric,
        label=metric.label,
        unit=metric.unit.value,
        better={Better.HIGHER: "higher is better", Better.LOWER: "lower is better"}.get(
            metric.better, "no direction"
        ),
        value=format_value(row.metric, row.value),
        n=f"{row.n:,}",
        interval=interval,
        baseline=format_value(row.metric, row.baseline),
        sla_floor=format_value(row.metric, row.sla_floor),
        kpi_target=format_value(row.metric, row.kpi_target),
        status=status_view(row.status, row.metric, row.n),
        pair_label=pair.label if pair else "",
        risk_alone=metric.risk_alone,
        delta=delta_of(row.metric, row, previous),
        raw_value=row.value,
        raw_n=row.n,
        shortfall=shortfall(row.metric, row.value, row.sla_floor, row.kpi_target),
    )


_VISIBLE_ATTR = "_upswing_visible_snapshots"


def _visible(user) -> QuerySet[ScorecardSnapshot]:
    """`visible_snapshots(user)`, built once per user object and reach: a page filters it four
    or five times, and resolving its scope subqueries costs about a millisecond each time.
    A new reach (the next request, or after `forget_reach`) builds it again."""
    reach = reach_of(user)
    cached = getattr(user, _VISIBLE_ATTR, None)
    if cached is None or cached[0] is not reach:
        cached = (reach, visible_snapshots(user))
        setattr(user, _VISIBLE_ATTR, cached)
    return cached[1]


def entity_rows(user, level: str, code: str) -> QuerySet[ScorecardSnapshot]:
    """The entity's rows the user may read, one per period and metric: for an agent, the
    whole period when the user may read it, else the part on the user's team, else the work
    for the user's program (see `performance.access`)."""
    rows = _visible(user).filter(level=level, entity_code=code)
    if level != Level.AGENT:
        return rows
    same = {
        "period_kind": OuterRef("period_kind"),
        "period_start": OuterRef("period_start"),
        "metric": OuterRef("metric"),
    }
    whole = rows.filter(part__in=WHOLE_PARTS, **same)
    team_part = rows.filter(part=Part.TEAM.value, **same)
    return rows.filter(
        Q(part__in=WHOLE_PARTS)
        | (Q(part=Part.TEAM.value) & ~Exists(whole))
        | (Q(part=Part.PROGRAM.value) & ~Exists(whole) & ~Exists(team_part))
    )


def available_periods(user, level: str, code: str) -> list[Period]:
    """Periods with a scorecard for this entity that the user may read, newest first."""
    pairs = (
        entity_rows(user, level, code)
        .values_list("period_kind", "period_start")
        .distinct()
        .order_by("-period_start", "period_kind")
    )
    return [Period(PeriodKind(kind), start) for kind, start in pairs]


def scorecard(user, level: str, code: str, period: Period) -> list[PairGroup]:
    return scorecard_with_partial(user, level, code, period)[0]


def scorecard_with_partial(
    user, level: str, code: str, period: Period
) -> tuple[list[PairGroup], str]:
    """The period's metrics, each with those it must be read with; a metric of a shown group
    whose inputs were absent (no handle times, no surveys…) says "not measured", never 0.
    With them, "partial week" (or month) when the period runs past the last day of its
    program's data, else "" (same query)."""
    rows = entity_rows(user, level, code).filter(
        period_kind=period.kind.value, period_start__in=both_periods(period)
    )
    current, before = split_periods(rows, period)
    by_metric = {r.metric: r for r in current}
    previous = {r.metric: r for r in before}
    partial = f"partial {period.kind.value}" if any(r.partial for r in by_metric.values()) else ""
    groups = []
    for codes in pair_groups(METRIC_CODES):
        if not any(c in by_metric for c in codes):
            continue
        title = " · ".join(CATALOG[c].label for c in codes)
        shown = (
            _score_row(by_metric[c], previous.get(c)) if c in by_metric else _unmeasured_row(c)
            for c in codes
        )
        groups.append(PairGroup(title, tuple(shown)))
    return groups, partial


NOT_MEASURED = "not measured"


def _unmeasured_row(code: str) -> ScoreRow:
    metric = CATALOG[code]
    pair = CATALOG.get(metric.pair) if metric.pair else None
    return ScoreRow(
        metric=code,
        label=metric.label,
        unit=metric.unit.value,
        better={Better.HIGHER: "higher is better", Better.LOWER: "lower is better"}.get(
            metric.better, "no direction"
        ),
        value=NOT_MEASURED,
        n="0",
        interval="",
        baseline="—",
        sla_floor="—",
        kpi_target="—",
        status=StatusView("not_measured", "Not measured", "–"),
        pair_label=pair.label if pair else "",
        risk_alone=metric.risk_alone,
    )


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


# What a child row needs of each snapshot: read as tuples, not models (a team page reads 13
# metrics for every agent, a program page for every team; building models was most of the time).
_CHILD_FIELDS = ("entity_code", "metric", "value", "status", "n", "period_start")


def _child_snapshots(user, **filters):
    return _visible(user).filter(**filters).values_list(*_CHILD_FIELDS, named=True)


def _counts(rows) -> dict[str, dict]:
    out: dict[str, dict] = defaultdict(lambda: {"below_sla": 0, "below_target": 0, "statuses": []})
    for r in rows:
        entry = out[r.entity_code]
        entry[r.metric] = r
        status = judged_status(r.status, r.metric, r.n)
        entry["statuses"].append(status)
        if status == Status.BELOW_SLA.value:
            entry["below_sla"] += 1
        elif status == Status.BELOW_TARGET.value:
            entry["below_target"] += 1
    return out


def _child(code, name, entry: dict | None, metric: str, note: str = "", before=None) -> ChildRow:
    entry = entry or {"below_sla": 0, "below_target": 0, "statuses": []}
    row = entry.get(metric)
    previous = (before or {}).get(metric)
    return ChildRow(
        code=code,
        name=name,
        value=format_value(metric, row.value) if row else "—",
        status=status_view(row.status, row.metric, row.n) if row else None,
        n=row.n if row else None,
        below_sla=entry["below_sla"],
        below_target=entry["below_target"],
        overall=status_view(overall_status(entry["statuses"])) if entry["statuses"] else None,
        note=note,
        delta=delta_of(metric, row, previous),
        raw_value=row.value if row else None,
    )


def program_teams(user, program, period: Period, metric: str) -> list[ChildRow]:
    """The program's teams the user may see, with their numbers for the period (2 queries)."""
    teams = list(visible_teams(user).filter(program=program).order_by("name"))
    if not teams:
        return []
    rows = _child_snapshots(
        user,
        level=Level.TEAM,
        entity_code__in=[t.code for t in teams],
        period_kind=period.kind.value,
        period_start__in=both_periods(period),
    )
    current, before = split_periods(rows, period)
    counts, earlier = _counts(current), _counts(before)
    return [
        _child(t.code, t.name, counts.get(t.code), metric, before=earlier.get(t.code))
        for t in teams
    ]


def team_agents(user, team: Team, period: Period, metric: str) -> list[ChildRow]:
    """Agents on the team at any time in the period, with their numbers on this team."""
    memberships = (
        Membership.objects.filter(team=team, start_date__lte=period.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .select_related("agent")
        .only("start_date", "end_date", "agent__code", "agent__name")
        .order_by("agent__name", "start_date")
    )
    agents: dict[str, tuple[str, str]] = {}
    for m in memberships:
        agents[m.agent.code] = (m.agent.name, _membership_note(m, period))
    rows = _child_snapshots(
        user,
        level=Level.AGENT,
        part__in=(Part.WHOLE.value, Part.TEAM.value),  # the agent's days on this team
        team_code=team.code,
        period_kind=period.kind.value,
        period_start__in=both_periods(period),
    )
    current, before = split_periods(rows, period)
    counts, earlier = _counts(current), _counts(before)
    return [
        _child(code, name, counts.get(code), metric, note, earlier.get(code))
        for code, (name, note) in sorted(agents.items(), key=lambda kv: (kv[1][0], kv[0]))
    ]


def _membership_note(m: Membership, period: Period) -> str:
    if m.start_date > period.start:
        return f"joined {m.start_date.isoformat()}"
    if m.end_date is not None and m.end_date < period.end:
        return f"left {m.end_date.isoformat()}"
    return ""


def agent_context(user, code: str, period: Period) -> tuple[str, str] | None:
    """(team_code, program_code) the agent's rows in the period were recorded under."""
    return (
        entity_rows(user, Level.AGENT, code)
        .filter(period_kind=period.kind.value, period_start=period.start)
        .values_list("team_code", "program_code")
        .first()
    )


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
