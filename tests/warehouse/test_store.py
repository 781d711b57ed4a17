"""The warehouse's raw-SQL store: a streamed first batch's own rows, read back in the
transaction that inserted them."""

from __future__ import annotations

import duckdb
import pytest

from upswing.warehouse import store
from upswing.warehouse.store import Batch, SqlSession


def _session(threads: int) -> tuple[duckdb.DuckDBPyConnection, SqlSession]:
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("CREATE TABLE facts (batch_id VARCHAR, n INTEGER)")
    con.execute("INSERT INTO facts SELECT 'earlier', range FROM range(1000)")
    return con, SqlSession(lambda sql: con.execute(sql).fetchall())


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_a_batchs_own_rows_read_in_branches_are_exactly_its_rows(threads):
    con, session = _session(threads)
    batch = Batch("b" * 32, "interactions", "a", "calls.csv", "", 0)
    with session.transaction():
        con.execute(f"INSERT INTO facts SELECT '{batch.batch_id}', range FROM range(5000, 12001)")
        rows = store._own_rows_split(session, "facts", batch)
        assert rows.count("UNION ALL") == max(threads - 1, 0)
        got = session.run(f"SELECT count(*), count(DISTINCT n), min(n), max(n) FROM {rows} r")
        assert got == [(7001, 7001, 5000, 12000)]
        # what the duplicate screen reads: a row of the batch twice is counted once more
        con.execute(f"INSERT INTO facts VALUES ('{batch.batch_id}', 6000)")
        assert session.run(f"SELECT count(*) - count(DISTINCT n) FROM {rows} r") == [(1,)]
