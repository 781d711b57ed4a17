"""The metric catalog: what each KPI means, which way is better, and how to read it.

Pure data (no Django, no Ibis). The warehouse computes every metric from these codes
(`upswing.warehouse.kpis`), the rules read direction and pairing from here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Better(enum.StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"


class Unit(enum.StrEnum):
    COUNT = "count"
    SECONDS = "s"
    PERCENT = "%"
    SCORE_1_5 = "1-5"
    SCORE_1_7 = "1-7"
    POINTS = "points"


class Level(enum.StrEnum):
    """The grain a value is computed at: one agent, a team (its members on each day) or a
    program. The one definition: the warehouse, the snapshots and the API all use it."""

    AGENT = "agent"
    TEAM = "team"
    PROGRAM = "program"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Aggregate(enum.StrEnum):
    """How a value is built from its numerator and denominator."""

    COUNT = "count"  # value = n
    MEAN = "mean"  # value = numerator / n
    SHARE = "share"  # value = 100 * numerator / n, Wilson interval on numerator / n
    NET = "net"  # value = numerator / n  (numerator already promoters - detractors, x100)


@dataclass(frozen=True, slots=True)
class Metric:
    code: str
    label: str
    definition: str
    better: Better
    unit: Unit
    aggregate: Aggregate
    agent_controls: bool
    pair: str | None
    risk_alone: str

    @property
    def higher_is_better(self) -> bool:
        return self.better is Better.HIGHER


CATALOG: dict[str, Metric] = {
    m.code: m
    for m in (
        Metric(
            "volume",
            "Volume",
            "interactions handled (answered)",
            Better.NEITHER,
            Unit.COUNT,
            Aggregate.COUNT,
            False,
            "aht",
            "Volume rewards speed over resolution; read it with handle time and FCR.",
        ),
        Metric(
            "aht",
            "Average handle time",
            "mean handle_seconds of answered interactions",
            Better.LOWER,
            Unit.SECONDS,
            Aggregate.MEAN,
            True,
            "fcr",
            "Pushing AHT down alone breeds rushed calls, transfers and repeat contacts.",
        ),
        Metric(
            "fcr",
            "First-contact resolution",
            "share of answered interactions resolved and not reopened",
            Better.HIGHER,
            Unit.PERCENT,
            Aggregate.SHARE,
            True,
            "aht",
            "FCR alone can hide very long calls; read it with handle time.",
        ),
        Metric(
            "csat",
            "CSAT",
            "share of csat responses scoring 4 or 5",
            Better.HIGHER,
            Unit.PERCENT,
            Aggregate.SHARE,
            True,
            "wait",
            "CSAT falls with long queues the agent does not control; read it with wait time.",
        ),
        Metric(
            "csat_score",
            "CSAT score",
            "mean csat score (1-5)",
            Better.HIGHER,
            Unit.SCORE_1_5,
            Aggregate.MEAN,
            True,
            "wait",
            "A mean score hides the split between delighted and angry customers.",
        ),
        Metric(
            "nps",
            "NPS",
            "% promoters (9-10) minus % detractors (0-6)",
            Better.HIGHER,
            Unit.POINTS,
            Aggregate.NET,
            False,
            "csat",
            "NPS measures the brand as much as the agent; small samples swing widely.",
        ),
        Metric(
            "ces",
            "Customer effort",
            "mean ces score (1-7)",
            Better.HIGHER,
            Unit.SCORE_1_7,
            Aggregate.MEAN,
            True,
            "fcr",
            "Effort depends on process and tools as much as on the agent.",
        ),
        Metric(
            "qa",
            "QA score",
            "mean evaluation score, 0 when a critical criterion failed",
            Better.HIGHER,
            Unit.PERCENT,
            Aggregate.MEAN,
            True,
            "csat",
            "QA samples few interactions; read it with CSAT and its sample size.",
        ),
        Metric(
            "escalation",
            "Escalation rate",
            "share of answered interactions escalated",
            Better.LOWER,
            Unit.PERCENT,
            Aggregate.SHARE,
            True,
            "fcr",
            "Avoiding escalation at all costs can keep customers stuck; read it with FCR.",
        ),
        Metric(
            "reopen",
            "Reopen rate",
            "share of answered interactions reopened",
            Better.LOWER,
            Unit.PERCENT,
            Aggregate.SHARE,
            True,
            "aht",
            "Reopens rise when handle time is squeezed; read it with AHT.",
        ),
        Metric(
            "wait",
            "Average wait",
            "mean wait_seconds of answered interactions",
            Better.LOWER,
            Unit.SECONDS,
            Aggregate.MEAN,
            False,
            "abandonment",
            "Wait is set by staffing and routing, not by the agent who answers.",
        ),
        Metric(
            "service_level",
            "Service level",
            "share of offered interactions answered within the program's threshold",
            Better.HIGHER,
            Unit.PERCENT,
            Aggregate.SHARE,
            False,
            "abandonment",
            "Service level can be gamed by dropping long waiters; read it with abandonment.",
        ),
        Metric(
            "abandonment",
            "Abandonment",
            "share of offered interactions not answered",
            Better.LOWER,
            Unit.PERCENT,
            Aggregate.SHARE,
            False,
            "service_level",
            "Abandonment follows staffing and queue length, not individual performance.",
        ),
    )
}

METRIC_CODES: tuple[str, ...] = tuple(CATALOG)


def get_metric(code: str) -> Metric:
    try:
        return CATALOG[code]
    except KeyError:
        known = ", ".join(METRIC_CODES)
        raise KeyError(f"unknown metric {code!r}; known metrics: {known}") from None


_RANGES = {
    Unit.PERCENT: (0.0, 100.0),
    Unit.SCORE_1_5: (1.0, 5.0),
    Unit.SCORE_1_7: (1.0, 7.0),
    Unit.POINTS: (-100.0, 100.0),
    Unit.SECONDS: (0.0, float("inf")),
    Unit.COUNT: (0.0, float("inf")),
}


def value_range(code: str) -> tuple[float, float]:
    """The values `code` can take (a percentage 0-100, a 1-5 score ...): intervals are kept
    inside it."""
    return _RANGES[CATALOG[code].unit]


def value_from_totals(metric: Metric, numerator: float, n: int) -> float:
    """A metric's value from its numerator and sample size; how periods are combined exactly."""
    if n <= 0:
        raise ValueError("no observations")
    match metric.aggregate:
        case Aggregate.COUNT:
            return float(n)
        case Aggregate.SHARE:
            return 100.0 * numerator / n
        case _:
            return numerator / n


def format_value(metric_code: str, value: float | None, *, missing: str = "—") -> str:
    """How a metric's value reads everywhere: pages, the CLI, findings' reasons, documents.

    Percentages to one decimal, seconds and counts whole, scores to two decimals.
    """
    if value is None:
        return missing
    unit = CATALOG[metric_code].unit
    if unit is Unit.PERCENT:
        return f"{value:.1f}%"
    if unit is Unit.SECONDS:
        return f"{value:.0f} s"
    if unit is Unit.COUNT:
        return f"{value:,.0f}"
    return f"{value:.2f}"


# The fewest observations a value needs before it is judged (a status, a delta, a breach);
# below it the pages say "too few". QA counts evaluations; every other sampled metric, 10.
MIN_SAMPLE = {"qa": 6}
DEFAULT_MIN_SAMPLE = 10


def min_sample(metric: str) -> int:
    return MIN_SAMPLE.get(metric, DEFAULT_MIN_SAMPLE)
