"""How a refresh writes: the snapshots of its scope replaced atomically, partial periods marked."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from contextlib import contextmanager

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from upswing.bulk import collector_paused, per_distinct
from upswing.org.models import Program
from upswing.performance.models import WHOLE_PARTS, Part, ScorecardSnapshot
from upswing.periods import PeriodKind, period_of
from upswing.scorecards.refresh_scope import Scope, Writes
from upswing.warehouse import kpis, reads
from upswing.warehouse.segment_cache import SegmentCache
from upswing.warehouse.sql import literal

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


def replace_snapshots(
    frame: pd.DataFrame, scope: Scope, ends: dict[str, dt.date] | None = None
) -> int:
    """Put `frame` in place of the rows `scope` recomputes, atomically; `ends` (each
    program's last day of data) marks the rows of periods still filling up.

    Everything recomputed: the table is emptied and refilled. Otherwise the whole rows
    (unique by their key) are updated in place where they exist (a night's day rewrites its
    week and month, nearly all rows already there); the parts are replaced; and the scope's
    rows the frame no longer has are deleted; a scope split into parts (`Scope.parts`, whose
    periods each belong to one part) does so part by part, each with the frame's rows of its
    own periods, programs and agents. The periods' partial flags are set last, in the same
    transaction (`mark_partial_periods`)."""
    now = timezone.now()
    ends = ends or {}
    written = 0
    with transaction.atomic():
        everything = (
            scope.periods is None
            and scope.agents is None
            and set(scope.programs) >= set(Program.objects.values_list("code", flat=True))
        )
        if everything:  # an unfiltered delete: SQLite empties the table without a scan
            ScorecardSnapshot.objects.all()._raw_delete(ScorecardSnapshot.objects.db)
            if not frame.empty:
                with _indexes_rebuilt_after():
                    _insert_rows(frame, now, ends, update_existing=False)
            written = len(frame)
        for part in () if everything else scope.parts or (scope,):
            rows = frame[_rows_of(frame, part)] if scope.parts else frame
            owned = None
            if part.writes is not None:  # facts only added: the rows they can change
                keep, narrowed = _written(rows, part.writes)
                if not keep.all():  # else the part's own rows, found by their programs
                    rows, owned = rows[keep], narrowed
            _delete_scope(part, ~Q(part__in=WHOLE_PARTS), owned)
            if not rows.empty:
                _insert_rows(rows, now, ends, update_existing=True)
            _delete_scope(part, Q(part__in=WHOLE_PARTS) & ~Q(refreshed_at=now), owned)
            written += len(rows)
        mark_partial_periods(ends, scope.programs)
    return written


def _rows_of(frame: pd.DataFrame, part: Scope) -> np.ndarray:
    """Which rows of `frame` (computed for a whole scope) a part of it writes: those of its
    periods, and in them its programs' program and team rows and its agents' rows."""
    if frame.empty:
        return np.zeros(0, dtype=bool)
    starts = frame["period_start"]
    in_periods = np.zeros(len(frame), dtype=bool)
    for kind, wanted in (part.periods or {}).items():
        in_periods |= ((frame["period_kind"] == kind) & starts.isin(wanted)).to_numpy()
    agent = (frame["level"] == kpis.Level.AGENT.value).to_numpy()
    agents = (
        np.ones(len(frame), dtype=bool)
        if part.agents is None
        else (frame["entity_id"].isin(part.agents).to_numpy())
    )
    programs = frame["program_id"].isin(part.programs).to_numpy()
    return in_periods & np.where(agent, agents, programs)


@contextmanager
def _indexes_rebuilt_after():
    """On SQLite, the snapshot table's indexes (the unique one too) dropped while it is
    refilled and created again after, from their own stored definitions: an index built from
    all its rows at once costs a fraction of hundreds of thousands of inserts into it. Inside
    the refill's transaction, so readers see the old table and indexes until the new ones are
    whole (a duplicate key fails the unique index's creation: nothing is kept)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [ScorecardSnapshot._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)


def _written(frame: pd.DataFrame, writes: Writes) -> tuple[np.ndarray, Q]:
    """Which rows of a part's `frame` its `writes` keep (every row of an agent any of whose
    rows qualifies, so that the agent's parts are replaced whole), and the rows of the
    database they own."""
    level = frame["level"].to_numpy()
    agent = level == kpis.Level.AGENT.value
    programs = writes.programs | writes.team_programs
    groups = ~agent & frame["program_id"].isin(programs).to_numpy()
    # a program part is compared with its program's value per agent counted in it: an agent
    # new to a team of that program counts there too
    program_part = (frame["part"] == Part.PROGRAM.value) & frame["program_id"].isin(programs)
    touched = frame["entity_id"].isin(writes.agents) | frame["team_id"].isin(writes.teams)
    qualifies = agent & (touched | program_part).to_numpy()
    agents = sorted(set(frame["entity_id"].to_numpy()[qualifies]))
    keep = groups | (agent & frame["entity_id"].isin(agents).to_numpy())
    owned = Q(level__in=[kpis.Level.PROGRAM.value, kpis.Level.TEAM.value])
    owned &= Q(program_code__in=sorted(programs))
    return keep, owned | _agents_rows(agents)


def _agents_rows(agents: tuple[str, ...] | list[str]) -> Q:
    """The rows of these agents, 500 to an IN."""
    rows = Q(pk__in=[])
    for start in range(0, len(agents), 500):
        rows |= Q(level=kpis.Level.AGENT.value, entity_code__in=agents[start : start + 500])
    return rows


def _delete_scope(scope: Scope, which: Q, owned: Q | None = None) -> None:
    """Delete the `which` rows of the scope's periods: its programs' rows, and its agents'
    rows whatever their program (`owned`: these rows instead). Without a list of agents the
    scope holds every program, and every row carries its program: the program index finds
    them all."""
    if owned is None:
        owned = Q(program_code__in=scope.programs)
        if scope.agents is not None:
            owned |= _agents_rows(scope.agents)
    for kind in (PeriodKind.WEEK, PeriodKind.MONTH):
        rows = ScorecardSnapshot.objects.filter(owned, which, period_kind=kind.value)
        if scope.periods is not None:
            if not scope.periods[kind]:  # a part of a scope may hold one kind only
                continue
            rows = rows.filter(period_start__in=scope.periods[kind])
        rows._raw_delete(rows.db)


def data_ends(
    con, programs: tuple[str, ...], cache: SegmentCache | None = None
) -> dict[str, dt.date]:
    """The last local day with facts (interactions or QA) of each of these programs (`con`:
    the warehouse's Ibis backend), read from the up-to-date segment `cache` if given."""
    last = cache.last_days(programs) if cache else reads.last_days_with_facts(con, programs)
    return {r["program_id"]: r["last"] for r in last.to_pyarrow().to_pylist() if r["last"]}


def mark_partial_periods(ends: dict[str, dt.date], programs: tuple[str, ...] = ()) -> None:
    """Flag the snapshots whose period runs past their program's last day of data (a week
    or month still filling up), and clear the flag of periods now complete and of `programs`
    without data (`partial_flags`). Each update reads an index: the periods from the first
    partial one on, or the partial rows."""
    with transaction.atomic():
        for program in set(programs) - ends.keys():
            ScorecardSnapshot.objects.filter(program_code=program, partial=True).update(
                partial=False
            )
        for program, last in ends.items():
            for kind in (PeriodKind.WEEK, PeriodKind.MONTH):
                first_partial = period_of(kind, last + dt.timedelta(days=1)).start
                rows = ScorecardSnapshot.objects.filter(program_code=program, period_kind=kind)
                rows.filter(period_start__gte=first_partial, partial=False).update(partial=True)
                rows.filter(period_start__lt=first_partial, partial=True).update(partial=False)


def partial_flags(frame: pd.DataFrame, ends: dict[str, dt.date]) -> pd.Series:
    """Whether each row's period runs past its program's last day of data (a program
    without data: never)."""
    flags = pd.Series(False, index=frame.index)
    for (kind, program), rows in frame.groupby(["period_kind", "program_id"]).groups.items():
        if program in ends:
            first_partial = period_of(kind, ends[program] + dt.timedelta(days=1)).start
            flags[rows] = frame.loc[rows, "period_start"] >= first_partial
    return flags


# A whole row's key: the columns of the unique constraint (period first), under its condition.
_KEY = ("period_kind", "period_start", "level", "entity_code", "metric")
_WHOLE = ", ".join(literal(part) for part in WHOLE_PARTS)
# The other indexed columns. An update that assigns one rewrites its index entries even to the
# same value (SQLite decides which indexes an UPDATE touches by the columns it sets), so a
# row already there is updated without them when they are unchanged: a row keeps its team,
# program and part from one night to the next unless its agent moved. `partial` (the
# condition of the partial-periods index) is set by `mark_partial_periods` after.
_INDEXED = ("team_code", "program_code", "part")
_UNINDEXED = tuple(c for c in SNAPSHOT_COLUMNS if c not in (*_KEY, *_INDEXED, "partial"))


def _insert_sql(*, update: str) -> str:
    """The statement writing one row: inserted; or, as `update` says of a whole row already
    there, left ("none"), updated in every column ("all"), or updated where its indexed
    columns are unchanged ("unindexed")."""
    table = ScorecardSnapshot._meta.db_table
    columns = ", ".join(SNAPSHOT_COLUMNS)
    placeholders = ", ".join(["%s"] * len(SNAPSHOT_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    if update == "none":
        return sql
    # both SQLite and PostgreSQL infer the partial unique index from the key and its condition
    sql += f" ON CONFLICT ({', '.join(_KEY)}) WHERE part IN ({_WHOLE}) DO UPDATE SET "
    if update == "all":  # but not twice: a row stamped with this write's time is written
        every = ", ".join(f"{c} = excluded.{c}" for c in SNAPSHOT_COLUMNS if c not in _KEY)
        return sql + every + f" WHERE {table}.refreshed_at <> excluded.refreshed_at"
    same = " AND ".join(f"{table}.{c} = excluded.{c}" for c in _INDEXED)
    return sql + ", ".join(f"{c} = excluded.{c}" for c in _UNINDEXED) + f" WHERE {same}"


def _insert_rows(
    frame: pd.DataFrame, now: dt.datetime, ends: dict[str, dt.date], *, update_existing: bool
) -> None:
    """Write the frame's rows (`update_existing`: over the whole rows already there), in the
    unique index's order (`_WRITE_ORDER`)."""
    out = {
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
        "partial": partial_flags(frame, ends),
    }
    order = _write_order(out)
    # Stored as the ORM stores it, so that `refreshed_at=now` finds exactly these rows.
    stamp = ScorecardSnapshot._meta.get_field("refreshed_at").get_db_prep_value(now, connection)
    with collector_paused(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A larger page cache for this bulk write keeps the indexes in memory.
            cursor.execute("PRAGMA cache_size = -262144")
        # The rows' Python values are made and freed inside, the collector still off: they
        # would otherwise be walked once by the collection that follows it back on.
        _write(cursor, out, order, stamp, update_existing=update_existing)


def _write(cursor, out: dict[str, pd.Series], order, stamp, *, update_existing: bool) -> None:
    """A list per column, then the rows as tuples, a chunk at a time."""
    columns = [
        _dates(column, order) if name == "period_start" else _values(column, order)
        for name, column in out.items()
    ]
    rows = zip(*columns, itertools.repeat(stamp, len(order)), strict=True)
    if not update_existing:  # each chunk's tuples made as it is written, then freed
        _execute_many(cursor, _insert_sql(update="none"), rows)
        return
    rows = list(rows)  # read twice
    # Every row inserted or updated, unless one of its indexed columns changed (a transfer, a
    # period newly split): those few are then written in every column. Only whole rows can be
    # left over: a part's rows are all new (the scope's were deleted first, and no unique key
    # holds them), so the first pass inserted every one.
    if _execute_many(cursor, _insert_sql(update="unindexed"), rows) < len(rows):
        part = list(out).index("part")
        whole = [row for row in rows if row[part] in WHOLE_PARTS]
        _execute_many(cursor, _insert_sql(update="all"), whole)


# In the unique index's order, its B-tree inserts are appends (several times faster); and a
# period's rows lie together in the table: a night rewrites the rows of one week and one
# month, so the table pages it changes are few (a refill entity by entity spreads them over
# the whole table).
_WRITE_ORDER = (*_KEY, "part")


def _write_order(out: dict[str, pd.Series]) -> np.ndarray:
    """The rows' positions sorted by `_WRITE_ORDER` (by each column's sorted codes: three times
    quicker than sorting the strings)."""
    return np.lexsort([pd.factorize(out[name], sort=True)[0] for name in reversed(_WRITE_ORDER)])


def _values(column: pd.Series, order: np.ndarray) -> list:
    """The column's values in `order`, as Python values, None where missing."""
    if column.hasnans:
        return column.to_numpy(dtype=object, na_value=None)[order].tolist()
    return column.to_numpy()[order].tolist()


def _dates(column: pd.Series, order: np.ndarray) -> list:
    """A column of days in `order`, as the database takes them, each distinct day converted
    once (the driver's own conversion is a Python call per value)."""
    return per_distinct(column, connection.ops.adapt_datefield_value)[order].tolist()


def _execute_many(cursor, sql: str, rows: Iterable[tuple]) -> int:
    """Run `sql` for every row, in chunks; how many rows it inserted or updated."""
    changed = 0
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, 50_000)):
        cursor.executemany(sql, chunk)
        changed += max(cursor.rowcount, 0)
    return changed
