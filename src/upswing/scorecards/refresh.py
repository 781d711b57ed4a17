"""`upswing refresh`: recompute scorecard snapshots from the warehouse.

Values come from the Ibis KPI expressions; here they get their intervals (stats), their
team baseline and their target status (rules), and replace the snapshots of the periods
they cover. Only periods touched by new data are recomputed unless `full` is asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from upswing import stats
from upswing.metrics import CATALOG, Aggregate, value_range
from upswing.org.models import Membership, Program
from upswing.performance.models import ContextEvent, Part, ScorecardSnapshot
from upswing.periods import PeriodKind, month_of, period_of, week_of
from upswing.targets import statuses as target_lookup
from upswing.warehouse import kpis, reads
from upswing.warehouse.connection import Warehouse, open_warehouse

SNAPSHOT_COLUMNS = (
    "level",
    "entity_code",
    "team_code",
    "program_code",
    "period_kind",
    "period_start",
    "metric",
    "value",
    "numerator",
    "n",
    "ci_low",
    "ci_high",
    "baseline",
    "sla_floor",
    "kpi_target",
    "status",
    "part",
    "partial",
    "refreshed_at",
)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a refresh recomputes: the periods of `periods` (None: all), and in them every
    program row of `programs`, every team row of their teams, and every agent row of
    `agents` (None: all agents). `since`/`until` span the periods (None: everything)."""

    programs: tuple[str, ...]  # empty: nothing to do
    since: dt.date | None  # None: from the beginning
    until: dt.date | None
    periods: dict[PeriodKind, tuple[dt.date, ...]] | None = None
    agents: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class RefreshResult:
    scope: Scope
    rows_written: int
    full: bool
    findings: int | None = None  # findings stored by the diagnosis that followed, if asked


def refresh(*, full: bool = False, diagnose: bool = False) -> RefreshResult:
    """Recompute the touched (or all) snapshots; with `diagnose`, run the diagnosis of the
    refreshed programs afterwards so findings always follow the scorecards.

    An incremental refresh writes exactly what a full one would: see `dirty_scope`."""
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        sync_dimensions(wh)
        sync_events(wh)
        batches = dirty_batches(wh)
        scope = full_scope() if full else dirty_scope(wh)
        written = 0
        if scope.programs:
            frame = compute_snapshots(wh, scope)
            written = replace_snapshots(frame, scope)
            mark_partial_periods(data_ends(wh, scope.programs))
        consume_dirty_days(wh, batches)
    findings = rediagnose(scope.programs) if diagnose and scope.programs else None
    return RefreshResult(scope, written, full, findings)


def rediagnose(programs: tuple[str, ...]) -> int:
    from upswing.findings.diagnosis import DiagnosisScope, run_diagnosis

    return sum(run_diagnosis(DiagnosisScope(program=code), store=True).stored for code in programs)


def sync_dimensions(wh: Warehouse) -> None:
    """Copy memberships and programs into the warehouse, where the KPIs join them."""
    members = list(
        Membership.objects.values_list(
            "agent__code", "team__code", "team__program__code", "start_date", "end_date"
        )
    )
    memberships = pa.table(
        {
            "agent_id": pa.array([m[0] for m in members], pa.string()),
            "team_id": pa.array([m[1] for m in members], pa.string()),
            "program_id": pa.array([m[2] for m in members], pa.string()),
            "start_date": pa.array([m[3] for m in members], pa.date32()),
            "end_date": pa.array([m[4] for m in members], pa.date32()),
        }
    )
    programs = list(
        Program.objects.values_list("code", "client__code", "time_zone", "service_level_seconds")
    )
    program_table = pa.table(
        {
            "program_id": pa.array([p[0] for p in programs], pa.string()),
            "client_id": pa.array([p[1] for p in programs], pa.string()),
            "time_zone": pa.array([p[2] for p in programs], pa.string()),
            "service_level_seconds": pa.array([float(p[3]) for p in programs], pa.float64()),
        }
    )
    wh.ibis.create_table("memberships", memberships, overwrite=True)
    wh.ibis.create_table("programs", program_table, overwrite=True)


