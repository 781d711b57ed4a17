"""Dispute decisions and analytics."""

from __future__ import annotations

import datetime as dt

import pytest

from upswing.quality.rules.disputes import (
    DecisionRefused,
    DisputeFact,
    Outcome,
    decided_points,
    dispute_analytics,
)

T = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)


def test_accept_gives_full_points_reject_keeps_them_partly_sets_between():
    assert decided_points(Outcome.ACCEPTED, 1, 4) == 4
    assert decided_points(Outcome.REJECTED, 1, 4) == 1
    assert decided_points(Outcome.PARTLY_ACCEPTED, 1, 4, 3) == 3
    for bad in (None, 1, 4, 0.5, 5):
        with pytest.raises(DecisionRefused, match="above the 1 given and below the full 4"):
            decided_points(Outcome.PARTLY_ACCEPTED, 1, 4, bad)


def test_analytics_count_rate_time_and_outcomes_by_criterion_and_evaluator():
    facts = [
        DisputeFact("greet", "qa", T, T + dt.timedelta(hours=4), Outcome.ACCEPTED),
        DisputeFact("greet", "qa", T, T + dt.timedelta(hours=10), Outcome.REJECTED),
        DisputeFact("verify", "qa2", T, T + dt.timedelta(hours=30), Outcome.PARTLY_ACCEPTED),
        DisputeFact("verify", "qa2", T, None, None),
    ]
    a = dispute_analytics(facts, evaluations=40, disputed_evaluations=3)
    assert a.rate == pytest.approx(7.5)
    assert a.open == 1
    assert a.median_hours_to_resolve == pytest.approx(10)
    assert a.by_criterion["greet"] == {"accepted": 1, "rejected": 1}
    assert a.by_evaluator["qa2"] == {"partly_accepted": 1, "open": 1}
    assert dispute_analytics([], 0, 0).rate is None
