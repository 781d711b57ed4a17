"""Read-side selectors for scorecards (snapshots only: pages and the CLI never scan facts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, QuerySet, Sum

from upswing import stats
from upswing.metrics import CATALOG, METRIC_CODES, Aggregate, value_from_totals
from upswing.periods import Period, PeriodKind
from upswing.scorecards.models import WHOLE_PARTS, ScorecardSnapshot
from upswing.scorecards.rules import Status, judged_status

NOT_MEASURED = "not_measured"  # the status of a metric whose inputs were all absent


@dataclass(frozen=True, slots=True)
class ScoreLine:
    metric: str
    value: float | None  # None: not measured (no input in the period), never 0
    numerator: float
    n: int
    ci_low: float | None
    ci_high: float | None
    baseline: float | None
    sla_floor: float | None
    kpi_target: float | None
    status: str
    partial: bool = False  # the period runs past the last day of its program's data


def entity_snapshots(level: str, entity: str) -> QuerySet[ScorecardSnapshot]:
    """Every snapshot of one agent, team or program (the CLI's view: no user scope), each of
    its whole periods (an agent's parts of a period are read through `entity_parts`)."""
    return ScorecardSnapshot.objects.filter(level=level, entity_code=entity, part__in=WHOLE_PARTS)


def latest_period(level: str, entity: str, kind: PeriodKind) -> Period | None:
    return latest_period_of(entity_snapshots(level, entity), kind)


def latest_period_of(rows: QuerySet[ScorecardSnapshot], kind: PeriodKind) -> Period | None:
    start = rows.filter(period_kind=kind.value).aggregate(last=Max("period_start"))["last"]
    return Period(kind, start) if start else None


def scorecard_for_period(level: str, entity: str, period: Period) -> list[ScoreLine]:
    return lines_for_period(entity_snapshots(level, entity), period)


def scorecard_for_range(level: str, entity: str, first: Period, last: Period) -> list[ScoreLine]:
    return lines_for_range(entity_snapshots(level, entity), first, last)


def lines_for_period(rows: QuerySet[ScorecardSnapshot], period: Period) -> list[ScoreLine]:
    """The stored values of one period, in catalog order (rows: already scoped snapshots);
    a metric without a value that period is listed as not measured (value None, n 0)."""
    return lines_of(rows.filter(period_kind=period.kind.value, period_start=period.start))


def lines_of(found) -> list[ScoreLine]:
    """`lines_for_period` of rows already read (one period's, e.g. a quarter's computed live)."""
    by_metric = {r.metric: r for r in found}
    if not by_metric:
        return []
    return [
        ScoreLine(
            r.metric,
            r.value,
            r.numerator,
            r.n,
            r.ci_low,
            r.ci_high,
            r.baseline,
            r.sla_floor,
            r.kpi_target,
            judged_status(r.status, r.metric, r.n),
            r.partial,
        )
        if (r := by_metric.get(code)) is not None
        else ScoreLine(code, None, 0.0, 0, None, None, None, None, None, NOT_MEASURED)
        for code in METRIC_CODES
    ]


def lines_for_range(
    rows: QuerySet[ScorecardSnapshot], first: Period, last: Period
) -> list[ScoreLine]:
    """Several periods combined from their numerators and sample sizes (never averaged).

    `rows` are the snapshots the caller may read: a lead's range for a transferred agent
    covers only the weeks on the lead's team."""
    totals = (
        rows.filter(
            period_kind=first.kind.value,
            period_start__gte=first.start,
            period_start__lte=last.start,
        )
        .values("metric")
        .annotate(numerator=Sum("numerator"), n=Sum("n"))
    )
    by_metric = {t["metric"]: t for t in totals}
    lines = []
    for code in METRIC_CODES:
        total = by_metric.get(code)
        if not total or not total["n"]:
            continue
        metric = CATALOG[code]
        value = value_from_totals(metric, total["numerator"], total["n"])
        low = high = None
        if metric.aggregate is Aggregate.SHARE:
            interval = stats.compute_wilson_interval(total["numerator"], total["n"])
            low, high = interval.low * 100, interval.high * 100
        lines.append(
            ScoreLine(
                code,
                value,
                total["numerator"],
                total["n"],
                low,
                high,
                None,
                None,
                None,
                Status.NO_TARGET.value,
            )
        )
    return lines


@dataclass(frozen=True, slots=True)
class StatusLine:
    """One metric of one entity in one week, with its status as it may be shown."""

    entity: str
    metric: str
    period_start: object
    value: float | None
    n: int
    status: str  # judged_status: "too_few" below the metric's minimum sample


def recent_week_lines(
    rows: QuerySet[ScorecardSnapshot], level: str, codes, *, weeks: int = 2
) -> tuple[list, dict[str, dict[object, dict[str, StatusLine]]]]:
    """The last `weeks` weeks with numbers among these entities (latest first) and, per entity
    and week, its metrics' lines: two queries whatever the number of entities."""
    scoped = rows.filter(
        level=level, entity_code__in=list(codes), period_kind=PeriodKind.WEEK.value
    ).filter(part__in=WHOLE_PARTS)
    starts = list(
        scoped.order_by("-period_start").values_list("period_start", flat=True).distinct()[:weeks]
    )
    out: dict[str, dict[object, dict[str, StatusLine]]] = {}
    if not starts:
        return starts, out
    fields = ("entity_code", "metric", "period_start", "value", "n", "status")
    for entity, metric, start, value, n, status in scoped.filter(
        period_start__in=starts
    ).values_list(*fields):
        line = StatusLine(entity, metric, start, value, n, judged_status(status, metric, n))
        out.setdefault(entity, {}).setdefault(start, {})[metric] = line
    return starts, out