def sync_events(wh: Warehouse) -> int:
    """Replace the operational copy of the recorded events (they are few; the dashboards
    mark them on their trends without reading the warehouse). Returns the rows written."""
    rows = reads.context_events(wh.ibis).to_pyarrow()
    zones = {code: ZoneInfo(tz) for code, tz in Program.objects.values_list("code", "time_zone")}
    copies: dict[str, ContextEvent] = {}
    for r in rows.to_pylist():
        zone = zones.get(r["program_id"], dt.UTC)
        # The same event imported under two sources has the same id (a digest of its fields).
        copies[r["event_id"]] = ContextEvent(
            event_id=r["event_id"],
            program_code=r["program_id"],
            team_code=r["team_id"] or "",
            starts_at=r["starts_at"],
            ends_at=r["ends_at"],
            starts_on=r["starts_at"].astimezone(zone).date(),
            ends_on=r["ends_at"].astimezone(zone).date(),
            kind=r["kind"],
            description=r["description"] or "",
        )
    with transaction.atomic():
        ContextEvent.objects.all().delete()
        ContextEvent.objects.bulk_create(copies.values(), batch_size=500)
    return len(copies)


def full_scope() -> Scope:
    return Scope(tuple(Program.objects.values_list("code", flat=True)), None, None)


def dirty_scope(wh: Warehouse) -> Scope:
    """The periods holding the days touched since the last refresh, and in them everything
    those days can change.

    A day of program P touched for agent A changes P's rows, the rows of A, of A's teams and
    of their programs (a blended agent's calls for P count in their own team), and with them
    the baselines of everyone on those teams (and of A's work for any other program). So the
    programs are closed over: the agents with facts in them or on their teams, then the
    programs of those agents' teams and facts, until nothing is added. A roster change (a
    day without date) recomputes its programs' every period."""
    rows = reads.dirty_days(wh.ibis).to_pyarrow().to_pylist()
    if not rows:
        return Scope((), None, None)
    programs = {r["program_id"] for r in rows if r["program_id"]}
    agents = {r["agent_id"] for r in rows if r["agent_id"]}
    days = {r["local_date"] for r in rows}
    if None in days:
        periods = None
        since = until = None
    else:
        periods = {
            PeriodKind.WEEK: tuple(sorted({week_of(d).start for d in days})),
            PeriodKind.MONTH: tuple(sorted({month_of(d).start for d in days})),
        }
        since = min(min(p) for p in periods.values())
        until = max(period_of(k, max(p)).end for k, p in periods.items())
    programs, agents = _closure(wh, programs, agents, since, until)
    if programs >= set(Program.objects.values_list("code", flat=True)):
        return Scope(tuple(sorted(programs)), since, until, periods, None)  # every agent
    return Scope(tuple(sorted(programs)), since, until, periods, tuple(sorted(agents)))


def _closure(
    wh: Warehouse, programs: set[str], agents: set[str], since: dt.date | None, until
) -> tuple[set[str], set[str]]:
    rows = reads.agent_program_pairs(wh.ibis, since, until).to_pyarrow().to_pylist()
    pairs = {(r["agent_id"], r["program_id"]) for r in rows}
    while True:
        agents |= {a for a, p in pairs if p in programs}
        more = {p for a, p in pairs if a in agents and p is not None} - programs
        if not more:
            return programs, agents
        programs |= more


def dirty_batches(wh: Warehouse) -> list[str]:
    rows = reads.dirty_batches(wh.ibis).to_pyarrow()
    return [b for b in rows.column("batch_id").to_pylist() if b is not None]


def consume_dirty_days(wh: Warehouse, batches: list[str]) -> None:
    """Forget the days read by this refresh (an import that landed meanwhile stays)."""
    session = wh.session()
    for start in range(0, len(batches), 500):
        chunk = ", ".join("'" + b.replace("'", "''") + "'" for b in batches[start : start + 500])
        session.run(f"DELETE FROM dirty_days WHERE batch_id IN ({chunk})")
    session.run("DELETE FROM dirty_days WHERE batch_id IS NULL")


def compute_snapshots(wh: Warehouse, scope: Scope) -> pd.DataFrame:
    """The snapshot rows of `scope`: read the daily segments of the facts once (one query a
    source), then sum them into every level, period and part."""
    fact_scope = kpis.Scope(
        programs=scope.programs if scope.agents is not None else None,
        agents=scope.agents,
        ranges=_day_ranges(scope.periods) if scope.periods is not None else None,
    )
    segments = {
        source: kpis.daily_segments(wh.ibis, source, fact_scope).to_pyarrow().to_pandas()
        for source in kpis.Source
    }
    frames = []
    for kind in (PeriodKind.WEEK, PeriodKind.MONTH):
        wanted = None if scope.periods is None else set(scope.periods[kind])
        frames += rollup(segments, kind, wanted, scope)
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


