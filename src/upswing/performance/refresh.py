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
from django.utils import timezone

from upswing import stats
from upswing.metrics import CATALOG, Aggregate
from upswing.org.models import Membership, Program
from upswing.performance import targets as target_lookup
from upswing.performance.models import ContextEvent, ScorecardSnapshot
from upswing.periods import PeriodKind, month_of, week_of
from upswing.warehouse import kpis
from upswing.warehouse.connection import Warehouse, open_warehouse

LEVELS = (kpis.Level.PROGRAM, kpis.Level.TEAM, kpis.Level.AGENT)
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
    "refreshed_at",
)


@dataclass(frozen=True, slots=True)
class Scope:
    programs: tuple[str, ...]  # empty: nothing to do
    since: dt.date | None  # None: from the beginning
    until: dt.date | None


@dataclass(frozen=True, slots=True)
class RefreshResult:
    scope: Scope
    rows_written: int
    full: bool
    findings: int | None = None  # findings stored by the diagnosis that followed, if asked


def refresh(*, full: bool = False, diagnose: bool = False) -> RefreshResult:
    """Recompute the touched (or all) snapshots; with `diagnose`, run the diagnosis of the
    refreshed programs afterwards so findings always follow the scorecards."""
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        sync_dimensions(wh)
        sync_events(wh)
        scope = full_scope() if full else dirty_scope(wh)
        written = 0
        if scope.programs:
            frame = compute_snapshots(wh, scope)
            written = replace_snapshots(frame, scope)
        consume_dirty_days(wh)
    findings = rediagnose(scope.programs) if diagnose and scope.programs else None
    return RefreshResult(scope, written, full, findings)


def rediagnose(programs: tuple[str, ...]) -> int:
    from upswing.performance.diagnosis import DiagnosisScope, run_diagnosis

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
    events = wh.ibis.table("context_events")
    rows = events.select(
        "event_id", "program_id", "team_id", "starts_at", "ends_at", "kind", "description"
    ).to_pyarrow()
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
    """The programs and days touched since the last refresh, widened to whole periods."""
    dirty = wh.ibis.table("dirty_days")
    summary = (
        dirty.group_by("program_id")
        .aggregate(
            first=dirty.local_date.min(),
            last=dirty.local_date.max(),
            everything=dirty.local_date.isnull().any(),
        )
        .to_pyarrow()
        .to_pylist()
    )
    if not summary:
        return Scope((), None, None)
    programs = tuple(sorted(r["program_id"] for r in summary if r["program_id"]))
    if any(r["everything"] for r in summary):
        return Scope(programs, None, None)
    first = min(r["first"] for r in summary)
    last = max(r["last"] for r in summary)
    since = min(week_of(first).start, month_of(first).start)
    until = max(week_of(last).end, month_of(last).end)
    return Scope(programs, since, until)


def consume_dirty_days(wh: Warehouse) -> None:
    wh.session().run("DELETE FROM dirty_days")


def compute_snapshots(wh: Warehouse, scope: Scope) -> pd.DataFrame:
    frames = []
    for period_kind in (PeriodKind.WEEK, PeriodKind.MONTH):
        since, until = _aligned(period_kind, scope)
        for level in LEVELS:
            expr = kpis.scorecard(
                wh.ibis, level, period_kind, programs=list(scope.programs), since=since, until=until
            )
            frames.append(expr.to_pyarrow().to_pandas())
    frame = pd.concat(frames, ignore_index=True)
    if frame.empty:
        return frame
    add_intervals(frame)
    add_baselines(frame)
    target_lookup.add_statuses(frame)
    return frame


def _aligned(kind: PeriodKind, scope: Scope) -> tuple[dt.date | None, dt.date | None]:
    if scope.since is None:
        return None, None
    first = week_of(scope.since) if kind is PeriodKind.WEEK else month_of(scope.since)
    last = week_of(scope.until) if kind is PeriodKind.WEEK else month_of(scope.until)
    return first.start, last.end


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
    frame["ci_low"], frame["ci_high"] = low, high


def add_baselines(frame: pd.DataFrame) -> None:
    """Agent rows get their team's value in the same period; team rows their program's."""
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
    baseline = np.where(
        level == "agent",
        merged["team_value"].to_numpy(dtype=float),
        np.where(level == "team", merged["program_value"].to_numpy(dtype=float), np.nan),
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
    """For each row: how many agents (agent rows) or teams (team rows) its group has."""
    agents = frame[frame["level"] == "agent"].groupby([*keys, "team_id"]).size()
    teams = frame[frame["level"] == "team"].groupby([*keys, "program_id"]).size()
    agent_n = frame.join(agents.rename("_agents"), on=[*keys, "team_id"])["_agents"]
    team_n = frame.join(teams.rename("_teams"), on=[*keys, "program_id"])["_teams"]
    level = frame["level"].to_numpy()
    return np.where(level == "agent", agent_n.to_numpy(float), team_n.to_numpy(float))


def replace_snapshots(frame: pd.DataFrame, scope: Scope) -> int:
    now = timezone.now()
    with transaction.atomic():
        everything = scope.since is None and set(scope.programs) >= set(
            Program.objects.values_list("code", flat=True)
        )
        if everything:  # an unfiltered delete: SQLite empties the table without a scan
            ScorecardSnapshot.objects.all()._raw_delete(ScorecardSnapshot.objects.db)
        stale = ScorecardSnapshot.objects.filter(program_code__in=scope.programs)
        for kind in () if everything else (PeriodKind.WEEK, PeriodKind.MONTH):
            since, until = _aligned(kind, scope)
            rows = stale.filter(period_kind=kind.value)
            if since is not None:
                rows = rows.filter(period_start__gte=since, period_start__lte=until)
            rows._raw_delete(rows.db)
        if frame.empty:
            return 0
        _insert_rows(frame, now)
    return len(frame)


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
        }
    )
    # In the unique index's order, B-tree inserts become appends (several times faster).
    out = out.sort_values(["level", "entity_code", "period_kind", "period_start", "metric"])
    out = out.astype(object).where(out.notna(), None)
    rows = [(*row, now) for row in out.itertuples(index=False, name=None)]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A larger page cache for this bulk write keeps the indexes in memory.
            cursor.execute("PRAGMA cache_size = -262144")
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])
