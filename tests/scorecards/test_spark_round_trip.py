"""Imports into a Spark warehouse and the refresh after them store the same scorecards as on
DuckDB: a first import, a corrected re-import, an evaluation re-imported with fewer criteria,
an identical re-import that changes nothing, then an incremental refresh."""

from __future__ import annotations

import datetime as dt

import pytest

from upswing.performance.models import ScorecardSnapshot
from upswing.scorecards.refresh import refresh
from upswing.warehouse.connection import open_warehouse

from .refresh_data import evaluation, interaction, load, roster, snapshots, survey

pytestmark = [pytest.mark.django_db, pytest.mark.spark, pytest.mark.slow]

MON = dt.date(2026, 3, 2)


def calls() -> list[dict]:
    days = [MON + dt.timedelta(days=k % 9) for k in range(12)]  # a week across two weeks
    agents = ["A1", "A2", "A3", "A4", "A5"]
    rows = []
    for k, day in enumerate(days):
        agent = agents[k % 5]
        program = "P2" if agent in ("A4", "A5") else "P1"
        rows.append(
            interaction(
                f"I{k}",
                agent,
                program,
                day,
                handle=120.0 + 17 * k,
                answered=k % 6 != 5,
                resolved=None if k % 7 == 3 else k % 3 != 0,
            )
        )
    return rows


def import_and_refresh(folder) -> dict:
    """The same history imported and refreshed; what each step reported and what was stored."""
    counts = {}
    load(folder, "roster", roster())
    first = calls()
    load(folder, "interactions", first)
    load(
        folder,
        "surveys",
        [survey(r["interaction_id"], 4 + k % 2, MON) for k, r in enumerate(first[:6])],
    )
    load(folder, "qa", evaluation("E1", first[0], 6.0) + evaluation("E2", first[1], 9.0))
    refresh(full=True)
    counts["full"] = snapshots()
    corrected = [dict(r) for r in first]
    corrected[2]["handle_seconds"] = "999"
    corrected.append(interaction("I99", "A2", "P1", MON + dt.timedelta(days=8)))
    result = load(folder, "interactions", corrected)
    counts["corrected"] = (result.inserted, result.updated, result.unchanged)
    result = load(folder, "qa", evaluation("E1", first[0], 6.0)[:1])  # one criterion fewer
    counts["shrunk"] = (result.inserted, result.updated, result.unchanged)
    result = load(folder, "interactions", corrected)
    counts["again"] = (result.inserted, result.updated, result.unchanged)
    counts["refreshed"] = sorted(refresh().scope.programs)
    counts["incremental"] = snapshots()
    with open_warehouse(_url()) as wh:
        counts["dirty_days_left"] = int(wh.ibis.table("dirty_days").count().execute())
        counts["log"] = int(wh.ibis.table("import_log").count().execute())
    return counts


def _url() -> str:
    from django.conf import settings

    return settings.UPSWING_WAREHOUSE_URL


def test_spark_imports_and_refreshes_like_duckdb(tmp_path, settings, spark_warehouse_url):
    settings.UPSWING_WAREHOUSE_URL = f"duckdb://{tmp_path / 'warehouse.duckdb'}"
    (tmp_path / "duckdb").mkdir()
    on_duckdb = import_and_refresh(tmp_path / "duckdb")
    ScorecardSnapshot.objects.all().delete()

    settings.UPSWING_WAREHOUSE_URL = spark_warehouse_url
    (tmp_path / "spark").mkdir()
    on_spark = import_and_refresh(tmp_path / "spark")

    assert on_duckdb["corrected"] == (1, 1, 11)  # the file's new row and its corrected one
    assert on_duckdb["again"] == (0, 0, 13)
    assert on_duckdb["dirty_days_left"] == 0
    assert len(on_duckdb["full"]) > 100
    assert on_spark == on_duckdb
