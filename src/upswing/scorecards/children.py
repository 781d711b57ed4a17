"""The child rows of a dashboard: a program's teams, a team's agents (with when they joined
or left), and the team and program an agent's period was recorded under."""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from upswing.metrics import CATALOG, Aggregate, format_value, min_sample
from upswing.org.access import visible_teams
from upswing.org.models import Membership, Team
from upswing.periods import Period
from upswing.scorecards.access import team_snapshots
from upswing.scorecards.models import Level, Part
from upswing.scorecards.pages import StatusView, entity_rows, status_view, visible_rows
from upswing.scorecards.previous import both_periods, delta_of, split_periods
from upswing.scorecards.rules import TOO_FEW, Status, concern, judged_status, overall_status
from upswing.tables.markup import delta_markup
from upswing.tables.rules.deltas import Delta


class ChildRow:
    """One team (on a program page) or one agent (on a team page) for the chosen period.

    What every row is sorted by is computed at once (the raw value, n, the counts, the
    concern); the words (the value as shown, the statuses, the change) and the table row
    when first read: a program's hundreds of teams are sorted, and a page of them shown.
    `link(code)` is the address of the child's own page for the same period and metric."""

    def __init__(
        self, code, name, entry: dict | None, metric: str, note="", before=None, *, link=None
    ):
        entry = entry or {"below_sla": 0, "below_target": 0, "statuses": []}
        self.code, self.name, self.note, self.metric = code, name, note, metric
        self._link = link
        self._row = entry.get(metric)
        self._previous = (before or {}).get(metric)
        self._statuses = entry["statuses"]
        self.below_sla: int = entry["below_sla"]
        self.below_target: int = entry["below_target"]
        self.n: int | None = self._row.n if self._row else None
        self.raw_value: float | None = self._row.value if self._row else None
        # worst first (rules.concern); None: no value
        self.concern: tuple[int, float] | None = _concern(self._row)

    @cached_property
    def value(self) -> str:
        return format_value(self.metric, self._row.value) if self._row else "—"

    @cached_property
    def status(self) -> StatusView | None:
        row = self._row
        return status_view(row.status, row.metric, row.n) if row else None

    @cached_property
    def overall(self) -> StatusView | None:
        """The worst of its metrics' statuses (rules.overall_status)."""
        return status_view(overall_status(self._statuses)) if self._statuses else None

    @cached_property
    def delta(self) -> Delta | None:
        return delta_of(self.metric, self._row, self._previous)

    @cached_property
    def markup(self) -> SafeString:
        """The row of the children's table (`partials/children.html`), built here: fifty rows
        through the template's includes and lookups took a tenth of a program page."""
        note = format_html('<span class="note">{}</span>', self.note) if self.note else ""
        delta = self.delta
        was = ""
        if delta is not None and delta.previous_text:
            was = format_html('<span class="delta-was">was {}</span>', delta.previous_text)
        return format_html(
            '<tr><th scope="row"><a href="{}">{}</a>{}</th><td class="num">{}</td>'
            '<td class="num">{}{}</td><td>{}</td><td class="num">{}</td><td>{}</td>'
            '<td class="num">{}</td><td class="num">{}</td></tr>',
            self._link(self.code), self.name, note, self.value, delta_markup(delta), was,
            status_markup(self.status), "—" if self.n is None else self.n,
            status_markup(self.overall), self.below_sla, self.below_target,
        )  # fmt: skip


def status_markup(status: StatusView | None) -> SafeString:
    """A status as the pages show it: its mark for the eye and its words."""
    if status is None:
        return format_html('<span class="muted">{}</span>', "No data")
    return format_html(
        '<span class="status status-{}"><span aria-hidden="true">{}</span> {}</span>',
        status.code, status.mark, status.words,
    )  # fmt: skip


def _linker(route: str, period, metric: str):
    """The link to each child's page for the same period and metric."""
    query = urlencode({"period": period.label, "metric": metric})
    return lambda code: f"{reverse(route, args=[code])}?{query}"


# What a child row needs of each snapshot: read as tuples, not models (a team page reads 13
# metrics for every agent, a program page for every team; building models was most of the time).
_CHILD_FIELDS = (
    "entity_code", "metric", "value", "status", "n", "period_start", "sla_floor", "kpi_target",
)  # fmt: skip


def _judged_in_sql() -> Case:
    """`rules.judged_status` as the database computes it: "too_few" where a metric judged
    against a standard rests on fewer values than its minimum sample, else the status."""
    by_minimum: dict[int, list[str]] = defaultdict(list)
    for code, metric in CATALOG.items():
        if metric.aggregate is not Aggregate.COUNT:
            by_minimum[min_sample(code)].append(code)
    judged = ~Q(status=Status.NO_TARGET.value)
    return Case(
        *(
            When(judged & Q(metric__in=codes, n__lt=minimum), then=Value(TOO_FEW))
            for minimum, codes in sorted(by_minimum.items())
        ),
        default=F("status"),
        output_field=CharField(),
    )


