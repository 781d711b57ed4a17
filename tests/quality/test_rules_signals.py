"""SOP signals and team training: fire on a planted shared miss, not on noise.

Generated data: 3 teams × 8 agents, each agent evaluated 3 times a week for 12 weeks on 6
criteria, each criterion missed at a background rate of 10%. Planted: in the last 4 weeks,
criterion c3 is missed at 45% by every agent. Stated rates over 200 draws each: the signal
fires on c3 in at least 95% of planted draws; on pure noise, any signal fires in at most 5% of
draws; an unplanted criterion fires in at most 2% of planted draws.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from upswing.quality.rules.signals import (
    CriterionMark,
    SignalConfig,
    TrainingConfig,
    detect_sop_signals,
    recommend_team_training,
    window_of,
)

AS_OF = dt.date(2026, 11, 29)  # a Sunday: the window is 2026-W45..W48
CRITERIA = [f"c{i}" for i in range(1, 7)]
DRAWS = 200


def _marks(rng, planted: dict[str, float] | None = None, teams=3, agents=8, weeks=12, base=0.10):
    first = AS_OF - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)
    window = window_of(AS_OF, SignalConfig())
    out = []
    n = 0
    for t in range(teams):
        for a in range(agents):
            for w in range(weeks):
                for k in range(3):
                    day = first + dt.timedelta(weeks=w, days=k)
                    n += 1
                    for c in CRITERIA:
                        rate = base
                        if planted and c in planted and day >= window.first:
                            rate = planted[c]
                        out.append(
                            CriterionMark(
                                f"ev{n}",
                                f"A{t}{a}",
                                f"T{t}",
                                c,
                                f"cat-{c}",
                                day,
                                rng.random() < rate,
                            )
                        )
    return out


@pytest.mark.slow
def test_sop_signal_fires_on_a_planted_shared_miss_and_not_on_noise():
    rng = np.random.default_rng(1202)
    planted_hits = wrong = noise_fires = 0
    for _ in range(DRAWS):
        signals = detect_sop_signals(_marks(rng, {"c3": 0.45}), AS_OF)
        planted_hits += any(s.criterion == "c3" for s in signals)
        wrong += any(s.criterion != "c3" for s in signals)
        noise_fires += bool(detect_sop_signals(_marks(rng), AS_OF))
    assert planted_hits >= 0.95 * DRAWS
    assert wrong <= 0.02 * DRAWS
    assert noise_fires <= 0.05 * DRAWS


def test_a_signal_states_its_evidence():
    rng = np.random.default_rng(3)
    (signal,) = detect_sop_signals(_marks(rng, {"c3": 0.6}), AS_OF)
    assert signal.criterion == "c3"
    assert len(signal.teams) == 3
    text = signal.sentence("States the policy terms")
    assert f"{signal.window_misses} of {signal.window_marks}" in text
    assert "2026-11-02 to 2026-11-29" in text
    assert f"{len(signal.agents)} of {signal.agents_evaluated} agents" in text


def test_a_miss_confined_to_one_team_is_not_an_sop_signal():
    rng = np.random.default_rng(4)
    marks = _marks(rng, teams=3)
    window = window_of(AS_OF, SignalConfig())
    marks = [
        CriterionMark(m.evaluation_id, m.agent_id, m.team_id, m.criterion, m.category, m.day, True)
        if m.team_id == "T0" and m.criterion == "c3" and m.day >= window.first
        else m
        for m in marks
    ]
    assert not any(s.criterion == "c3" for s in detect_sop_signals(marks, AS_OF))


def test_too_few_marks_never_fire():
    rng = np.random.default_rng(5)
    marks = _marks(rng, {"c3": 0.9}, teams=2, agents=1, weeks=12)
    assert detect_sop_signals(marks, AS_OF, SignalConfig(min_marks=100)) == ()


def test_team_training_when_several_agents_of_a_team_share_a_missed_behaviour():
    rng = np.random.default_rng(6)
    window = window_of(AS_OF, SignalConfig())
    marks = _marks(rng, teams=2, agents=5, base=0.05)
    marks = [
        CriterionMark(m.evaluation_id, m.agent_id, m.team_id, m.criterion, m.category, m.day, True)
        if m.team_id == "T1"
        and m.agent_id in {"A10", "A11", "A12"}
        and m.criterion == "c2"
        and m.day >= window.first
        else m
        for m in marks
    ]
    (rec,) = recommend_team_training(marks, window, TrainingConfig())
    assert (rec.team_id, rec.category, rec.recommendation) == ("T1", "cat-c2", "train")
    assert [a.agent_id for a in rec.agents] == ["A10", "A11", "A12"]
    text = rec.sentence("Accuracy", "Claims North")
    assert "3 of 5 evaluated agents of Claims North" in text


def test_one_agent_missing_is_coaching_not_team_training():
    rng = np.random.default_rng(8)
    window = window_of(AS_OF, SignalConfig())
    marks = [
        CriterionMark(m.evaluation_id, m.agent_id, m.team_id, m.criterion, m.category, m.day, True)
        if m.agent_id == "A10" and m.criterion == "c2" and m.day >= window.first
        else m
        for m in _marks(rng, teams=2, agents=5, base=0.05)
    ]
    assert recommend_team_training(marks, window) == ()
