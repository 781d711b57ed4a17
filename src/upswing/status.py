"""Target status: where one value stands against its SLA floor and KPI target.

A layer under the features: the performance app stores these codes on every scorecard
snapshot, targets give them to each value, scorecards show and combine them
(`upswing.scorecards.rules`). No Django, no Ibis: plain values in, plain values out, numpy
for the vectorized form.
"""

from __future__ import annotations

import enum

import numpy as np

from upswing.metrics import Better


class Status(enum.StrEnum):
    BELOW_SLA = "below_sla"
    BELOW_TARGET = "below_target"
    ON_TARGET = "on_target"
    NO_TARGET = "no_target"


def is_worse(value: float, bound: float, better: Better) -> bool:
    """`value` is on the wrong side of `bound` in the metric's direction."""
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
    if sla_floor is not None and is_worse(value, sla_floor, better):
        return Status.BELOW_SLA
    if kpi_target is not None and is_worse(value, kpi_target, better):
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
