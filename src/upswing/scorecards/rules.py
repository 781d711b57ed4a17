"""How scorecards read a target status: too few observations to judge, how far a value falls
short, and the one status of a team, program or agent. The status of one value is
`upswing.status` (a layer under the features; `Status` is imported here from there).

No Django, no Ibis: plain values in, plain values out.
"""

from __future__ import annotations

from upswing.metrics import CATALOG, Aggregate, Better, min_sample
from upswing.status import Status, is_worse

__all__ = [
    "DOMAINS",
    "TOO_FEW",
    "Status",
    "is_small_sample",
    "judged_status",
    "overall_status",
    "shortfall",
]


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
    missed = [b for b in (sla_floor, kpi_target) if b is not None and is_worse(value, b, better)]
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


# Read once: an enum member and its value are looked up through descriptors, and a program
# page judges some 15,000 values.
_NO_TARGET = Status.NO_TARGET.value
_COUNTED = frozenset(code for code, m in CATALOG.items() if m.aggregate is Aggregate.COUNT)


def judged_status(status: str, metric: str, n: int | None) -> str:
    """`status` as it may be shown: "too_few" for a value on a standard whose sample is below
    the metric's minimum (a count such as volume is never too few)."""
    if status == _NO_TARGET or n is None or metric not in CATALOG or metric in _COUNTED:
        return status
    return TOO_FEW if n < min_sample(metric) else status


# From worst to best: the overall status of an entity is the worst status among its judged
# metrics, so it can never read "on target" while a metric is below its SLA floor.
_SEVERITY = (Status.BELOW_SLA.value, Status.BELOW_TARGET.value, Status.ON_TARGET.value)


# Worst first for a list of teams or agents: missed standards, then those met, then values
# too small to judge, then those with no standard at all.
_CONCERN = (*_SEVERITY, TOO_FEW, Status.NO_TARGET.value)


def concern(
    status: str,
    metric: str,
    value: float | None,
    sla_floor: float | None,
    kpi_target: float | None,
) -> tuple[int, float]:
    """A key that orders values worst first: by judged status (`status` as `judged_status`
    gives it), then the furthest short of its standard (`shortfall`) first."""
    rank = _CONCERN.index(status) if status in _CONCERN else len(_CONCERN)
    return rank, -shortfall(metric, value, sla_floor, kpi_target)


def overall_status(statuses) -> str:
    """The one status of a team, program or agent from its metrics' judged statuses
    (`judged_status`): the worst of those judged against a standard; "too_few" when none is
    judged but some rest on too small a sample; "no_target" when no metric has a standard."""
    seen = set(statuses)
    for status in _SEVERITY:
        if status in seen:
            return status
    return TOO_FEW if TOO_FEW in seen else Status.NO_TARGET.value
