"""Dashboards: program → team → agent scorecards with trends, each behind `access_*_by_id`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from upswing.metrics import CATALOG, format_value
from upswing.org.access import (
    access_agent_by_id,
    access_program_by_id,
    access_team_by_id,
    reach_of,
    visible_programs,
    visible_teams,
)
from upswing.periods import Period, PeriodKind, month_of, week_of
from upswing.scorecards import children as child_rows
from upswing.scorecards import drilldown_views, live, trends
from upswing.scorecards import pages as selectors
from upswing.scorecards.charts import SeriesPoint, trend_chart
from upswing.scorecards.models import Level
from upswing.scorecards.rules import TOO_FEW, is_small_sample, judged_status
from upswing.scorecards.spans import (
    LiveSpan,
    SpanError,
    check_not_future,
    custom_span,
    latest_today,
    parse_span,
    span_choice,
)
from upswing.scorecards.tables import children_table, scorecard_table
from upswing.tables.rules.ranges import RangeKind
from upswing.tables.web import bind_table, export_any
from upswing.warehouse.evidence import WarehouseBusyError

TREND_TARGET = "trend"


def dashboard_view(view):
    """Signed-in users only, GET/HEAD only, never cached (pages show people's numbers)."""
    return login_required(never_cache(require_safe(view)))


@dashboard_view
def program_page(request, code: str):
    program = access_program_by_id(request.user, code)
    page = _Page(request, Level.PROGRAM, program.code, entity=program)
    sees_people = reach_of(request.user).sees_people
    children = []
    if page.period and sees_people:
        children = child_rows.program_teams(
            request.user, program, page.period, page.metric, page.live
        )
    listing = page.listing(children, "team", show=sees_people)
    if response := page.export(listing):
        return response
    if page.is_trend_request:
        return page.trend_response(listing)
    return page.response(
        {
            "entity": program,
            "title": program.name,
            "crumbs": [(program.client.name, None)],
            **listing,
        }
    )


@dashboard_view
def team_page(request, code: str):
    team = access_team_by_id(request.user, code)
    page = _Page(request, Level.TEAM, team.code, entity=team)
    children = []
    if page.period:
        children = child_rows.team_agents(request.user, team, page.period, page.metric, page.live)
    listing = page.listing(children, "agent", show=True)
    if response := page.export(listing):
        return response
    if page.is_trend_request:
        return page.trend_response(listing)
    program = team.program
    return page.response(
        {
            "entity": team,
            "title": team.name,
            "crumbs": [(program.client.name, None), (program.name, _program_url(program.code))],
            **listing,
        }
    )


@dashboard_view
def agent_page(request, code: str):
    agent = access_agent_by_id(request.user, code)
    is_self = agent.user_id is not None and agent.user_id == request.user.pk
    page = _Page(request, Level.AGENT, agent.code, own=is_self, entity=agent)
    if response := page.export({}):
        return response
    if page.is_trend_request:
        return page.trend_response()
    crumbs = []
    context = page.period and child_rows.agent_context(
        request.user, agent.code, page.period, page.live
    )
    if context:
        team_code, program_code = context
        program = visible_programs(request.user).filter(code=program_code).first()
        team = visible_teams(request.user).filter(code=team_code).first()
        if program:
            crumbs.append((program.name, _program_url(program.code)))
        if team:
            crumbs.append((team.name, _team_url(team.code)))
    return page.response(
        {
            "entity": agent,
            "title": agent.name,
            "crumbs": crumbs,
            "children": [],
            "show_children": False,
            "is_self": is_self,
        }
    )


def _program_url(code: str) -> str:
    return reverse("performance:program", args=[code])


def _team_url(code: str) -> str:
    return reverse("performance:team", args=[code])


class _Page:
    """The parts every dashboard shares: period choice, scorecard, trend of one metric."""

    def __init__(self, request, level: str, code: str, *, own: bool = False, entity=None) -> None:
        self.request, self.level, self.code, self.own = request, level, code, own
        self.drill_route = ""
        if entity is not None and drilldown_views.may_drill_down(request.user, level, entity):
            self.drill_route = drilldown_views.EVIDENCE_URL[level]
        user = request.user
        self.periods = selectors.available_periods(user, level, code)
        self.period_error = ""
        self.today = latest_today(timezone.now())
        self.live: live.LiveRows | None = None
        self.period = self._chosen_period(request.GET)
        if isinstance(self.period, LiveSpan):
            self._read_live(entity)
        if self.live is not None:
            rows = self.live.entity_rows(level, code)
            self.groups, self.partial = selectors.groups_of(rows, self.period)
        elif self.period:
            self.groups, self.partial = selectors.scorecard_with_partial(
                user, level, code, self.period
            )
        else:
            self.groups, self.partial = [], ""
        wanted = request.GET.get("metric", "")
        self.metric = wanted if wanted in CATALOG else _default_metric(self.groups)
        rows = [row for group in self.groups for row in group.rows]
        self.table = bind_table(request, scorecard_table(level, code), rows)

    def listing(self, children: list, kind: str, *, show: bool) -> dict:
        """The teams or agents under the scorecard, as a table of the chosen metric."""
        table = bind_table(self.request, children_table(kind, self.code, self.metric), children)
        return {
            "children": children,
            "children_kind": kind,
            "show_children": show,
            "children_table": table,
        }

    def export(self, listing: dict):
        """The scorecard's or the children's file, when the URL asks for one."""
        children = listing.get("children_table") if listing.get("show_children") else None
        return export_any(self.request, self.table, children)

    def _chosen_period(self, params) -> Period | LiveSpan | None:
        """The span the URL asks for (`spans`), else the latest stored week; what was wrong
        with the URL goes to `period_error`, in words."""
        label = params.get("period", "")
        first, last = params.get("from", ""), params.get("to", "")
        try:
            if (first or last) and not label:
                return self._allowed(custom_span(first, last))
            if label:
                return self._allowed(parse_span(label))
        except SpanError as exc:
            self.period_error = str(exc)
        return self._default_period()

    def _allowed(self, span: Period | LiveSpan) -> Period | LiveSpan:
        check_not_future(span, self.today)
        if isinstance(span, LiveSpan) or span in self.periods:
            return span
        raise SpanError(f"No scorecard for {span.label} here.")

    def _default_period(self) -> Period | None:
        weeks = [p for p in self.periods if p.kind is PeriodKind.WEEK]
        return (weeks or self.periods or [None])[0]

    def _read_live(self, entity) -> None:
        """The quarter's or custom days' rows, computed now; on failure, the latest week
        with the reason."""
        scope = live.scope_of(self.level, entity)
        try:
            self.live = live.read_live(self.request.user, self.period, **scope)
            return
        except WarehouseBusyError:
            self.period_error = (
                f"{self.period.human} is computed from the imported data, which an import or "
                "a refresh is writing right now; try again in a minute."
            )
        except live.NoWarehouseError:
            self.period_error = (
                f"{self.period.human} is computed from the imported data, and there is none yet."
            )
        self.period = self._default_period()

    @property
    def trend_period(self) -> Period | None:
        """The stored period the trend ends on: for a quarter, the month holding its last
        day with data so far; for custom days, the week holding their last day."""
        if not isinstance(self.period, LiveSpan):
            return self.period
        last = min(self.period.end, self.today)
        return month_of(last) if self.period.kind is RangeKind.QUARTER else week_of(last)

    @property
    def is_trend_request(self) -> bool:
        htmx = getattr(self.request, "htmx", None)
        return bool(htmx) and not htmx.history_restore_request and htmx.target == TREND_TARGET

    def trend_context(self) -> dict:
        last = self.trend_period
        if last is None:
            return {"chart": None}
        points = trends.trend(self.request.user, self.level, self.code, self.metric, last)
        series = [_series_point(self.metric, p) for p in points]
        metric = CATALOG[self.metric]
        user, own = self.request.user, self.own
        events = trends.chart_events(user, self.level, self.code, points, own=own)
        chart = trend_chart(series, metric.unit.value, events)
        return {
            "chart": chart,
            "events": chart.markers,
            "series": series,
            "metric": metric,
            "metric_choices": [(m.code, m.label) for m in CATALOG.values()],
            "period": self.period,
            "trend_period": last,
            "trend_kind": "Weekly" if last.kind is PeriodKind.WEEK else "Monthly",
            "level": self.level,
        }

    def trend_response(self, listing: dict | None = None):
        """The trend for the chosen metric; the teams or agents listed under it follow the
        metric too, swapped out of band so the page never shows two metrics at once."""
        context = self.trend_context()
        response = render(self.request, "scorecards/partials/trend.html", context)
        if listing and listing.get("show_children"):
            children = render_to_string(
                "scorecards/partials/children.html",
                {**context, **listing, "oob": True},
                request=self.request,
            )
            response.content += children.encode()
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response

    def response(self, extra: dict):
        context = {
            "level": self.level,
            "periods": self.periods[:80],
            "period": self.period,
            "choice": span_choice(self.periods, self.period, self.today) if self.period else None,
            "period_error": self.period_error,
            "today": self.today,
            "groups": self.groups,
            "table": self.table,
            "overall": selectors.overall_of(self.groups),
            "partial": self.partial,
            "drill_route": self.drill_route,
            **self.trend_context(),
            **extra,
        }
        response = render(self.request, "scorecards/dashboard.html", context)
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response


def _default_metric(groups: list[selectors.PairGroup]) -> str:
    """The metric most in need of a look, among those with enough observations to be judged:
    below the SLA floor first, then below target, each the furthest below its standard; then
    the first judged metric (pair order), and only then one too small to judge."""
    rows = [row for group in groups for row in group.rows if row.status.code != "not_measured"]
    judged = [row for row in rows if row.status.code != TOO_FEW]
    for status in ("below_sla", "below_target"):
        missing = [row for row in judged if row.status.code == status]
        if missing:
            return max(missing, key=lambda row: row.shortfall).metric
    for status in ("on_target", "no_target"):
        for row in judged:
            if row.status.code == status:
                return row.metric
    return rows[0].metric if rows else "aht"


def _series_point(metric: str, p: trends.TrendPoint) -> SeriesPoint:
    return SeriesPoint(
        label=p.period.label,
        start=p.period.start,
        end=p.period.end,
        value=p.value,
        ci_low=p.ci_low,
        ci_high=p.ci_high,
        baseline=p.baseline,
        sla_floor=p.sla_floor,
        kpi_target=p.kpi_target,
        n=p.n,
        status=judged_status(p.status, metric, p.n),
        status_words=selectors.STATUS_WORDS.get(judged_status(p.status, metric, p.n), ""),
        value_text=format_value(metric, p.value),
        small=is_small_sample(metric, p.n),
        interval_text=_interval_text(metric, p.ci_low, p.ci_high),
    )


def _interval_text(metric: str, low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return f"{format_value(metric, low)} – {format_value(metric, high)}"
