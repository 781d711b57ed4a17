"""A source's first file goes into a DuckDB warehouse in one pass (typed, checked and inserted
while it is read, no staged copy); later files of the source are merged through the stage.
Both paths store the same rows, and a streamed file with a problem is reported as precisely as
any other, with nothing written."""

from __future__ import annotations

import duckdb
import pytest
from tests.ingest.conftest import (
    INTERACTIONS,
    errors_of,
    rejection,
    run_import,
    warehouse_counts,
    warehouse_rows,
    write_rows,
)

from upswing.ingest import checks, validate
from upswing.ingest.kinds import get_kind
from upswing.org.models import Agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def stages(monkeypatch, tmp_path, warehouse_url):
    """The `materialize` flag of every stage built: False for a streamed pass."""
    run_import("roster", tmp_path)
    built: list[bool] = []
    real = validate.build_stage

    def recording(*args, materialize=True, **kwargs):
        built.append(materialize)
        return real(*args, materialize=materialize, **kwargs)

    monkeypatch.setattr(validate, "build_stage", recording)
    return built


def _calls(n: int) -> list[dict]:
    return [dict(INTERACTIONS[i % 3], interaction_id=f"I{i}") for i in range(1, n + 1)]


def test_a_first_file_is_streamed_and_stored_as_the_merge_stores_it(tmp_path, stages):
    rows = _calls(40)
    streamed = run_import("interactions", tmp_path, rows, source="a")
    assert stages == [False]
    run_import("interactions", tmp_path, rows[:5], name="first", source="b")
    stages.clear()
    merged = run_import("interactions", tmp_path, rows, source="b")
    assert stages == [True]  # source b has rows: the file is staged and merged
    assert (streamed.inserted, streamed.updated, streamed.unchanged) == (40, 0, 0)
    assert (merged.inserted, merged.updated, merged.unchanged) == (35, 0, 5)
    stored = warehouse_rows("interactions")
    # Everything but the source (and the batch, left out here) is the same on both paths.
    by_source = {s: sorted(r[1:] for r in stored if r[0] == s) for s in ("a", "b")}
    assert by_source["a"] == by_source["b"]
    assert len(by_source["a"]) == 40


def test_a_streamed_file_with_a_bad_row_writes_nothing_and_says_where(tmp_path, stages):
    rows = _calls(30)
    rows[20]["handle_seconds"] = "-5"
    before = warehouse_counts()
    exc = rejection("interactions", write_rows(tmp_path / "calls.csv", rows), source="a")
    assert errors_of(exc) == [(22, "handle_seconds", "-5", "negative seconds")]
    assert stages == [False, True, True]  # streamed, then staged, then read with its lines
    assert warehouse_counts() == before


def test_a_duplicate_alone_stops_a_streamed_file(tmp_path, stages):
    rows = _calls(30)
    rows[25]["interaction_id"] = "I3"
    before = warehouse_counts()
    exc = rejection("interactions", write_rows(tmp_path / "calls.csv", rows), source="a")
    assert errors_of(exc) == [
        (27, "interaction_id", "I3", "duplicate within the file (first on line 4)")
    ]
    assert warehouse_counts() == before


def test_a_streamed_import_is_logged_with_its_days(tmp_path, stages):
    run_import("interactions", tmp_path, _calls(6), source="a")
    log = [r for r in warehouse_rows("import_log") if r[0] == "interactions"]
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in log] == [
        ("interactions", "a", "interactions.csv", 6, 6)
    ]
    assert len(log[0][3]) == 64  # the file's SHA-256
    days = {d[:2] for d in warehouse_rows("dirty_days") if d[1] is not None}  # (roster: all)
    assert days == {(r[3], r[5]) for r in warehouse_rows("interactions")}


def test_an_id_breaking_the_rule_stops_a_streamed_file_even_when_the_roster_knows_it(
    tmp_path, stages
):
    # An agent renamed outside an import: the roster now knows an id the rule forbids, so the
    # unknown-agent check no longer covers the rule, and the streamed pass checks it itself.
    Agent.objects.filter(code="A1").update(code="A/1")
    rows = [dict(r, agent_id="A/1") if r["agent_id"] == "A1" else r for r in _calls(6)]
    before = warehouse_counts()
    exc = rejection("interactions", write_rows(tmp_path / "calls.csv", rows), source="a")
    renamed = [line for line, r in enumerate(rows, start=2) if r["agent_id"] == "A/1"]
    assert renamed
    assert errors_of(exc) == [
        (line, "agent_id", "A/1", "an id may not hold a slash, a backslash or a control character")
        for line in renamed
    ]
    assert stages == [False, True, True]
    assert warehouse_counts() == before


def test_an_unknown_id_breaking_the_rule_is_reported_for_both(tmp_path, stages):
    rows = _calls(6)
    rows[2]["agent_id"] = "B\\2"
    exc = rejection("interactions", write_rows(tmp_path / "calls.csv", rows), source="a")
    assert sorted(e[3] for e in errors_of(exc)) == [
        "an id may not hold a slash, a backslash or a control character",
        "unknown agent: not in the roster (import the roster first)",
    ]


def test_a_reference_holding_a_forbidden_id_keeps_the_rule_in_the_screen():
    con = duckdb.connect()
    con.execute("CREATE TABLE ref_agents AS SELECT * FROM (VALUES ('A1'), ('A2')) t(agent_id)")
    con.execute("CREATE TABLE ref_programs AS SELECT * FROM (VALUES ('P/1')) t(program_id)")
    plan = checks.plan_for(get_kind("interactions"))
    assert checks.unreferenced_id_rules(con, plan) == {"agent_id"}
