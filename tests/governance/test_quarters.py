"""Quarterly SLA lines: calendar quarters pooled exactly from their months, closed only once
their last day has ended, at the year's edge too; a quarter with a month short is open."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.conftest import contract_row, month_value
from upswing.governance.imports import do_import_contracts
from upswing.governance.queries import breach_report_for
from upswing.governance.rules.breaches import (
    Quarter,
    Verdict,
    WindowValue,
    breach_report,
    closed_windows,
    quarter_values,
)
from upswing.governance.rules.contracts import Allowance, ContractTerms, SlaLine, Window
from upswing.scorecards.models import ScorecardSnapshot

D = dt.date
QFCR = SlaLine("fcr", floor=80.0, window=Window.QUARTER)
V1 = ContractTerms("1", D(2026, 1, 1), (QFCR,), Allowance(2, 3, 12))


def month(start: dt.date, value: float, n: int, partial: bool = False) -> WindowValue:
    return WindowValue("fcr", Window.MONTH, start, value, n, partial, value * n / 100)


@pytest.mark.parametrize(
    ("day", "start", "end", "label"),
    [
        (D(2026, 1, 1), D(2026, 1, 1), D(2026, 3, 31), "2026-Q1"),
        (D(2026, 3, 31), D(2026, 1, 1), D(2026, 3, 31), "2026-Q1"),
        (D(2026, 4, 1), D(2026, 4, 1), D(2026, 6, 30), "2026-Q2"),
        (D(2026, 9, 30), D(2026, 7, 1), D(2026, 9, 30), "2026-Q3"),
        (D(2026, 12, 31), D(2026, 10, 1), D(2026, 12, 31), "2026-Q4"),
    ],
)
def test_a_day_falls_in_its_calendar_quarter(day, start, end, label):
    quarter = Quarter.of(day)
    assert (quarter.start, quarter.end, quarter.label) == (start, end, label)


def test_the_quarter_after_the_fourth_is_next_years_first():
    assert Quarter.of(D(2026, 11, 15)).next() == Quarter(D(2027, 1, 1))


def test_a_quarter_closes_once_its_last_day_has_ended():
    assert [q.label for q in closed_windows(Window.QUARTER, D(2026, 1, 1), D(2026, 6, 29))] == [
        "2026-Q1"
    ]
    assert [q.label for q in closed_windows(Window.QUARTER, D(2026, 1, 1), D(2026, 6, 30))] == [
        "2026-Q1",
        "2026-Q2",
    ]
    # A contract from mid-quarter: its first window is the quarter holding that day.
    assert [q.label for q in closed_windows(Window.QUARTER, D(2026, 2, 10), D(2027, 1, 1))] == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4",
    ]  # fmt: skip


def test_months_pool_exactly_into_the_quarter():
    # July 60 % of 100, August 80 % of 300, September 90 % of 100:
    # (60 + 240 + 90) / 500 = 78 %, not the mean of the months (76.7 %).
    [q3] = quarter_values(
        [
            month(D(2026, 7, 1), 60, 100),
            month(D(2026, 8, 1), 80, 300),
            month(D(2026, 9, 1), 90, 100),
        ]
    )
    assert (q3.window, q3.start, q3.n, q3.partial) == (Window.QUARTER, D(2026, 7, 1), 500, False)
    assert q3.value == pytest.approx(78.0)


def test_a_quarter_with_a_month_missing_or_partial_is_open():
    two = quarter_values([month(D(2026, 7, 1), 60, 100), month(D(2026, 8, 1), 80, 300)])
    assert two[0].partial
    short = quarter_values(
        [month(D(2026, 7, 1), 60, 100), month(D(2026, 8, 1), 80, 300),
         month(D(2026, 9, 1), 90, 100, partial=True)]
    )  # fmt: skip
    assert short[0].partial
    report = breach_report([V1], short, [], [], D(2026, 10, 1))
    assert [w.verdict for w in report.windows if w.label == "2026-Q3"] == [Verdict.OPEN]


def test_a_quarter_below_its_floor_is_a_breach_judged_on_the_pooled_value():
    values = quarter_values(
        [
            month(D(2026, 7, 1), 60, 100),
            month(D(2026, 8, 1), 80, 300),
            month(D(2026, 9, 1), 90, 100),
        ]
    )
    before = breach_report([V1], values, [], [], D(2026, 9, 29))
    assert not [w for w in before.windows if w.label == "2026-Q3"]
    report = breach_report([V1], values, [], [], D(2026, 9, 30))
    [breach] = report.breaches
    assert (breach.result.label, breach.result.end, breach.count) == ("2026-Q3", D(2026, 9, 30), 1)
    assert breach.result.value == pytest.approx(78.0)


def test_a_version_starting_mid_quarter_governs_from_the_next_quarter():
    v2 = ContractTerms("2", D(2026, 8, 15), (SlaLine("fcr", 70.0, window=Window.QUARTER),))
    values = quarter_values([month(D(2026, m, 1), 75, 200) for m in (7, 8, 9, 10, 11, 12)])
    report = breach_report([V1, v2], values, [], [], D(2026, 12, 31))
    got = {w.label: (w.version, w.verdict) for w in report.windows}
    # Q3 starts 1 July, before version 2: version 1's floor 80 -> 75 is a breach.
    # Q4 is version 2's: floor 70 -> met.
    assert got["2026-Q3"] == ("1", Verdict.BREACH)
    assert got["2026-Q4"] == ("2", Verdict.MET)


def test_a_quarterly_line_from_the_contract_file_is_judged_on_the_scorecards(world):
    do_import_contracts(
        [contract_row("P-NY", "3", D(2026, 7, 1), "fcr", 80.0, window="quarter")], "test"
    )
    ScorecardSnapshot.objects.bulk_create(
        month_value(world.program, "fcr", D(2026, m, 1), v, n=n)
        for m, v, n in ((7, 60, 100), (8, 80, 300), (9, 90, 100))
    )
    report = breach_report_for(world.program, D(2026, 9, 30))
    [q3] = [w for w in report.windows if w.window is Window.QUARTER]
    assert (q3.label, q3.verdict, q3.n) == ("2026-Q3", Verdict.BREACH, 500)
    assert q3.value == pytest.approx(78.0)
