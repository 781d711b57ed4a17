"""Each agent's stable traits: volume, speed, resolution, survey bias, QA quality, schedule."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upswing.demo.effects import CATEGORIES

# five-day patterns (Monday = 0); most agents work weekdays, some cover the weekend
WORK_PATTERNS = np.array(
    [
        [1, 1, 1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1, 0, 0],
        [0, 1, 1, 1, 1, 1, 0],
        [1, 1, 1, 0, 1, 1, 0],
        [0, 0, 1, 1, 1, 1, 1],
    ],
    dtype=bool,
)

# Normal agents differ, but none is worse than the team or near an SLA floor by nature:
# only a planted case is a real gap, so anything else the rules flag is noise. Each range
# keeps a normal agent's level a few standard errors of its pooled 4-week value clear of the
# demo's floors (targets.py), not on them.
NORMAL_RANGE = {
    "handle_mult": (0.85, 1.05),
    "p_resolve": (0.8, 0.9),
    "p_reopen": (0.02, 0.05),
    "p_escalate": (0.02, 0.05),
    "csat_bias": (0.1, 0.6),
    "quality": (0.87, 0.98),
}


@dataclass(frozen=True, slots=True)
class Skills:
    weekly_volume: np.ndarray
    handle_mult: np.ndarray
    p_resolve: np.ndarray
    p_reopen: np.ndarray
    p_escalate: np.ndarray
    p_transfer: np.ndarray
    csat_bias: np.ndarray
    quality: np.ndarray  # [agent, category]: chance of full points on a criterion
    critical_fail: np.ndarray  # chance of failing a critical criterion
    workdays: np.ndarray  # [agent, weekday] bool
    shift_pick: np.ndarray  # uniform in [0, 1): which of the program's shift starts


def draw_skills(rng: np.random.Generator, agents: int, steady: frozenset[int]) -> Skills:
    skills = Skills(
        weekly_volume=rng.uniform(36, 54, agents),
        handle_mult=np.clip(rng.lognormal(0.0, 0.12, agents), *NORMAL_RANGE["handle_mult"]),
        p_resolve=np.clip(rng.normal(0.84, 0.03, agents), *NORMAL_RANGE["p_resolve"]),
        p_reopen=np.clip(rng.normal(0.035, 0.01, agents), *NORMAL_RANGE["p_reopen"]),
        p_escalate=np.clip(rng.normal(0.035, 0.01, agents), *NORMAL_RANGE["p_escalate"]),
        p_transfer=np.clip(rng.normal(0.05, 0.015, agents), 0.01, 0.1),
        csat_bias=np.clip(rng.normal(0.3, 0.15, agents), *NORMAL_RANGE["csat_bias"]),
        quality=np.clip(
            rng.normal(0.92, 0.03, (agents, len(CATEGORIES))), *NORMAL_RANGE["quality"]
        ),
        critical_fail=rng.uniform(0.003, 0.015, agents),
        workdays=WORK_PATTERNS[rng.integers(len(WORK_PATTERNS), size=agents)],
        shift_pick=rng.random(agents),
    )
    _make_steady(skills, np.array(sorted(steady), dtype=np.int64))
    return skills


def _make_steady(skills: Skills, agents: np.ndarray) -> None:
    """Good, stable agents, so that a planted change is the only story in their numbers."""
    if not len(agents):
        return
    skills.weekly_volume[agents] = 48
    skills.handle_mult[agents] = 1.0
    skills.p_resolve[agents] = 0.85
    skills.p_reopen[agents] = 0.05
    skills.csat_bias[agents] = 0.1
    skills.quality[agents] = 0.95
    skills.critical_fail[agents] = 0.0
    skills.workdays[agents] = WORK_PATTERNS[0]
