"""A table that already lives in the warehouse, read in place as interactions: mapped with
the file mappings' language, read past its watermark, checked like an import (a bad row is
left out and reported, never stops the read), on DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from tests.scorecards.refresh_data import load, roster
from tests.scorecards.test_refresh_incremental import assert_incremental_equals_full

from upswing.ingest.tables import SourceError
from upswing.performance.models import ScorecardSnapshot
from upswing.scorecards.refresh import refresh
from upswing.sources.models import WarehouseSource
from upswing.sources.service import add_source, read_sources
from upswing.warehouse.connection import connect, open_warehouse

from .conftest import CALLS, DEFINITION, call, put_calls

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 3, 2)
T0 = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)  # when the CRM wrote its rows


def at(day: dt.date, hour: int = 18) -> dt.datetime:
    """`hour` UTC on `day`: 10:00 in Los Angeles (P1), the same local day."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def facts(url: str) -> dict[str, tuple]:
    with open_warehouse(url) as wh:
        rows = wh.ibis.table("interactions").to_pyarrow().to_pylist()
    return {
        r["interaction_id"]: (r["source"], r["agent_id"], r["program_id"], r["local_date"],
                              r["handle_seconds"], r["wait_seconds"], r["resolved"])
        for r in rows
    }  # fmt: skip


def volume(entity: str) -> dict:
    rows = ScorecardSnapshot.objects.filter(
        entity_code=entity, metric="volume", period_kind="week", period_start=MON, part=""
    )
    return {(r.level, r.team_code): r.value for r in rows}


def test_the_rows_of_a_table_become_interactions_with_their_mapping(tmp_path, wh):
    load(tmp_path, "roster", roster())
    put_calls(wh, [
        call("C1", "A1", "P1", at(MON), T0, talk_min=4.5, queue_s=30, outcome="resolved"),
        call("C2", "A1", None, at(MON), T0, talk_min=None, queue_s=None, outcome="Open"),
    ])  # fmt: skip
    put_calls(wh, [call("C3", "A1", "P1", at(MON), None)])  # no watermark: never read
    add_source("crm_calls", DEFINITION)

    [outcome] = read_sources()

    assert (outcome.rows_read, outcome.inserted, outcome.left_out, outcome.error) == (2, 2, 0, "")
    assert outcome.describe().endswith("; 1 row(s) not read: their watermark is empty")
    assert facts(wh) == {
        "C1": ("test", "A1", "P1", MON, 270.0, 30.0, True),
        "C2": ("test", "A1", "P1", MON, None, None, False),  # program: the agent's
    }
    assert WarehouseSource.objects.get().watermark == T0.isoformat()


def test_a_refresh_reads_only_the_rows_past_the_watermark(tmp_path, wh):
    load(tmp_path, "roster", roster())
    put_calls(wh, [call(f"C{k}", "A1", "P1", at(MON), T0) for k in range(3)])
    add_source("crm_calls", DEFINITION)
    read_sources()
    refresh()
    assert volume("A1") == {("agent", "T1"): 3.0}

    # Nothing new: only the rows at the watermark itself are read again, unchanged.
    [again] = read_sources()
    assert (again.rows_read, again.inserted, again.updated, again.unchanged) == (3, 0, 0, 3)
    assert not refresh().scope.programs  # nothing to recompute

    # The CRM moves C1 to A4 of P2 and adds C9: two rows past the watermark (read with the
    # two still at the old one, C0 and C2, which are unchanged).
    later = T0 + dt.timedelta(hours=1)
    put_calls(wh, [
        call("C1", "A4", "P2", at(MON, 3), later),
        call("C9", "A2", "P1", at(MON), later),
    ])  # fmt: skip
    [moved] = read_sources()

    assert (moved.rows_read, moved.inserted, moved.updated, moved.unchanged) == (4, 1, 1, 2)
    result = refresh()
    assert set(result.scope.programs) == {"P1", "P2"}
    assert volume("A1") == {("agent", "T1"): 2.0}
    assert volume("A4") == {("agent", "T3"): 1.0}
    assert volume("T1") == {("team", "T1"): 3.0}  # A1's two and A2's one
    assert_incremental_equals_full()


