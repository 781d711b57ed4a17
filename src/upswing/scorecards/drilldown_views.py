"""Drill-down from a scorecard number to the interactions, survey responses or QA evaluations
behind it, and the agent page's latest evaluations.

Access follows the number: the scorecard row must be visible to the user
(`visible_snapshots`), and its people's records must be too — client viewers never drill
down (program-level numbers only), and a program's evidence is for people roles whose scope
covers the whole program (a team lead sees their team's agents, not the program's others).
Missing and forbidden answer the same 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from upswing.metrics import CATALOG, format_value
from upswing.org.access import (
    access_agent_by_id,
    access_program_by_id,
    access_team_by_id,
    reach_of,
)
from upswing.org.models import Agent, Program
from upswing.org.people import names_by_address
from upswing.periods import Period
from upswing.scorecards import live
from upswing.scorecards import pages as selectors
from upswing.scorecards.access import sees_whole_program
from upswing.scorecards.models import Level, Part
from upswing.scorecards.spans import LiveSpan, SpanError, parse_span
from upswing.scorecards.tables import evidence_table
from upswing.tables.exports import FORMATS, MAX_EXPORT_ROWS
from upswing.tables.web import bind_table, export_any, table_state
from upswing.warehouse import evidence as drilldown
from upswing.warehouse.evidence import Evidence, Filters, WarehouseBusyError, read_only_warehouse
from upswing.words import named

FILTER_FIELDS = ("channel", "topic", "answered", "resolved", "category", "critical")
ENTITY_URL = {
    Level.AGENT: "performance:agent",
    Level.TEAM: "performance:team",
    Level.PROGRAM: "performance:program",
}
EVIDENCE_URL = {
    Level.AGENT: "performance:evidence_agent",
    Level.TEAM: "performance:evidence_team",
    Level.PROGRAM: "performance:evidence_program",
}


def dashboard_view(view):
    """As the dashboards: signed-in users, GET/HEAD only, never cached (people's records)."""
    return login_required(never_cache(require_safe(view)))


def may_drill_down(user, level: str, entity) -> bool:
    """Whether the dashboard links its numbers to their evidence (no query)."""
    if level == Level.PROGRAM:
        return sees_whole_program(user, entity)
    return level == Level.AGENT or reach_of(user).sees_people


def _entity(user, level: str, code: str):
    if level == Level.AGENT:
        return access_agent_by_id(user, code), ""
    if level == Level.TEAM:
        team = access_team_by_id(user, code)
        return team, team.name
    program = access_program_by_id(user, code)
    if not sees_whole_program(user, program):
        raise Http404("No program with that code.")
    return program, program.name


def _period(label: str) -> Period | LiveSpan:
    """A stored week or month, or a quarter or custom days (`spans`): the same evidence
    for any days, the number behind it computed live for the latter."""
    try:
        return parse_span(label)
    except SpanError:
        raise Http404("No such period.") from None


def _number(user, level: str, code: str, period: Period | LiveSpan, metric: str | None, entity):
    """The scorecard row behind the drill-down, as this user may read it (404 otherwise); for
    a quarter or custom days, the row computed live through the same doors. Raises
    `WarehouseBusyError` while the warehouse is written."""
    if isinstance(period, LiveSpan):
        rows = [r for r in _live_rows(user, level, entity, period) if metric in (None, r.metric)]
        row = rows[0] if rows else None
    else:
        rows = selectors.entity_rows(user, level, code).filter(
            period_kind=period.kind.value, period_start=period.start
        )
        if metric is not None:
            rows = rows.filter(metric=metric)
        row = rows.first()
    if row is None:
        raise Http404("No such number.")
    return row


def _live_rows(user, level: str, entity, span: LiveSpan) -> list:
    """The entity's rows of a quarter or custom days, computed live as its page computes them."""
    try:
        found = live.read_live(user, span, **live.scope_of(level, entity))
    except live.NoWarehouseError:
        raise Http404("No such number.") from None
    return [r for r in found.entity_rows(level, entity.code) if r.period_start == span.start]


def _evidence(level: str, code: str, period: Period, metric: str, number=None) -> Evidence:
    """The evidence of `number` (a snapshot row): a part of an agent's period keeps its days
    on the team, or its work for the program, and nothing else."""
    programs = dict(Program.objects.values_list("code", "time_zone"))
    part = getattr(number, "part", "")
    team = number.team_code if part == Part.TEAM.value else ""
    program = number.program_code if part == Part.PROGRAM.value else ""
    return Evidence(level, code, period, metric, programs, team, program)


def _name_agents(rows: list[dict]) -> None:
    codes = {r.get("agent_id") for r in rows if r.get("agent_id")}
    names = dict(Agent.objects.filter(code__in=codes).values_list("code", "name"))
    for r in rows:
        r["agent_name"] = names.get(r.get("agent_id"), r.get("agent_id") or "—")


def _name_evaluators(rows: list[dict]) -> None:
    """An evaluator recorded by e-mail is shown by the name of the user with that address
    (one query), else by the address humanised with "(no account)"; the address stays as
    the detail."""
    names = names_by_address(r.get("evaluator") for r in rows)
    for r in rows:
        if "evaluator" in r:
            r["evaluator_name"] = named(r.get("evaluator"), names)


def busy_response(request):
    response = render(request, "scorecards/drilldown_busy.html", status=503)
    response["Retry-After"] = "60"
    return response


def _evidence_page(request, level: str, code: str, period: str, metric: str):
    if metric not in CATALOG:
        raise Http404("No such metric.")
    user = request.user
    entity, name = _entity(user, level, code)
    chosen = _period(period)
    try:
        number = _number(user, level, code, chosen, metric, entity)
    except WarehouseBusyError:
        return busy_response(request)
    filters = Filters(**{f: request.GET.get(f, "").strip()[:200] for f in FILTER_FIELDS})
    evidence = _evidence(level, code, chosen, metric, number)
    spec = evidence_table(
        drilldown.kind_of(metric), f"{code}-{chosen.label}-{metric}", level != Level.AGENT
    )
    state = table_state(request, spec)
    exporting = request.GET.get("export", "") in FORMATS
    try:
        with read_only_warehouse(settings.UPSWING_WAREHOUSE_URL) as con:
            found = drilldown.read_evidence(
                con,
                evidence,
                filters,
                1 if exporting else state.page,
                sort=state.sort,
                descending=state.descending,
                page_size=MAX_EXPORT_ROWS if exporting else state.per_page,
            )
            categories = []
            if found.kind == drilldown.Kind.EVALUATIONS and not exporting:
                categories = drilldown.evaluation_categories(con, evidence)
    except WarehouseBusyError:
        return busy_response(request)
    if level != Level.AGENT:
        _name_agents(found.rows)
    if found.kind == drilldown.Kind.EVALUATIONS:
        _name_evaluators(found.rows)
    table = bind_table(request, spec, found.rows, total=None if exporting else found.matching)
    if response := export_any(request, table):
        return response
    context = _context(request, level, entity, name, chosen, number, filters, found, categories)
    return render(request, "scorecards/drilldown_evidence.html", {**context, "table": table})


def _context(request, level, entity, name, period, number, filters, found, categories):
    metric = CATALOG[number.metric]
    query = {f: getattr(filters, f) for f in FILTER_FIELDS if getattr(filters, f)}
    return {
        "level": level,
        "entity": entity,
        "title": name or entity.name,
        "entity_url": reverse(ENTITY_URL[level], args=[entity.code])
        + f"?period={period.label}&metric={number.metric}",
        "period": period,
        "metric": metric,
        "number": number,
        "number_value": format_value(number.metric, number.value),
        "matches": found.total == number.n,
        "found": found,
        "filters": filters,
        "filter_query": urlencode(query),
        "query": query,
        "categories": categories,
        "show_agent": level != Level.AGENT,
    }


@dashboard_view
def agent_evidence(request, code: str, period: str, metric: str):
    return _evidence_page(request, Level.AGENT, code, period, metric)


@dashboard_view
def team_evidence(request, code: str, period: str, metric: str):
    return _evidence_page(request, Level.TEAM, code, period, metric)


@dashboard_view
def program_evidence(request, code: str, period: str, metric: str):
    return _evidence_page(request, Level.PROGRAM, code, period, metric)


@dashboard_view
def agent_evaluations(request, code: str, period: str):
    """The agent page's "QA evaluations" section (an htmx partial, a page of its own without
    JavaScript): the latest evaluations of the period, scored like the KPI."""
    agent = access_agent_by_id(request.user, code)
    chosen = _period(period)
    # The period must be visible; a part of it keeps the evaluations of that part.
    try:
        if isinstance(chosen, LiveSpan):
            rows = _live_rows(request.user, Level.AGENT, agent, chosen)
            if not rows:
                raise Http404("No such number.")
            number, qa = rows[0], next((r for r in rows if r.metric == "qa"), None)
        else:
            number = _number(request.user, Level.AGENT, agent.code, chosen, None, agent)
            qa = (
                selectors.entity_rows(request.user, Level.AGENT, agent.code)
                .filter(period_kind=chosen.kind.value, period_start=chosen.start, metric="qa")
                .first()
            )
    except WarehouseBusyError:
        return busy_response(request)
    try:
        with read_only_warehouse(settings.UPSWING_WAREHOUSE_URL) as con:
            rows = drilldown.latest_evaluations(
                con, _evidence(Level.AGENT, agent.code, chosen, "qa", number)
            )
    except WarehouseBusyError:
        return busy_response(request)
    for row in rows:
        row["score_text"] = format_value("qa", row["score"])
    _name_evaluators(rows)
    partial = bool(getattr(request, "htmx", None))
    return render(
        request,
        "scorecards/drilldown_evaluations.html",
        {
            "agent": agent,
            "period": chosen,
            "rows": rows,
            "qa": qa,
            "partial": partial,
            "base_template": "scorecards/drilldown_partial_base.html" if partial else "base.html",
        },
    )
