"""Where validated rows go: warehouse facts through the upsert, people's records through
the ORM in one transaction. Also the reference tables validation checks against."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from upswing.bulk import collector_paused
from upswing.ingest import checks
from upswing.ingest.kinds import Destination, Kind, writer_for
from upswing.ingest.mapping import literal
from upswing.ingest.validate import STAGE, STAGE_OUT, cache_zone_offsets
from upswing.org.actions import do_import_roster
from upswing.org.models import Agent, Membership, Program, Team
from upswing.warehouse import reads, store
from upswing.warehouse.connection import Warehouse
from upswing.warehouse.schema import FACT_TABLES
from upswing.warehouse.store import Batch, UpsertCounts, mark_everything_dirty, upsert

WAREHOUSE_TABLE = {
    "interactions": "interactions",
    "surveys": "surveys",
    "qa": "qa_scores",
    "events": "context_events",
}


def register_references(
    con: duckdb.DuckDBPyConnection,
    wh: Warehouse,
    kind: Kind,
    programs_in_scope: frozenset[str] | None = None,
) -> None:
    """The organisation the file's rows are checked against; `programs_in_scope` (None: all)
    limits the programs a row may name: any other reads as an unknown program."""
    programs = _programs(programs_in_scope)
    zones = sorted({p.time_zone for p in programs})
    _replace(
        con,
        "ref_programs",
        pa.table(
            {
                "program_id": pa.array([p.code for p in programs], pa.string()),
                "time_zone": pa.array([p.time_zone for p in programs], pa.string()),
                # A small number per zone: local days are looked up by (zone_no, UTC day).
                "zone_no": pa.array([zones.index(p.time_zone) for p in programs], pa.int32()),
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


def _programs(codes: frozenset[str] | None = None) -> list[Program]:
    programs = Program.objects.all()
    return list(programs if codes is None else programs.filter(code__in=codes))


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
    _replace(con, "ref_interactions", reads.interaction_keys(wh.ibis).to_pyarrow())


def _replace(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def write(kind: Kind, con, wh: Warehouse, *, source, batch_id, file_name, file_sha256, rows):
    batch = Batch(batch_id, kind.name, source, file_name, file_sha256, rows)
    if kind.destination is Destination.WAREHOUSE:
        return _write_facts(kind, con, wh, batch)
    # The roster is the organisation every import is checked against (ingest reads it for
    # its references); the other records kinds are stored by the feature that registered them.
    writer = do_import_roster if kind.name == "roster" else writer_for(kind)
    with collector_paused():  # a record per row, then what the writer builds from them
        records = con.execute(f"SELECT * FROM {STAGE} ORDER BY _line").to_arrow_table().to_pylist()
        counts = writer(records, source)
    if kind.name == "roster":
        programs = sorted({r["program_id"] for r in records})
        mark_everything_dirty(wh.session(), programs, batch_id)
        if wh.is_duckdb:  # the zones' offsets, kept for the first import of facts
            register_references(con, wh, kind)
            cache_zone_offsets(con)
    return counts


def _write_facts(kind: Kind, con, wh: Warehouse, batch: Batch) -> UpsertCounts:
    return write_facts(kind, con, wh, batch)


def write_facts(kind: Kind, con, wh: Warehouse, batch: Batch, *, where: str = "true"):
    """Merge the staged rows (those `where` keeps, over STAGE_OUT) into the kind's table."""
    table = _staged_facts(kind, con, batch.source, batch_id_sql="NULL::VARCHAR", where=where)
    if not wh.is_duckdb:
        arrow = con.execute("SELECT * FROM staged_facts").to_arrow_table()
        wh.ibis.create_table("staged_facts", arrow, temp=True, overwrite=True)
    return upsert(wh.session(), table, "staged_facts", batch)


def source_is_new(kind: Kind, wh: Warehouse, source: str) -> bool:
    """No rows of this kind from `source` yet (its first file can be streamed)."""
    return store.source_is_new(wh.session(), WAREHOUSE_TABLE[kind.name], source)


def stream_facts(
    kind: Kind, con, wh: Warehouse, batch: Batch, file_sha256: Callable[[], str]
) -> UpsertCounts:
    """A source's first file, typed, checked and inserted in one pass over it (DuckDB
    warehouse only: the stage is a view over the file in the warehouse's own connection).

    A row failing a check stops the insert; duplicates and the other checks across rows are
    screened on the inserted rows before the commit. FirstBatchRefused or a DuckDB error
    means nothing was written and the file must be checked the long way, which says why.
    """
    # The guard is a filter, so that every written column stays a plain value (the batch id a
    # constant, which costs nothing to store).
    table = _staged_facts(
        kind,
        con,
        batch.source,
        batch_id_sql=literal(batch.batch_id),
        where="CASE WHEN _failed THEN error('a row fails a check') ELSE true END",
    )
    problems = checks.cross_row_count_sql(kind, "{rows}", screen=True)
    return store.insert_first_batch(
        wh.session(), table, "staged_facts", batch, problems, file_sha256
    )


def _staged_facts(kind: Kind, con, source: str, *, batch_id_sql: str, where: str = "true") -> str:
    """The view `staged_facts`: STAGE_OUT in the columns of the kind's warehouse table.
    A view, so a large file is never copied again on its way in. Returns the table's name."""
    table = WAREHOUSE_TABLE[kind.name]
    schema, _ = FACT_TABLES[table]
    cols = ", ".join(
        f"{literal(source)} AS source"
        if c == "source"
        else f"{batch_id_sql} AS batch_id"
        if c == "batch_id"
        else f'"{c}"'
        for c in schema.names
    )
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW staged_facts AS SELECT {cols} FROM {STAGE_OUT} WHERE {where}"
    )
    return table
