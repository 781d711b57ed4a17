"""Plan JSON from anywhere (the API, `upswing plan lint FILE`, the editor) is read into terms
and linted without an error, however far its dates and numbers run: what the calendar cannot
hold is a shape problem naming the field, never an exception."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from upswing.plans.rules import PlanTerms
from upswing.plans.rules.lint import lint_plan

days = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str)
wholes = st.integers(min_value=-(10**12), max_value=10**12)


@given(start=days, length=wholes, due_day=wholes, checkpoint=days)
def test_any_dates_and_lengths_are_read_and_linted_without_an_error(
    start, length, due_day, checkpoint
):
    terms = PlanTerms.from_dict(
        {
            "agent_id": "A1",
            "start_date": start,
            "length_days": length,
            "checkpoints": [checkpoint],
            "goals": [{"metric": "fcr", "baseline": 60, "target": 75, "due_day": due_day}],
        }
    )
    problems = lint_plan(terms)
    assert terms.end_date is None or terms.end_date >= terms.start_date
    assert all(p.rule for p in problems)


def test_the_problem_names_the_field_and_the_bounds():
    terms = PlanTerms.from_dict(
        {"agent_id": "A1", "start_date": "9999-12-30", "length_days": 10**9}
    )
    assert terms.shape_errors == (
        "start_date must fall between 2000 and 2999",
        "length_days must be between -100000 and 100000",
    )
    assert terms.end_date is None
    short = PlanTerms.from_dict({"agent_id": "A1", "start_date": "2026-11-02", "length_days": 0})
    assert short.shape_errors == ("length_days must be from 1 to 3650, not 0",)
