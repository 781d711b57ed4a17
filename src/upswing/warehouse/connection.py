"""Connect to the warehouse by URL and make sure its tables exist."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import ibis
from ibis.backends import BaseBackend

from upswing.warehouse.schema import TABLES
from upswing.warehouse.store import SqlSession


def connect(url: str) -> BaseBackend:
    """An Ibis backend for `url` (`duckdb:///path.duckdb`, `duckdb://` in memory, `postgres://…`)."""
    if url.startswith("duckdb://"):
        path = url.removeprefix("duckdb://")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            return ibis.duckdb.connect(path)
        return ibis.duckdb.connect()
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    return ibis.connect(url)


def ensure_tables(con: BaseBackend) -> list[str]:
    """Create missing warehouse tables (idempotent); returns the names created."""
    existing = set(con.list_tables())
    created = []
    for name, schema in TABLES.items():
        if name not in existing:
            con.create_table(name, schema=schema)
            created.append(name)
    return created


def is_duckdb(con: BaseBackend) -> bool:
    return con.name == "duckdb"


class Warehouse:
    """An open warehouse: the Ibis backend, plus the DuckDB connection imports validate in
    (the warehouse's own when it is DuckDB, a private in-memory one otherwise)."""

    def __init__(self, url: str):
        self.url = url
        self.ibis = connect(url)
        ensure_tables(self.ibis)
        self._validation: duckdb.DuckDBPyConnection | None = None

    @property
    def is_duckdb(self) -> bool:
        return is_duckdb(self.ibis)

    def validation_connection(self) -> duckdb.DuckDBPyConnection:
        if self._validation is None:
            self._validation = self.ibis.con if self.is_duckdb else duckdb.connect()
        return self._validation

    def session(self) -> SqlSession:
        """Raw SQL in the warehouse, for the upsert's transaction."""
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
        if self._validation is not None and not self.is_duckdb:
            self._validation.close()
        self.ibis.disconnect()


@contextlib.contextmanager
def open_warehouse(url: str) -> Iterator[Warehouse]:
    wh = Warehouse(url)
    try:
        yield wh
    finally:
        wh.close()
