"""A quarter or custom days, computed when a page asks for them.

Snapshots are kept by ISO week and calendar month, without the sums of squares a mean's
interval over several of them would need. So a quarter or custom range is summed from the
warehouse's daily segments by the refresh's own code (`refresh.rollup`, intervals, baselines,
target statuses): its numbers, intervals and statuses are those a snapshot of the same days
would hold. The facts read are those an incremental refresh of the page's program (or agent)
over these days would read (`refresh_scope.closure`), so every row shown is whole.

The rows come back as unsaved `ScorecardSnapshot`s (period_kind `quarter` or `custom`) and
pass the same doors as stored ones (`access.SnapshotReach`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings

from upswing.scorecards.access import SnapshotReach, snapshot_reach
from upswing.scorecards.models import WHOLE_PARTS, Level, Part, ScorecardSnapshot
from upswing.scorecards.queries import lines_of
from upswing.scorecards.refresh import (
    Periods,
    add_baselines,
    add_intervals,
    mark_split_agents,
    rollup,
)
from upswing.scorecards.refresh_scope import Scope, closure
from upswing.scorecards.snapshot_writes import data_ends
from upswing.scorecards.spans import LiveSpan
from upswing.targets import statuses as target_lookup
from upswing.warehouse import kpis
from upswing.warehouse.evidence import read_only_warehouse
from upswing.warehouse.measures import Source
from upswing.warehouse.segments import daily_segments

_NEEDED_TABLES = {"interactions", "surveys", "qa_scores", "memberships", "programs"}


def span_frame(con, programs: set[str], agents: set[str], spans: list[LiveSpan]) -> pd.DataFrame:
    """The scorecard rows of `spans` (disjoint) for `programs` and `agents` and everything
    their rows rest on: the refresh's frame, one period per span."""
    first, last = min(s.start for s in spans), max(s.end for s in spans)
    programs, agents = closure(con, set(programs), set(agents), first, last)
    if not programs and not agents:
        return pd.DataFrame()
    scope = Scope(tuple(sorted(programs)), first, last)
    facts = kpis.Scope(
        programs=scope.programs,
        agents=tuple(sorted(agents)),
        ranges=tuple((s.start, s.end) for s in spans),
    )
    segments = {
        source: daily_segments(con, source, facts).to_pyarrow().to_pandas() for source in Source
    }
    periods = [Periods(span.kind.value, {span.start}, _starts_of(span)) for span in spans]
    frames = rollup(segments, periods, scope)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if frame.empty:
        return frame
    frame["period_end"] = frame["period_start"].map({s.start: s.end for s in spans})
    mark_split_agents(frame)
    add_intervals(frame)
    add_baselines(frame)
    target_lookup.add_statuses(frame)
    return frame


def _starts_of(span: LiveSpan):
    def starts(days: pd.Series) -> pd.Series:
        inside = days.between(span.start, span.end)
        return days.where(~inside, span.start).where(inside, None)

    return starts


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def snapshots_of(frame: pd.DataFrame, ends: dict[str, dt.date]) -> list[ScorecardSnapshot]:
    """The frame's rows as unsaved snapshots; `partial` when the span runs past the last day
    of its program's data (`ends`)."""
    out = []
    for r in frame.to_dict("records"):
        end = ends.get(r["program_id"])
        out.append(
            ScorecardSnapshot(
                level=r["level"],
                entity_code=r["entity_id"],
                team_code=r["team_id"] if isinstance(r["team_id"], str) else "",
                program_code=r["program_id"] if isinstance(r["program_id"], str) else "",
                period_kind=r["period_kind"],
                period_start=r["period_start"],
                metric=r["metric"],
                value=float(r["value"]),
                numerator=float(r["numerator"]),
                n=int(r["n"]),
                ci_low=_number(r["ci_low"]),
                ci_high=_number(r["ci_high"]),
                baseline=_number(r["baseline"]),
                sla_floor=_number(r["sla_floor"]),
                kpi_target=_number(r["kpi_target"]),
                status=r["status"],
                part=r["part"],
                partial=end is None or r["period_end"] > end,
            )
        )
    return out


@dataclass(slots=True)
class LiveRows:
    """The rows of a span and the one before it that the user may read."""

    span: LiveSpan
    rows: list[ScorecardSnapshot] = field(default_factory=list)

    def where(self, **conditions) -> list[ScorecardSnapshot]:
        """Rows matching every `field=value` or `field__in=values` (a QuerySet's filter)."""
        tests = []
        for key, wanted in conditions.items():
            name, _, op = key.partition("__")
            tests.append((name, set(wanted) if op == "in" else {wanted}))
        return [r for r in self.rows if all(getattr(r, n) in w for n, w in tests)]

    def entity_rows(self, level: str, code: str) -> list[ScorecardSnapshot]:
        """As `pages.entity_rows`: for an agent, the whole span when the user may read it,
        else the part on the user's team, else the work for the user's program."""
        rows = self.where(level=level, entity_code=code)
        if level != Level.AGENT:
            return rows
        order = {**dict.fromkeys(WHOLE_PARTS, 0), Part.TEAM.value: 1, Part.PROGRAM.value: 2}
        best: dict[tuple, int] = {}
        for r in rows:
            key = (r.period_start, r.metric)
            best[key] = min(best.get(key, 3), order.get(r.part, 3))
        return [r for r in rows if order.get(r.part, 3) == best[(r.period_start, r.metric)]]


def scope_of(level: str, entity) -> dict[str, set[str]]:
    """What `read_live` computes around a page's entity: its program's (a team's program)
    rows, or the agent's."""
    if level == Level.PROGRAM:
        return {"programs": {entity.code}}
    if level == Level.TEAM:
        return {"programs": {entity.program.code}}
    return {"agents": {entity.code}}


class NoWarehouseError(Exception):
    """Nothing imported or refreshed yet: there is no warehouse to compute from."""


def read_live(
    user, span: LiveSpan, *, programs=(), agents=(), reach: SnapshotReach | None = None
) -> LiveRows:
    """The span's and the previous span's rows around `programs` and `agents`, as `user`
    may read them. Raises `evidence.WarehouseBusyError` while an import or refresh writes."""
    spans = [span.previous(), span]
    with read_only_warehouse(settings.UPSWING_WAREHOUSE_URL) as con:
        if con is None or not set(con.list_tables()) >= _NEEDED_TABLES:
            raise NoWarehouseError
        frame = span_frame(con, set(programs), set(agents), spans)
        if frame.empty:
            return LiveRows(span)
        ends = data_ends(con, tuple(sorted(set(frame["program_id"].dropna()))))
    reach = reach or snapshot_reach(user)
    return LiveRows(span, [r for r in snapshots_of(frame, ends) if reach.allows(r)])


def span_lines(user, level: str, entity, span: LiveSpan, *, reach: SnapshotReach | None = None):
    """The entity's scorecard lines for `span`, as `user` (or `reach`) may read them; none
    before anything was imported. Raises `evidence.WarehouseBusyError` while a write runs."""
    try:
        found = read_live(user, span, reach=reach, **scope_of(level, entity))
    except NoWarehouseError:
        return []
    return lines_of(
        [r for r in found.entity_rows(level, entity.code) if r.period_start == span.start]
    )
