"""Every kind from CSV stores what the file says; XLSX, Parquet and JSON Lines store the same."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.ingest.conftest import (
    DATA,
    PREREQUISITES,
    everything_stored,
    import_with_prerequisites,
    orm_contents,
    run_import,
    warehouse_rows,
)

UTC = dt.UTC
pytestmark = pytest.mark.django_db


def _wipe_operational_db() -> None:
    from upswing.coaching.models import CoachingSession
    from upswing.org.models import Agent, Client, Membership, Program, Team
    from upswing.performance.models import Target

    for model in (CoachingSession, Target, Membership, Agent, Team, Program, Client):
        model.objects.all().delete()


@pytest.mark.parametrize("fmt", ["xlsx", "parquet", "jsonl"])
@pytest.mark.parametrize("kind", list(DATA))
def test_every_format_stores_what_csv_stores(kind, fmt, tmp_path, settings, warehouse_url):
    (tmp_path / "csv").mkdir()
    (tmp_path / fmt).mkdir()
    result = import_with_prerequisites(kind, tmp_path / "csv")
    from_csv = everything_stored()

    _wipe_operational_db()
    settings.UPSWING_WAREHOUSE_URL = f"duckdb://{tmp_path / 'other.duckdb'}"
    again = import_with_prerequisites(kind, tmp_path / fmt, fmt=fmt)

    assert everything_stored() == from_csv
    assert (again.rows_read, again.inserted) == (result.rows_read, result.inserted)
    assert again.rows_read == len(DATA[kind])


def test_roster_creates_clients_programs_teams_agents_memberships(tmp_path, warehouse_url):
    result = run_import("roster", tmp_path)
    assert (result.inserted, result.updated, result.unchanged) == (3, 0, 0)
    stored = orm_contents()
    assert stored["clients"] == [("bank", "Bank"), ("telco", "Telco")]
    assert stored["programs"] == [
        ("P1", "Telco care", "telco", "Europe/Lisbon"),
        ("P2", "Bank chat", "bank", "America/New_York"),
    ]
    assert stored["teams"] == [
        ("T1", "Lisbon voice", "P1", "lead1@example.com"),
        ("T2", "NY chat", "P2", ""),
    ]
    day = dt.date(2026, 1, 1)
    assert stored["agents"] == [
        ("A1", "Ana Silva", "ana@example.com", day),
        ("A2", "Bruno Costa", "", day),
        ("A3", "Carla Diaz", "carla@example.com", day),
    ]
    assert stored["memberships"] == [
        ("A1", "T1", day, None),
        ("A2", "T1", day, None),
        ("A3", "T2", day, None),
    ]
    # A roster change makes the programs' whole history due for a refresh.
    assert sorted(r[0] for r in warehouse_rows("dirty_days")) == ["P1", "P2"]


def test_interactions_are_typed_and_get_program_and_local_date(tmp_path, warehouse_url):
    run_import("roster", tmp_path)
    result = run_import("interactions", tmp_path, source="crm")
    assert (result.source, result.inserted) == ("crm", 3)
    rows = {r[1]: r for r in warehouse_rows("interactions")}
    assert rows["I1"] == (
        "crm",
        "I1",
        "A1",
        "P1",
        dt.datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
        dt.date(2026, 3, 2),
        300.0,
        "voice",
        True,
        12.0,
        30.0,
        True,
        False,
        False,
        False,
        "billing",
    )
    # 23:30 UTC is 23:30 in Lisbon in winter (UTC+0): the same day.
    assert rows["I2"][4:9] == (
        dt.datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
        dt.date(2026, 3, 2),
        245.5,
        "chat",
        True,
    )
    assert rows["I2"][9:] == (4.0, None, False, None, True, None, None)
    # Naive 20:30 in New York (UTC-5) is 01:30 UTC the next day; channel and answered default.
    assert rows["I3"][3:9] == (
        "P2",
        dt.datetime(2026, 3, 4, 1, 30, tzinfo=UTC),
        dt.date(2026, 3, 3),
        0.0,
        "other",
        False,
    )


def test_surveys_qa_events_targets_coaching_store_their_values(tmp_path, warehouse_url):
    for kind in ("roster", "interactions", "surveys", "qa", "events", "targets", "coaching"):
        run_import(kind, tmp_path)
    assert warehouse_rows("surveys") == [
        ("default", "I1", "csat", 5.0, dt.datetime(2026, 3, 2, 10, tzinfo=UTC), "quick, thanks"),
        ("default", "I1", "nps", 9.0, None, None),
        ("default", "I2", "ces", 3.0, None, 'said "fine", then left'),
    ]
    qa = warehouse_rows("qa_scores")
    assert [(r[2], r[8], r[9], r[12]) for r in qa] == [
        ("closing", 6.5, 10.0, False),
        ("greeting", 10.0, 10.0, False),
        ("verification", 8.0, 10.0, True),
    ]
    assert {r[5:8] for r in qa} == {
        ("P1", dt.datetime(2026, 3, 4, 11, tzinfo=UTC), dt.date(2026, 3, 4))
    }
    events = warehouse_rows("context_events")
    assert [(r[2], r[3], r[4], r[5], r[6]) for r in events] == [
        (
            "P1",
            "T1",
            dt.datetime(2026, 3, 2, 8, tzinfo=UTC),
            dt.datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
            "outage",
        ),
        (
            "P2",
            None,
            dt.datetime(2026, 3, 3, 5, tzinfo=UTC),
            dt.datetime(2026, 3, 4, 5, tzinfo=UTC),
            "understaffing",
        ),
    ]
    stored = orm_contents()
    assert stored["targets"] == [
        ("P1", "T1", "csat", 80.0, 90.0, "", dt.date(2000, 1, 1)),
        ("P1", None, "aht", 420.0, 360.0, "MSA §4.2", dt.date(2026, 1, 1)),
    ]
    assert stored["coaching"] == [
        (
            "A1",
            dt.datetime(2026, 3, 5, 14, tzinfo=UTC),
            "one_to_one",
            "lead1@example.com",
            "hold use",
            "aht",
            "listened to two calls",
            "default",
        ),
        ("A3", dt.datetime(2026, 3, 6, 20, tzinfo=UTC), "workshop", "", "", "", "", "default"),
    ]


def test_prerequisites_cover_every_kind():
    assert set(PREREQUISITES) == set(DATA)


def test_typed_parquet_columns_import_like_text(tmp_path, warehouse_url):
    """A Parquet file written by a tool keeps numbers, booleans and timestamps typed."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from upswing.ingest.service import import_file

    run_import("roster", tmp_path)
    table = pa.table(
        {
            "interaction_id": ["I1", "I2"],
            "agent_id": ["A1", "A2"],
            "started_at": pa.array(
                [dt.datetime(2026, 3, 2, 9, 15), dt.datetime(2026, 7, 1, 23, 30)],
                pa.timestamp("us"),
            ),
            "handle_seconds": pa.array([300, 12], pa.int64()),
            "wait_seconds": pa.array([1.5, None], pa.float64()),
            "answered": pa.array([True, False]),
        }
    )
    pq.write_table(table, tmp_path / "typed.parquet")
    import_file("interactions", tmp_path / "typed.parquet")
    rows = warehouse_rows("interactions")
    # Naive timestamps are read in Lisbon time: WEST (UTC+1) in July.
    assert [(r[1], r[4], r[5], r[6], r[8], r[9]) for r in rows] == [
        ("I1", dt.datetime(2026, 3, 2, 9, 15, tzinfo=UTC), dt.date(2026, 3, 2), 300.0, True, 1.5),
        ("I2", dt.datetime(2026, 7, 1, 22, 30, tzinfo=UTC), dt.date(2026, 7, 1), 12.0, False, None),
    ]
