"""Sustained gaps, pooling, insufficient data, trends and pairs: pure rules, no database."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.findings.builders import AS_OF, LAST, series, weeks_ending

from upswing import stats
from upswing.findings.rules import (
    AgentSeries,
    Cause,
    DiagnosisConfig,
    DiagnosisInputs,
    FindingKind,
    Observation,
    Recommendation,
    diagnose,
)
from upswing.findings.rules.gaps import (
    evaluate_sustained_gap,
    judge_period,
    observation_sd,
    pool,
)
from upswing.findings.rules.pairs import evaluate_pair
from upswing.findings.rules.trends import evaluate_trend
from upswing.findings.rules.types import GapState, PairVerdict, Verdict

CONFIG = DiagnosisConfig()


def findings_for(*agent_series, **inputs):
    return diagnose(
        DiagnosisInputs(as_of=AS_OF, last_period=LAST, series=tuple(agent_series), **inputs)
    ).findings


# --- sustained gap ------------------------------------------------------------------------


def test_three_of_four_weeks_below_the_floor_is_sustained():
    gap = evaluate_sustained_gap(series("fcr", [70, 70, 85, 70], floor=80), LAST, CONFIG)
    assert gap.state is GapState.SUSTAINED
    assert [j.verdict for j in gap.judgements] == [
        Verdict.BELOW_FLOOR,
        Verdict.BELOW_FLOOR,
        Verdict.MEETS,
        Verdict.BELOW_FLOOR,
    ]


def test_two_of_four_weeks_below_the_floor_is_not_sustained():
    gap = evaluate_sustained_gap(series("fcr", [70, 85, 85, 70], floor=80), LAST, CONFIG)
    assert gap.state is GapState.NOT_SUSTAINED
    assert findings_for(series("fcr", [70, 85, 85, 70], floor=80)) == ()


def test_a_single_bad_week_is_not_sustained():
    gap = evaluate_sustained_gap(series("fcr", [85, 85, 85, 40], floor=80), LAST, CONFIG)
    assert gap.state is GapState.NOT_SUSTAINED
    assert len(gap.below) == 1


def test_k_and_m_are_configurable_per_program():
    two_of_four = DiagnosisConfig(periods_below=2, window=4)
    gap = evaluate_sustained_gap(series("fcr", [70, 85, 85, 70], floor=80), LAST, two_of_four)
    assert gap.state is GapState.SUSTAINED


def test_a_point_estimate_below_the_floor_whose_interval_reaches_above_is_not_a_gap():
    # 75% of 20 interactions: the Wilson interval runs to about 89%, above the 80% floor
    gap = evaluate_sustained_gap(series("fcr", [75, 75, 75, 75], n=20, floor=80), LAST, CONFIG)
    assert gap.state is GapState.NOT_SUSTAINED
    assert all(j.verdict is Verdict.MEETS and j.point_below for j in gap.judgements)
    assert gap.judgements[-1].pooled.high > 80


def test_lower_is_better_metrics_are_below_the_floor_when_above_it():
    gap = evaluate_sustained_gap(series("aht", [520, 530, 525, 540], floor=450), LAST, CONFIG)
    assert gap.state is GapState.SUSTAINED


def test_small_weeks_are_pooled_with_the_weeks_before_them():
    s = series("fcr", [40, 40, 40, 40, 40, 40], n=5, floor=80)
    judgement = judge_period(s, LAST, CONFIG)
    assert judgement.verdict is Verdict.BELOW_FLOOR
    assert len(judgement.pooled.periods) == 2
    assert judgement.pooled.n == 10


def test_too_few_observations_give_insufficient_data_never_a_judgement():
    # 8 contacts in the pooled 4 weeks: fewer than the 10 a judgement needs
    s = series("fcr", [50.0, 50.0, 50.0, 50.0], n=2, floor=80)
    gap = evaluate_sustained_gap(s, LAST, CONFIG)
    assert gap.state is GapState.INSUFFICIENT
    (finding,) = findings_for(s)
    assert finding.kind is FindingKind.POSSIBLE_GAP
    assert finding.cause is Cause.INSUFFICIENT_DATA
    assert finding.recommendation is Recommendation.MONITOR
    assert "n=8 interactions" in finding.reasons[0]


def test_a_week_without_data_is_a_gap_not_a_skipped_row():
    s = series("fcr", [70, 70, 70, None], floor=80)
    gap = evaluate_sustained_gap(s, LAST, CONFIG)
    assert gap.judgements[-1].verdict is Verdict.UNKNOWN
    assert gap.state is GapState.SUSTAINED  # W40..W42 are still 3 of the last 4
    s = series("fcr", [70, 70, None, None], floor=80)
    assert evaluate_sustained_gap(s, LAST, CONFIG).state is GapState.NOT_SUSTAINED


def test_materially_below_the_team_counts_without_a_floor():
    s = series("qa", [70, 71, 69, 70], n=30, sd=8, baseline=90)
    gap = evaluate_sustained_gap(s, LAST, CONFIG)
    assert gap.state is GapState.SUSTAINED
    assert {j.verdict for j in gap.below} == {Verdict.BELOW_TEAM}
    # 85 is within 10% of the team's 90: not material
    s = series("qa", [85, 85, 85, 85], n=200, sd=5, baseline=90)
    assert evaluate_sustained_gap(s, LAST, CONFIG).state is GapState.NOT_SUSTAINED


def test_no_floor_and_no_team_value_is_no_standard():
    s = series("qa", [50, 50, 50, 50], n=30, sd=5)
    assert evaluate_sustained_gap(s, LAST, CONFIG).state is GapState.NO_STANDARD


def test_pooling_means_equals_the_raw_data():
    rng = np.random.default_rng(3)
    first, second = rng.normal(400, 80, 12), rng.normal(500, 90, 7)
    periods = weeks_ending(LAST, 2)
    obs = []
    for period, data in zip(periods, (first, second), strict=True):
        interval = stats.compute_mean_interval(data.mean(), data.std(ddof=1), data.size)
        obs.append(
            Observation(period, data.mean(), data.sum(), data.size, interval.low, interval.high)
        )
    pooled = pool(obs, "aht", 0.95)
    both = np.concatenate([first, second])
    expected = stats.compute_mean_interval(both.mean(), both.std(ddof=1), both.size)
    assert pooled.value == pytest.approx(both.mean())
    assert pooled.low == pytest.approx(expected.low)
    assert pooled.high == pytest.approx(expected.high)


def test_reasons_carry_the_numbers_windows_and_team_comparison():
    (finding,) = findings_for(series("fcr", [70, 70, 70, 70], floor=80, baseline=86))
    text = " ".join(finding.reasons)
    assert "FCR was below the SLA floor of 80.0% in 4 of the last 4 weeks" in text
    assert "2026-W40, 2026-W41, 2026-W42, 2026-W43" in text
    assert "n=400 interactions" in text
    assert "team T1's value was 86.0%" in text
    assert finding.periods == ("2026-W40", "2026-W41", "2026-W42", "2026-W43")
    assert finding.evidence.snapshots[0] == "A1-fcr-2026-W40"
    assert all(r.endswith(".") and r[0].isupper() for r in finding.reasons)


# --- trend --------------------------------------------------------------------------------


def test_a_steady_decline_above_the_floor_is_flagged_early_for_monitoring():
    s = series("fcr", [90, 89, 88, 86, 85, 84, 83, 82], n=300, floor=70)
    trend = evaluate_trend(s, LAST, CONFIG)
    assert trend is not None
    assert trend.p_value < 0.05
    (finding,) = findings_for(s)
    assert finding.kind is FindingKind.TREND
    assert finding.recommendation is Recommendation.MONITOR
    assert "moved the wrong way over the last 8 weeks" in finding.reasons[0]
    assert "it fell from 89.5% to 81.5%" in finding.reasons[0]
    assert "SLA floor of 70.0%" in finding.reasons[1]


def test_a_flat_noisy_series_is_not_a_trend():
    s = series("fcr", [85, 83, 86, 84, 85, 83, 86, 84], n=300, floor=70)
    assert evaluate_trend(s, LAST, CONFIG) is None


def test_a_tiny_steady_drift_is_not_material():
    s = series("fcr", [85.0, 84.9, 84.8, 84.7, 84.6, 84.5, 84.4, 84.3], n=5000, floor=70)
    assert evaluate_trend(s, LAST, CONFIG) is None


def test_a_trend_needs_enough_weeks_with_data():
    s = series("fcr", [90, None, None, None, 85, 84, 83, 82], n=300)
    assert evaluate_trend(s, LAST, CONFIG) is None


def test_cusum_catches_a_shift_mann_kendall_may_miss():
    s = series("csat", [90, 91, 89, 90, 90, 91, 80, 79], n=400, floor=60)
    trend = evaluate_trend(s, LAST, CONFIG)
    assert trend is not None
    assert trend.cusum_period is not None


# --- pairs --------------------------------------------------------------------------------


def _pair(aht_values, fcr_values, reopen_values=None):
    aht = series("aht", aht_values, n=200, sd=120)
    fcr = series("fcr", fcr_values, n=200)
    reopen = series("reopen", reopen_values, n=200) if reopen_values else None
    return aht, fcr, reopen


def test_aht_falling_while_fcr_worsens_is_rushing():
    aht, fcr, _ = _pair([600] * 4 + [450] * 4, [80] * 4 + [68] * 4)
    assert evaluate_pair(aht, fcr, None, LAST, CONFIG).verdict is PairVerdict.RUSHING
    findings = findings_for(aht, fcr)
    (rushing,) = [f for f in findings if f.kind is FindingKind.RUSHING]
    assert rushing.cause is Cause.INDIVIDUAL
    assert rushing.recommendation is Recommendation.COACH
    assert "rushing" in rushing.reasons[2]
    assert (
        "AHT went from 600 s (2026-W36 to 2026-W39) to 450 s (2026-W40 to 2026-W43), -25%"
        in rushing.reasons[0]
    )


def test_aht_falling_while_reopens_rise_is_rushing():
    aht, fcr, reopen = _pair([600] * 4 + [450] * 4, [80] * 8, [5] * 4 + [14] * 4)
    assert evaluate_pair(aht, fcr, reopen, LAST, CONFIG).verdict is PairVerdict.RUSHING


def test_aht_falling_with_fcr_steady_is_not_rushing():
    aht, fcr, _ = _pair([600] * 4 + [450] * 4, [80] * 8)
    assert evaluate_pair(aht, fcr, None, LAST, CONFIG).verdict is PairVerdict.NONE


def test_aht_rising_with_fcr_improving_is_not_flagged():
    aht, fcr, _ = _pair([400, 410, 420, 430, 450, 470, 490, 520], [70, 71, 72, 73, 78, 80, 82, 84])
    assert evaluate_pair(aht, fcr, None, LAST, CONFIG).verdict is PairVerdict.SLOWER_BUT_RESOLVING
    assert evaluate_trend(aht, LAST, CONFIG) is not None  # on its own, AHT would be a trend
    assert findings_for(aht, fcr) == ()


def test_an_aht_gap_with_fcr_improving_is_monitored_and_the_reasons_say_why():
    aht = series("aht", [400, 400, 400, 400, 520, 520, 520, 520], n=200, sd=120, floor=450)
    fcr = series("fcr", [70] * 4 + [82] * 4, n=200)
    (finding,) = findings_for(aht, fcr)
    assert finding.kind is FindingKind.SUSTAINED_GAP
    assert finding.recommendation is Recommendation.MONITOR
    assert any("handle time is buying resolution" in r for r in finding.reasons)


def test_config_rejects_k_larger_than_m():
    with pytest.raises(ValueError, match="periods_below"):
        DiagnosisConfig(periods_below=5, window=4)


def test_means_without_an_interval_are_not_judged():
    obs = Observation(LAST, 500.0, 5000.0, 10, None, None, sla_floor=400)
    s = AgentSeries("A1", "T1", "P1", "aht", (obs,))
    judgement = judge_period(s, LAST, CONFIG)
    assert judgement.verdict is Verdict.UNKNOWN
    assert math.isnan(pool([], "aht", 0.95).value)


def test_intervals_stay_inside_the_metric_s_range():
    import pandas as pd

    from upswing.scorecards.refresh import add_intervals

    frame = pd.DataFrame(
        {
            "metric": ["qa", "csat_score", "csat", "aht"],
            "n": [3, 2, 4, 3],
            "numerator": [285.0, 7.0, 4.0, 1200.0],
            "value": [95.0, 3.5, 100.0, 400.0],
            "sd": [8.0, 2.1, np.nan, 500.0],
        }
    )
    add_intervals(frame)
    assert frame["ci_high"].tolist()[:3] == [100.0, 5.0, 100.0]
    assert frame["ci_low"].tolist()[1] == 1.0
    assert frame["ci_low"].tolist()[3] == 0.0
    # the side left whole still gives back the sd the diagnosis pools with
    qa = Observation(LAST, 95.0, 285.0, 3, frame["ci_low"][0], frame["ci_high"][0])
    assert observation_sd(qa, 0.95) == pytest.approx(8.0)
    pooled = pool([qa], "qa", 0.95)
    assert pooled.high == 100.0


def test_below_the_minimum_sample_a_value_is_too_few_to_judge_never_a_breach():
    from upswing.scorecards.pages import status_view
    from upswing.scorecards.rules import TOO_FEW, judged_status

    assert judged_status("below_sla", "csat", 1) == TOO_FEW
    assert judged_status("below_sla", "qa", 5) == TOO_FEW
    assert judged_status("below_sla", "qa", 6) == "below_sla"
    assert judged_status("on_target", "fcr", 9) == TOO_FEW
    assert judged_status("below_sla", "volume", 1) == "below_sla"  # a count is never too few
    assert judged_status("no_target", "csat", 1) == "no_target"
    view = status_view("below_sla", "csat", 1)
    assert (view.code, view.words) == (TOO_FEW, "Too few to judge")