def rollup(
    segments: dict[kpis.Source, pd.DataFrame],
    kind: PeriodKind,
    wanted: set[dt.date] | None,
    scope: Scope,
) -> list[pd.DataFrame]:
    """Long rows (entity, period, metric: numerator, n, value, sd) of every grain, summed
    from the daily segments of the periods `wanted` (None: all)."""
    by_source = {}
    for source, seg in segments.items():
        seg = seg.copy()
        seg["period_start"] = _period_starts(seg["local_date"], kind)
        if wanted is not None:
            seg = seg[seg["period_start"].isin(wanted)]
        seg["part_program_id"] = seg["team_program_id"].fillna(seg["program_id"])
        by_source[source] = seg
    split_team = _split(by_source, "team_id", "part_program_id")
    split_program = _split(by_source, "program_id")
    context = _agent_context(by_source)
    out = []
    for source, seg in by_source.items():
        measures = [m for m in kpis.MEASURES.values() if m.source is source]
        grains = {
            "program": (seg[seg["program_id"].notna()], ["program_id"]),
            "team": (seg[seg["team_id"].notna()], ["team_id", "team_program_id"]),
            "agent": (seg, ["agent_id"]),
            "team_part": (
                seg.merge(split_team, on=["agent_id", "period_start"]),
                ["agent_id", "team_id", "part_program_id"],
            ),
            "program_part": (
                seg.merge(split_program, on=["agent_id", "period_start"]),
                ["agent_id", "program_id"],
            ),
        }
        for grain, (rows, keys) in grains.items():
            summed = rows.groupby([*keys, "period_start"], dropna=False, sort=False).sum(
                numeric_only=True
            )
            summed = summed.reset_index()
            entity = _entity_frame(grain, summed, context)
            if grain in ("program", "team"):  # the others' rows are not recomputed
                entity = entity[entity["program_id"].isin(scope.programs)]
            for m in measures:
                out.append(_long(entity, summed.loc[entity.index], m, kind, grain))
    return [f for f in out if not f.empty]


def _period_starts(days: pd.Series, kind: PeriodKind) -> pd.Series:
    stamps = pd.to_datetime(days)
    if kind is PeriodKind.WEEK:
        starts = stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")
    else:
        starts = stamps - pd.to_timedelta(stamps.dt.day - 1, unit="D")
    return starts.dt.date


def _split(by_source: dict, *keys: str) -> pd.DataFrame:
    """(agent, period) pairs with more than one distinct `keys` among their calls and QA."""
    seen = pd.concat(
        [by_source[s][["agent_id", "period_start", *keys]] for s in _ACTIVE], ignore_index=True
    ).drop_duplicates()
    counts = seen.groupby(["agent_id", "period_start"], dropna=False).size()
    return counts[counts > 1].reset_index()[["agent_id", "period_start"]]


_ACTIVE = (kpis.Source.CALLS, kpis.Source.EVALUATIONS)


