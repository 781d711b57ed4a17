"""Re-importing a file changes nothing; a corrected row updates its record; time zones."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.ingest.conftest import (
    DATA,
    INTERACTIONS,
    QA,
    ROSTER,
    everything_stored,
    orm_contents,
    run_import,
    warehouse_rows,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.mark.parametrize("kind", list(DATA))
def test_the_same_file_twice_changes_nothing(kind, tmp_path, warehouse_url):
    for before in ("roster", "interactions") if kind == "surveys" else ("roster",):
        if before != kind:
            run_import(before, tmp_path)
    first = run_import(kind, tmp_path)
    stored = everything_stored()
    second = run_import(kind, tmp_path)
    assert (first.inserted, first.updated) == (len(DATA[kind]), 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, len(DATA[kind]))
    assert everything_stored() == stored


def test_a_corrected_interaction_is_updated(tmp_path, warehouse_url):
    run_import("roster", tmp_path)
    run_import("interactions", tmp_path)
    corrected = [dict(r) for r in INTERACTIONS]
    corrected[1]["handle_seconds"] = "250"
    result = run_import("interactions", tmp_path, corrected, name="fixed")
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    rows = {r[1]: r for r in warehouse_rows("interactions")}
    assert rows["I2"][6] == 250.0
    assert len(rows) == 3
    # The day of the corrected row is due for a refresh.
    assert ("P1", dt.date(2026, 3, 2)) in {r[:2] for r in warehouse_rows("dirty_days")}


def test_the_same_ids_from_another_source_are_other_rows(tmp_path, warehouse_url):
    run_import("roster", tmp_path)
    run_import("interactions", tmp_path, source="crm")
    result = run_import("interactions", tmp_path, source="dialer")
    assert result.inserted == 3
    assert len(warehouse_rows("interactions")) == 6


def test_a_qa_evaluation_with_fewer_criteria_drops_the_removed_ones(tmp_path, warehouse_url):
    run_import("roster", tmp_path)
    run_import("qa", tmp_path)
    result = run_import("qa", tmp_path, QA[:2], name="qa-fewer")
    # The evaluation changed as a whole: its remaining rows count as updated.
    assert (result.inserted, result.updated) == (0, 2)
    assert [r[2] for r in warehouse_rows("qa_scores")] == ["greeting", "verification"]
    again = run_import("qa", tmp_path, QA[:2], name="qa-fewer")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)


def test_a_qa_evaluation_with_a_changed_criterion_replaces_it(tmp_path, warehouse_url):
    run_import("roster", tmp_path)
    run_import("qa", tmp_path)
    rows = [dict(r) for r in QA]
    rows[2]["criterion"] = "farewell"
    result = run_import("qa", tmp_path, rows, name="qa-renamed")
    assert result.inserted == 1
    assert [r[2] for r in warehouse_rows("qa_scores")] == ["farewell", "greeting", "verification"]


def test_a_corrected_roster_row_is_updated(tmp_path, warehouse_url):
    run_import("roster", tmp_path)
    rows = [dict(r) for r in ROSTER]
    rows[1]["name"] = "Bruno M. Costa"
    result = run_import("roster", tmp_path, rows, name="roster-fixed")
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    assert ("A2", "Bruno M. Costa", "", dt.date(2026, 1, 1)) in orm_contents()["agents"]


def test_a_transfer_closes_the_old_membership(tmp_path, warehouse_url):
    run_import("roster", tmp_path)
    moved = [dict(ROSTER[0], team_id="T3", team_name="Lisbon chat", start_date="2026-04-01")]
    result = run_import("roster", tmp_path, moved, name="transfer")
    assert (result.inserted, result.updated) == (1, 0)
    assert [m for m in orm_contents()["memberships"] if m[0] == "A1"] == [
        ("A1", "T1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("A1", "T3", dt.date(2026, 4, 1), None),
    ]


def test_corrected_targets_coaching_and_surveys_are_updated(tmp_path, warehouse_url):
    for kind in ("roster", "interactions", "surveys", "targets", "coaching"):
        run_import(kind, tmp_path)
    targets = [dict(r) for r in DATA["targets"]]
    targets[0]["kpi_target"] = "350"
    assert run_import("targets", tmp_path, targets, name="t2").updated == 1
    coaching = [dict(r) for r in DATA["coaching"]]
    coaching[0]["notes"] = "listened to three calls"
    assert run_import("coaching", tmp_path, coaching, name="c2").updated == 1
    surveys = [dict(r) for r in DATA["surveys"]]
    surveys[0]["score"] = "4"
    assert run_import("surveys", tmp_path, surveys, name="s2").updated == 1
    stored = orm_contents()
    assert ("P1", None, "aht", 420.0, 350.0, "MSA §4.2", dt.date(2026, 1, 1)) in stored["targets"]
    assert stored["coaching"][0][6] == "listened to three calls"
    assert warehouse_rows("surveys")[0][3] == 4.0


# --- time zones ---------------------------------------------------------------------------


def _started(tmp_path, started_at: list[str], agent: str = "A1") -> list[tuple]:
    rows = [
        dict(INTERACTIONS[0], interaction_id=f"T{i}", agent_id=agent, started_at=s)
        for i, s in enumerate(started_at)
    ]
    run_import("interactions", tmp_path, rows, name="tz")
    return [(r[4], r[5]) for r in sorted(warehouse_rows("interactions"), key=lambda r: r[1])]


def test_naive_timestamps_are_read_in_the_program_zone(tmp_path, warehouse_url):
    run_import("roster", tmp_path)
    got = _started(
        tmp_path,
        [
            "2026-03-28 23:59:59",  # Lisbon WET (UTC+0)
            "2026-03-29 00:30:00",  # before the spring change at 01:00
            "2026-03-29 03:00:00",  # after it: WEST (UTC+1)
            "2026-07-01 00:15:00",  # summer: 23:15 UTC the day before, local date stays July 1
            "2026-10-25 00:30:00",  # fall back day, still summer time
        ],
    )
    assert got == [
        (dt.datetime(2026, 3, 28, 23, 59, 59, tzinfo=UTC), dt.date(2026, 3, 28)),
        (dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC), dt.date(2026, 3, 29)),
        (dt.datetime(2026, 3, 29, 2, 0, tzinfo=UTC), dt.date(2026, 3, 29)),
        (dt.datetime(2026, 6, 30, 23, 15, tzinfo=UTC), dt.date(2026, 7, 1)),
        (dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC), dt.date(2026, 10, 25)),
    ]


def test_offsets_are_respected_and_local_dates_cross_midnight(tmp_path, warehouse_url):
    run_import("roster", tmp_path)
    got = _started(
        tmp_path,
        [
            "2026-03-03T02:30:00+00:00",  # 21:30 the day before in New York (UTC-5)
            "2026-03-03T02:30:00Z",
            "2026-03-09 01:30:00-0400",  # after the US change (2026-03-08): 05:30 UTC
            "2026-03-08 23:30:00",  # naive, EDT (UTC-4): 03:30 UTC next day
        ],
        agent="A3",
    )
    assert got == [
        (dt.datetime(2026, 3, 3, 2, 30, tzinfo=UTC), dt.date(2026, 3, 2)),
        (dt.datetime(2026, 3, 3, 2, 30, tzinfo=UTC), dt.date(2026, 3, 2)),
        (dt.datetime(2026, 3, 9, 5, 30, tzinfo=UTC), dt.date(2026, 3, 9)),
        (dt.datetime(2026, 3, 9, 3, 30, tzinfo=UTC), dt.date(2026, 3, 8)),
    ]


def test_qa_dates_follow_the_program_zone(tmp_path, warehouse_url):
    run_import("roster", tmp_path)
    rows = [dict(QA[0], agent_id="A3", evaluated_at="2026-03-04 22:00:00")]
    run_import("qa", tmp_path, rows)
    assert warehouse_rows("qa_scores")[0][6:8] == (
        dt.datetime(2026, 3, 5, 3, tzinfo=UTC),
        dt.date(2026, 3, 4),
    )
