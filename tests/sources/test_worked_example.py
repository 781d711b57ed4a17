"""docs/sources.md's worked example, as written: a CRM's calls and ratings read in place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner
from tests.scorecards.refresh_data import load, roster

from upswing.cli import main
from upswing.performance.models import ScorecardSnapshot
from upswing.warehouse.connection import connect

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "sources"
UTC = pa.timestamp("us", tz="UTC")
AT = dt.datetime(2026, 3, 2, 18, 0, tzinfo=dt.UTC)  # Monday 10:00 in Los Angeles (P1)


def make_crm_tables(url: str) -> None:
    con = connect(url)
    calls = {
        "call_id": ["C1", "C2", "C3"],
        "agent": ["A1", "A1", "X17"],
        "started": [AT, AT, AT],
        "talk_min": [4.0, 6.0, 5.0],
        "queue_s": [10, 30, 5],
        "outcome": ["resolved", "open", "resolved"],
        "updated_at": [AT, AT, AT],
    }
    con.create_table("crm_calls", pa.table(calls).cast(pa.schema({
        "call_id": pa.string(), "agent": pa.string(), "started": UTC, "talk_min": pa.float64(),
        "queue_s": pa.int64(), "outcome": pa.string(), "updated_at": UTC,
    })))  # fmt: skip
    ratings = {"call_id": ["C1", "C2"], "stars": [10, 1], "rated_at": [AT, AT]}
    con.create_table(
        "crm_ratings",
        pa.table(ratings).cast(
            pa.schema({"call_id": pa.string(), "stars": pa.int64(), "rated_at": UTC})
        ),
    )
    con.disconnect()


@pytest.mark.django_db
def test_the_worked_example_reads_the_crm_tables_and_refreshes(tmp_path, warehouse_url):
    load(tmp_path, "roster", roster())
    make_crm_tables(warehouse_url)
    runner = CliRunner()
    for name in ("crm_calls", "crm_ratings"):
        file = str(EXAMPLES / f"{name}.toml")
        added = runner.invoke(main, ["sources", "add", name, "--file", file])
        assert added.exit_code == 0, added.output

    out = runner.invoke(main, ["refresh", "--no-diagnose"])

    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[:3] == [
        "Source crm_calls: 3 rows read: 2 new, 0 updated, 0 unchanged, "
        "1 left out for their problems",
        "  crm_calls: agent_id: unknown agent: not in the roster (import the roster first): "
        "1 row (3); first value 'X17'",
        "Source crm_ratings: 2 rows read: 2 new, 0 updated, 0 unchanged",
    ]
    week = ScorecardSnapshot.objects.filter(level="agent", entity_code="A1", period_kind="week")
    values = {r.metric: r.value for r in week.filter(part="")}
    assert values["volume"] == 2.0
    assert values["aht"] == 300.0  # 4 and 6 minutes
    assert values["fcr"] == 50.0
    assert values["csat"] == 50.0  # 10 stars is CSAT 5, 1 star CSAT 1
