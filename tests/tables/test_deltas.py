"""Previous-period deltas: direction in words, better or worse by the metric's direction, and
"too few to judge" when either sample is below the metric's minimum."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from upswing.metrics import CATALOG, Aggregate, Better, min_sample
from upswing.tables.rules.deltas import Trend, Verdict, compare_to_previous


def test_a_higher_fcr_is_better():
    d = compare_to_previous("fcr", 82.0, 120, 67.0, 110)
    assert (d.trend, d.verdict, d.arrow) == (Trend.UP, Verdict.BETTER, "↑")
    assert d.words == "up 15.0 pts, better"


def test_a_lower_handle_time_is_better():
    d = compare_to_previous("aht", 300.0, 50, 340.0, 60)
    assert (d.trend, d.verdict, d.words) == (Trend.DOWN, Verdict.BETTER, "down 40 s, better")


def test_volume_has_no_direction_and_is_never_too_few():
    d = compare_to_previous("volume", 3.0, 3, 5.0, 5)
    assert (d.trend, d.verdict, d.words) == (Trend.DOWN, Verdict.NEUTRAL, "down 2")


def test_a_small_sample_on_either_side_is_too_few_to_judge():
    for current_n, previous_n in ((3, 100), (100, 3), (None, 100)):
        d = compare_to_previous("fcr", 90.0, current_n, 50.0, previous_n)
        assert (d.trend, d.words) == (Trend.TOO_FEW, "too few to judge")


def test_no_previous_value_says_so():
    d = compare_to_previous("csat", 80.0, 50, None, None)
    assert d.trend is Trend.NO_PREVIOUS
    assert d.words == "no previous value"


def test_a_change_too_small_to_show_is_no_change():
    d = compare_to_previous("fcr", 70.04, 50, 70.0, 50)
    assert (d.trend, d.verdict, d.words) == (Trend.SAME, Verdict.NEUTRAL, "no change")


SAMPLED = [c for c, m in CATALOG.items() if m.aggregate is not Aggregate.COUNT]


@given(
    st.sampled_from(SAMPLED),
    st.floats(0, 1000, allow_nan=False),
    st.floats(0, 1000, allow_nan=False),
    st.integers(0, 500),
    st.integers(0, 500),
)
def test_the_words_follow_the_numbers(metric, current, previous, n1, n2):
    d = compare_to_previous(metric, current, n1, previous, n2)
    if min(n1, n2) < min_sample(metric):
        assert d.trend is Trend.TOO_FEW
        return
    if d.trend is Trend.UP:
        assert current > previous
        assert d.words.startswith("up ")
    elif d.trend is Trend.DOWN:
        assert current < previous
        assert d.words.startswith("down ")
    better = CATALOG[metric].better
    if d.verdict is Verdict.BETTER:
        assert (current > previous) == (better is Better.HIGHER)
        assert d.words.endswith("better")
    if d.verdict is Verdict.WORSE:
        assert (current < previous) == (better is Better.HIGHER)
        assert d.words.endswith("worse")
