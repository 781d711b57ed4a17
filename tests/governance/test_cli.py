"""`upswing governance breaches --program ID [--as-of DATE] --format json|table`."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from governance.conftest import add_event, month_value
from upswing.cli import main
from upswing.governance.actions import do_accept_excuse
from upswing.scorecards.models import ScorecardSnapshot


def _run(*args):
    return CliRunner().invoke(main, ["governance", *args], catch_exceptions=False)


def test_breaches_in_json_with_window_value_floor_excuse_and_count(world):
    ScorecardSnapshot.objects.bulk_create(
        month_value(world.program, "fcr", dt.date(2026, m, 1), v)
        for m, v in {1: 79.5, 2: 90, 3: 70}.items()
    )
    add_event(world.program, "E1", dt.date(2026, 1, 20), dt.date(2026, 1, 21))
    do_accept_excuse(world.program, "E1", actor=world.users["lead"])
    result = _run("breaches", "--program", "P-NY", "--as-of", "2026-03-31", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["as_of"] == "2026-03-31"
    got = [
        (b["metric"], b["period"], b["value"], b["floor"], b["excused"], b["count"])
        for b in payload["breaches"]
    ]
    assert got == [
        ("fcr", "2026-01", 79.5, 80.0, True, None),
        ("fcr", "2026-03", 70.0, 80.0, False, 1),
    ]
    assert payload["breaches"][1]["escalation"] == "within_allowance"
    assert payload["allowance"] == {"corrective_after": 2, "review_after": 3, "rolling_months": 6}


def test_breaches_as_a_table(world):
    ScorecardSnapshot.objects.bulk_create(
        [month_value(world.program, "aht", dt.date(2026, 2, 1), 333)]
    )
    result = _run("breaches", "--program", "P-NY", "--as-of", "2026-02-28")
    assert result.exit_code == 0, result.output
    assert "Average handle time" in result.output
    assert "333 s" in result.output
    assert "1 of 1 allowed" in result.output


def test_an_unknown_program_or_date_is_a_usage_error(world):
    assert "no program 'NOPE'" in _run("breaches", "--program", "NOPE").output
    bad = _run("breaches", "--program", "P-NY", "--as-of", "31/03/2026")
    assert bad.exit_code == 2
    assert "not a date" in bad.output
    assert "has no contract" in _run("breaches", "--program", "P-OTHER").output
