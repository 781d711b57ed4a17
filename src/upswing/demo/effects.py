"""What shapes an agent's numbers: per agent-week modifiers and dated disturbances.

Normal agents keep neutral modifiers; the planted cases (`cases.py`) change them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CATEGORIES = ("greeting", "verification", "empathy", "resolution", "documentation", "compliance")


@dataclass(frozen=True, slots=True)
class Disturbance:
    """Something that hit a program or a team between two local days (inclusive)."""

    first_day: int
    last_day: int
    program: int | None = None
    team: int | None = None
    handle_mult: float = 1.0
    resolve_delta: float = 0.0
    escalate_delta: float = 0.0
    csat_shift: float = 0.0
    wait_mult: float = 1.0


@dataclass(frozen=True, slots=True)
class Effects:
    """Modifiers indexed [agent, week] (quality also by category); arrays are filled in place
    while the cases are planted and read-only afterwards."""

    handle_mult: np.ndarray
    resolve_delta: np.ndarray
    reopen_delta: np.ndarray
    escalate_delta: np.ndarray
    csat_shift: np.ndarray
    volume_mult: np.ndarray
    quality_delta: np.ndarray  # [agent, week, category]
    evaluations: np.ndarray  # QA evaluations that week; -1: the usual 1-3
    long_wait_share: np.ndarray  # share routed to the program's long-wait queue; NaN: usual
    disturbances: list[Disturbance]

    @classmethod
    def neutral(cls, agents: int, weeks: int) -> Effects:
        shape = (agents, weeks)
        return cls(
            handle_mult=np.ones(shape),
            resolve_delta=np.zeros(shape),
            reopen_delta=np.zeros(shape),
            escalate_delta=np.zeros(shape),
            csat_shift=np.zeros(shape),
            volume_mult=np.ones(shape),
            quality_delta=np.zeros((*shape, len(CATEGORIES))),
            evaluations=np.full(shape, -1, dtype=np.int64),
            long_wait_share=np.full(shape, np.nan),
            disturbances=[],
        )

    def apply_disturbances(
        self, day: np.ndarray, program: np.ndarray, team: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Per-interaction multipliers and shifts from every disturbance covering it."""
        out = {
            "handle_mult": np.ones(len(day)),
            "resolve_delta": np.zeros(len(day)),
            "escalate_delta": np.zeros(len(day)),
            "csat_shift": np.zeros(len(day)),
            "wait_mult": np.ones(len(day)),
        }
        for d in self.disturbances:
            hit = (day >= d.first_day) & (day <= d.last_day)
            if d.program is not None:
                hit &= program == d.program
            if d.team is not None:
                hit &= team == d.team
            out["handle_mult"][hit] *= d.handle_mult
            out["resolve_delta"][hit] += d.resolve_delta
            out["escalate_delta"][hit] += d.escalate_delta
            out["csat_shift"][hit] += d.csat_shift
            out["wait_mult"][hit] *= d.wait_mult
        return out


def category_index(category: str) -> int:
    return CATEGORIES.index(category)
