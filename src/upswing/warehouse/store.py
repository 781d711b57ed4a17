"""Idempotent, all-or-nothing upsert of validated rows into a warehouse fact table.

Rows identical to what is stored are left alone; changed rows replace theirs; the days they
touch are recorded in `dirty_days` and the batch in `import_log`, all in one transaction.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from upswing.warehouse.schema import FACT_TABLES
from upswing.warehouse.sql import literal as _lit

# Where changed rows land in time, for the incremental refresh. (Subqueries need an alias
# on PostgreSQL before 16.)
_DIRTY_DAYS = {
    "interactions": "SELECT program_id, local_date, agent_id FROM {rows} r",
    "qa_scores": "SELECT program_id, local_date, agent_id FROM {rows} r",
    "surveys": (
        "SELECT i.program_id, i.local_date, i.agent_id FROM {rows} r JOIN interactions i "
        "ON i.source = r.source AND i.interaction_id = r.interaction_id"
    ),
}
# Rows replaced as a group: an evaluation re-imported with fewer criteria drops the others.
_REPLACE_KEY = {"qa_scores": ("source", "evaluation_id")}


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class Batch:
    batch_id: str
    kind: str
    source: str
    file_name: str
    file_sha256: str
    rows_read: int


class SqlSession:
    """The few things the upsert needs from a DB-API connection (DuckDB or psycopg). Spark's
    (upswing.warehouse.spark_session) does the same without DELETE or transactions."""

    def __init__(self, execute: Callable[[str], list[tuple]], begin: str = "BEGIN TRANSACTION"):
        self._execute = execute
        self._begin = begin

    def run(self, sql: str) -> list[tuple]:
        return self._execute(sql)

    def literal(self, text: str) -> str:
        """`text` as a string literal of this engine's SQL."""
        return _lit(text)

    def materialize(self, name: str, select_sql: str) -> None:
        """A temporary table `name` holding the rows of `select_sql` as they are now."""
        self.run(f"CREATE TEMP TABLE {name} AS {select_sql}")

    def drop_materialized(self, name: str) -> None:
        self.run(f"DROP TABLE {name}")

    def replace_matching(
        self, table: str, rows_sql: str, keys: tuple[str, ...], columns: list[str], new_sql: str
    ) -> None:
        """Delete the rows of `table` whose `keys` equal those of a row of `rows_sql`, then
        insert the rows of `new_sql` (all of the table's `columns`, in order)."""
        match = " AND ".join(f"x.{k} = g.{k}" for k in keys)
        self.run(f"DELETE FROM {table} x USING {rows_sql} g WHERE {match}")
        self.run(f"INSERT INTO {table} ({', '.join(columns)}) {new_sql}")

    def delete_where(self, table: str, condition: str) -> None:
        self.run(f"DELETE FROM {table} WHERE {condition}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        self._execute(self._begin)
        try:
            yield
        except BaseException:
            self._execute("ROLLBACK")
            raise
        self._execute("COMMIT")


def upsert(session: SqlSession, table: str, staged: str, batch: Batch) -> UpsertCounts:
    """Merge the rows of the `staged` table (same columns as `table`) into `table`."""
    schema, key = FACT_TABLES[table]
    columns = [c for c in schema.names if c != "batch_id"]
    replace_key = _REPLACE_KEY.get(table, key)
    on = " AND ".join(f"s.{k} = t.{k}" for k in key)
    differs = " OR ".join(f"s.{c} IS DISTINCT FROM t.{c}" for c in columns if c not in key)
    if replace_key != key:
        differs += " OR " + _group_lost_rows(table, staged, key, replace_key)
    with session.transaction():
        if source_is_new(session, table, batch.source):
            return _insert_fresh(session, table, staged, batch)
        session.materialize(
            "upsert_changed",
            f"SELECT s.*, t.{key[-1]} IS NOT NULL AS existed "
            f"FROM {staged} s LEFT JOIN {table} t ON {on} WHERE t.{key[-1]} IS NULL OR {differs}",
        )
        inserted, updated = session.run(
            "SELECT count(*) FILTER (WHERE NOT existed), count(*) FILTER (WHERE existed) "
            "FROM upsert_changed"
        )[0]
        if inserted or updated:
            _replace_changed(session, table, staged, replace_key, batch, updated=int(updated))
        _log(session, batch, inserted, updated)
        session.drop_materialized("upsert_changed")
    return UpsertCounts(int(inserted), int(updated), batch.rows_read - int(inserted) - int(updated))


class FirstBatchRefused(Exception):  # noqa: N818 - a refusal, raised to roll back
    """A streamed first batch was not kept: the source already has rows, or `problems_sql`
    found something. Nothing was written."""


def source_is_new(session: SqlSession, table: str, source: str) -> bool:
    return not session.run(
        f"SELECT 1 FROM {table} WHERE source = {session.literal(source)} LIMIT 1"
    )


def insert_first_batch(
    session: SqlSession,
    table: str,
    staged: str,
    batch: Batch,
    problems_sql: str,
    file_sha256: Callable[[], str],
) -> UpsertCounts:
    """A source's first rows, inserted straight from `staged` (a view that fails on a bad
    row) and kept only if `problems_sql` over `{rows}` (the inserted rows) counts nothing.
    Raises FirstBatchRefused, with the transaction rolled back, otherwise. The file's digest
    is asked for last (it is computed while the file is read)."""
    schema, _ = FACT_TABLES[table]
    with session.transaction():
        if not source_is_new(session, table, batch.source):
            raise FirstBatchRefused(f"{batch.source} already has {table}")
        names = ", ".join(schema.names)
        inserted = session.run(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staged}")
        rows = int(inserted[0][0]) if inserted else 0
        inserted_rows = _own_rows_split(session, table, batch)
        problems = session.run(problems_sql.format(rows=inserted_rows))[0][0] if rows else 0
        if rows == 0 or problems:
            raise FirstBatchRefused(f"{rows} rows, {problems} possible problem(s)")
        batch = dataclasses.replace(batch, rows_read=rows, file_sha256=file_sha256())
        return _record_fresh(session, table, batch, inserted_rows)


def _insert_fresh(session: SqlSession, table: str, staged: str, batch: Batch) -> UpsertCounts:
    """A source's first rows: nothing to compare with, so no copy of the file is made."""
    schema, _ = FACT_TABLES[table]
    names = ", ".join(schema.names)
    values = ", ".join(f"'{batch.batch_id}'" if c == "batch_id" else f"x.{c}" for c in schema.names)
    session.run(f"INSERT INTO {table} ({names}) SELECT {values} FROM {staged} x")
    return _record_fresh(session, table, batch)


def _record_fresh(
    session: SqlSession, table: str, batch: Batch, rows_sql: str | None = None
) -> UpsertCounts:
    """The days and the log of a source's first batch, all of whose rows are new (`rows_sql`:
    how to read them, by default `_batch_rows`)."""
    dirty = _DIRTY_DAYS.get(table)
    if dirty:  # read back from the stored columns: cheaper than recomputing the staged rows
        rows_sql = rows_sql or _batch_rows(session, table, batch)
        _mark_dirty(session, dirty.format(rows=rows_sql), batch)
    _log(session, batch, batch.rows_read, 0)
    return UpsertCounts(batch.rows_read, 0, 0)


def _batch_rows(session: SqlSession, table: str, batch: Batch, branches: int = 1) -> str:
    """The batch's rows; with `branches` > 1, as that many branches of a UNION ALL, each
    keeping its share of the rows by rowid (DuckDB)."""
    own = f"SELECT * FROM {table} WHERE batch_id = {session.literal(batch.batch_id)}"
    if branches < 2:
        return f"({own})"
    shares = (f"{own} AND rowid % {branches} = {i}" for i in range(branches))
    return f"({' UNION ALL '.join(shares)})"


def _own_rows_split(session: SqlSession, table: str, batch: Batch) -> str:
    """The batch's rows inserted by this (DuckDB) transaction, read as one branch per thread.

    DuckDB sizes a table scan's parallelism by the table's committed rows, so a transaction's
    own rows in a table that had none are read by one thread, and what is computed over them
    (the duplicate screen, the touched days) waits on that one thread: at 10M rows, each
    query took about twice as long as on the same rows committed. The branches of a UNION ALL
    run side by side."""
    threads = int(session.run("SELECT current_setting('threads')")[0][0])
    return _batch_rows(session, table, batch, branches=threads)


def _group_lost_rows(
    table: str, staged: str, key: tuple[str, ...], replace_key: tuple[str, ...]
) -> str:
    """True for a staged row whose group (e.g. its QA evaluation) has stored rows the file no
    longer has: the group is replaced whole even when its remaining rows are unchanged."""
    same_group = " AND ".join(f"o.{k} = s.{k}" for k in replace_key)
    same_row = " AND ".join(f"n.{k} = o.{k}" for k in key)
    return (
        f"EXISTS (SELECT 1 FROM {table} o WHERE {same_group} "
        f"AND NOT EXISTS (SELECT 1 FROM {staged} n WHERE {same_row}))"
    )


def _replace_changed(
    session: SqlSession,
    table: str,
    staged: str,
    replace_key: tuple[str, ...],
    batch: Batch,
    *,
    updated: int,
) -> None:
    schema, key = FACT_TABLES[table]
    whole_groups = replace_key != key
    # Only rows that existed need deleting (and their old days marking); new rows go
    # straight in from the changed set, which is much cheaper than joining the file again.
    existed = "" if whole_groups else " WHERE existed"
    groups = f"(SELECT DISTINCT {', '.join(replace_key)} FROM upsert_changed{existed})"
    match = " AND ".join(f"x.{k} = g.{k}" for k in replace_key)
    dirty = _DIRTY_DAYS.get(table)
    values = ", ".join(f"'{batch.batch_id}'" if c == "batch_id" else f"x.{c}" for c in schema.names)
    source = f"{staged} x JOIN {groups} g ON {match}" if whole_groups else "upsert_changed x"
    new_rows = f"SELECT {values} FROM {source}"
    if updated or whole_groups:
        if dirty:  # the days of the rows about to be replaced, before they go
            old_rows = f"(SELECT x.* FROM {table} x JOIN {groups} g ON {match})"
            _mark_dirty(session, dirty.format(rows=old_rows), batch)
        session.replace_matching(table, groups, replace_key, schema.names, new_rows)
    else:
        session.run(f"INSERT INTO {table} ({', '.join(schema.names)}) {new_rows}")
    if dirty:
        _mark_dirty(session, dirty.format(rows="(SELECT * FROM upsert_changed)"), batch)


def _mark_dirty(session: SqlSession, days_sql: str, batch: Batch) -> None:
    session.run(
        f"INSERT INTO dirty_days (program_id, local_date, batch_id, agent_id) "
        f"SELECT DISTINCT program_id, local_date, '{batch.batch_id}', agent_id FROM ({days_sql}) d"
    )


def _log(session: SqlSession, batch: Batch, inserted: int, updated: int) -> None:
    unchanged = batch.rows_read - inserted - updated
    text = session.literal
    session.run(
        "INSERT INTO import_log (batch_id, kind, source, file_name, file_sha256, rows_read, "
        "rows_inserted, rows_updated, rows_unchanged, imported_at) VALUES ("
        f"{text(batch.batch_id)}, {text(batch.kind)}, {text(batch.source)}, "
        f"{text(batch.file_name)}, {text(batch.file_sha256)}, {batch.rows_read}, {inserted}, "
        f"{updated}, {unchanged}, CURRENT_TIMESTAMP)"
    )


def mark_everything_dirty(session: SqlSession, program_ids: list[str], batch_id: str) -> None:
    """After a roster change: the whole history of these programs is recomputed."""
    with session.transaction():
        for program in program_ids:
            session.run(
                f"INSERT INTO dirty_days (program_id, local_date, batch_id) "
                f"VALUES ({session.literal(program)}, NULL, {session.literal(batch_id)})"
            )
