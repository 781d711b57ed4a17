"""Tests for upswing.stats: published reference values, then invariants (hypothesis).

Every case in ../shared/data/reference_values.json is checked against its `expected`
values (its `recomputed` ones where nothing was published), within its own tolerance.
A new case in a known section is picked up automatically; a new section or an unknown
key fails, so nothing in the file goes silently unchecked.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from upswing.stats import (
    Trend,
    compute_icc_mean_squares,
    compute_mean_interval,
    compute_wilson_interval,
    ewma_chart,
    intraclass_correlation,
    krippendorff_alpha,
    mann_kendall,
    mean_interval_arrays,
    student_t_cdf,
    student_t_quantile,
    t_for_confidence,
    t_for_confidence_array,
    tabular_cusum,
    wilson_interval_arrays,
    z_for_confidence,
)
from upswing.stats.student_t import (
    ASYMPTOTIC_DF,
    ONE_STEP_DF,
    _cornish_fisher_quantile,
    _newton_quantile,
    _one_newton_step,
    student_t_quantiles,
)

# Published reference values, each with its source (paper, table, or the package that
# computes it); kept in the repo so a clean clone checks the statistics against them.
REFERENCE_PATH = Path(__file__).resolve().parent / "data" / "reference_values.json"
HANDLED_SECTIONS = {
    "wilson_score_interval",
    "icc",
    "cusum",
    "ewma",
    "mann_kendall",
    "krippendorff_alpha",
}
# An expected 0.0 is a p-value that underflowed in 1 - Phi(z): below this it is the same.
ZERO_FLOOR = 1e-15
FEW = settings(max_examples=60, deadline=None)


def load_reference() -> dict | None:
    if not REFERENCE_PATH.exists():
        return None
    return json.loads(REFERENCE_PATH.read_text(encoding="utf-8"))


REFERENCE = load_reference()
MISSING = pytest.mark.skip(reason=f"reference values not found at {REFERENCE_PATH}")


def reference_params(section: str, expand=lambda entry: [(entry["id"], entry)]) -> list:
    if REFERENCE is None:
        return [pytest.param(None, marks=MISSING, id="missing")]
    return [pytest.param(case, id=name) for e in REFERENCE[section] for name, case in expand(e)]


def assert_close(actual: float, expected: float, tolerance: dict, what: str = "") -> None:
    absolute = tolerance.get("abs", 0.0) or (ZERO_FLOOR if expected == 0 else 0.0)
    relative = tolerance.get("rel", 0.0)
    assert math.isclose(actual, expected, rel_tol=relative, abs_tol=absolute), (
        f"{what}: {actual} vs {expected} ({tolerance})"
    )


def assert_all_close(actual, expected, tolerance: dict, what: str = "") -> None:
    assert len(actual) == len(expected), what
    for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
        assert_close(a, e, tolerance, f"{what}[{index}]")


def published_or_recomputed(case: dict) -> dict:
    """`expected` values, with `recomputed` filling keys published as null or not at all."""
    values = {k: v for k, v in (case.get("recomputed") or {}).items() if v is not None}
    values.update({k: v for k, v in (case.get("expected") or {}).items() if v is not None})
    return values


def series_from(spec, reference: dict) -> list[float | None]:
    """An input series: a list, 'a, b, ..., c', or 'same ... as <case id>'."""
    if isinstance(spec, list):
        return spec
    progression = re.fullmatch(r"\s*(-?\d+), (-?\d+), \.\.\., (-?\d+)\s*", spec)
    if progression:
        first, second, last = (int(g) for g in progression.groups())
        return list(range(first, last + 1, second - first))
    for section, entries in reference.items():
        for entry in entries if section != "_about" else []:
            if entry["id"] in spec:
                return entry["input"]["x"]
    raise AssertionError(f"cannot read the series {spec!r}")


@pytest.mark.skipif(REFERENCE is None, reason=f"reference values not found at {REFERENCE_PATH}")
def test_every_reference_section_is_tested():
    assert set(REFERENCE) - {"_about"} <= HANDLED_SECTIONS


# --- Wilson score interval -------------------------------------------------------------


def wilson_cases(entry: dict) -> list[tuple[str, dict]]:
    corrected = "continuity" in entry["id"]
    if "cases" not in entry:
        x, n = entry["input"]["x"], entry["input"]["n"]
        bounds = entry.get("expected") or entry["recomputed"]
        case = {"x": x, "n": n, "confidence": entry["input"]["confidence"], "bounds": bounds}
        return [(entry["id"], {**case, "corrected": corrected, "tolerance": entry["tolerance"]})]
    out = []
    for sub in entry["cases"]:
        x, n = sub["x"], sub["n"]
        bounds = sub.get("expected") or sub.get("recomputed") or entry["recomputed"][f"{x}/{n}"]
        case = {"x": x, "n": n, "confidence": entry.get("confidence", 0.95), "bounds": bounds}
        case |= {"corrected": corrected, "tolerance": entry["tolerance"]}
        out.append((f"{entry['id']}-{x}/{n}", case))
    return out


@pytest.mark.parametrize("case", reference_params("wilson_score_interval", wilson_cases))
def test_wilson_interval_matches_published_bounds(case):
    interval = compute_wilson_interval(
        case["x"], case["n"], case["confidence"], continuity_correction=case["corrected"]
    )
    assert_all_close((interval.low, interval.high), case["bounds"], case["tolerance"], "bounds")


@pytest.mark.parametrize("case", reference_params("wilson_score_interval", wilson_cases))
def test_vectorized_wilson_interval_matches_published_bounds(case):
    low, high = wilson_interval_arrays(
        np.array([case["x"]]),
        np.array([case["n"]]),
        case["confidence"],
        continuity_correction=case["corrected"],
    )
    assert_all_close((low[0], high[0]), case["bounds"], case["tolerance"], "bounds")


def test_z_for_95_percent_is_the_exact_normal_quantile():
    assert z_for_confidence(0.95) == pytest.approx(1.959963984540054, abs=1e-15)


def test_wilson_interval_without_data_is_the_whole_range():
    assert compute_wilson_interval(0, 0) == compute_wilson_interval(0, 0, confidence=0.8)
    assert (compute_wilson_interval(0, 0).low, compute_wilson_interval(0, 0).high) == (0, 1)
    low, high = wilson_interval_arrays(np.array([0, 3]), np.array([0, 10]))
    assert math.isnan(low[0])
    assert math.isnan(high[0])
    assert not math.isnan(low[1])


@pytest.mark.parametrize(
    ("successes", "n", "confidence"), [(-1, 10, 0.95), (11, 10, 0.95), (1, -1, 0.95), (1, 2, 1.0)]
)
def test_wilson_interval_refuses_impossible_inputs(successes, n, confidence):
    with pytest.raises(ValueError, match="must be"):
        compute_wilson_interval(successes, n, confidence)
    with pytest.raises(ValueError, match="must be"):
        wilson_interval_arrays(np.array([successes]), np.array([n]), confidence)


shares = st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
confidences = st.floats(0.5, 0.999)


@FEW
@given(share=shares, confidence=confidences, corrected=st.booleans())
def test_wilson_interval_holds_the_estimate_inside_zero_one(share, confidence, corrected):
    x, n = share
    interval = compute_wilson_interval(x, n, confidence, continuity_correction=corrected)
    assert 0.0 <= interval.low <= x / n <= interval.high <= 1.0


@FEW
@given(share=shares, confidence=confidences, factor=st.integers(2, 50))
def test_wilson_interval_narrows_as_n_grows_for_the_same_share(share, confidence, factor):
    x, n = share
    small = compute_wilson_interval(x, n, confidence)
    large = compute_wilson_interval(x * factor, n * factor, confidence)
    assert large.width < small.width


@FEW
@given(share=shares, confidence=confidences)
def test_continuity_correction_widens_the_interval(share, confidence):
    plain = compute_wilson_interval(*share, confidence)
    corrected = compute_wilson_interval(*share, confidence, continuity_correction=True)
    assert corrected.low <= plain.low + 1e-12
    assert corrected.high >= plain.high - 1e-12


@FEW
@given(
    rows=st.lists(st.tuples(st.integers(0, 10**6), st.floats(0, 1)), min_size=1, max_size=30),
    confidence=confidences,
    corrected=st.booleans(),
)
def test_vectorized_wilson_interval_equals_the_scalar_one(rows, confidence, corrected):
    n = np.array([size for size, _ in rows])
    successes = np.floor(n * np.array([share for _, share in rows]))
    low, high = wilson_interval_arrays(successes, n, confidence, continuity_correction=corrected)
    for i, (x, size) in enumerate(zip(successes, n, strict=True)):
        if size == 0:
            assert math.isnan(low[i])
            assert math.isnan(high[i])
            continue
        expected = compute_wilson_interval(
            x, int(size), confidence, continuity_correction=corrected
        )
        assert low[i] == pytest.approx(expected.low, abs=1e-12)
        assert high[i] == pytest.approx(expected.high, abs=1e-12)


# --- Student t and the interval for a mean ---------------------------------------------


def student_t_cdf_by_series(t: float, df: int) -> float:
    """Independent check: Abramowitz & Stegun 26.7.3-4, exact for integer df."""
    theta = math.atan(t / math.sqrt(df))
    c2, term, total = math.cos(theta) ** 2, 1.0, 1.0
    if df % 2 == 0:
        for j in range(2, df, 2):
            term *= c2 * (j - 1) / j
            total += term
        central = math.sin(theta) * total
    else:
        total = 0.0 if df == 1 else 1.0
        for j in range(3, df, 2):
            term *= c2 * (j - 1) / j
            total += term
        central = 2 / math.pi * (theta + math.sin(theta) * math.cos(theta) * total)
    return 0.5 + central / 2


@pytest.mark.parametrize("p", [0.6, 0.9, 0.975, 0.995, 0.9995, 0.999999, 0.01])
def test_t_quantile_matches_closed_forms_for_one_and_two_df(p):
    cauchy = 1 / math.tan(math.pi * (1 - p))  # tan(pi (p - 1/2)), precise near p = 1
    assert student_t_quantile(p, 1) == pytest.approx(cauchy, rel=1e-12)
    two_df = (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    assert student_t_quantile(p, 2) == pytest.approx(two_df, rel=1e-12)


@pytest.mark.parametrize("df", [3, 4, 5, 9, 10, 29, 30, 120, 999])
@pytest.mark.parametrize("p", [0.8, 0.95, 0.975, 0.995])
def test_t_quantile_inverts_the_exact_integer_df_cdf(df, p):
    t = student_t_quantile(p, df)
    assert student_t_cdf_by_series(t, df) == pytest.approx(p, abs=1e-12)
    assert student_t_cdf(t, df) == pytest.approx(p, abs=1e-13)


def test_t_quantile_agrees_with_printed_tables():
    # Rounded values from any t table (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
    assert t_for_confidence(0.95, 10) == pytest.approx(2.228, abs=5e-4)
    assert t_for_confidence(0.95, 30) == pytest.approx(2.042, abs=5e-4)
    assert t_for_confidence(0.99, 5) == pytest.approx(4.032, abs=5e-4)


@pytest.mark.parametrize("df", [ASYMPTOTIC_DF, 5 * ASYMPTOTIC_DF])
@pytest.mark.parametrize("p", [0.9, 0.975, 0.9995, 0.999999])
def test_asymptotic_t_quantile_agrees_with_the_exact_one(df, p):
    assert _cornish_fisher_quantile(p, df) == pytest.approx(_newton_quantile(p, df), rel=1e-11)


@pytest.mark.parametrize("df", [ONE_STEP_DF, ONE_STEP_DF + 0.5, 47, 120, 333.5, ASYMPTOTIC_DF - 1])
@pytest.mark.parametrize("p", [0.6, 0.9, 0.975, 0.9995, 0.999999])
def test_one_newton_step_agrees_with_the_iteration(df, p):
    assert _one_newton_step(p, df) == pytest.approx(_newton_quantile(p, df), rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(1, 3 * ASYMPTOTIC_DF).map(float),
            st.floats(0.5, 3 * ASYMPTOTIC_DF, allow_nan=False),
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from([0.001, 0.025, 0.3, 0.5, 0.6, 0.9, 0.975, 0.995, 0.9995, 0.999999]),
)
def test_the_quantiles_as_arrays_equal_the_quantile_one_at_a_time(dfs, p):
    """Every degrees of freedom, in the one-step range taken as arrays and outside it."""
    together = student_t_quantiles(p, np.array(dfs))
    one_by_one = [student_t_quantile(p, df) for df in dfs]
    assert together.tolist() == pytest.approx(one_by_one, rel=1e-14, abs=1e-300)


def test_the_critical_values_as_arrays_agree_with_printed_tables():
    # NIST/SEMATECH e-Handbook, table 1.3.6.7.2 (two-sided 95%: 0.975 quantile).
    values = t_for_confidence_array(0.95, np.array([10, 30, 40, 60, 100]))
    assert values.tolist() == pytest.approx([2.228, 2.042, 2.021, 2.000, 1.984], abs=5e-4)


def test_mean_interval_uses_student_t():
    interval = compute_mean_interval(100.0, 15.0, 11)
    half_width = 2.2281388519862735 * 15.0 / math.sqrt(11)
    assert interval.low == pytest.approx(100.0 - half_width, rel=1e-12)
    assert interval.high == pytest.approx(100.0 + half_width, rel=1e-12)


def test_mean_interval_without_a_standard_deviation_is_unbounded():
    assert compute_mean_interval(3.0, 0.0, 1).low == -math.inf
    assert compute_mean_interval(3.0, 0.0, 0).high == math.inf
    low, high = mean_interval_arrays(np.array([3.0, 3.0]), np.array([1.0, 1.0]), np.array([1, 2]))
    assert math.isnan(low[0])
    assert math.isnan(high[0])
    assert high[1] - low[1] == pytest.approx(2 * 12.706204736174707 / math.sqrt(2))


def test_mean_interval_refuses_a_negative_standard_deviation():
    with pytest.raises(ValueError, match="must be >= 0"):
        compute_mean_interval(1.0, -1.0, 5)


@FEW
@given(
    rows=st.lists(
        st.tuples(st.floats(-1e4, 1e4), st.floats(0, 1e3), st.integers(0, 3000)),
        min_size=1,
        max_size=20,
    ),
    confidence=confidences,
)
def test_vectorized_mean_interval_equals_the_scalar_one(rows, confidence):
    mean, sd, n = (np.array(column) for column in zip(*rows, strict=True))
    low, high = mean_interval_arrays(mean, sd, n, confidence)
    for i, (m, s, size) in enumerate(rows):
        if size < 2:
            assert math.isnan(low[i])
            assert math.isnan(high[i])
            continue
        expected = compute_mean_interval(m, s, size, confidence)
        assert low[i] == pytest.approx(expected.low, rel=1e-12, abs=1e-9)
        assert high[i] == pytest.approx(expected.high, rel=1e-12, abs=1e-9)


@FEW
@given(n=st.integers(2, 5000), confidence=confidences)
def test_t_interval_is_wider_than_the_normal_one_and_narrows_with_n(n, confidence):
    assert t_for_confidence(confidence, n - 1) > z_for_confidence(confidence)
    assert (
        compute_mean_interval(0, 1, n + 1, confidence).width
        < compute_mean_interval(0, 1, n, confidence).width
    )


# --- CUSUM and EWMA ---------------------------------------------------------------------


@pytest.mark.parametrize("case", reference_params("cusum"))
def test_tabular_cusum_matches_montgomery(case):
    given_ = case["input"]
    sigma = given_["sigma"]
    result = tabular_cusum(
        given_["x"], given_["mu0"], sigma, k=given_["K"] / sigma, h=given_["H"] / sigma
    )
    tolerance = case["tolerance"]
    for key, value in published_or_recomputed(case).items():
        if key in {"C_plus", "C_plus_periods_1_to_29"}:
            assert_all_close(result.upper[: len(value)], value, tolerance, key)
        elif key == "C_minus":
            assert_all_close(result.lower, value, tolerance, key)
        elif key == "C_plus_period_30":
            assert_close(result.upper[29], value, tolerance, key)
        elif key == "N_plus":
            assert list(result.upper_run_length) == value
        elif key == "first_signal_period":
            assert result.signals[0] == value - 1
        elif key == "direction":
            signals = result.upper_signals if value == "upper" else result.lower_signals
            assert signals[0] == result.signals[0]
        elif key == "N_plus_at_signal":
            assert result.upper_run_length[result.signals[0]] == value
        elif key == "estimated_shifted_mean":
            assert_close(result.estimate_shifted_mean(result.signals[0]), value, tolerance, key)
        else:
            raise AssertionError(f"untested reference key {key!r}")


@pytest.mark.parametrize("case", reference_params("ewma"))
def test_ewma_chart_matches_the_reference(case):
    given_ = case["input"]
    x = series_from(given_["x"], REFERENCE)
    target, sigma, lam, width = given_["mu0"], given_["sigma"], given_["lambda"], given_["L"]
    result = ewma_chart(x, target, sigma, lam=lam, L=width, start=given_.get("z0"))
    tolerance = case["tolerance"]
    for key, value in published_or_recomputed(case).items():
        if key == "z":
            assert_all_close(result.z, value, tolerance, key)
        elif key == "UCL":
            assert_all_close(result.upper_limit, value, tolerance, key)
        elif key == "LCL":
            assert_all_close(result.lower_limit, value, tolerance, key)
        elif key == "signal_periods":
            assert [i + 1 for i in result.signals] == value
        elif key == "UCL_asymptotic":
            long_run = ewma_chart([target] * 500, target, sigma, lam=lam, L=width)
            assert_close(long_run.upper_limit[-1], value, tolerance, key)
        else:
            raise AssertionError(f"untested reference key {key!r}")


def test_cusum_estimates_the_shifted_mean_only_where_it_signals():
    result = tabular_cusum([10.0] * 5, 10.0, 1.0)
    with pytest.raises(ValueError, match="does not signal"):
        result.estimate_shifted_mean(2)


@pytest.mark.parametrize("chart", [tabular_cusum, ewma_chart])
def test_control_charts_refuse_missing_values_and_bad_sigma(chart):
    with pytest.raises(ValueError, match="finite"):
        chart([1.0, math.nan], 1.0, 1.0)
    with pytest.raises(ValueError, match="sigma"):
        chart([1.0, 2.0], 1.0, 0.0)


levels = st.floats(-1e4, 1e4)
sigmas = st.floats(1e-3, 1e3)


@FEW
@given(level=levels, sigma=sigmas, length=st.integers(1, 200), lam=st.floats(0.01, 1.0))
def test_a_constant_series_on_target_never_signals(level, sigma, length, lam):
    values = [level] * length
    assert tabular_cusum(values, level, sigma).signals == ()
    assert ewma_chart(values, level, sigma, lam=lam).signals == ()


@FEW
@given(
    target=levels,
    sigma=sigmas,
    deviations=st.lists(st.floats(-0.5, 0.5), min_size=1, max_size=100),
)
def test_cusum_ignores_deviations_within_the_reference_value(target, sigma, deviations):
    result = tabular_cusum([target + d * sigma for d in deviations], target, sigma, k=0.5)
    assert max(result.upper) <= 1e-9 * sigma
    assert max(result.lower) <= 1e-9 * sigma


@FEW
@given(target=levels, sigma=sigmas, shift=st.floats(2.0, 10.0), sign=st.sampled_from([1, -1]))
def test_control_charts_catch_a_sustained_shift_on_its_side(target, sigma, shift, sign):
    values = [target] * 5 + [target + sign * shift * sigma] * 30
    cusum, ewma = tabular_cusum(values, target, sigma), ewma_chart(values, target, sigma)
    caught, missed = ("upper", "lower") if sign > 0 else ("lower", "upper")
    for result in (cusum, ewma):
        assert getattr(result, f"{caught}_signals")
        assert getattr(result, f"{caught}_signals")[0] >= 5
        assert not getattr(result, f"{missed}_signals")


# --- Mann-Kendall -----------------------------------------------------------------------

MANN_KENDALL_FIELDS = {
    "n": "n",
    "S": "s",
    "var_S": "var_s",
    "varS": "var_s",
    "var_S_tie_corrected": "var_s",
    "Z": "z",
    "Z_tie_corrected": "z",
    "p": "p_value",
    "p_two_sided": "p_value",
    "p_one_sided_tie_corrected": "p_value_one_sided",
    "tau": "tau",
    "sen_slope": "sen_slope",
    "sen_intercept": "sen_intercept",
}
# Tables that ignore ties in var(S) (Gilbert 1987 as cited).
MANN_KENDALL_UNCORRECTED_FIELDS = {
    "Z_approx": "z",
    "Z_no_tie_correction": "z",
    "var_S_no_tie_correction": "var_s",
}
# Hamed & Rao's autocorrelation-corrected variant is not part of upswing.stats.
MANN_KENDALL_OTHER_TESTS = {"hamed_rao_modified"}


def mann_kendall_checks(case: dict) -> list[tuple[str, str, bool, object]]:
    """(reference key, result field, tie corrected, value), published keys first."""
    checks, covered = [], set()
    for source in ("expected", "recomputed"):
        for key, value in (case.get(source) or {}).items():
            if value is None or key in MANN_KENDALL_OTHER_TESTS:
                continue
            if key == "trend":
                checks.append((key, "trend", True, value))
                continue
            corrected = key not in MANN_KENDALL_UNCORRECTED_FIELDS
            fields = MANN_KENDALL_FIELDS if corrected else MANN_KENDALL_UNCORRECTED_FIELDS
            field = fields[key]  # KeyError: a reference key nobody checks yet
            if (field, corrected) not in covered:
                covered.add((field, corrected))
                checks.append((key, field, corrected, value))
    return checks


@pytest.mark.parametrize("case", reference_params("mann_kendall"))
def test_mann_kendall_matches_the_reference(case):
    x = series_from(case["input"]["x"], REFERENCE)
    results = {True: mann_kendall(x), False: mann_kendall(x, tie_correction=False)}
    for key, field, corrected, value in mann_kendall_checks(case):
        actual = getattr(results[corrected], field)
        if key == "trend":
            assert actual == value.split(" (")[0]
        else:
            assert_close(actual, value, case["tolerance"], key)


def test_mann_kendall_drops_missing_values_but_keeps_their_time():
    result = mann_kendall([1.0, None, 3.0, math.nan, 5.0, 6.0])
    assert result.n == 4
    assert result.s == 6
    assert result.sen_slope == pytest.approx(1.0)


@pytest.mark.parametrize("values", [[], [1.0], [1.0, 2.0], [1.0, None, math.nan, 2.0]])
def test_mann_kendall_needs_three_values_for_a_trend(values):
    result = mann_kendall(values)
    assert (result.trend, result.p_value, result.z) == (Trend.NO_TREND, 1.0, 0.0)


@FEW
@given(level=levels, length=st.integers(0, 60))
def test_mann_kendall_sees_no_trend_in_a_constant_series(level, length):
    result = mann_kendall([level] * length)
    assert result.trend is Trend.NO_TREND
    assert (result.s, result.p_value) == (0.0, 1.0)


@FEW
@given(
    steps=st.lists(st.floats(1e-3, 1e3), min_size=5, max_size=60),  # n = 5 can reach p < .05
    start=levels,
    direction=st.sampled_from([1, -1]),
)
def test_mann_kendall_sees_a_strictly_monotonic_series(steps, start, direction):
    values = start + direction * np.cumsum(steps)
    result = mann_kendall(values)
    assert result.tau == direction
    assert result.trend is (Trend.INCREASING if direction > 0 else Trend.DECREASING)
    assert math.copysign(1.0, result.sen_slope) == direction


# --- Krippendorff's alpha and ICC -------------------------------------------------------

ALPHA_LEVELS = ("nominal", "ordinal", "interval", "ratio")


@pytest.mark.parametrize("case", reference_params("krippendorff_alpha"))
@pytest.mark.parametrize("level", ALPHA_LEVELS)
def test_krippendorff_alpha_matches_the_reference(case, level):
    values = published_or_recomputed(case)
    assert set(values) <= set(ALPHA_LEVELS)
    if level not in values:
        pytest.skip(f"no reference value for the {level} level")
    alpha = krippendorff_alpha(case["input"]["reliability_data"], level)
    assert_close(alpha, values[level], case["tolerance"], level)


@pytest.mark.parametrize("case", reference_params("icc"))
def test_intraclass_correlation_matches_shrout_fleiss(case):
    ratings = case["input"]["ratings"]
    tolerance = case["tolerance"]
    for form, value in published_or_recomputed(case).items():
        assert_close(intraclass_correlation(ratings, form), value, tolerance, form)
    squares = compute_icc_mean_squares(ratings)
    fields = {"BMS": "between_targets", "WMS": "within_targets"}
    fields |= {"JMS": "between_judges", "EMS": "residual"}
    for name, value in (case.get("anova_mean_squares_recomputed") or {}).items():
        assert_close(getattr(squares, fields[name]), value, tolerance, name)


def test_icc_accepts_k_and_refuses_other_forms():
    ratings = [[1, 2, 4], [2, 2, 5], [4, 5, 7], [3, 3, 3]]
    assert intraclass_correlation(ratings, "ICC(3,k)") == intraclass_correlation(
        ratings, "ICC(3,3)"
    )
    for form in ("ICC(3,2)", "ICC(4,1)", "kappa"):
        with pytest.raises(ValueError, match="ICC"):
            intraclass_correlation(ratings, form)
    with pytest.raises(ValueError, match="complete"):
        intraclass_correlation([[1, 2], [3, None]])


def test_agreement_is_undefined_without_variation():
    assert math.isnan(krippendorff_alpha([[3, 3, 3], [3, 3, None]], "interval"))
    assert math.isnan(krippendorff_alpha([[1, None], [None, 2]], "nominal"))
    assert math.isnan(intraclass_correlation([[2, 2], [2, 2], [2, 2]]))


unit_values = st.lists(st.integers(0, 6), min_size=2, max_size=25).filter(
    lambda units: len(set(units)) > 1
)


@FEW
@given(units=unit_values, observers=st.integers(2, 5), data=st.data())
def test_alpha_is_one_under_perfect_agreement(units, observers, data):
    matrix = [[float(v) for v in units] for _ in range(observers)]
    for row in matrix[2:]:  # two complete observers keep the units' variation pairable
        for j in data.draw(st.sets(st.integers(0, len(units) - 1), max_size=len(units) // 3)):
            row[j] = None  # missing ratings do not break perfect agreement
    for level in ALPHA_LEVELS:
        assert krippendorff_alpha(matrix, level) == pytest.approx(1.0)


@FEW
@given(
    matrix=st.lists(st.lists(st.integers(1, 5), min_size=8, max_size=8), min_size=3, max_size=3),
    scale=st.floats(0.5, 10),
    shift=st.floats(-10, 10),
)
def test_interval_alpha_ignores_the_unit_of_measurement(matrix, scale, shift):
    alpha = krippendorff_alpha(matrix, "interval")
    rescaled = krippendorff_alpha((np.array(matrix) * scale + shift).tolist(), "interval")
    if math.isnan(alpha):
        assert math.isnan(rescaled)
    else:
        assert rescaled == pytest.approx(alpha, abs=1e-9)


@FEW
@given(targets=unit_values, judges=st.integers(2, 5))
def test_icc_is_one_when_all_judges_agree(targets, judges):
    ratings = [[float(v)] * judges for v in targets]
    for form in ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)"):
        assert intraclass_correlation(ratings, form) == pytest.approx(1.0)
