"""How numbers read in a finding's reasons: the metric's unit, sample nouns, spans of periods."""

from __future__ import annotations

from collections.abc import Sequence

from upswing.metrics import CATALOG, Unit
from upswing.periods import Period

_SAMPLE_NOUN = {
    "qa": "evaluations",
    "csat": "survey responses",
    "csat_score": "survey responses",
    "ces": "survey responses",
    "nps": "survey responses",
}
_SHORT_LABEL = {"qa": "QA", "fcr": "FCR", "aht": "AHT", "csat": "CSAT", "ces": "CES"}


def label(metric: str) -> str:
    return _SHORT_LABEL.get(metric, CATALOG[metric].label)


def sample(metric: str, n: int) -> str:
    return f"n={n} {_SAMPLE_NOUN.get(metric, 'interactions')}"


def value(metric: str, number: float | None) -> str:
    if number is None:
        return "no value"
    unit = CATALOG[metric].unit
    if unit is Unit.PERCENT:
        return f"{number:.1f}%"
    if unit is Unit.SECONDS:
        return f"{number:.0f} s"
    if unit is Unit.COUNT:
        return f"{number:,.0f}"
    return f"{number:.2f}"


def change(metric: str, number: float) -> str:
    """A difference in the metric's unit: percentages move by points."""
    unit = CATALOG[metric].unit
    if unit is Unit.PERCENT:
        return f"{abs(number):.1f} points"
    return value(metric, abs(number))


def span(periods: Sequence[Period]) -> str:
    if not periods:
        return "no period"
    first, last = min(periods), max(periods)
    return first.label if first == last else f"{first.label} to {last.label}"


def labels(periods: Sequence[Period]) -> str:
    return ", ".join(p.label for p in sorted(periods))


def unit_word(periods: Sequence[Period]) -> str:
    return "weeks" if not periods or periods[0].kind.value == "week" else "months"


def percent(share: float) -> str:
    return f"{100 * share:.0f}%"
