"""`upswing scorecard --period` with a quarter or custom days: computed from the warehouse like
the pages and the API, so custom days of one stored week read as that week does, and a
quarter's counts are its three months' summed; bad days are refused in words."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from upswing.cli import main
from upswing.scorecards.refresh import refresh

from .refresh_data import interaction, load, roster

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 5)  # a Monday


@pytest.fixture
def data(tmp_path, warehouse_url):
    load(tmp_path, "roster", roster())
    calls = [
        interaction(
            f"c{d}-{k}",
            agent,
            "P1",
            JAN + dt.timedelta(days=d),
            minute=60 * (k + 8),
            handle=100.0 + 13 * ((d + k) % 9),
            resolved=(d + k) % 4 != 0,
        )
        for d in range(0, 120)
        for k, agent in enumerate(("A1", "A2"))
    ]
    load(tmp_path, "interactions", calls)
    refresh(full=True)


def card(*args: str) -> dict:
    result = CliRunner().invoke(main, ["scorecard", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return {m["metric"]: m for m in json.loads(result.output)["metrics"]}


def test_custom_days_of_one_week_read_as_that_week(data):
    week = card("--agent", "A1", "--period", "2026-W03")
    days = card("--agent", "A1", "--period", "2026-01-12..2026-01-18")
    assert days.keys() == week.keys()
    for metric, line in week.items():
        assert days[metric]["value"] == pytest.approx(line["value"]), metric
        assert days[metric]["n"] == line["n"], metric


def test_a_quarter_sums_its_three_months(data):
    quarter = card("--team", "T1", "--period", "2026-Q1")
    months = card("--team", "T1", "--period", "2026-01..2026-03")
    assert quarter["volume"]["n"] == months["volume"]["n"] > 0
    assert quarter["fcr"]["value"] == pytest.approx(months["fcr"]["value"])


@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("2026-03-01..2026-02-01", "before it starts"),
        ("2999-Q1", "has not started yet"),
    ],
)
def test_bad_days_are_refused_in_words(data, period, words):
    result = CliRunner().invoke(main, ["scorecard", "--team", "T1", "--period", period])
    assert result.exit_code != 0
    assert words in result.output
    assert "Traceback" not in result.output