def _agent_context(by_source: dict) -> pd.DataFrame:
    """(agent, period) -> team_id, program_id of the membership covering the agent's latest
    interaction day (latest evaluation day without interactions); without a membership, no
    team and the greatest program id of those facts."""
    parts = []
    for rank, source in enumerate(_ACTIVE):
        seg = by_source[source]
        if seg.empty:
            continue
        keys = ["agent_id", "period_start"]
        latest = seg.sort_values("local_date").groupby(keys, sort=False).tail(1)
        some = seg.groupby(keys)["program_id"].max().rename("some_program_id")
        latest = latest.join(some, on=keys)
        latest = latest.assign(_rank=rank)
        parts.append(latest[[*keys, "team_id", "team_program_id", "some_program_id", "_rank"]])
    if not parts:
        return pd.DataFrame(columns=["agent_id", "period_start", "team_id", "program_id"])
    both = pd.concat(parts, ignore_index=True).sort_values("_rank")
    first = both.groupby(["agent_id", "period_start"], sort=False).head(1)
    return pd.DataFrame(
        {
            "agent_id": first["agent_id"],
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
        where = summed[["agent_id", "period_start"]].merge(
            context, on=["agent_id", "period_start"], how="left"
        )
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
    frame["period_start"] = summed["period_start"]
    frame["level"] = {"program": "program", "team": "team"}.get(grain, "agent")
    return frame[frame["program_id"].notna() | (frame["level"] == "agent")]


def _long(
    entity: pd.DataFrame, summed: pd.DataFrame, m: kpis.Measure, kind: PeriodKind, grain: str
) -> pd.DataFrame:
    n = summed[f"{m.metric}__n"].fillna(0).to_numpy(dtype=np.int64)
    numerator = summed[f"{m.metric}__numerator"].fillna(0).to_numpy(dtype=float)
    keep = n > 0
    if not keep.any():
        return pd.DataFrame()
    n, numerator = n[keep], numerator[keep]
    aggregate = CATALOG[m.metric].aggregate
    if aggregate is Aggregate.COUNT:
        value = n.astype(float)
    elif aggregate is Aggregate.SHARE:
        value = 100 * numerator / n
    else:
        value = numerator / n
    sd = np.full(len(n), np.nan)
    if m.square is not None:
        square = summed[f"{m.metric}__square"].fillna(0).to_numpy(dtype=float)[keep]
        sd = kpis.sd_from_sums(numerator, square, n)
    out = entity.loc[keep].copy()
    out["period_kind"] = kind.value
    out["metric"] = m.metric
    out["numerator"] = numerator
    out["n"] = n
    out["value"] = value
    out["sd"] = sd
    return out.reset_index(drop=True)


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
    aggregate = frame["metric"].map({c: m.aggregate.value for c, m in CATALOG.items()})
    n = frame["n"].to_numpy(dtype=float)
    low = np.full(len(frame), np.nan)
    high = np.full(len(frame), np.nan)
    share = (aggregate == Aggregate.SHARE.value).to_numpy()
    if share.any():
        lo, hi = stats.wilson_interval_arrays(frame["numerator"].to_numpy()[share], n[share])
        low[share], high[share] = lo * 100, hi * 100
    mean = (aggregate == Aggregate.MEAN.value).to_numpy()
    if mean.any():
        lo, hi = stats.mean_interval_arrays(
            frame["value"].to_numpy()[mean], frame["sd"].to_numpy(dtype=float)[mean], n[mean]
        )
        low[mean], high[mean] = lo, hi
    # a mean's t interval is cut to the values the metric can take (QA 0-100, a 1-5 score):
    # the side left whole still carries the half width the diagnosis reads the sd back from
    ranges = frame["metric"].map({c: value_range(c) for c in CATALOG})
    floor = np.array([r[0] for r in ranges], dtype=float)
    ceiling = np.array([r[1] for r in ranges], dtype=float)
    with np.errstate(invalid="ignore"):
        low = np.where(mean & (low < floor), floor, low)
        high = np.where(mean & (high > ceiling), ceiling, high)
    frame["ci_low"], frame["ci_high"] = low, high


def add_baselines(frame: pd.DataFrame) -> None:
    """Agent rows get their team's value in the same period (a program part: its program's);
    team rows their program's."""
    keys = ["period_kind", "period_start", "metric"]
    teams = frame.loc[frame["level"] == "team", [*keys, "entity_id", "value"]].rename(
        columns={"entity_id": "team_id", "value": "team_value"}
    )
    programs = frame.loc[frame["level"] == "program", [*keys, "entity_id", "value"]].rename(
        columns={"entity_id": "program_id", "value": "program_value"}
    )
    merged = (
        frame[[*keys, "team_id", "program_id"]]
        .merge(teams, on=[*keys, "team_id"], how="left")
        .merge(programs, on=[*keys, "program_id"], how="left")
    )
    level = frame["level"].to_numpy()
    by_program = (level == "team") | (frame["part"] == Part.PROGRAM.value).to_numpy()
    baseline = np.where(
        by_program,
        merged["program_value"].to_numpy(dtype=float),
        np.where(level == "agent", merged["team_value"].to_numpy(dtype=float), np.nan),
    )
    # A count (volume) is compared with the average member's, not the group's total.
    counts = (
        frame["metric"]
        .map({c: m.aggregate is Aggregate.COUNT for c, m in CATALOG.items()})
        .astype(bool)
    )
    if counts.any():
        members = _members_per_group(frame, keys)
        baseline = np.where(counts.to_numpy(), baseline / members, baseline)
    frame["baseline"] = baseline


def _members_per_group(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """For each row: how many agents (agent rows: on its team, or in its program for a
    program part) or teams (team rows) its group has. An agent counts on each team they
    had days on in the period (their whole row, or their team parts)."""
    agent = frame["level"] == "agent"
    on_team = agent & frame["part"].isin([Part.WHOLE.value, Part.TEAM.value])
    in_program = agent & (frame["part"] != Part.TEAM.value)
    agents = frame[on_team].groupby([*keys, "team_id"])["entity_id"].nunique()
    program_agents = frame[in_program].groupby([*keys, "program_id"])["entity_id"].nunique()
    teams = frame[frame["level"] == "team"].groupby([*keys, "program_id"]).size()
    agent_n = frame.join(agents.rename("_agents"), on=[*keys, "team_id"])["_agents"]
    program_n = frame.join(program_agents.rename("_pa"), on=[*keys, "program_id"])["_pa"]
    team_n = frame.join(teams.rename("_teams"), on=[*keys, "program_id"])["_teams"]
    level = frame["level"].to_numpy()
    by_program = (frame["part"] == Part.PROGRAM.value).to_numpy()
    return np.where(
        level == "agent",
        np.where(by_program, program_n.to_numpy(float), agent_n.to_numpy(float)),
        team_n.to_numpy(float),
    )


def replace_snapshots(frame: pd.DataFrame, scope: Scope) -> int:
    """Delete the rows `scope` recomputes and insert `frame` in their place, atomically."""
    now = timezone.now()
    with transaction.atomic():
        everything = (
            scope.periods is None
            and scope.agents is None
            and set(scope.programs) >= set(Program.objects.values_list("code", flat=True))
        )
        if everything:  # an unfiltered delete: SQLite empties the table without a scan
            ScorecardSnapshot.objects.all()._raw_delete(ScorecardSnapshot.objects.db)
        else:
            _delete_scope(scope)
        if frame.empty:
            return 0
        _insert_rows(frame, now)
    return len(frame)


def _delete_scope(scope: Scope) -> None:
    owned = Q(program_code__in=scope.programs)
    if scope.agents is not None:
        for start in range(0, len(scope.agents), 500):
            agents = scope.agents[start : start + 500]
            owned |= Q(level=kpis.Level.AGENT.value, entity_code__in=agents)
    elif scope.programs:
        owned |= Q(level=kpis.Level.AGENT.value)
    for kind in (PeriodKind.WEEK, PeriodKind.MONTH):
        rows = ScorecardSnapshot.objects.filter(owned, period_kind=kind.value)
        if scope.periods is not None:
            rows = rows.filter(period_start__in=scope.periods[kind])
        rows._raw_delete(rows.db)


def data_ends(wh: Warehouse, programs: tuple[str, ...]) -> dict[str, dt.date]:
    """The last local day with facts (interactions or QA) of each of these programs."""
    ends: dict[str, dt.date] = {}
    for last in reads.last_days_with_facts(wh.ibis, programs):
        for r in last.to_pyarrow().to_pylist():
            if r["last"] is not None:
                ends[r["program_id"]] = max(ends.get(r["program_id"], r["last"]), r["last"])
    return ends


def mark_partial_periods(ends: dict[str, dt.date]) -> None:
    """Flag the snapshots whose period runs past their program's last day of data (a week
    or month still filling up), and clear the flag of periods now complete."""
    with transaction.atomic():
        for program, last in ends.items():
            for kind in (PeriodKind.WEEK, PeriodKind.MONTH):
                first_partial = period_of(kind, last + dt.timedelta(days=1)).start
                rows = ScorecardSnapshot.objects.filter(program_code=program, period_kind=kind)
                rows.filter(period_start__gte=first_partial, partial=False).update(partial=True)
                rows.filter(period_start__lt=first_partial, partial=True).update(partial=False)


def _insert_rows(frame: pd.DataFrame, now: dt.datetime) -> None:
    table = ScorecardSnapshot._meta.db_table
    columns = ", ".join(SNAPSHOT_COLUMNS)
    placeholders = ", ".join(["%s"] * len(SNAPSHOT_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    out = pd.DataFrame(
        {
            "level": frame["level"],
            "entity_code": frame["entity_id"],
            "team_code": frame["team_id"].fillna(""),
            "program_code": frame["program_id"],
            "period_kind": frame["period_kind"],
            "period_start": frame["period_start"],
            "metric": frame["metric"],
            "value": frame["value"],
            "numerator": frame["numerator"],
            "n": frame["n"].astype(int),
            "ci_low": frame["ci_low"],
            "ci_high": frame["ci_high"],
            "baseline": frame["baseline"],
            "sla_floor": frame["sla_floor"],
            "kpi_target": frame["kpi_target"],
            "status": frame["status"],
            "part": frame["part"],
            "partial": False,  # set by mark_partial_periods
        }
    )
    # In the unique index's order, B-tree inserts become appends (several times faster).
    out = out.sort_values(["level", "entity_code", "period_kind", "period_start", "metric", "part"])
    out = out.astype(object).where(out.notna(), None)
    rows = [(*row, now) for row in out.itertuples(index=False, name=None)]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A larger page cache for this bulk write keeps the indexes in memory.
            cursor.execute("PRAGMA cache_size = -262144")
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])
