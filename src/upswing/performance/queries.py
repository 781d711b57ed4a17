"""Read-side selectors for scorecards (snapshots only: pages and the CLI never scan facts)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, QuerySet, Sum

from upswing import stats
from upswing.metrics import CATALOG, METRIC_CODES, Aggregate, value_from_totals
from upswing.performance.models import ScorecardSnapshot
from upswing.performance.rules import Status
from upswing.periods import Period, PeriodKind


@dataclass(frozen=True, slots=True)
class ScoreLine:
    metric: str
    value: float
    numerator: float
    n: int
    ci_low: float | None
    ci_high: float | None
    baseline: float | None
    sla_floor: float | None
    kpi_target: float | None
    status: str


def entity_snapshots(level: str, entity: str) -> QuerySet[ScorecardSnapshot]:
    """Every snapshot of one agent, team or program (the CLI's view: no user scope)."""
    return ScorecardSnapshot.objects.filter(level=level, entity_code=entity)


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
    """The stored values of one period, in catalog order (rows: already scoped snapshots)."""
    found = rows.filter(period_kind=period.kind.value, period_start=period.start)
    by_metric = {r.metric: r for r in found}
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
            r.status,
        )
        for code in METRIC_CODES
        if (r := by_metric.get(code)) is not None
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
