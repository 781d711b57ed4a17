"""How a refresh writes: the snapshots of its scope replaced atomically, partial periods marked."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from upswing.org.models import Program
from upswing.performance.models import ScorecardSnapshot
from upswing.periods import PeriodKind, period_of
from upswing.scorecards.refresh_scope import Scope
from upswing.warehouse import kpis, reads

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


def data_ends(con, programs: tuple[str, ...]) -> dict[str, dt.date]:
    """The last local day with facts (interactions or QA) of each of these programs (`con`:
    the warehouse's Ibis backend)."""
    ends: dict[str, dt.date] = {}
    for last in reads.last_days_with_facts(con, programs):
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
