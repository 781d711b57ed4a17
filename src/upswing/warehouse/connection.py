"""Connect to the warehouse by URL and make sure its tables exist."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import ibis
from ibis.backends import BaseBackend

from upswing.warehouse.lock import WarehouseBusy, default_wait, writer_lock
from upswing.warehouse.schema import TABLES
from upswing.warehouse.spark_url import is_spark_url
from upswing.warehouse.store import SqlSession


def connect(url: str) -> BaseBackend:
    """An Ibis backend for `url` (`duckdb:///path.duckdb`, `duckdb://` in memory, `postgres://…`,
    `pyspark://MASTER?warehouse=DIR`: upswing.warehouse.spark)."""
    if is_spark_url(url):
        from upswing.warehouse import spark  # Spark is imported only for a Spark warehouse

        return spark.connect(url)
    if url.startswith("duckdb://"):
        path = url.removeprefix("duckdb://")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            return ibis.duckdb.connect(path, **duckdb_config())
        return ibis.duckdb.connect(**duckdb_config())
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    return ibis.connect(url)


def duckdb_config() -> dict[str, str]:
    """DuckDB's memory limit inside a job with a memory cap (UPSWING_DUCKDB_MEMORY_MB, set
    by the job queue's task process): past it DuckDB spills to disk instead of failing on
    an allocation the cap refuses. Empty elsewhere (DuckDB's own default)."""
    megabytes = os.environ.get("UPSWING_DUCKDB_MEMORY_MB", "").strip()
    return {"memory_limit": f"{int(megabytes)}MB"} if megabytes else {}


def ensure_tables(con: BaseBackend) -> list[str]:
    """Create missing warehouse tables (idempotent); returns the names created."""
    if is_spark(con):
        from upswing.warehouse import spark

        return spark.ensure_tables(con)
    existing = set(con.list_tables())
    created = []
    for name, schema in TABLES.items():
        if name not in existing:
            con.create_table(name, schema=schema)
            created.append(name)
        else:
            _add_missing_columns(con, name, schema)
    return created


_SQL_TYPES = {"string": "VARCHAR", "date": "DATE"}


def _add_missing_columns(con: BaseBackend, name: str, schema) -> None:
    """A column added to a table's schema since the warehouse was made, added empty (only
    nullable text and date columns are ever added this way)."""
    have = set(con.get_schema(name).names)
    for column, dtype in schema.items():
        if column not in have:
            sql_type = _SQL_TYPES[str(dtype).removesuffix("!")]
            con.raw_sql(f"ALTER TABLE {name} ADD COLUMN {column} {sql_type}")


def is_duckdb(con: BaseBackend) -> bool:
    return con.name == "duckdb"


def is_spark(con: BaseBackend) -> bool:
    return con.name == "pyspark"


class Warehouse:
    """An open warehouse: the Ibis backend, plus the DuckDB connection imports validate in
    (the warehouse's own when it is DuckDB, a private in-memory one otherwise).

    An open warehouse holds its writer lock (upswing.warehouse.lock) until it is closed: one
    writer at a time across processes and hosts; others wait, then get WarehouseBusy."""

    def __init__(self, url: str):
        self.url = url
        self._lock = writer_lock(url)
        self._lock.__enter__()
        try:
            self.ibis = _connect_when_free(url)
            ensure_tables(self.ibis)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        self._validation: duckdb.DuckDBPyConnection | None = None

    @property
    def is_duckdb(self) -> bool:
        return is_duckdb(self.ibis)

    def validation_connection(self) -> duckdb.DuckDBPyConnection:
        if self._validation is None:
            self._validation = (
                self.ibis.con if self.is_duckdb else duckdb.connect(config=duckdb_config())
            )
        return self._validation

    def session(self) -> SqlSession:
        """Raw SQL in the warehouse, for the upsert's transaction."""
        if is_spark(self.ibis):
            from upswing.warehouse import spark

            return spark.SparkSqlSession(self.ibis)
        if self.is_duckdb:
            con = self.ibis.con
            return SqlSession(lambda sql: con.execute(sql).fetchall())
        raw = self.ibis.con

        def execute(sql: str) -> list[tuple]:
            with raw.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall() if cur.description else []

        return SqlSession(execute, begin="BEGIN")

    def close(self) -> None:
        try:
            if self._validation is not None and not self.is_duckdb:
                self._validation.close()
            self.ibis.disconnect()
        finally:
            self._lock.__exit__(None, None, None)


def _connect_when_free(url: str) -> BaseBackend:
    """Connect; a DuckDB file still open by a reader in another process (a drill-down page)
    refuses a writer for a moment: wait for it like for another writer."""
    started = time.monotonic()
    while True:
        try:
            return connect(url)
        except duckdb.IOException as exc:
            waited = time.monotonic() - started
            if "lock" not in str(exc).lower():
                raise
            if waited >= default_wait():
                raise WarehouseBusy(waited) from None
            time.sleep(0.2)


@contextlib.contextmanager
def open_warehouse(url: str) -> Iterator[Warehouse]:
    wh = Warehouse(url)
    try:
        yield wh
    finally:
        wh.close()
