"""The change from the previous period beside a scorecard value.

The same metric in the period just before, the direction in words and an arrow, and whether
the change is better or worse for the metric's direction. Below the metric's minimum sample
in either period the change is "too few to judge": a move on n=3 is noise, not news.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from upswing.metrics import CATALOG, Aggregate, Better, Unit, min_sample


class Trend(enum.StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"
    TOO_FEW = "too_few"
    NO_PREVIOUS = "no_previous"


class Verdict(enum.StrEnum):
    BETTER = "better"
    WORSE = "worse"
    NEUTRAL = "neutral"  # no change, no direction for the metric, or nothing to judge


ARROWS = {Trend.UP: "↑", Trend.DOWN: "↓", Trend.SAME: "→", Trend.TOO_FEW: "…"}


@dataclass(frozen=True, slots=True)
class Delta:
    trend: Trend
    verdict: Verdict
    change: float | None  # current - previous, in the metric's unit (points for a %)
    words: str  # "up 3.2 pts, better", "too few to judge", …
    previous_text: str

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.trend, "")


def _step(unit: Unit) -> float:
    """Half the smallest change the page can show: below it, "no change"."""
    if unit is Unit.PERCENT:
        return 0.05
    if unit in (Unit.SECONDS, Unit.COUNT):
        return 0.5
    return 0.005


def format_change(metric_code: str, change: float) -> str:
    unit = CATALOG[metric_code].unit
    size = abs(change)
    if unit is Unit.PERCENT:
        return f"{size:.1f} pts"
    if unit is Unit.SECONDS:
        return f"{size:.0f} s"
    if unit is Unit.COUNT:
        return f"{size:,.0f}"
    return f"{size:.2f}"


def _too_few(metric_code: str, n: int | None) -> bool:
    metric = CATALOG[metric_code]
    if metric.aggregate is Aggregate.COUNT:
        return False
    return n is None or n < min_sample(metric_code)


def compare_to_previous(
    metric_code: str,
    current: float | None,
    current_n: int | None,
    previous: float | None,
    previous_n: int | None,
    previous_text: str = "",
) -> Delta:
    """The change of one metric from the previous period, judged by its direction."""
    if current is None or previous is None:
        return Delta(Trend.NO_PREVIOUS, Verdict.NEUTRAL, None, "no previous value", "")
    if _too_few(metric_code, current_n) or _too_few(metric_code, previous_n):
        return Delta(Trend.TOO_FEW, Verdict.NEUTRAL, None, "too few to judge", previous_text)
    change = current - previous
    if abs(change) < _step(CATALOG[metric_code].unit):
        return Delta(Trend.SAME, Verdict.NEUTRAL, change, "no change", previous_text)
    trend = Trend.UP if change > 0 else Trend.DOWN
    verdict = _verdict(CATALOG[metric_code].better, trend)
    words = f"{trend.value} {format_change(metric_code, change)}"
    if verdict is not Verdict.NEUTRAL:
        words += f", {verdict.value}"
    return Delta(trend, verdict, change, words, previous_text)


def _verdict(better: Better, trend: Trend) -> Verdict:
    if better is Better.NEITHER:
        return Verdict.NEUTRAL
    good = Trend.UP if better is Better.HIGHER else Trend.DOWN
    return Verdict.BETTER if trend is good else Verdict.WORSE
