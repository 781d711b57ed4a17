"""How numbers read in a finding's reasons: the metric's unit, sample nouns, spans of periods."""

from __future__ import annotations

from collections.abc import Sequence

from upswing.metrics import CATALOG, Unit, format_value
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
    return format_value(metric, number, missing="no value")


def worse_side(metric: str) -> str:
    """The word for "on the wrong side of a bound": below, or above when lower is better."""
    return "above" if CATALOG[metric].better.value == "lower" else "below"


def better_side(metric: str) -> str:
    return "below" if CATALOG[metric].better.value == "lower" else "above"


def direction(metric: str, first: float, last: float) -> str:
    """The verb for a move from `first` to `last` as the sentence will print them: rose, fell,
    or held steady when the two read the same."""
    if value(metric, first) == value(metric, last):
        return "held steady"
    return "rose" if last > first else "fell"


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


def versus(metric: str, number: float | None, bound: float | None) -> str:
    """`number` as a sentence comparing it with `bound` prints it: with as many more decimals
    as it takes to read differently from the bound (74.96% against 75.0%, never 75.0%)."""
    text = value(metric, number)
    if number is None or bound is None or number == bound or text != value(metric, bound):
        return text
    unit = CATALOG[metric].unit
    base = {Unit.PERCENT: 1, Unit.SECONDS: 0, Unit.COUNT: 0}.get(unit, 2)
    suffix = {Unit.PERCENT: "%", Unit.SECONDS: " s"}.get(unit, "")
    for decimals in range(base + 1, base + 6):
        if f"{number:.{decimals}f}" != f"{bound:.{decimals}f}":
            return f"{number:.{decimals}f}{suffix}"
    return text
