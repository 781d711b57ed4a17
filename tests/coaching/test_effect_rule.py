"""The coaching effect rule (coaching.rules.effect_verdict): closed, improving, stuck, not clear
yet, judged on intervals and explained with the numbers.

Plain pytest and hypothesis, no database. Reference values: Newcombe RG (1998), "Interval
estimation for the difference between independent proportions: comparison of eleven methods",
Statistics in Medicine 17:873-890, Table II, example (a) 56/70 - 48/80, method 10 (the score
interval for a difference, built from the two Wilson intervals): 0.0524 to 0.3339.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upswing.coaching import rules
from upswing.findings.rules.gaps import Pooled
from upswing.metrics import CATALOG, Better
from upswing.stats.intervals import compute_wilson_interval

V = rules.EffectVerdict
NEWCOMBE_10 = (0.0524, 0.3339)


def share(successes: int, n: int) -> Pooled:
    """A share in percent with its Wilson interval, as findings.rules.gaps.pool gives it."""
    interval = compute_wilson_interval(successes, n)
    low, high = 100 * interval.low, 100 * interval.high
    return Pooled((), n, successes, 100 * successes / n, low, high, ())


def test_the_change_interval_matches_newcombes_method_10():
    low, high = rules.change_interval(share(48, 80), share(56, 70))
    assert low / 100 == pytest.approx(NEWCOMBE_10[0], abs=5e-5)
    assert high / 100 == pytest.approx(NEWCOMBE_10[1], abs=5e-5)


def test_fcr_from_67_to_82_percent_is_never_called_stuck():
    """The case that was read as "stuck": on 30 interactions each side it is not clear yet; on
    400 each side it is an improvement."""
    small = rules.effect_verdict("fcr", share(20, 30), share(25, 30), standard=None, min_n=10)
    assert small.verdict is V.UNCLEAR
    large = rules.effect_verdict("fcr", share(268, 400), share(328, 400), standard=None, min_n=10)
    assert large.verdict is V.IMPROVED


def test_a_flat_metric_on_large_samples_is_stuck():
    before, after = share(2680, 4000), share(2690, 4000)
    effect = rules.effect_verdict("fcr", before, after, standard=None, min_n=10)
    assert effect.verdict is V.NO_CHANGE
    assert "stuck: an improvement of 3.4 points or more is ruled out" in effect.reason


# --- properties over generated readings --------------------------------------------------------


@st.composite
def readings(draw, metric: str = "fcr"):
    n_before = draw(st.integers(1, 3000))
    n_after = draw(st.integers(1, 3000))
    before = share(draw(st.integers(0, n_before)), n_before)
    after = share(draw(st.integers(0, n_after)), n_after)
    standard = draw(st.none() | st.floats(1, 99))
    return before, after, standard


def _gain(metric, before, after):
    low, high = rules.change_interval(before, after)
    return (low, high) if CATALOG[metric].better is Better.HIGHER else (-high, -low)


@settings(max_examples=400, deadline=None)
@given(readings(), st.integers(1, 60))
def test_each_verdict_follows_from_the_intervals(reading, min_n):
    before, after, standard = reading
    effect = rules.effect_verdict("fcr", before, after, standard=standard, min_n=min_n)
    if before.n < min_n or after.n < min_n:
        assert effect.verdict is V.INSUFFICIENT
        assert f"at least {min_n} each side" in effect.reason
        return
    low, high = _gain("fcr", before, after)
    material = rules.material_change("fcr", before)
    separated_up = after.low > before.high
    if effect.verdict is V.CLOSED_GAP:
        assert standard is not None
        assert before.high < standard <= after.value
    elif effect.verdict is V.IMPROVED:
        assert low > 0 or separated_up
    elif effect.verdict is V.NO_CHANGE:
        assert high < material  # a material improvement is ruled out
        assert low <= 0  # and it is not an improvement beyond the noise
    elif effect.verdict is V.WORSE:
        assert high < 0 or after.high < before.low
    else:
        assert effect.verdict is V.UNCLEAR
        assert low <= 0 <= high or low <= material <= high
        assert high >= material  # never "not clear" when improvement is ruled out
    # An improvement beyond the noise is never called stuck, nor worse.
    if low > 0 or separated_up:
        assert effect.verdict in (V.IMPROVED, V.CLOSED_GAP)


@settings(max_examples=300, deadline=None)
@given(readings())
def test_the_explanation_states_the_numbers_it_decided_on(reading):
    before, after, standard = reading
    effect = rules.effect_verdict("fcr", before, after, standard=standard, min_n=1)
    text = effect.reason
    assert f"{before.value:.1f}%" in text
    assert f"{after.value:.1f}%" in text
    assert f"n={before.n} " in text
    assert f"n={after.n} " in text
    change = after.value - before.value
    stated = re.search(r"a change of ([+−])([0-9.]+) points", text)
    assert stated is not None
    assert float(stated.group(2)) == pytest.approx(abs(change), abs=0.051)
    if abs(change) >= 0.05:
        assert stated.group(1) == ("+" if change > 0 else "−")
    words = {
        V.CLOSED_GAP: "closed",
        V.IMPROVED: "improved beyond the noise",
        V.NO_CHANGE: "stuck",
        V.WORSE: "got worse beyond the noise",
        V.UNCLEAR: "not clear yet",
    }
    if effect.verdict is V.IMPROVED and standard is not None:
        meets = after.value >= standard
        assert ("meets the standard" in text) is meets
        assert ("still short of the standard" in text) is not meets
    for verdict, phrase in words.items():
        assert (phrase in text) is (effect.verdict is verdict), (verdict, text)


@settings(max_examples=200, deadline=None)
@given(st.floats(300, 900), st.floats(300, 900), st.floats(1, 80), st.floats(1, 80))
def test_lower_is_better_metrics_mirror_higher_is_better(before_s, after_s, w1, w2):
    """AHT falling by x reads as FCR rising by x with the same intervals."""
    aht = rules.effect_verdict(
        "aht",
        Pooled((), 100, 0, before_s, before_s - w1, before_s + w1, ()),
        Pooled((), 100, 0, after_s, after_s - w2, after_s + w2, ()),
        standard=None,
        min_n=10,
    )
    mirrored = rules.effect_verdict(
        "csat_score",  # any higher-is-better metric: the rule reads direction only
        Pooled((), 100, 0, -before_s, -before_s - w1, -before_s + w1, ()),
        Pooled((), 100, 0, -after_s, -after_s - w2, -after_s + w2, ()),
        standard=None,
        min_n=10,
    )
    assert aht.verdict is mirrored.verdict


def test_a_reading_is_too_few_below_the_minimum_sample_on_either_side():
    effect = rules.effect_verdict("fcr", share(5, 9), share(900, 1000), standard=70, min_n=10)
    assert effect.verdict is V.INSUFFICIENT
    assert rules.progress_after_coaching([effect.verdict]) is rules.Progress.TOO_FEW
    assert rules.PROGRESS_LABELS[rules.Progress.TOO_FEW] == "Too few to judge"


# --- over many simulated draws, with stated rates ----------------------------------------------


def _simulate(p_before: float, p_after: float, n: int, draws: int = 400) -> dict:
    import numpy as np

    rng = np.random.default_rng(20261203)
    counts: dict = {}
    for b, a in zip(rng.binomial(n, p_before, draws), rng.binomial(n, p_after, draws), strict=True):
        before, after = share(int(b), n), share(int(a), n)
        verdict = rules.effect_verdict("fcr", before, after, standard=None, min_n=10).verdict
        counts[verdict] = counts.get(verdict, 0) + 1
    return counts


def test_a_real_improvement_is_read_as_improving_in_at_least_95_percent_of_draws():
    counts = _simulate(0.67, 0.82, 400)
    assert counts.get(V.IMPROVED, 0) >= 0.95 * 400
    assert counts.get(V.NO_CHANGE, 0) == 0  # never "stuck"


def test_no_real_change_is_read_as_improving_in_at_most_5_percent_of_draws():
    counts = _simulate(0.70, 0.70, 400)
    assert counts.get(V.IMPROVED, 0) <= 0.05 * 400
    assert counts.get(V.WORSE, 0) <= 0.05 * 400


def test_no_real_change_on_large_samples_is_read_as_stuck_in_at_least_90_percent_of_draws():
    counts = _simulate(0.70, 0.70, 5000)
    assert counts.get(V.NO_CHANGE, 0) >= 0.90 * 400


def test_small_samples_say_not_clear_rather_than_stuck_for_a_real_improvement():
    counts = _simulate(0.67, 0.82, 30)
    assert counts.get(V.NO_CHANGE, 0) <= 0.02 * 400
