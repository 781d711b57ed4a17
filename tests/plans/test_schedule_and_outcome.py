"""The plan calendar (phases, working-day checkpoints) and outcome decisions, bursts included."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from tests.plans.builders import START, good_terms, weeks

from upswing.plans.rules import (
    Blocker,
    SupportRecord,
    Verdict,
    extended_terms,
    lint_plan,
    plan_phases,
    review_plan,
    weekly_checkpoints,
)
from upswing.plans.rules.schedule import plan_start


@pytest.mark.parametrize(
    ("length", "bounds"),
    [
        (90, [(1, 30), (31, 60), (61, 90)]),
        (60, [(1, 20), (21, 40), (41, 60)]),
        (30, [(1, 10), (11, 20), (21, 30)]),
    ],
)
def test_phases_are_thirds_of_the_plan(length, bounds):
    phases = plan_phases(START, length)
    assert [(p.first_day, p.last_day) for p in phases] == bounds
    assert [p.name for p in phases] == ["Quick wins", "Skill-building", "Consistency"]
    assert phases[-1].ends_on == START + dt.timedelta(days=length - 1)


def test_checkpoints_are_weekly_on_working_days_with_a_final_review():
    days = weekly_checkpoints(START, 90)
    assert all(d.weekday() < 5 for d in days)
    assert days[0] == dt.date(2026, 11, 30)
    assert days[-1] == dt.date(2027, 2, 19)  # day 90 is a Saturday: the Friday before
    assert all(1 <= (b - a).days <= 7 for a, b in itertools.pairwise(days))


def test_a_checkpoint_on_a_holiday_or_weekend_moves_to_the_working_day_before():
    wednesday = dt.date(2026, 12, 2)
    holidays = {dt.date(2026, 12, 9)}
    days = weekly_checkpoints(wednesday, 30, holidays)
    assert dt.date(2026, 12, 8) in days
    assert dt.date(2026, 12, 9) not in days
    saturday_start = dt.date(2026, 11, 28)
    assert all(d.weekday() < 5 for d in weekly_checkpoints(saturday_start, 30))


def test_a_plan_starts_on_the_next_working_day():
    assert plan_start(dt.date(2026, 11, 20)) == dt.date(2026, 11, 23)  # Friday -> Monday
    assert plan_start(dt.date(2026, 11, 23)) == dt.date(2026, 11, 24)


# --- outcomes -------------------------------------------------------------------------------

PLAN = good_terms(
    goals=good_terms().goals[1:],  # QA 62 -> 85
    support=(dataclasses.replace(good_terms().support[1], goal=0),),
)
REVIEW_DAY = PLAN.end_date  # 2027-02-20; the plan's weeks run 2026-W48 .. 2027-W07
SUPPORTED = SupportRecord(12, 12, 11, 12)


def qa_weeks(last_four, earlier=70.0):
    """Weekly QA over the plan: `earlier` until the last four weeks, then those values."""
    values = [earlier] * 9 + list(last_four)
    return {"qa": weeks(values, "qa", first=START)}


def test_success_needs_the_target_in_3_of_the_last_4_weeks():
    review = review_plan(PLAN, REVIEW_DAY, qa_weeks([86, 84, 87, 88]), SUPPORTED)
    assert review.verdict is Verdict.SUCCESS
    assert "met 85.0% in 3 of the last 4 weeks" in review.reasons[0]


def test_a_burst_in_the_final_two_weeks_is_not_recovery():
    review = review_plan(PLAN, REVIEW_DAY, qa_weeks([70, 72, 90, 95]), SUPPORTED)
    assert review.verdict is Verdict.EXTEND
    assert all(t.burst for t in review.targets)
    assert "a burst before the review date is not recovery" in review.reasons[0]


def test_partial_progress_extends_by_30_days_with_updated_goals():
    review = review_plan(PLAN, REVIEW_DAY, qa_weeks([78, 80, 79, 81]), SUPPORTED)
    assert review.verdict is Verdict.EXTEND
    extended = extended_terms(PLAN, review.targets)
    assert extended.length_days == 120
    assert extended.goals[0].baseline == pytest.approx(79.5)
    assert max(extended.checkpoints) > PLAN.end_date
    assert review.extension["length_days"] == 120
    assert not [p for p in lint_plan(extended) if p.severity == "error"]


def test_no_progress_despite_documented_support_is_for_people_to_decide():
    review = review_plan(PLAN, REVIEW_DAY, qa_weeks([61, 63, 60, 62]), SUPPORTED)
    assert review.verdict is Verdict.DECIDE
    assert review.options == ("role_change", "exit")
    assert "12 of 12 checkpoints completed" in " ".join(review.reasons)


def test_no_progress_without_the_support_delivered_extends_instead():
    thin = SupportRecord(12, 5, 3, 2)
    review = review_plan(PLAN, REVIEW_DAY, qa_weeks([61, 63, 60, 62]), thin)
    assert review.verdict is Verdict.EXTEND
    assert "not documented as delivered" in " ".join(review.reasons)


def test_a_week_without_data_counts_as_not_met():
    review = review_plan(PLAN, REVIEW_DAY, qa_weeks([86, None, 87, 60]), SUPPORTED)
    assert review.verdict is not Verdict.SUCCESS
    assert "1 week without data count as not met" in review.reasons[0]


def test_blocked_weeks_are_weighed_before_a_decision():
    blocked_week = START + dt.timedelta(weeks=10)
    record = dataclasses.replace(
        SUPPORTED, blockers=(Blocker(blocked_week, "system_issue", "CRM outage"),)
    )
    review = review_plan(PLAN, REVIEW_DAY, qa_weeks([86, 60, 87, 60]), record)
    assert review.verdict is Verdict.EXTEND
    assert "CRM outage" in " ".join(review.reasons)


def test_after_one_extension_partial_progress_goes_to_people():
    record = dataclasses.replace(SUPPORTED, extensions=1)
    review = review_plan(PLAN, REVIEW_DAY, qa_weeks([78, 80, 79, 81]), record)
    assert review.verdict is Verdict.DECIDE
    assert review.options == ("extend", "role_change", "exit")
