"""How a refresh writes its rows over the ones already there: updated in place, written in
every column when a row's team, program or part changed, partial flags set from the data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from upswing.org.models import Client, Program
from upswing.performance.models import ScorecardSnapshot
from upswing.scorecards.refresh_scope import Scope
from upswing.scorecards.snapshot_writes import replace_snapshots

pytestmark = pytest.mark.django_db

WEEK = dt.date(2026, 3, 2)
NEXT = dt.date(2026, 3, 9)


def frame(*rows: dict) -> pd.DataFrame:
    base = {
        "level": "agent", "entity_id": "A1", "team_id": "T1", "program_id": "P1",
        "period_kind": "week", "period_start": WEEK, "metric": "volume", "value": 1.0,
        "numerator": 1.0, "n": 1, "ci_low": None, "ci_high": None, "baseline": 1.0,
        "sla_floor": None, "kpi_target": None, "status": "no_target", "part": "",
    }  # fmt: skip
    return pd.DataFrame([{**base, **row} for row in rows])


def stored() -> dict:
    rows = ScorecardSnapshot.objects.values_list(
        "entity_code", "period_start", "team_code", "program_code", "part", "value", "partial"
    )
    return {(e, s): rest for e, s, *rest in rows}


@pytest.fixture
def programs():
    client = Client.objects.create(code="C1", name="Client")
    for code in ("P1", "P2"):
        Program.objects.create(code=code, name=code, client=client)


def some_weeks(**more) -> Scope:
    return Scope(("P1",), WEEK, NEXT, periods={"week": (WEEK, NEXT), "month": ()}, **more)


def test_rows_already_there_are_updated_and_the_new_ones_added(programs):
    ends = {"P1": NEXT}
    replace_snapshots(frame({}, {"entity_id": "A2"}), some_weeks(), ends)
    replace_snapshots(
        frame({"value": 5.0}, {"entity_id": "A2", "value": 6.0}, {"period_start": NEXT}),
        some_weeks(),
        ends,
    )
    assert stored() == {
        ("A1", WEEK): ["T1", "P1", "", 5.0, False],
        ("A2", WEEK): ["T1", "P1", "", 6.0, False],
        ("A1", NEXT): ["T1", "P1", "", 1.0, True],  # its week runs past the last day
    }


def test_a_row_whose_team_program_or_part_changed_is_written_in_every_column(programs):
    ends = {"P1": NEXT}
    replace_snapshots(frame({}, {"entity_id": "A2"}, {"entity_id": "A3"}), some_weeks(), ends)
    replace_snapshots(
        frame(
            {"team_id": "T2", "part": "teams", "value": 2.0},  # moved team mid-week
            {"entity_id": "A2", "value": 3.0},
            {"entity_id": "A3", "program_id": "P2", "value": 4.0},
        ),
        some_weeks(agents=("A1", "A2", "A3")),
        ends,
    )
    assert stored() == {
        ("A1", WEEK): ["T2", "P1", "teams", 2.0, False],
        ("A2", WEEK): ["T1", "P1", "", 3.0, False],
        ("A3", WEEK): ["T1", "P2", "", 4.0, False],
    }


def test_a_parts_rows_are_written_once_on_a_night_a_row_moved(programs):
    """A split agent's team parts are new rows each night; on a night when another row's
    team changed (the pass that writes the moved rows), they must not be written again."""
    parts = (
        {"team_id": "T1", "part": "team", "value": 1.0},
        {"team_id": "T2", "part": "team", "value": 2.0},
    )
    replace_snapshots(frame({"part": "teams"}, *parts, {"entity_id": "A2"}), some_weeks(), {})
    replace_snapshots(
        frame({"part": "teams"}, *parts, {"entity_id": "A2", "team_id": "T2"}),  # A2 moved
        some_weeks(agents=("A1", "A2")),
        {},
    )
    rows = ScorecardSnapshot.objects.order_by("entity_code", "part", "team_code")
    assert list(rows.values_list("entity_code", "part", "team_code")) == [
        ("A1", "team", "T1"),
        ("A1", "team", "T2"),
        ("A1", "teams", "T1"),
        ("A2", "", "T2"),
    ]


def test_a_period_the_data_now_covers_is_no_longer_partial(programs):
    replace_snapshots(frame({"period_start": NEXT}), some_weeks(), {"P1": NEXT})
    assert stored()[("A1", NEXT)][-1] is True
    replace_snapshots(
        frame({"period_start": NEXT, "value": 2.0}), some_weeks(), {"P1": NEXT + dt.timedelta(6)}
    )
    assert stored()[("A1", NEXT)][-2:] == [2.0, False]


def _indexes() -> set[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
            [ScorecardSnapshot._meta.db_table],
        )
        return set(cursor.fetchall())


def test_a_refill_of_everything_keeps_every_index_as_it_was(programs):
    before = _indexes()
    assert len(before) >= 5  # the unique constraint's and the four others
    everything = Scope(("P1", "P2"), None, None)
    replace_snapshots(frame({}, {"entity_id": "A2", "program_id": "P2"}), everything, {})
    assert _indexes() == before
    assert set(stored()) == {("A1", WEEK), ("A2", WEEK)}
