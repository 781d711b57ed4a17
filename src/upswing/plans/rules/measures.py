"""What a plan goal is measured on: a catalog metric, or one QA behaviour's pass rate.

A behaviour measure is written `qa.<behaviour>` (e.g. `qa.empathy`): the share of the agent's
QA evaluations in which every criterion of that behaviour scored full points. It is higher
the better, in percent, and the agent controls it. Pure: no Django, no Ibis.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from upswing.findings.rules import wording
from upswing.metrics import CATALOG, Better, Unit

BEHAVIOUR_PREFIX = "qa."


@dataclass(frozen=True, slots=True)
class WeekValue:
    """One week of one measure for one agent: the value with what it was built from."""

    week_start: dt.date
    value: float | None
    n: int = 0
    numerator: float = 0.0


def is_behaviour(code: str) -> bool:
    return code.startswith(BEHAVIOUR_PREFIX) and len(code) > len(BEHAVIOUR_PREFIX)


def behaviour_of(code: str) -> str:
    return code[len(BEHAVIOUR_PREFIX) :] if is_behaviour(code) else ""


def behaviour_measure(behaviour: str) -> str:
    return f"{BEHAVIOUR_PREFIX}{behaviour}"


def is_known(code: str) -> bool:
    return is_behaviour(code) or code in CATALOG


def higher_is_better(code: str) -> bool | None:
    """True/False for a direction; None for a metric without one (volume) or an unknown code."""
    if is_behaviour(code):
        return True
    metric = CATALOG.get(code)
    if metric is None or metric.better is Better.NEITHER:
        return None
    return metric.better is Better.HIGHER


def agent_controls(code: str) -> bool:
    return is_behaviour(code) or (code in CATALOG and CATALOG[code].agent_controls)


def is_percent(code: str) -> bool:
    return is_behaviour(code) or (code in CATALOG and CATALOG[code].unit is Unit.PERCENT)


def label(code: str) -> str:
    if is_behaviour(code):
        return f"QA {behaviour_of(code)} pass rate"
    if code in CATALOG:
        return wording.label(code)
    return code


def fmt(code: str, number: float | None) -> str:
    if number is None:
        return "no value"
    if is_behaviour(code):
        return f"{number:.0f}%"
    if code in CATALOG:
        return wording.value(code, number)
    return f"{number:g}"


def meets(code: str, value: float, target: float) -> bool:
    """Whether `value` is at or on the better side of `target`."""
    return value >= target if higher_is_better(code) is not False else value <= target


def improvement(code: str, before: float, after: float) -> float:
    """How far `after` is better than `before`, in the measure's unit (negative: worse)."""
    return after - before if higher_is_better(code) is not False else before - after


def pooled(code: str, weeks: Sequence[WeekValue]) -> tuple[float | None, int]:
    """Weeks combined from their totals (never an average of averages): (value, n)."""
    n = sum(w.n for w in weeks if w.value is not None)
    if n <= 0:
        return None, 0
    numerator = sum(w.numerator for w in weeks if w.value is not None)
    if is_percent(code) and (is_behaviour(code) or CATALOG[code].aggregate.value == "share"):
        return 100.0 * numerator / n, n
    return numerator / n, n


def quantile(values: Sequence[float], q: float) -> float | None:
    clean = [v for v in values if v is not None and not math.isnan(v)]
    if not clean:
        return None
    return float(np.quantile(np.asarray(clean, dtype=float), q))


def upper_quantile(code: str, values: Sequence[float], q: float) -> float | None:
    """The value a share `q` of the group does not beat: the 90th percentile of the better end."""
    return quantile(values, q if higher_is_better(code) is not False else 1 - q)
