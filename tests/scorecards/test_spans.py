"""The scorecard pages' spans: quarters across year edges, custom days checked with words,
the labels people read, and the picker's links."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upswing.periods import Period, PeriodKind
from upswing.scorecards.spans import (
    MAX_CUSTOM_DAYS,
    LiveSpan,
    SpanError,
    check_not_future,
    custom_span,
    latest_today,
    parse_span,
    quarter_of,
    span_choice,
)
from upswing.tables.rules.ranges import RangeKind

TODAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("day", "start", "end", "label"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026-Q1"),
        (dt.date(2026, 3, 31), dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026-Q1"),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 1), dt.date(2026, 6, 30), "2026-Q2"),
        (dt.date(2026, 9, 30), dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026-Q3"),
        (dt.date(2026, 12, 31), dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026-Q4"),
        (dt.date(2028, 2, 29), dt.date(2028, 1, 1), dt.date(2028, 3, 31), "2028-Q1"),
    ],
)
def test_a_quarter_runs_from_its_first_to_its_last_day(day, start, end, label):
    q = quarter_of(day)
    assert (q.start, q.end, q.label) == (start, end, label)
    assert parse_span(label) == q


def test_quarters_step_over_the_year_edges():
    q1 = parse_span("2027-Q1")
    assert q1.previous().label == "2026-Q4"
    assert q1.previous().end == dt.date(2026, 12, 31)
    assert parse_span("2026-Q4").next() == q1
    assert parse_span("2026-Q1").previous() == parse_span("2025-Q4")
    assert parse_span("2026-q3").human == "Q3 2026 (1 Jul – 30 Sep)"


@given(st.dates(min_value=dt.date(1991, 1, 1), max_value=dt.date(2998, 12, 31)))
def test_every_day_is_in_exactly_one_quarter_and_quarters_tile(day):
    q = quarter_of(day)
    assert q.start <= day <= q.end
    assert q.previous().end + dt.timedelta(days=1) == q.start
    assert q.next().start == q.end + dt.timedelta(days=1)
    assert q.start.day == 1
    assert q.start.month in (1, 4, 7, 10)
    assert 90 <= q.days <= 92


def test_custom_days_are_named_as_people_write_them():
    span = parse_span("2026-08-01..2026-09-14")
    assert isinstance(span, LiveSpan)
    assert span.kind is RangeKind.CUSTOM
    assert span.human == "1 Aug – 14 Sep 2026"
    assert span.label == "2026-08-01..2026-09-14"
    assert custom_span("2025-12-20", "2026-01-10").human == "20 Dec 2025 – 10 Jan 2026"
    assert custom_span("2026-09-14", "2026-09-14").human == "14 Sep 2026"


def test_the_range_before_custom_days_has_as_many_days_just_before():
    span = custom_span("2026-08-01", "2026-09-14")
    before = span.previous()
    assert before.end == dt.date(2026, 7, 31)
    assert before.days == span.days == 45
    assert before.kind is RangeKind.CUSTOM


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        ("2026-09-14", "2026-08-01", "ends (1 Aug 2026) before it starts (14 Sep 2026)"),
        ("2025-01-01", "2026-01-02", f"at most {MAX_CUSTOM_DAYS} days"),
        ("2026-02-30", "2026-03-01", "is not a date; write it like 2026-08-01"),
        ("yesterday", "2026-03-01", "'yesterday' is not a date"),
        ("", "2026-03-01", "needs a start date"),
        ("2026-03-01", "", "needs an end date"),
        ("1066-10-14", "1066-10-14", "Scorecards run from 1990"),
    ],
)
def test_bad_custom_days_are_refused_with_words(first, last, words):
    with pytest.raises(SpanError, match=words.replace("(", r"\(").replace(")", r"\)")):
        custom_span(first, last)


def test_a_year_of_days_is_allowed_and_one_more_is_not():
    start = dt.date(2025, 1, 1)
    assert custom_span(str(start), str(start + dt.timedelta(days=MAX_CUSTOM_DAYS - 1)))
    with pytest.raises(SpanError):
        custom_span(str(start), str(start + dt.timedelta(days=MAX_CUSTOM_DAYS)))


@pytest.mark.parametrize("text", ["2026-Q5", "2026-Q0", "Q3", "2026-08-01..", "2026-W60", "x"])
def test_anything_else_is_not_a_span(text):
    with pytest.raises(SpanError):
        parse_span(text)


def test_the_future_is_refused_but_a_running_quarter_is_shown():
    check_not_future(parse_span("2026-Q4"), TODAY)  # running: shown, marked partial
    with pytest.raises(SpanError, match="has not started yet"):
        check_not_future(parse_span("2027-Q1"), TODAY)
    with pytest.raises(SpanError, match="after today"):
        check_not_future(custom_span("2026-11-01", "2026-12-04"), TODAY)
    check_not_future(custom_span("2026-11-01", "2026-12-03"), TODAY)


def test_today_is_the_latest_calendar_day_anywhere():
    late = dt.datetime(2026, 12, 3, 11, 0, tzinfo=dt.UTC)
    assert latest_today(late) == dt.date(2026, 12, 4)  # already the 4th at UTC+14
    assert latest_today(late.replace(hour=9)) == dt.date(2026, 12, 3)


def test_the_picker_links_a_week_to_its_month_and_quarter_and_back():
    weeks = [Period(PeriodKind.WEEK, dt.date(2026, 9, 28) + dt.timedelta(weeks=k)) for k in (0, 1)]
    months = [
        Period(PeriodKind.MONTH, dt.date(2026, 9, 1)),
        Period(PeriodKind.MONTH, dt.date(2026, 10, 1)),
    ]
    choice = span_choice([*weeks, *months], weeks[1], TODAY)
    assert choice.kind == "week"
    assert choice.month == months[1]
    assert choice.quarter.label == "2026-Q4"
    assert choice.older == weeks[0]
    assert choice.newer is None
    q3 = span_choice([*weeks, *months], parse_span("2026-Q3"), TODAY)
    assert q3.kind == "quarter"
    assert q3.older.label == "2026-Q2"
    assert q3.newer.label == "2026-Q4"
    assert q3.month == months[0]  # the stored month holding its last day
    q4 = span_choice([*weeks, *months], parse_span("2026-Q4"), TODAY)
    assert q4.newer is None  # 2027-Q1 has not started
    assert q4.custom_to == TODAY
    custom = span_choice([*weeks, *months], custom_span("2026-11-20", "2026-12-01"), TODAY)
    assert custom.newer is None  # the next twelve days run past today
    assert custom.older.label == "2026-11-08..2026-11-19"


def test_the_picker_steps_over_missing_stored_periods():
    stored = [parse_span(p) for p in ("2026-W40", "2026-W41", "2026-W43", "2026-10", "2026-09")]
    choice = span_choice(stored, stored[1], TODAY)
    assert (choice.older.label, choice.newer.label) == ("2026-W40", "2026-W43")  # W42 missing
    assert (choice.first.label, choice.last.label) == ("2026-W40", "2026-W43")
    assert choice.month.label == "2026-10"  # W41 ends on 11 October
    assert span_choice(stored, stored[0], TODAY).older is None
    month = span_choice(stored, stored[3], TODAY)
    assert (month.older.label, month.newer) == ("2026-09", None)
    assert month.week.label == "2026-W43"  # the newest stored week in October
    only_weeks = span_choice(stored[:2], stored[1], TODAY)
    assert only_weeks.month is None
