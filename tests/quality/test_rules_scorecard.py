"""Scorecard rules: weights, critical criteria, N/A, bonus, and what a new version changes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upswing.quality.rules.scorecard import (
    Mark,
    MarksInvalid,
    TemplateInvalid,
    parse_template,
    score_evaluation,
    sop_changes,
    template_to_dict,
    validate_weights,
)

from .builders import all_met, template_data


def _score(points: dict, data: dict | None = None):
    template = parse_template(data or template_data())
    return score_evaluation(template, {k: Mark(v) for k, v in points.items()})


def test_all_met_scores_100():
    assert _score(all_met()).score == pytest.approx(100.0)


def test_weights_that_do_not_sum_to_100_are_refused_with_a_typed_problem():
    data = template_data()
    data["sections"][0]["criteria"][0]["weight"] = 15
    with pytest.raises(TemplateInvalid) as refused:
        parse_template(data)
    codes = [p.code for p in refused.value.problems]
    assert codes == ["weights-sum"]
    assert "105" in str(refused.value)


def test_bonus_weight_is_not_in_the_sum():
    template = parse_template(template_data())
    assert validate_weights(template.criteria) == ()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"weight": 0}, "weight"),
        ({"weight": "ten"}, "number"),
        ({"critical": "maybe"}, "critical"),
        ({"category": "unknown"}, "category"),
        ({"max_points": -1}, "points"),
    ],
)
def test_bad_criteria_say_where_and_why(change, code):
    data = template_data()
    data["sections"][0]["criteria"][0].update(change)
    with pytest.raises(TemplateInvalid) as refused:
        parse_template(data)
    assert code in {p.code for p in refused.value.problems}
    assert any("greet" in p.where or "sections[0]" in p.where for p in refused.value.problems)


def test_duplicate_keys_are_refused():
    data = template_data()
    data["sections"][1]["criteria"][0]["key"] = "greet"
    with pytest.raises(TemplateInvalid, match="used twice"):
        parse_template(data)


def test_partial_points_count_by_weight():
    # diagnose earns 2 of 4 points: loses half of its 40 → 80
    assert _score(all_met(diagnose=2)).score == pytest.approx(80.0)


def test_a_failed_evaluation_critical_zeroes_the_evaluation_and_keeps_the_raw_score():
    result = _score(all_met(verify=0))
    assert result.score == 0.0
    assert result.before_critical == pytest.approx(80.0)
    assert result.failed_critical == ("verify",)


def test_a_failed_section_critical_zeroes_only_its_section():
    result = _score(all_met(policy=0))
    # resolution section (diagnose 40, policy 20, recap 10) earns 0 → 30 of 100
    assert result.score == pytest.approx(30.0)
    assert result.zeroed_sections == ("resolution",)
    assert result.sections["opening"] == pytest.approx(100.0)
    assert result.sections["resolution"] == 0.0


def test_na_leaves_numerator_and_denominator():
    # recap N/A: 90 of weight left; greet missed → 80/90
    result = _score(all_met(recap=None, greet=0))
    assert result.score == pytest.approx(100 * 80 / 90)
    assert result.na == ("recap", "delight")


def test_na_is_refused_where_not_allowed():
    with pytest.raises(MarksInvalid, match="Verifies identity"):
        _score(all_met(verify=None))


def test_points_outside_the_scale_are_refused():
    with pytest.raises(MarksInvalid, match="between 0 and 4"):
        _score(all_met(diagnose=5))


def test_bonus_adds_on_top_and_is_capped_at_100():
    assert _score(all_met(greet=0, delight=1)).score == pytest.approx(95.0)
    assert _score(all_met(delight=1)).score == pytest.approx(100.0)


def test_bonus_does_not_rescue_a_critical_failure():
    assert _score(all_met(verify=0, delight=1)).score == 0.0


def test_everything_na_scores_nothing():
    data = template_data(
        sections=[
            {
                "key": "s",
                "label": "S",
                "criteria": [{"key": "a", "label": "A", "weight": 100, "allow_na": True}],
            }
        ],
        categories=[],
    )
    assert _score({"a": None}, data).score is None


@given(
    st.fixed_dictionaries(
        {
            "greet": st.sampled_from([0, 1]),
            "verify": st.just(1),
            "diagnose": st.integers(0, 4),
            "policy": st.sampled_from([1, None]),
            "recap": st.sampled_from([0, 1, None]),
            "delight": st.sampled_from([0, 1, None]),
        }
    )
)
def test_the_score_stays_between_0_and_100_and_never_drops_when_a_point_is_added(points):
    result = _score(points)
    assert 0 <= result.score <= 100
    if points["diagnose"] < 4:
        better = _score({**points, "diagnose": points["diagnose"] + 1})
        assert better.score >= result.score


def test_round_trip_and_sop_changes_between_versions():
    old = parse_template(template_data())
    assert parse_template(template_to_dict(old)) == old
    data = template_data()
    data["sections"][1]["criteria"][0]["sop"]["version"] = "4"
    changed = sop_changes(old, parse_template(data))
    assert list(changed) == ["diagnose"]
    assert changed["diagnose"][1].label() == "SOP-CL-12 v4"
