"""Target status: where one value stands against its SLA floor and KPI target.

No Django, no Ibis: plain values in, plain values out, numpy for the vectorized forms.
"""

from __future__ import annotations

import enum

import numpy as np

from upswing.metrics import CATALOG, Aggregate, Better, min_sample


class Status(enum.StrEnum):
    BELOW_SLA = "below_sla"
    BELOW_TARGET = "below_target"
    ON_TARGET = "on_target"
    NO_TARGET = "no_target"


# Shown instead of a status when a value rests on fewer observations than the diagnosis needs
# to judge it: a floor breach on n=1 is not a breach. Not a stored status (the snapshot keeps
# what the value says); pages, CLI and API show this word in its place.
TOO_FEW = "too_few"


# The range a value of each unit can take; None: open (times and counts have no top).
DOMAINS: dict[str, tuple[float, float | None]] = {
    "%": (0.0, 100.0),
    "1-5": (1.0, 5.0),
    "1-7": (1.0, 7.0),
    "points": (-100.0, 100.0),
    "s": (0.0, None),
    "count": (0.0, None),
}


def shortfall(
    metric: str, value: float | None, sla_floor: float | None, kpi_target: float | None
) -> float:
    """How far a value falls short of the standard its status names (the SLA floor when below
    it, else the KPI target), as a share of the metric's scale (of the standard itself for a
    time or a count); 0 when it misses none."""
    if value is None or metric not in CATALOG:
        return 0.0
    better = CATALOG[metric].better
    missed = [b for b in (sla_floor, kpi_target) if b is not None and _is_worse(value, b, better)]
    if not missed:
        return 0.0
    bound = min(missed) if better is Better.HIGHER else max(missed)
    low, high = DOMAINS.get(CATALOG[metric].unit.value, (0.0, None))
    span = (high - low) if high is not None else (abs(bound) or 1.0)
    return abs(value - bound) / span


def is_small_sample(metric: str, n: int | None) -> bool:
    """Fewer observations than the metric needs to be judged (a count is never too few)."""
    if n is None or metric not in CATALOG or CATALOG[metric].aggregate is Aggregate.COUNT:
        return False
    return n < min_sample(metric)


def judged_status(status: str, metric: str, n: int | None) -> str:
    """`status` as it may be shown: "too_few" for a value on a standard whose sample is below
    the metric's minimum (a count such as volume is never too few)."""
    if status == Status.NO_TARGET.value or n is None or metric not in CATALOG:
        return status
    if CATALOG[metric].aggregate is Aggregate.COUNT:
        return status
    return TOO_FEW if n < min_sample(metric) else status


def _is_worse(value: float, bound: float, better: Better) -> bool:
    return value < bound if better is Better.HIGHER else value > bound


def status_for(
    value: float | None, sla_floor: float | None, kpi_target: float | None, better: Better
) -> Status:
    """Where a value stands: below the contractual SLA floor, below the KPI goal, or on target.

    "Below" follows the metric's direction: for AHT (lower is better) a value above the
    floor is below SLA.
    """
    if value is None or better is Better.NEITHER or (sla_floor is None and kpi_target is None):
        return Status.NO_TARGET
    if sla_floor is not None and _is_worse(value, sla_floor, better):
        return Status.BELOW_SLA
    if kpi_target is not None and _is_worse(value, kpi_target, better):
        return Status.BELOW_TARGET
    return Status.ON_TARGET


def classify_statuses(
    values: np.ndarray,
    sla_floors: np.ndarray,
    kpi_targets: np.ndarray,
    higher_is_better: np.ndarray,
) -> np.ndarray:
    """`status_for` over arrays (NaN = no bound); returns an array of Status values."""
    values = np.asarray(values, dtype=float)
    floors = np.asarray(sla_floors, dtype=float)
    targets = np.asarray(kpi_targets, dtype=float)
    higher = np.asarray(higher_is_better, dtype=bool)
    with np.errstate(invalid="ignore"):
        worse_than_floor = np.where(higher, values < floors, values > floors)
        worse_than_target = np.where(higher, values < targets, values > targets)
    out = np.full(values.shape, Status.ON_TARGET.value, dtype=object)
    out[worse_than_target] = Status.BELOW_TARGET.value
    out[worse_than_floor] = Status.BELOW_SLA.value
    no_target = np.isnan(floors) & np.isnan(targets)
    out[no_target | np.isnan(values)] = Status.NO_TARGET.value
    return out


# From worst to best: the overall status of an entity is the worst status among its judged
# metrics, so it can never read "on target" while a metric is below its SLA floor.
_SEVERITY = (Status.BELOW_SLA.value, Status.BELOW_TARGET.value, Status.ON_TARGET.value)


def overall_status(statuses) -> str:
    """The one status of a team, program or agent from its metrics' judged statuses
    (`judged_status`): the worst of those judged against a standard; "too_few" when none is
    judged but some rest on too small a sample; "no_target" when no metric has a standard."""
    seen = set(statuses)
    for status in _SEVERITY:
        if status in seen:
            return status
    return TOO_FEW if TOO_FEW in seen else Status.NO_TARGET.value
