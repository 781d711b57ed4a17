"""Scorecards and trends, read only through `visible_snapshots` (scorecards.access).

A lead reading an agent who moved to another team sees the weeks on the lead's team only,
for single periods and for ranges alike, exactly like the agent's page. A quarter or custom
days are computed live like the pages compute them (`scorecards.live`), through the same doors.
"""

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from upswing.api.schemas import (
    ErrorOut,
    LevelParam,
    MetricCode,
    PeriodKindParam,
    ScorecardOut,
    TrendOut,
)
from upswing.clitools import partial_words
from upswing.metrics import CATALOG
from upswing.org.access import access_agent_by_id, access_program_by_id, access_team_by_id
from upswing.performance.models import Level
from upswing.periods import Period, PeriodKind, parse_period
from upswing.scorecards import live, trends
from upswing.scorecards import pages as selectors
from upswing.scorecards.queries import (
    ScoreLine,
    latest_period_of,
    lines_for_period,
    lines_for_range,
)
from upswing.scorecards.spans import (
    LiveSpan,
    SpanError,
    check_not_future,
    is_live_label,
    latest_today,
)
from upswing.scorecards.spans import parse_span as parse_span_text
from upswing.warehouse.evidence import WarehouseBusyError

router = Router(tags=["scorecards"])

FIRST_YEAR, LAST_YEAR = 1990, 2999

ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
SCORECARD_ERRORS = {**ERRORS, 503: ErrorOut}
DOORS = {
    LevelParam.PROGRAM: access_program_by_id,
    LevelParam.TEAM: access_team_by_id,
    LevelParam.AGENT: access_agent_by_id,
}


@router.get("/scorecards", response={200: ScorecardOut, **SCORECARD_ERRORS}, url_name="scorecards")
def get_scorecard(request, level: LevelParam, entity: str, period: str | None = None):
    """One program's, team's or agent's values for a period: `2026-W44`, `2026-10`, a range
    of stored periods `2026-07..2026-09` combined from numerators and sample sizes (never
    averaged; no baseline, floor or target, as they vary inside it), or a quarter `2026-Q3`
    or custom days `2026-08-01..2026-09-14` (at most 366, none after today) computed from
    the imported data like a stored period, with intervals, baselines, floors, targets and
    statuses. Without a period: the latest week. 503 while an import or refresh writes."""
    user = request.auth
    found = DOORS[level](user, entity)
    rows = selectors.entity_rows(user, level.value, entity)
    if period and (span := _live_span(period)) is not None:
        label, lines = span.label, _live_lines(user, level.value, found, span)
    else:
        label, lines = _lines(rows, period)
    return {
        "level": level,
        "entity": entity,
        "period": label,
        "partial": partial_words(label or "", lines),
        "values": [_value_out(line) for line in lines],
    }


def _live_span(text: str) -> LiveSpan | None:
    """A quarter or custom days (422 when malformed or in the future); None: another form."""
    if not is_live_label(text):
        return None
    try:
        span = parse_span_text(text)
        check_not_future(span, latest_today(timezone.now()))
    except SpanError as exc:
        raise HttpError(422, str(exc)) from None
    return span


def _live_lines(user, level: str, entity, span: LiveSpan) -> list[ScoreLine]:
    try:
        return live.span_lines(user, level, entity, span)
    except WarehouseBusyError:
        raise HttpError(503, "An import or a refresh is writing; try again in a minute.") from None


def _lines(rows: QuerySet, period: str | None) -> tuple[str | None, list[ScoreLine]]:
    try:
        if period and ".." in period:
            first, last = (_parse(p) for p in period.split("..", 1))
            if first.kind is not last.kind or last < first:
                raise ValueError("a range runs from one period to a later one of the same kind")
            return f"{first.label}..{last.label}", lines_for_range(rows, first, last)
        chosen = _parse(period) if period else latest_period_of(rows, PeriodKind.WEEK)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    if chosen is None:
        return None, []
    return chosen.label, lines_for_period(rows, chosen)


def _parse(label: str) -> Period:
    """parse_period, kept to years a scorecard can have (a trend steps back from it)."""
    period = parse_period(label)
    if not FIRST_YEAR <= period.start.year <= LAST_YEAR:
        raise ValueError(f"{label!r}: periods run from {FIRST_YEAR} to {LAST_YEAR}")
    return period


def _interval(low: float | None, high: float | None) -> dict | None:
    return None if low is None or high is None else {"low": low, "high": high}


def _value_out(line: ScoreLine) -> dict:
    metric = CATALOG[line.metric]
    return {
        "metric": line.metric,
        "label": metric.label,
        "unit": metric.unit.value,
        "value": line.value,
        "n": line.n,
        "interval": _interval(line.ci_low, line.ci_high),
        "baseline": line.baseline,
        "floor": line.sla_floor,
        "target": line.kpi_target,
        "status": line.status,
    }


@router.get("/programs/{code}/trend", response={200: TrendOut, **ERRORS}, url_name="program_trend")
def get_program_trend(
    request,
    code: str,
    metric: MetricCode,
    kind: PeriodKindParam = PeriodKindParam.WEEK,
    period: str | None = None,
):
    """The metric over the 26 weeks (or 12 months) up to `period` (default: the latest);
    a period without data is a point with a null value, not left out."""
    user = request.auth
    program = access_program_by_id(user, code)
    rows = selectors.entity_rows(user, Level.PROGRAM, program.code)
    period_kind = PeriodKind(kind.value)
    try:
        last = _parse(period) if period else latest_period_of(rows, period_kind)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None
    if last is not None and last.kind is not period_kind:
        raise HttpError(422, f"{period!r} is not a {kind.value}")
    points = []
    if last is not None:
        points = trends.trend(user, Level.PROGRAM, program.code, metric.value, last)
    return {
        "program": program.code,
        "metric": metric.value,
        "kind": kind,
        "points": [
            {
                "period": p.period.label,
                "start": p.period.start,
                "end": p.period.end,
                "value": p.value,
                "n": p.n,
                "interval": _interval(p.ci_low, p.ci_high),
                "baseline": p.baseline,
                "floor": p.sla_floor,
                "target": p.kpi_target,
                "status": p.status or "no_data",
            }
            for p in points
        ],
    }