def test_a_bad_row_is_left_out_and_reported_and_the_others_are_read(tmp_path, wh):
    load(tmp_path, "roster", roster())
    put_calls(wh, [
        call("G1", "A1", "P1", at(MON), T0),
        call("B1", "NOBODY", "P1", at(MON), T0),
        call("B2", "A2", "P1", at(MON), T0, outcome="maybe"),
        call("B3", "A2", "P1", at(MON), T0, talk_min=-1.0),
        call("B4", "A3", "P9", at(MON), T0),
    ])  # fmt: skip
    add_source("crm_calls", DEFINITION)

    [outcome] = read_sources()

    assert (outcome.rows_read, outcome.inserted, outcome.left_out) == (5, 1, 4)
    assert set(facts(wh)) == {"G1"}
    reasons = {line.split(": ")[1] + ": " + line.split(": ")[2] for line in outcome.problems}
    assert reasons == {
        "agent_id: unknown agent",
        "resolved: not a yes/no value (true/false, yes/no, y/n, 1/0)",
        "handle_seconds: negative seconds",
        "program_id: unknown program (not in the roster)",
    }
    assert all(line.startswith("crm_calls: ") for line in outcome.problems)
    # The watermark moved on: a row fixed at the source gets a new one and is read then.
    put_calls(wh, [call("B1", "A1", "P1", at(MON), T0 + dt.timedelta(minutes=5))])
    [fixed] = read_sources()
    assert (fixed.rows_read, fixed.inserted, fixed.unchanged) == (5, 1, 1)
    assert fixed.left_out == 3  # the rows at the old watermark, read once more with it
    assert set(facts(wh)) == {"G1", "B1"}
    [quiet] = read_sources()
    assert (quiet.rows_read, quiet.unchanged, quiet.left_out, quiet.problems) == (1, 1, 0, [])


SURVEYS = """
source = "test"

[table]
name = "crm_ratings"
watermark = "rated_at"

[surveys.columns]
interaction_id = "call_id"
kind = { value = "csat" }
score = { from = "stars", scale = [1, 10] }
"""

LOCAL_VIEW = """
[table]
name = "calls_local"
watermark = "seq"

[interactions.columns]
interaction_id = "call_id"
agent_id = "agent"
started_at = "started_local"
"""


def test_a_view_with_local_times_and_a_survey_table_are_read_like_files(tmp_path, wh):
    """A view is read like a table; a timestamp without zone is the program's local time (as
    in a file); a numeric watermark works; surveys find the calls of the same source."""
    load(tmp_path, "roster", roster())
    put_calls(wh, [call("C1", "A1", "P1", at(MON), T0)])
    con = connect(wh)
    try:
        # 23:30 on Sunday 1 March in Los Angeles: the local day is Sunday, the UTC day Monday.
        con.raw_sql(
            "CREATE VIEW calls_local AS SELECT 'L1' AS call_id, 'A2' AS agent, "
            "CAST('2026-03-01 23:30:00' AS TIMESTAMP) AS started_local, 7 AS seq"
        )
        con.create_table(
            "crm_ratings",
            pa.table(
                {"call_id": ["C1", "C404"], "stars": [10, 4], "rated_at": [T0, T0]},
                schema=pa.schema(
                    {
                        "call_id": pa.string(),
                        "stars": pa.int32(),
                        "rated_at": pa.timestamp("us", tz="UTC"),
                    }
                ),
            ),
        )
    finally:
        con.disconnect()
    add_source("crm_ratings", SURVEYS)  # added first, read after the calls all the same
    add_source("crm_calls", DEFINITION)
    add_source("calls_local", LOCAL_VIEW)

    outcomes = {o.source: o for o in read_sources()}

    assert [o.source for o in outcomes.values()] == ["calls_local", "crm_calls", "crm_ratings"]
    assert facts(wh)["L1"][1:4] == ("A2", "P1", dt.date(2026, 3, 1))
    assert outcomes["calls_local"].inserted == 1
    ratings = outcomes["crm_ratings"]
    assert (ratings.inserted, ratings.left_out) == (1, 1)
    assert "interaction_id: unknown interaction" in ratings.problems[0]
    with open_warehouse(wh) as opened:
        [survey] = opened.ibis.table("surveys").to_pyarrow().to_pylist()
    assert (survey["source"], survey["interaction_id"], survey["score"]) == ("test", "C1", 5.0)
    assert WarehouseSource.objects.get(name="calls_local").watermark == "7"


