"""Read-side selectors for the dashboard pages, always starting from `visible_snapshots`.

Each function runs a fixed number of queries whatever the number of agents or teams (the
page tests pin the budget), and returns plain dataclasses the templates only display. The
child rows are `children`, the trends and their chart events `trends`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from upswing.metrics import CATALOG, METRIC_CODES, Better, format_value
from upswing.org.access import reach_of
from upswing.periods import Period, PeriodKind
from upswing.scorecards.access import agent_snapshots, visible_snapshots
from upswing.scorecards.models import WHOLE_PARTS, Level, Part, ScorecardSnapshot
from upswing.scorecards.previous import both_periods, delta_of, split_periods
from upswing.scorecards.rules import TOO_FEW, Status, judged_status, overall_status, shortfall
from upswing.tables.rules.deltas import Delta

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


def _per_reach(user, attr: str, key, build):
    """`build()`, kept on the user object for as long as its reach and `key` stay the same: a
    new reach (the next request, or after `forget_reach`) or another key builds it again."""
    reach = reach_of(user)
    cached = getattr(user, attr, None)
    if cached is None or cached[0] is not reach or cached[1] != key:
        cached = (reach, key, build())
        setattr(user, attr, cached)
    return cached[2]


def visible_rows(user) -> QuerySet[ScorecardSnapshot]:
    """`visible_snapshots(user)`, built once per user and reach: a page filters it four or
    five times, and resolving its scope subqueries costs about a millisecond each time."""
    return _per_reach(user, "_upswing_visible_snapshots", None, lambda: visible_snapshots(user))


def _agent_rows(user, code: str) -> QuerySet[ScorecardSnapshot]:
    """`agent_snapshots(user, code)`, resolved once per user, reach and agent (a page reads an
    agent's rows four or five times)."""
    return _per_reach(user, "_upswing_agent_snapshots", code, lambda: agent_snapshots(user, code))


def entity_rows(user, level: str, code: str) -> QuerySet[ScorecardSnapshot]:
    """The entity's rows the user may read, one per period and metric: for an agent, the
    whole period when the user may read it, else the part on the user's team, else the work
    for the user's program (see `performance.access`)."""
    if level != Level.AGENT:
        return visible_rows(user).filter(level=level, entity_code=code)
    rows = _agent_rows(user, code)
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
    return groups_of(rows, period)


def groups_of(rows, period) -> tuple[list[PairGroup], str]:
    """`scorecard_with_partial` from rows already read (a stored period's, or a quarter's or
    custom days' computed live): the chosen period's and the one before's."""
    current, before = split_periods(rows, period)
    by_metric = {r.metric: r for r in current}
    previous = {r.metric: r for r in before}
    partial = partial_words(period) if any(r.partial for r in by_metric.values()) else ""
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


def partial_words(period) -> str:
    """The words for a span still filling up: "partial week", "partial quarter"…"""
    return f"partial {getattr(period, 'kind_words', period.kind.value)}"


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
