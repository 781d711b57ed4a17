"""Whether a target version's bounds make sense: the SLA floor is the minimum, the KPI target
the goal, so the floor may never be stricter than the target in the metric's direction.

No Django, no Ibis. The import check (`upswing.ingest.checks`, targets) states the same rule
in SQL over whole files; this is the one-row form the web form and the API call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from upswing.metrics import Better


@dataclass(frozen=True, slots=True)
class BoundsProblem:
    field: str  # "sla_floor", "kpi_target" or "" (the pair)
    message: str


def check_target_bounds(
    better: Better, sla_floor: float | None, kpi_target: float | None
) -> tuple[BoundsProblem, ...]:
    """Problems with one (floor, target) pair; empty when the pair is usable."""
    problems = [
        BoundsProblem(name, "must be a finite number")
        for name, value in (("sla_floor", sla_floor), ("kpi_target", kpi_target))
        if value is not None and not math.isfinite(value)
    ]
    if problems:
        return tuple(problems)
    if sla_floor is None and kpi_target is None:
        return (BoundsProblem("", "give an SLA floor, a KPI target or both"),)
    if better is Better.NEITHER:
        return (BoundsProblem("", "this metric has no better direction, so it takes no target"),)
    if (
        sla_floor is not None
        and kpi_target is not None
        and floor_is_stricter(better, sla_floor, kpi_target)
    ):
        side = "above" if better is Better.HIGHER else "below"
        return (
            BoundsProblem(
                "sla_floor",
                f"the SLA floor (the minimum) is stricter than the KPI target (the goal): "
                f"it must not be {side} {kpi_target:g}",
            ),
        )
    return ()


def floor_is_stricter(better: Better, sla_floor: float, kpi_target: float) -> bool:
    if better is Better.HIGHER:
        return sla_floor > kpi_target
    if better is Better.LOWER:
        return sla_floor < kpi_target
    return False