_JUDGED = _judged_in_sql()


def _child_entries(readable, period: Period, metric: str, live=None, **filters):
    """Each child's entry for the period and the one before (`_counts`): what its row shows
    (the chosen metric), its counts of metrics below the SLA floor and the target, and its
    judged statuses. Of stored rows, the chosen metric's are read for both periods, and the
    statuses of the others are counted by the database (a program of 1,000 teams reads 2,000
    rows and at most 5 counts a team, not 14,000 rows) among the `readable` snapshots (the
    user's, `scorecards.access`); quarters and custom days computed live (`live`: a
    `live.LiveRows`, already through the same doors) are counted here."""
    if live is not None:
        rows = live.where(period_start__in=both_periods(period), **filters)
        current, before = split_periods(rows, period)
        return _counts(current), _counts(before)
    stored = readable.filter(**filters)
    chosen = stored.filter(metric=metric, period_start__in=both_periods(period)).values_list(
        *_CHILD_FIELDS, named=True
    )
    current_rows, before_rows = split_periods(chosen, period)
    judged = (
        stored.filter(period_start=period.start)
        .values_list("entity_code", _JUDGED)
        .annotate(count=Count("*"))
        .order_by()
    )
    current: dict[str, dict] = defaultdict(_empty_entry)
    for row in current_rows:
        current[row.entity_code][metric] = row
    for code, status, count in judged:
        entry = current[code]
        entry["statuses"].append(status)
        if status == _BELOW_SLA:
            entry["below_sla"] += count
        elif status == _BELOW_TARGET:
            entry["below_target"] += count
    return current, {row.entity_code: {metric: row} for row in before_rows}


_BELOW_SLA, _BELOW_TARGET = Status.BELOW_SLA.value, Status.BELOW_TARGET.value


def _empty_entry() -> dict:
    return {"below_sla": 0, "below_target": 0, "statuses": []}


def _counts(rows) -> dict[str, dict]:
    out: dict[str, dict] = defaultdict(_empty_entry)
    for r in rows:
        entry = out[r.entity_code]
        entry[r.metric] = r
        status = judged_status(r.status, r.metric, r.n)
        entry["statuses"].append(status)
        if status == _BELOW_SLA:
            entry["below_sla"] += 1
        elif status == _BELOW_TARGET:
            entry["below_target"] += 1
    return out


def _concern(row) -> tuple[int, float] | None:
    if row is None:
        return None
    status = judged_status(row.status, row.metric, row.n)
    return concern(status, row.metric, row.value, row.sla_floor, row.kpi_target)


def program_teams(user, program, period: Period, metric: str, live=None) -> list[ChildRow]:
    """The program's teams the user may see, with their numbers for the period (2 queries)."""
    teams = list(
        visible_teams(user).filter(program=program).order_by("name").values_list("code", "name")
    )
    if not teams:
        return []
    codes = [code for code, _ in teams]
    counts, earlier = _child_entries(
        team_snapshots(user, program, codes),
        period,
        metric,
        live,
        period_kind=period.kind.value,
        part=Part.WHOLE.value,  # a team's rows are whole: the unique index finds each metric
    )
    link = _linker("performance:team", period, metric)
    return [
        ChildRow(code, name, counts.get(code), metric, before=earlier.get(code), link=link)
        for code, name in teams
    ]


def team_agents(user, team: Team, period: Period, metric: str, live=None) -> list[ChildRow]:
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
    counts, earlier = _child_entries(
        visible_rows(user),
        period,
        metric,
        live,
        level=Level.AGENT,
        part__in=(Part.WHOLE.value, Part.TEAM.value),  # the agent's days on this team
        team_code=team.code,
        period_kind=period.kind.value,
    )
    link = _linker("performance:agent", period, metric)
    return [
        ChildRow(code, name, counts.get(code), metric, note, earlier.get(code), link=link)
        for code, (name, note) in sorted(agents.items(), key=lambda kv: (kv[1][0], kv[0]))
    ]


def _membership_note(m: Membership, period: Period) -> str:
    if m.start_date > period.start:
        return f"joined {m.start_date.isoformat()}"
    if m.end_date is not None and m.end_date < period.end:
        return f"left {m.end_date.isoformat()}"
    return ""


def agent_context(user, code: str, period: Period, live=None) -> tuple[str, str] | None:
    """(team_code, program_code) the agent's rows in the period were recorded under."""
    if live is not None:
        rows = [r for r in live.entity_rows(Level.AGENT, code) if r.period_start == period.start]
        return (rows[0].team_code, rows[0].program_code) if rows else None
    return (
        entity_rows(user, Level.AGENT, code)
        .filter(period_kind=period.kind.value, period_start=period.start)
        .values_list("team_code", "program_code")
        .first()
    )
