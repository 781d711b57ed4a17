"""The fast paths of the trend rule give exactly what the stats module's general functions
give (the benchmark's optimisations must not change a single result)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from bench.diagnosis_inputs import build_inputs
from hypothesis import given, settings
from hypothesis import strategies as st

from upswing import stats
from upswing.findings import rules
from upswing.findings.rules.trends import (
    _mann_kendall_z,
    _median,
    _one_sided_cusum_signals,
    _sen_line,
)
from upswing.findings.rules.types import DiagnosisConfig

values = st.lists(
    st.one_of(st.integers(0, 5).map(float), st.floats(-1e3, 1e3, allow_nan=False)),
    min_size=0,
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(values)
def test_mann_kendall_z_matches_the_stats_module(xs):
    x = np.array(xs, dtype=float)
    z, p = _mann_kendall_z(x)
    full = stats.mann_kendall(x)
    assert z == full.z
    assert p == full.p_value


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=12),
    st.floats(-1e3, 1e3, allow_nan=False),
    st.floats(0.01, 100),
    st.sampled_from([1.0, -1.0]),
)
def test_cusum_signals_match_the_stats_module(xs, target, sigma, worse_sign):
    config = DiagnosisConfig()
    chart = stats.tabular_cusum(np.array(xs), target, sigma, k=config.cusum_k, h=config.cusum_h)
    expected = chart.lower_signals if worse_sign > 0 else chart.upper_signals
    assert _one_sided_cusum_signals(xs, target, sigma, worse_sign, config) == list(expected)


@settings(max_examples=300, deadline=None)
@given(values, st.randoms(use_true_random=False))
def test_sen_line_matches_the_stats_module(xs, random):
    # increasing positions with gaps, as the weeks with data of a trend window
    positions = sorted(random.sample(range(2 * len(xs) + 1), len(xs)))
    slope, intercept = _sen_line(xs, positions)
    expected = stats.compute_sen_slope(np.array(xs, dtype=float), np.array(positions))
    for got, want in zip((slope, intercept), expected, strict=True):
        assert got == want or (math.isnan(got) and math.isnan(want))


# Magnitudes stop at 1e300: numpy's mean of two values near the float maximum overflows
# (a RuntimeWarning, an error under this suite), which metric values never approach.
FINITE = st.floats(min_value=-1e300, max_value=1e300)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.just(math.nan), FINITE, st.integers(0, 3).map(float)), min_size=1, max_size=9
    )
)
def test_median_matches_numpy(xs):
    got, want = _median(xs), float(np.median(np.array(xs)))
    assert got == want or (math.isnan(got) and math.isnan(want))


def test_series_look_up_their_periods_like_a_scan():
    (program,) = build_inputs(24, seed=3)
    series = program.series[0]
    for obs in series.observations:
        assert series.at(obs.period) is obs
    assert series.at(series.observations[0].period.previous()) is None


@pytest.mark.slow
def test_the_bench_inputs_exercise_every_kind_of_finding():
    findings = [f for p in build_inputs(600, seed=1) for f in rules.diagnose(p).findings]
    kinds = {(f.kind.value, f.cause.value) for f in findings}
    assert ("sustained_gap", "individual") in kinds
    assert ("trend", "individual") in kinds
    assert any(cause == "systemic" for _, cause in kinds)
