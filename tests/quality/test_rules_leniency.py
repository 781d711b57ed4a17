"""Evaluator severity: planted harsh and lenient evaluators are recovered over many draws.

Generated data: 40 agents with true QA ~ N(80, 6), 6 evaluators, each agent scored 10 times
by evaluators drawn at random (so evaluators overlap on agents), noise N(0, 8). Evaluator
E1 is planted 10 points harsh and E2 10 points lenient; E3-E6 are neutral.
Stated rates over 200 draws: both planted evaluators flagged in the right direction in at
least 95% of draws; a neutral evaluator flagged in at most 3% of evaluator-draws.
"""

from __future__ import annotations

import numpy as np
import pytest

from upswing.quality.rules.leniency import (
    LeniencyConfig,
    Scored,
    concentration_sentence,
    describe_severity,
    estimate_leniency,
    evaluator_concentration,
)

EFFECTS = {"E1": -10.0, "E2": 10.0, "E3": 0.0, "E4": 0.0, "E5": 0.0, "E6": 0.0}
DRAWS = 200


def _draw(rng, agents=40, per_agent=10, effects=EFFECTS):
    names = sorted(effects)
    rows = []
    for a in range(agents):
        true = rng.normal(80, 6)
        for _ in range(per_agent):
            e = names[rng.integers(len(names))]
            score = true + effects[e] + rng.normal(0, 8)
            rows.append(Scored(f"agent:A{a}", e, float(score), agent_id=f"A{a}"))
    return rows


@pytest.mark.slow
def test_planted_harsh_and_lenient_evaluators_are_recovered_over_many_draws():
    rng = np.random.default_rng(20261202)
    hits = {"E1": 0, "E2": 0}
    false_flags = 0
    for _ in range(DRAWS):
        result = estimate_leniency(_draw(rng))
        by = {s.evaluator: s for s in result.severities}
        hits["E1"] += by["E1"].direction == "harsh"
        hits["E2"] += by["E2"].direction == "lenient"
        false_flags += sum(by[e].outlier for e in ("E3", "E4", "E5", "E6"))
    assert hits["E1"] >= 0.95 * DRAWS, hits
    assert hits["E2"] >= 0.95 * DRAWS, hits
    assert false_flags <= 0.03 * DRAWS * 4, false_flags


def test_effects_are_close_to_the_planted_ones_and_centred():
    rng = np.random.default_rng(7)
    result = estimate_leniency(_draw(rng, agents=80))
    by = {s.evaluator: s for s in result.severities}
    # centred on the evaluation-weighted mean of all evaluators (whose planted mean is 0)
    assert by["E1"].effect == pytest.approx(-10, abs=3)
    assert by["E2"].effect == pytest.approx(10, abs=3)
    assert "harsh outlier" in describe_severity(by["E1"])
    assert "below" in describe_severity(by["E1"])


def test_adjusted_qa_is_beside_raw_and_agents_mostly_scored_by_an_outlier_are_flagged():
    rows = []
    for a in range(12):
        for k in range(6):
            rows.append(Scored(f"agent:A{a}", "E3" if k % 2 else "E4", 80 + (k % 3), f"A{a}"))
    # agent X is scored 5 times by harsh E1 and once by E3; E1 also scores others
    for a in range(12):
        rows.append(Scored(f"agent:A{a}", "E1", 66.0, f"A{a}"))
    rows += [Scored("agent:X", "E1", 65.0, "X") for _ in range(5)]
    rows.append(Scored("agent:X", "E3", 80.0, "X"))
    result = estimate_leniency(rows, LeniencyConfig(min_evaluations=5))
    by = {s.evaluator: s for s in result.severities}
    assert by["E1"].direction == "harsh"
    x = next(a for a in result.agents if a.agent_id == "X")
    assert x.flagged
    assert x.raw == pytest.approx((5 * 65 + 80) / 6)
    assert x.adjusted > x.raw
    assert not next(a for a in result.agents if a.agent_id == "A0").flagged


def test_evaluators_without_overlap_are_not_compared():
    rows = [Scored("agent:A", "E1", 80.0, "A"), Scored("agent:B", "E2", 60.0, "B")]
    result = estimate_leniency(rows)
    assert all(s.effect is None for s in result.severities)
    assert all(s.direction == "not comparable" for s in result.severities)


def test_concentration_note_states_its_numbers():
    scores = [("E1", 60.0)] * 4 + [("E2", 85.0)]
    c = evaluator_concentration("A1", scores)
    assert c is not None
    assert c.share == pytest.approx(0.8)
    text = concentration_sentence(c)
    assert "4 of 5" in text
    assert "80%" in text
    assert "85.0% (n=1)" in text
    assert evaluator_concentration("A1", [("E1", 60.0), ("E2", 70.0), ("E3", 80.0)]) is None
