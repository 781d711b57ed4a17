"""A warehouse (DuckDB file or throwaway PostgreSQL database) holding a CRM's own call table,
`crm_calls`, beside Upswing's tables: the shape of a source read in place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pyarrow as pa
import pytest

from upswing.warehouse.connection import connect

CALLS = pa.schema(
    {
        "call_id": pa.string(),
        "agent": pa.string(),
        "program": pa.string(),
        "started": pa.timestamp("us", tz="UTC"),
        "talk_min": pa.float64(),
        "queue_s": pa.int64(),
        "outcome": pa.string(),
        "answered": pa.bool_(),
        "updated_at": pa.timestamp("us", tz="UTC"),
    }
)

DEFINITION = """
source = "test"   # the facts' source: surveys imported under "test" find these calls

[table]
name = "crm_calls"
watermark = "updated_at"

[interactions.columns]
interaction_id = "call_id"
agent_id = "agent"
program_id = "program"
started_at = "started"
handle_seconds = { from = "talk_min", unit = "minutes" }
wait_seconds = "queue_s"
resolved = { from = "outcome", map = { resolved = "true", open = "false" } }
answered = "answered"
channel = { value = "voice" }
"""


@pytest.fixture
def wh(duckdb_or_postgres_warehouse):
    """The warehouse URL of the test: a new DuckDB file, or a throwaway PostgreSQL database."""
    return duckdb_or_postgres_warehouse


def put_calls(url: str, rows: Iterable[dict], table: str = "crm_calls") -> None:
    """Write rows into the CRM's table as the CRM would: a row with a known call_id replaces
    it (its `updated_at` moves on)."""
    rows = list(rows)
    con = connect(url)
    try:
        if table not in con.list_tables():
            con.create_table(table, schema=CALLS)
        ids = ", ".join("'" + r["call_id"] + "'" for r in rows)
        if ids:
            con.raw_sql(f"DELETE FROM {table} WHERE call_id IN ({ids})")
            con.insert(table, pa.Table.from_pylist(rows, schema=CALLS))
    finally:
        con.disconnect()


def call(
    call_id: str,
    agent: str,
    program: str | None,
    started: dt.datetime,
    updated: dt.datetime,
    *,
    talk_min: float | None = 5.0,
    queue_s: int | None = 12,
    outcome: str | None = "resolved",
    answered: bool | None = True,
) -> dict:
    return {
        "call_id": call_id,
        "agent": agent,
        "program": program,
        "started": started,
        "talk_min": talk_min,
        "queue_s": queue_s,
        "outcome": outcome,
        "answered": answered,
        "updated_at": updated,
    }


def as_call(row: dict, updated: dt.datetime) -> dict:
    """An interaction row of a canonical file (tests.scorecards.refresh_data) as the CRM's."""

    def number(text: str) -> float | None:
        return float(text) if text else None

    handle, wait = number(row["handle_seconds"]), number(row["wait_seconds"])
    return call(
        row["interaction_id"],
        row["agent_id"],
        row["program_id"],
        dt.datetime.fromisoformat(row["started_at"]),
        updated,
        talk_min=None if handle is None else handle / 60,
        queue_s=None if wait is None else int(wait),
        outcome={"true": "resolved", "false": "open"}.get(row["resolved"]),
        answered={"true": True, "false": False}.get(row["answered"]),
    )
