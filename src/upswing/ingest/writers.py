"""Where validated rows go: warehouse facts through the upsert, people's records through
the ORM in one transaction. Also the reference tables validation checks against."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from upswing.coaching.actions import do_import_coaching
from upswing.ingest.kinds import Destination, Kind
from upswing.ingest.mapping import literal
from upswing.ingest.validate import STAGE, STAGE_OUT
from upswing.org.actions import do_import_roster
from upswing.org.models import Agent, Membership, Program, Team
from upswing.performance.actions import do_import_targets
from upswing.warehouse.connection import Warehouse
from upswing.warehouse.schema import FACT_TABLES
from upswing.warehouse.store import Batch, UpsertCounts, mark_everything_dirty, upsert

WAREHOUSE_TABLE = {
    "interactions": "interactions",
    "surveys": "surveys",
    "qa": "qa_scores",
    "events": "context_events",
}


def register_references(con: duckdb.DuckDBPyConnection, wh: Warehouse, kind: Kind) -> None:
    _replace(
        con,
        "ref_programs",
        pa.table(
            {
                "program_id": pa.array([p.code for p in _programs()], pa.string()),
                "time_zone": pa.array([p.time_zone for p in _programs()], pa.string()),
            }
        ),
    )
    teams = list(Team.objects.select_related("program").values_list("code", "program__code"))
    _replace(
        con,
        "ref_teams",
        pa.table(
            {
                "team_id": pa.array([t for t, _ in teams], pa.string()),
                "program_id": pa.array([p for _, p in teams], pa.string()),
            }
        ),
    )
    agents = _agent_programs()
    _replace(
        con,
        "ref_agents",
        pa.table(
            {
                "agent_id": pa.array(list(agents), pa.string()),
                "program_id": pa.array(list(agents.values()), pa.string()),
            }
        ),
    )
    if kind.name == "surveys":
        _register_interactions(con, wh)


def _programs() -> list[Program]:
    return list(Program.objects.all())


def _agent_programs() -> dict[str, str | None]:
    """Each agent's program: the one of their latest membership."""
    by_agent: dict[str, str | None] = dict.fromkeys(Agent.objects.values_list("code", flat=True))
    rows = Membership.objects.order_by("start_date").values_list(
        "agent__code", "team__program__code"
    )
    for agent_code, program_code in rows:
        by_agent[agent_code] = program_code
    return by_agent


def _register_interactions(con: duckdb.DuckDBPyConnection, wh: Warehouse) -> None:
    if wh.is_duckdb:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW ref_interactions AS "
            "SELECT source, interaction_id, program_id FROM interactions"
        )
        return
    t = wh.ibis.table("interactions").select("source", "interaction_id", "program_id")
    _replace(con, "ref_interactions", t.to_pyarrow())


def _replace(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def write(kind: Kind, con, wh: Warehouse, *, source, batch_id, file_name, file_sha256, rows):
    batch = Batch(batch_id, kind.name, source, file_name, file_sha256, rows)
    if kind.destination is Destination.WAREHOUSE:
        return _write_facts(kind, con, wh, batch)
    records = con.execute(f"SELECT * FROM {STAGE} ORDER BY _line").to_arrow_table().to_pylist()
    writer = {
        "roster": do_import_roster,
        "targets": do_import_targets,
        "coaching": do_import_coaching,
    }
    counts = writer[kind.name](records, source)
    if kind.name == "roster":
        programs = sorted({r["program_id"] for r in records})
        mark_everything_dirty(wh.session(), programs, batch_id)
    return counts


def _write_facts(kind: Kind, con, wh: Warehouse, batch: Batch) -> UpsertCounts:
    table = WAREHOUSE_TABLE[kind.name]
    schema, _ = FACT_TABLES[table]
    cols = ", ".join(
        f"{literal(batch.source)} AS source"
        if c == "source"
        else "NULL::VARCHAR AS batch_id"
        if c == "batch_id"
        else f'"{c}"'
        for c in schema.names
    )
    # A view: the upsert reads the stage once, with no extra copy of a large file.
    con.execute(f"CREATE OR REPLACE TEMP VIEW staged_facts AS SELECT {cols} FROM {STAGE_OUT}")
    if not wh.is_duckdb:
        arrow = con.execute("SELECT * FROM staged_facts").to_arrow_table()
        wh.ibis.create_table("staged_facts", arrow, temp=True, overwrite=True)
    return upsert(wh.session(), table, "staged_facts", batch)