def test_a_table_in_another_schema_is_named_with_it(tmp_path, wh):
    load(tmp_path, "roster", roster())
    con = connect(wh)
    try:
        con.raw_sql("CREATE SCHEMA crm")
        con.raw_sql(
            "CREATE TABLE crm.calls AS SELECT 'S1' AS call_id, 'A3' AS agent, "
            "CAST('2026-03-02 10:00:00' AS TIMESTAMP) AS started_local, 1 AS seq"
        )
    finally:
        con.disconnect()
    definition = LOCAL_VIEW.replace('name = "calls_local"', 'name = "calls"\nschema = "crm"')
    add_source("crm_calls", definition)

    [outcome] = read_sources()

    assert (outcome.inserted, outcome.error) == (1, "")
    assert facts(wh)["S1"][1:4] == ("A3", "P1", MON)


def test_a_table_that_appends_a_row_per_change_counts_its_latest_row(tmp_path, wh):
    load(tmp_path, "roster", roster())
    con = connect(wh)
    try:
        con.create_table("crm_calls", schema=CALLS)
        con.insert("crm_calls", pa.Table.from_pylist([
            call("C1", "A1", "P1", at(MON), T0),
            call("C1", "A2", "P1", at(MON), T0 + dt.timedelta(minutes=1), outcome="open"),
            call("C2", "A1", "P1", at(MON), T0),
        ], schema=CALLS))  # fmt: skip
    finally:
        con.disconnect()
    add_source("crm_calls", DEFINITION)

    [outcome] = read_sources()

    assert (outcome.rows_read, outcome.inserted, outcome.left_out, outcome.problems) == (
        3, 2, 0, []
    )  # fmt: skip
    assert facts(wh)["C1"][1:3] == ("A2", "P1")
    assert facts(wh)["C1"][-1] is False


QA = """
source = "test"

[table]
name = "qa_form_rows"
watermark = "changed"

[qa.columns]
evaluation_id = "form"
interaction_id = "call_id"
agent_id = "agent"
evaluated_at = "scored_at"
criterion = "item"
points = "got"
max_points = { value = "10" }
"""
QA_ROWS = pa.schema(
    {
        "form": pa.string(),
        "call_id": pa.string(),
        "agent": pa.string(),
        "scored_at": pa.timestamp("us", tz="UTC"),
        "item": pa.string(),
        "got": pa.float64(),
        "changed": pa.int64(),
    }
)


def test_a_changed_criterion_of_a_qa_table_keeps_its_evaluations_others(tmp_path, wh):
    """QA criteria are replaced by evaluation: a changed row brings its evaluation's others."""
    load(tmp_path, "roster", roster())
    put_calls(wh, [call("C1", "A1", "P1", at(MON), T0)])

    def form(item: str, got: float, changed: int) -> dict:
        return {"form": "F1", "call_id": "C1", "agent": "A1", "scored_at": at(MON),
                "item": item, "got": got, "changed": changed}  # fmt: skip

    con = connect(wh)
    try:
        rows = [form("greeting", 10, 1), form("notes", 4, 2), form("close", 8, 3)]
        con.create_table("qa_form_rows", pa.Table.from_pylist(rows, schema=QA_ROWS))
    finally:
        con.disconnect()
    add_source("crm_calls", DEFINITION)
    add_source("qa_forms", QA)
    read_sources()
    con = connect(wh)
    try:
        con.raw_sql("UPDATE qa_form_rows SET got = 9, changed = 4 WHERE item = 'greeting'")
    finally:
        con.disconnect()

    outcomes = {o.source: o for o in read_sources()}

    assert outcomes["qa_forms"].rows_read == 3  # the changed row and its evaluation's others
    with open_warehouse(wh) as opened:
        scores = opened.ibis.table("qa_scores").to_pyarrow().to_pylist()
    assert {r["criterion"]: r["points"] for r in scores} == {
        "greeting": 9.0,
        "notes": 4.0,
        "close": 8.0,
    }
    with pytest.raises(SourceError, match="evaluation_id is one column as it is"):
        add_source("qa_joined", QA.replace('"form"', '{ from = ["form", "call_id"] }'))
