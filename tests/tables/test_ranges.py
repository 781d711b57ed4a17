"""The date-range picker: week, month, quarter and custom ranges, in the program's zone."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upswing.tables.rules.ranges import (
    MAX_CUSTOM_DAYS,
    DateRange,
    RangeKind,
    bounds_in_zone,
    parse_range,
    range_of,
    today_in,
)

TODAY = dt.date(2026, 12, 3)  # a Thursday in 2026-W49, Q4


def test_the_default_is_the_week_holding_today():
    chosen, notes = parse_range({}, TODAY)
    assert (chosen.start, chosen.end, chosen.label, notes) == (
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 6),
        "2026-W49",
        (),
    )


@pytest.mark.parametrize(
    ("params", "start", "end", "label"),
    [
        ({"range": "week", "at": "2026-W01"}, (2025, 12, 29), (2026, 1, 4), "2026-W01"),
        ({"range": "week", "at": "2020-W53"}, (2020, 12, 28), (2021, 1, 3), "2020-W53"),
        ({"range": "month", "at": "2024-02"}, (2024, 2, 1), (2024, 2, 29), "2024-02"),
        ({"range": "quarter", "at": "2026-Q1"}, (2026, 1, 1), (2026, 3, 31), "2026-Q1"),
        ({"range": "quarter", "at": "2026-q4"}, (2026, 10, 1), (2026, 12, 31), "2026-Q4"),
        ({"range": "quarter"}, (2026, 10, 1), (2026, 12, 31), "2026-Q4"),
        (
            {"range": "custom", "from": "2026-10-05", "to": "2026-11-20"},
            (2026, 10, 5),
            (2026, 11, 20),
            "2026-10-05 – 2026-11-20",
        ),
    ],
)
def test_each_kind_reads_its_label(params, start, end, label):
    chosen, notes = parse_range(params, TODAY)
    assert (chosen.start, chosen.end, chosen.label, notes) == (
        dt.date(*start),
        dt.date(*end),
        label,
        (),
    )


@pytest.mark.parametrize(
    "params",
    [
        {"range": "decade"},
        {"range": "week", "at": "2026-13"},
        {"range": "week", "at": "2026-W60"},
        {"range": "month", "at": "2026-W10"},
        {"range": "quarter", "at": "2026-Q5"},
        {"range": "custom", "from": "2026-10-05"},
        {"range": "custom", "from": "yesterday", "to": "2026-10-05"},
        {"range": "custom", "from": "2026-02-30", "to": "2026-03-05"},
    ],
)
def test_bad_input_falls_back_with_a_note(params):
    chosen, notes = parse_range(params, TODAY)
    assert notes
    assert chosen.contains(TODAY)


def test_a_reversed_custom_range_is_swapped_and_a_long_one_cut():
    chosen, notes = parse_range(
        {"range": "custom", "from": "2026-03-01", "to": "2026-01-01"}, TODAY
    )
    assert (chosen.start, chosen.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    assert notes
    chosen, notes = parse_range(
        {"range": "custom", "from": "1900-01-01", "to": "2026-01-01"}, TODAY
    )
    assert chosen.days == MAX_CUSTOM_DAYS
    assert chosen.end == dt.date(2026, 1, 1)
    assert notes


def test_previous_crosses_quarter_and_year_edges():
    q1 = range_of(RangeKind.QUARTER, dt.date(2026, 2, 14))
    assert q1.previous() == DateRange(dt.date(2025, 10, 1), dt.date(2025, 12, 31), q1.kind)
    assert q1.next().start == dt.date(2026, 4, 1)
    march = range_of(RangeKind.MONTH, dt.date(2026, 3, 31))
    assert march.previous().end == dt.date(2026, 2, 28)
    custom = DateRange(dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    assert custom.previous() == DateRange(dt.date(2026, 2, 19), dt.date(2026, 2, 28))


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 1)),
    st.sampled_from([RangeKind.WEEK, RangeKind.MONTH, RangeKind.QUARTER]),
)
def test_ranges_hold_their_day_and_tile_the_calendar(day, kind):
    chosen = range_of(kind, day)
    assert chosen.contains(day)
    assert chosen.previous().end + dt.timedelta(days=1) == chosen.start
    assert chosen.next().start == chosen.end + dt.timedelta(days=1)
    again, notes = parse_range(chosen.params, TODAY)
    assert again == chosen
    assert notes == ()


def test_today_is_the_programs_day():
    instant = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert today_in("UTC", instant) == dt.date(2026, 12, 31)
    assert today_in("Asia/Manila", instant) == dt.date(2027, 1, 1)  # already Q1 there
    assert today_in("America/New_York", instant) == dt.date(2026, 12, 31)
    assert today_in("Not/AZone", instant) == dt.date(2026, 12, 31)


def test_bounds_are_local_midnights_and_keep_a_daylight_saving_day_whole():
    march = range_of(RangeKind.MONTH, dt.date(2026, 3, 1))
    start, end = bounds_in_zone(march, "Europe/Berlin")
    assert start == dt.datetime(2026, 2, 28, 23, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 3, 31, 22, 0, tzinfo=dt.UTC)  # summer time from 29 March
    q = range_of(RangeKind.QUARTER, dt.date(2026, 1, 1))
    start, end = bounds_in_zone(q, "Asia/Manila")
    assert start == dt.datetime(2025, 12, 31, 16, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.UTC)
