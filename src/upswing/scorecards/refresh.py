"""`upswing refresh`: recompute scorecard snapshots from the warehouse.

Values come from the Ibis KPI expressions; here they get their intervals (stats), their
team baseline and their target status (rules), and replace the snapshots of the periods
they cover. Only periods touched by new data are recomputed unless `full` is asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings

from upswing import stats
from upswing.bulk import heap_frozen, per_distinct
from upswing.metrics import CATALOG, Aggregate, value_range
from upswing.performance.models import Part
from upswing.periods import PeriodKind, period_of
from upswing.scorecards.refresh_scope import (
    Scope,
    consume_dirty_days,
    dirty_batches,
    dirty_scope,
    full_scope,
    sync_dimensions,
    sync_events,
)
from upswing.scorecards.snapshot_writes import data_ends, replace_snapshots
from upswing.targets import statuses as target_lookup
from upswing.warehouse import kpis
from upswing.warehouse.connection import Warehouse, open_warehouse
from upswing.warehouse.measures import MEASURES, Measure, Source
from upswing.warehouse.segment_cache import SegmentCache
from upswing.warehouse.segments import daily_segments, sd_from_sums


@dataclass(frozen=True, slots=True)
class RefreshResult:
    scope: Scope
    rows_written: int
    full: bool
    findings: int | None = None  # findings stored by the diagnosis that followed, if asked
    sources: tuple = ()  # what the read of the warehouse sources before it did (ReadOutcome)


def refresh(*, full: bool = False) -> RefreshResult:
    """Recompute the touched (or all) snapshots. The diagnosis that follows a refresh is
    the findings' (`upswing.findings.refresh.refresh_and_diagnose`).

    An incremental refresh writes exactly what a full one would: see `dirty_scope`."""
    with heap_frozen(), open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        sync_dimensions(wh)
        sync_events(wh)
        batches = dirty_batches(wh)
        cache = SegmentCache(wh.ibis, wh.session()) if SegmentCache.supported(wh.ibis) else None
        if full:
            scope = full_scope()
            if cache is not None and scope.programs:
                cache.bring_up_to_date(None, batches)
        else:  # brings the cache up to date with the touched days first (its closure reads it)
            scope = dirty_scope(wh, cache, batches)
        written = 0
        if scope.programs:
            frame = compute_snapshots(wh, scope, cache)
            ends = data_ends(wh.ibis, scope.programs, cache)
            written = replace_snapshots(frame, scope, ends)
        consume_dirty_days(wh, batches)
    return RefreshResult(scope, written, full)


def compute_snapshots(
    wh: Warehouse, scope: Scope, cache: SegmentCache | None = None
) -> pd.DataFrame:
    """The snapshot rows of `scope`: read the daily segments once (one query a source; from
    the up-to-date `cache` when there is one, else from the facts), then sum them into every
    level, period and part."""
    fact_scope = kpis.Scope(
        programs=scope.programs if scope.agents is not None else None,
        agents=scope.agents,
        ranges=_day_ranges(scope.periods) if scope.periods is not None else None,
    )
    segments = {
        source: (
            cache.read(source, fact_scope) if cache else daily_segments(wh.ibis, source, fact_scope)
        )
        .to_pyarrow()
        .to_pandas()
        for source in Source
    }
    periods = [  # a part's periods summed from its own programs' and agents' segments
        Periods(
            kind,
            None if part.periods is None else set(part.periods[kind]),
            of_owners=None if part is scope else (part.programs, part.agents),
        )
        for part in scope.parts or (scope,)
        for kind in (PeriodKind.WEEK, PeriodKind.MONTH)
    ]
    frames = rollup(segments, periods, scope)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if frame.empty:
        return frame
    mark_split_agents(frame)
    add_intervals(frame)
    add_baselines(frame)
    target_lookup.add_statuses(frame)
    return frame


def _day_ranges(
    periods: dict[PeriodKind, tuple[dt.date, ...]],
) -> tuple[tuple[dt.date, dt.date], ...]:
    """The days of the periods, as few inclusive ranges as possible."""
    spans = sorted(
        (start, period_of(kind, start).end) for kind, starts in periods.items() for start in starts
    )
    merged: list[list[dt.date]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return tuple((a, b) for a, b in merged)


_GRAINS = ("program", "team", "agent", "team_part", "program_part")


@dataclass(frozen=True, slots=True)
class Periods:
    """The periods of one kind a rollup sums: those starting on the days `wanted` (None: all).
    `starts` gives each local day its period's first day (default: the ISO week or month of
    `kind`); a quarter or custom days shown live (`scorecards.live`) pass their own, so they
    are summed exactly as a stored week or month is."""

    kind: str
    wanted: set[dt.date] | None
    starts: Callable[[pd.Series], pd.Series] | None = None
    # Only the segments of these programs (or of these agents, None: every agent).
    of_owners: tuple[tuple[str, ...], tuple[str, ...] | None] | None = None

    def of(self, days: pd.Series) -> pd.Series:
        return self.starts(days) if self.starts else _period_starts(days, self.kind)


def rollup(
    segments: dict[Source, pd.DataFrame], periods: list[Periods], scope: Scope
) -> list[pd.DataFrame]:
    """Long rows (entity, period, metric: numerator, n, value, sd) of every grain, summed
    from the daily segments into the `periods`, every kind in one pass (each day's segments
    once per kind, the kind a key beside the period's first day)."""
    if not periods:
        return []
    by_source = {}
    for source, seg in segments.items():
        starts: dict[tuple, pd.Series] = {}  # each kind's first days, worked out once a source
        picked = []
        for one in periods:
            if (one.kind, one.starts) not in starts:
                starts[one.kind, one.starts] = one.of(seg["local_date"])
            picked.append(_in_periods(seg, one, starts[one.kind, one.starts]))
        seg = _by_period(pd.concat(picked, ignore_index=True))
        seg["part_program_id"] = seg["team_program_id"].fillna(seg["program_id"])
        by_source[source] = seg
    split_team = _split(by_source, "team_id", "part_program_id")
    split_program = _split(by_source, "program_id")
    context = _agent_context(by_source)
    out = []
    for source, seg in by_source.items():
        measures = [m for m in MEASURES.values() if m.source is source]
        grains = {
            "program": (seg[seg["program_id"].notna()], ["program_id"]),
            "team": (seg[seg["team_id"].notna()], ["team_id", "team_program_id"]),
            "agent": (seg, ["agent_id"]),
            "team_part": (
                seg.merge(split_team, on=_AGENT_PERIOD),
                ["agent_id", "team_id", "part_program_id"],
            ),
            "program_part": (
                seg.merge(split_program, on=_AGENT_PERIOD),
                ["agent_id", "program_id"],
            ),
        }
        for grain, (rows, keys) in grains.items():
            summed = rows.groupby([*keys, *_PERIOD], dropna=False, sort=False).sum(
                numeric_only=True
            )
            summed = summed.reset_index()
            entity = _entity_frame(grain, summed, context)
            if grain in ("program", "team"):  # the others' rows are not recomputed
                entity = entity[entity["program_id"].isin(scope.programs)]
            out.append(_long(entity, summed.loc[entity.index], measures))
    return [f for f in out if not f.empty]


def _in_periods(seg: pd.DataFrame, periods: Periods, period_start: pd.Series) -> pd.DataFrame:
    """The segments of the `periods` (of their owners, when they name them), each with its
    period's kind and first day (`period_start`: each segment's, of the periods' kind)."""
    keep = None
    if periods.of_owners is not None:
        programs, agents = periods.of_owners
        if agents is not None:
            keep = (seg["program_id"].isin(programs) | seg["agent_id"].isin(agents)).to_numpy()
    if periods.wanted is not None:
        wanted = period_start.isin(periods.wanted).to_numpy()
        keep = wanted if keep is None else keep & wanted
    if keep is not None:
        seg, period_start = seg[keep], period_start[keep]
    return seg.assign(period_kind=str(periods.kind), period_start=period_start)


def _period_starts(days: pd.Series, kind: str) -> pd.Series:
    """The first day of each day's ISO week or month (worked out once per distinct day)."""
    rows, distinct = pd.factorize(days, use_na_sentinel=False)
    stamps = pd.to_datetime(pd.Series(distinct))
    if kind == PeriodKind.WEEK:
        starts = stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")
    else:
        starts = stamps - pd.to_timedelta(stamps.dt.day - 1, unit="D")
    return pd.Series(starts.dt.date.to_numpy(dtype=object)[rows], index=days.index)


_PERIOD = ["period_kind", "period_start"]  # a period: a week and a month may start on one day
_AGENT_PERIOD = ["agent_id", *_PERIOD]
_PERIOD_KEYS = ["agent_id", "team_id", "team_program_id", "program_id", *_PERIOD]


def _by_period(seg: pd.DataFrame) -> pd.DataFrame:
    """The daily segments of each (agent, team, program) summed over their period, with the
    last local day among them: every grain, part and agent context is read from these (sums
    of sums; the latest day's team is the team of the latest of these rows), so the work
    that follows grows with the periods, not the days."""
    seg = seg.assign(local_date=pd.to_datetime(seg["local_date"]))  # a max over numbers
    groups = seg.groupby(_PERIOD_KEYS, dropna=False, sort=False)
    summed = groups.sum(numeric_only=True)
    summed["local_date"] = groups["local_date"].max()
    return summed.reset_index()


def _split(by_source: dict, *keys: str) -> pd.DataFrame:
    """(agent, period) pairs with more than one distinct `keys` among their calls and QA."""
    seen = pd.concat(
        [by_source[s][[*_AGENT_PERIOD, *keys]] for s in _ACTIVE], ignore_index=True
    ).drop_duplicates()
    counts = seen.groupby(_AGENT_PERIOD, dropna=False).size()
    return counts[counts > 1].reset_index()[_AGENT_PERIOD]


_ACTIVE = (Source.CALLS, Source.EVALUATIONS)


def _agent_context(by_source: dict) -> pd.DataFrame:
    """(agent, period) -> team_id, program_id of the membership covering the agent's latest
    interaction day (latest evaluation day without interactions); without a membership, no
    team and the greatest program id of those facts."""
    parts = []
    for rank, source in enumerate(_ACTIVE):
        seg = by_source[source]
        if seg.empty:
            continue
        keys = _AGENT_PERIOD
        latest = seg.sort_values("local_date").groupby(keys, sort=False).tail(1)
        some = seg.groupby(keys)["program_id"].max().rename("some_program_id")
        latest = latest.join(some, on=keys)
        latest = latest.assign(_rank=rank)
        parts.append(latest[[*keys, "team_id", "team_program_id", "some_program_id", "_rank"]])
    if not parts:
        return pd.DataFrame(columns=[*_AGENT_PERIOD, "team_id", "program_id"])
    both = pd.concat(parts, ignore_index=True).sort_values("_rank")
    first = both.groupby(_AGENT_PERIOD, sort=False).head(1)
    return pd.DataFrame(
        {
            "agent_id": first["agent_id"],
            "period_kind": first["period_kind"],
            "period_start": first["period_start"],
            "team_id": first["team_id"],
            "program_id": first["team_program_id"].fillna(first["some_program_id"]),
        }
    )


def _entity_frame(grain: str, summed: pd.DataFrame, context: pd.DataFrame) -> pd.DataFrame:
    """entity_id, team_id, program_id, part of each summed row (index kept)."""
    none = pd.Series(None, index=summed.index, dtype=object)
    if grain == "program":
        cols = (summed["program_id"], none, summed["program_id"], Part.WHOLE.value)
    elif grain == "team":
        cols = (summed["team_id"], summed["team_id"], summed["team_program_id"], Part.WHOLE.value)
    elif grain == "agent":
        where = summed[_AGENT_PERIOD].merge(context, on=_AGENT_PERIOD, how="left")
        where.index = summed.index
        cols = (summed["agent_id"], where["team_id"], where["program_id"], Part.WHOLE.value)
    elif grain == "team_part":
        cols = (summed["agent_id"], summed["team_id"], summed["part_program_id"], Part.TEAM.value)
    else:
        cols = (summed["agent_id"], none, summed["program_id"], Part.PROGRAM.value)
    entity, team, program, part = cols
    frame = pd.DataFrame(
        {"entity_id": entity, "team_id": team, "program_id": program}, index=summed.index
    )
    frame["part"] = part
    frame["period_kind"] = summed["period_kind"]
    frame["period_start"] = summed["period_start"]
    frame["level"] = {"program": "program", "team": "team"}.get(grain, "agent")
    return frame[frame["program_id"].notna() | (frame["level"] == "agent")]


def _long(entity: pd.DataFrame, summed: pd.DataFrame, measures: list[Measure]) -> pd.DataFrame:
    """The long rows of one grain: each entity row's value of each measure with a sample, in
    the order of the measures (one block of rows each)."""
    rows = len(entity)
    if rows == 0 or not measures:
        return pd.DataFrame()
    n = np.concatenate(
        [summed[f"{m.metric}__n"].fillna(0).to_numpy(dtype=np.int64) for m in measures]
    )
    numerator = np.concatenate(
        [summed[f"{m.metric}__numerator"].fillna(0).to_numpy(dtype=float) for m in measures]
    )
    value = np.empty(len(n))
    sd = np.full(len(n), np.nan)
    for i, m in enumerate(measures):
        block = slice(i * rows, (i + 1) * rows)
        aggregate = CATALOG[m.metric].aggregate
        with np.errstate(invalid="ignore", divide="ignore"):  # n == 0: dropped below
            if aggregate is Aggregate.COUNT:
                value[block] = n[block]
            elif aggregate is Aggregate.SHARE:
                value[block] = 100 * numerator[block] / n[block]
            else:
                value[block] = numerator[block] / n[block]
        if m.square is not None:
            square = summed[f"{m.metric}__square"].fillna(0).to_numpy(dtype=float)
            sd[block] = sd_from_sums(numerator[block], square, n[block])
    keep = n > 0
    if not keep.any():
        return pd.DataFrame()
    out = entity.iloc[np.tile(np.arange(rows), len(measures))[keep]].reset_index(drop=True)
    out["metric"] = np.repeat(np.array([m.metric for m in measures], dtype=object), rows)[keep]
    out["numerator"] = numerator[keep]
    out["n"] = n[keep]
    out["value"] = value[keep]
    out["sd"] = sd[keep]
    return out


def mark_split_agents(frame: pd.DataFrame) -> None:
    """An agent's whole row is `teams` when the period has team parts (several teams)."""
    keys = ["entity_id", "period_kind", "period_start"]
    split = frame.loc[frame["part"] == Part.TEAM.value, keys].drop_duplicates()
    if split.empty:
        return
    whole = frame[(frame["level"] == "agent") & (frame["part"] == Part.WHOLE.value)]
    hit = whole[keys].merge(split.assign(_split=True), on=keys, how="left")["_split"]
    rows = whole.index[hit.fillna(False).to_numpy(dtype=bool)]
    frame.loc[rows, "part"] = Part.TEAMS.value


def add_intervals(frame: pd.DataFrame) -> None:
    """Wilson for shares, Student t for means; in the metric's own unit."""
    aggregate = per_distinct(frame["metric"], lambda c: CATALOG[c].aggregate.value)
    n = frame["n"].to_numpy(dtype=float)
    low = np.full(len(frame), np.nan)
    high = np.full(len(frame), np.nan)
    share = aggregate == Aggregate.SHARE.value
    if share.any():
        lo, hi = stats.wilson_interval_arrays(frame["numerator"].to_numpy()[share], n[share])
        low[share], high[share] = lo * 100, hi * 100
    mean = aggregate == Aggregate.MEAN.value
    if mean.any():
        lo, hi = stats.mean_interval_arrays(
            frame["value"].to_numpy()[mean], frame["sd"].to_numpy(dtype=float)[mean], n[mean]
        )
        low[mean], high[mean] = lo, hi
    # a mean's t interval is cut to the values the metric can take (QA 0-100, a 1-5 score):
    # the side left whole still carries the half width the diagnosis reads the sd back from
    floor = per_distinct(frame["metric"], lambda c: value_range(c)[0], float)
    ceiling = per_distinct(frame["metric"], lambda c: value_range(c)[1], float)
    with np.errstate(invalid="ignore"):
        low = np.where(mean & (low < floor), floor, low)
        high = np.where(mean & (high > ceiling), ceiling, high)
    frame["ci_low"], frame["ci_high"] = low, high


def add_baselines(frame: pd.DataFrame) -> None:
    """Agent rows get their team's value in the same period (a program part: its program's);
    team rows their program's."""
    level = frame["level"].to_numpy()
    value = frame["value"].to_numpy(dtype=float)
    period = _codes(frame, ["period_kind", "period_start", "metric"])
    is_team, is_program = level == "team", level == "program"
    entity, team_of, program_of = _shared_codes(
        frame["entity_id"], frame["team_id"], frame["program_id"]
    )
    # a team row is its own team, a program row its own program
    team = _combined(period, np.where(is_team, entity, team_of))
    program = _combined(period, np.where(is_program, entity, program_of))
    team_value = _owners_value(team, is_team, value)
    program_value = _owners_value(program, is_program, value)
    by_program = is_team | (frame["part"] == Part.PROGRAM.value).to_numpy()
    baseline = np.where(by_program, program_value, np.where(level == "agent", team_value, np.nan))
    # A count (volume) is compared with the average member's, not the group's total.
    counts = per_distinct(frame["metric"], lambda c: CATALOG[c].aggregate is Aggregate.COUNT, bool)
    if counts.any():
        members = _members_per_group(
            frame, _combined(period, team_of), _combined(period, program_of), entity
        )
        baseline = np.where(counts, baseline / members, baseline)
    frame["baseline"] = baseline


def _codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Each row's number for its combination of the `columns`' values (a missing value is
    a value of its own)."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for name in columns:
        codes = _combined(codes, pd.factorize(frame[name], use_na_sentinel=False)[0])
    return codes


def _shared_codes(*columns: pd.Series) -> list[np.ndarray]:
    """Numbers for the values of the columns, the same value the same number in each."""
    codes = pd.factorize(pd.concat(columns, ignore_index=True), use_na_sentinel=False)[0]
    return np.split(codes, np.cumsum([len(c) for c in columns[:-1]]))


def _combined(codes: np.ndarray, more: np.ndarray) -> np.ndarray:
    """Numbers for the pairs of `codes` and `more` (both numbers from 0), row by row."""
    return pd.factorize(codes * (int(more.max(initial=0)) + 1) + more)[0]


def _owners_value(groups: np.ndarray, owners: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each row, the value of the owner row of its group (NaN when the group has none)."""
    out = np.full(groups.max(initial=-1) + 1, np.nan)
    out[groups[owners]] = values[owners]
    return out[groups]


def _members_per_group(
    frame: pd.DataFrame, team: np.ndarray, program: np.ndarray, entity: np.ndarray
) -> np.ndarray:
    """For each row: how many agents (agent rows: on its team, or in its program for a
    program part) or teams (team rows) its group has; `team` and `program` number each row's
    team and program in its period and metric, `entity` its agent or team. An agent counts on
    each team they had days on in the period (their whole row, or their team parts)."""
    level = frame["level"].to_numpy()
    part = frame["part"]
    agent = level == "agent"
    on_team = agent & part.isin([Part.WHOLE.value, Part.TEAM.value]).to_numpy()
    in_program = agent & (part != Part.TEAM.value).to_numpy()
    by_program = (part == Part.PROGRAM.value).to_numpy()
    agent_n = _distinct_per_group(team, entity, on_team)
    program_n = _distinct_per_group(program, entity, in_program)
    team_n = _distinct_per_group(program, entity, level == "team")
    return np.where(agent, np.where(by_program, program_n, agent_n), team_n)


def _distinct_per_group(groups: np.ndarray, members: np.ndarray, counted: np.ndarray):
    """For each row, how many distinct `members` of the `counted` rows its group has (NaN
    when none: a group nobody counts in)."""
    width = int(members.max(initial=0)) + 1
    pairs = pd.unique(groups[counted] * width + members[counted])
    per_group = np.bincount(pairs // width, minlength=int(groups.max(initial=-1)) + 1)
    out = per_group[groups].astype(float)
    out[out == 0] = np.nan
    return out
