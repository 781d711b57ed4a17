"""The child rows of a dashboard: a program's teams, a team's agents (with when they joined
or left), and the team and program an agent's period was recorded under."""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from django.db.models import Q

from upswing.metrics import format_value
from upswing.org.access import visible_teams
from upswing.org.models import Membership, Team
from upswing.periods import Period
from upswing.scorecards.models import Level, Part
from upswing.scorecards.pages import StatusView, entity_rows, status_view, visible_rows
from upswing.scorecards.previous import both_periods, delta_of, split_periods
from upswing.scorecards.rules import Status, concern, judged_status, overall_status
from upswing.tables.rules.deltas import Delta


class ChildRow:
    """One team (on a program page) or one agent (on a team page) for the chosen period.

    What every row is sorted by is computed at once (the raw value, n, the counts, the
    concern); the words (the value as shown, the statuses, the change) when first read: a
    program's hundreds of teams are sorted, and a page of them shown."""

    def __init__(self, code, name, entry: dict | None, metric: str, note="", before=None):
        entry = entry or {"below_sla": 0, "below_target": 0, "statuses": []}
        self.code, self.name, self.note, self.metric = code, name, note, metric
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


# What a child row needs of each snapshot: read as tuples, not models (a team page reads 13
# metrics for every agent, a program page for every team; building models was most of the time).
_CHILD_FIELDS = (
    "entity_code", "metric", "value", "status", "n", "period_start", "sla_floor", "kpi_target",
)  # fmt: skip


def _child_snapshots(user, period: Period, metric: str, live=None, **filters):
    """The rows matching `filters` in the period and the one before that the user may read:
    stored ones, or those of a quarter or custom days computed live (`live`: a
    `live.LiveRows`, already through the same doors). Of the period before, a stored row is
    read for the chosen metric only: its change is all the list shows of it (a program of
    1,000 teams reads 13,000 rows, not 26,000)."""
    if live is not None:
        return live.where(period_start__in=both_periods(period), **filters)
    before = Q(period_start=period.previous().start, metric=metric)
    return (
        visible_rows(user)
        .filter(Q(period_start=period.start) | before, **filters)
        .values_list(*_CHILD_FIELDS, named=True)
    )


_BELOW_SLA, _BELOW_TARGET = Status.BELOW_SLA.value, Status.BELOW_TARGET.value


def _counts(rows) -> dict[str, dict]:
    out: dict[str, dict] = defaultdict(lambda: {"below_sla": 0, "below_target": 0, "statuses": []})
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
    rows = _child_snapshots(
        user,
        period,
        metric,
        live,
        level=Level.TEAM,
        entity_code__in=[code for code, _ in teams],
        period_kind=period.kind.value,
    )
    current, before = split_periods(rows, period)
    counts, earlier = _counts(current), _counts(before)
    return [
        ChildRow(code, name, counts.get(code), metric, before=earlier.get(code))
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
    rows = _child_snapshots(
        user,
        period,
        metric,
        live,
        level=Level.AGENT,
        part__in=(Part.WHOLE.value, Part.TEAM.value),  # the agent's days on this team
        team_code=team.code,
        period_kind=period.kind.value,
    )
    current, before = split_periods(rows, period)
    counts, earlier = _counts(current), _counts(before)
    return [
        ChildRow(code, name, counts.get(code), metric, note, earlier.get(code))
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
