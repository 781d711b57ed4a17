"""Calibration agreement through the quality rules, against published values.

The figures are copied here with their source so that a clean clone runs them:

- Krippendorff, K. (2011) "Computing Krippendorff's Alpha-Reliability", example C: 4 observers
  × 12 units with missing data; alpha nominal 0.743, ordinal 0.815, interval 0.849 (published
  to three decimals).
- Shrout, P.E. & Fleiss, J.L. (1979) Psychological Bulletin 86(2):420-428, 6 targets × 4
  judges; ICC(2,1) = 0.29 (published to two decimals).
"""

from __future__ import annotations

import pytest

from upswing.quality.rules.calibration import (
    agreement,
    criterion_matrix,
    describe,
    deviations,
    level_for,
)
from upswing.stats.agreement import MeasurementLevel

KRIPPENDORFF_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
KRIPPENDORFF_C_ALPHA = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849}
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]
SHROUT_FLEISS_ICC21 = 0.29


def _as_session(rows) -> dict:
    """observer rows → {evaluator: {item: value}} (the shape sessions store)."""
    return {
        f"evaluator-{e}": {f"item-{u}": v for u, v in enumerate(row)} for e, row in enumerate(rows)
    }


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_matches_krippendorff_example_c(level):
    result = agreement("criterion", _as_session(KRIPPENDORFF_C), MeasurementLevel(level))
    assert result.alpha == pytest.approx(KRIPPENDORFF_C_ALPHA[level], abs=5e-4)
    assert result.evaluators == 4
    assert result.units == 11  # unit 12 has one value: not pairable


def test_icc_matches_shrout_and_fleiss():
    by_judge = [[row[j] for row in SHROUT_FLEISS] for j in range(4)]
    result = agreement("overall", _as_session(by_judge), MeasurementLevel.INTERVAL)
    assert result.icc == pytest.approx(SHROUT_FLEISS_ICC21, abs=5e-3)
    assert result.complete_units == 6


def test_too_few_to_judge_says_so():
    result = agreement("x", {"a": {"i": 1.0, "j": 0.0}}, MeasurementLevel.NOMINAL)
    assert result.alpha is None
    assert "too few to judge" in result.reading
    assert "too few to judge" in describe(result)


def test_identical_scores_carry_no_variation():
    same = {"a": {"i": 1.0, "j": 1.0}, "b": {"i": 1.0, "j": 1.0}}
    result = agreement("x", same, MeasurementLevel.NOMINAL)
    assert result.alpha is None
    assert "no variation" in result.note


def test_levels_follow_the_criterion_scale():
    assert level_for(1) is MeasurementLevel.NOMINAL
    assert level_for(4) is MeasurementLevel.ORDINAL


def test_deviation_from_the_reference_is_signed_and_counts_matches():
    marks = {
        "kind": {("i1", "greet"): 1, ("i1", "verify"): 1, ("i2", "greet"): 1},
        "strict": {("i1", "greet"): 0, ("i1", "verify"): 1, ("i2", "greet"): 0},
    }
    reference = {("i1", "greet"): 1, ("i1", "verify"): 1, ("i2", "greet"): 0}
    overall = {"kind": {"i1": 100.0, "i2": 100.0}, "strict": {"i1": 50.0, "i2": 0.0}}
    ref_overall = {"i1": 100.0, "i2": 0.0}
    out = {d.evaluator: d for d in deviations(marks, reference, overall, ref_overall)}
    assert out["kind"].matched == 2
    assert out["kind"].compared == 3
    assert out["kind"].mean_score_gap == pytest.approx(50.0)
    assert out["strict"].mean_score_gap == pytest.approx(-25.0)
    assert criterion_matrix(marks, "greet")["strict"] == {"i1": 0, "i2": 0}


def test_a_small_session_reads_as_indicative():
    small = agreement("c", _as_session([r[:6] for r in KRIPPENDORFF_C]), MeasurementLevel.INTERVAL)
    assert "only 6 interactions: indicative" in small.reading
    full = agreement("c", _as_session(KRIPPENDORFF_C), MeasurementLevel.INTERVAL)
    assert full.reading == "reliable agreement"
