"""Each KPI of the metric catalog as one measure: the fact source it reads, how it reduces
those rows to a numerator and a sample size (and, for a mean, its spread), and which rows a
calls metric counts in its sample (what the drill-down lists, `upswing.warehouse.evidence`).

`upswing.warehouse.kpis` aggregates these into scorecards; `upswing.warehouse.segments` into
the daily segments a refresh sums.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from upswing.metrics import get_metric


class Source(enum.StrEnum):
    CALLS = "calls"
    SURVEYS = "surveys"
    EVALUATIONS = "evaluations"


Reduction = Callable[[ir.Table], ir.Scalar]


@dataclass(frozen=True, slots=True)
class Measure:
    """How one metric reduces its fact rows: numerator, sample size and (MEAN) spread."""

    metric: str
    source: Source
    numerator: Reduction
    n: Reduction
    sd: Reduction | None = None
    square: Reduction | None = None  # MEAN: the sum of squares, so sums of days re-aggregate


# The calls each calls metric counts in its sample size n: the rows behind the number (the
# drill-down lists exactly these, `upswing.warehouse.evidence`).
CALL_SAMPLE: dict[str, Callable[[ir.Table], ir.BooleanValue]] = {
    "volume": lambda t: t.answered,
    "aht": lambda t: t.answered & t.handle_seconds.notnull(),
    "fcr": lambda t: t.answered & t.resolved.notnull(),
    "escalation": lambda t: t.answered & t.escalated.notnull(),
    "reopen": lambda t: t.answered & t.reopened.notnull(),
    "wait": lambda t: t.answered & t.wait_seconds.notnull(),
    "service_level": lambda t: ~t.answered | t.wait_seconds.notnull(),
    "abandonment": lambda t: ibis.literal(True),
}
# The survey kind each survey metric reads; a response counts in n when it has a score.
SURVEY_KIND = {"csat": "csat", "csat_score": "csat", "nps": "nps", "ces": "ces"}


def _sample_count(metric: str) -> Reduction:
    return lambda t: t.count(where=CALL_SAMPLE[metric](t))


def _answered_count(t: ir.Table) -> ir.IntegerScalar:
    return t.count(where=t.answered)


def _answered_mean(metric: str, column: str) -> tuple[Reduction, Reduction, Reduction, Reduction]:
    return (
        lambda t: t[column].sum(where=t.answered),
        _sample_count(metric),
        lambda t: t[column].std(how="sample", where=t.answered),
        lambda t: (t[column] * t[column]).sum(where=t.answered),
    )


def is_first_contact_resolution(t: ir.Table) -> ir.BooleanColumn:
    return t.resolved & ~t.reopened.fill_null(False)


def _survey_mean(kind: str) -> tuple[Reduction, Reduction, Reduction, Reduction]:
    return (
        lambda t: t.score.sum(where=t.kind == kind),
        lambda t: t.score.count(where=t.kind == kind),
        lambda t: t.score.std(how="sample", where=t.kind == kind),
        lambda t: (t.score * t.score).sum(where=t.kind == kind),
    )


def _nps_numerator(t: ir.Table) -> ir.IntegerScalar:
    promoters = t.count(where=(t.kind == "nps") & (t.score >= 9))
    detractors = t.count(where=(t.kind == "nps") & (t.score <= 6))
    return 100 * (promoters - detractors)


def _flagged_share(metric: str, flag: Callable[[ir.Table], ir.BooleanColumn]) -> Measure:
    """A share of answered interactions whose `flag` is known (NULL rows are left out)."""
    return Measure(
        metric,
        Source.CALLS,
        lambda t: t.count(where=t.answered & flag(t)),
        _sample_count(metric),
    )


MEASURES: dict[str, Measure] = {
    m.metric: m
    for m in (
        Measure("volume", Source.CALLS, _answered_count, _sample_count("volume")),
        Measure("aht", Source.CALLS, *_answered_mean("aht", "handle_seconds")),
        Measure(
            "fcr",
            Source.CALLS,
            lambda t: t.count(where=t.answered & is_first_contact_resolution(t)),
            _sample_count("fcr"),
        ),
        _flagged_share("escalation", lambda t: t.escalated),
        _flagged_share("reopen", lambda t: t.reopened),
        Measure("wait", Source.CALLS, *_answered_mean("wait", "wait_seconds")),
        Measure(
            "service_level",
            Source.CALLS,
            lambda t: t.count(where=t.answered & (t.wait_seconds <= t.service_level_seconds)),
            _sample_count("service_level"),
        ),
        Measure(
            "abandonment", Source.CALLS, lambda t: t.count(where=~t.answered), lambda t: t.count()
        ),
        Measure(
            "csat",
            Source.SURVEYS,
            lambda t: t.count(where=(t.kind == "csat") & (t.score >= 4)),
            lambda t: t.score.count(where=t.kind == "csat"),
        ),
        Measure("csat_score", Source.SURVEYS, *_survey_mean("csat")),
        Measure(
            "nps", Source.SURVEYS, _nps_numerator, lambda t: t.score.count(where=t.kind == "nps")
        ),
        Measure("ces", Source.SURVEYS, *_survey_mean("ces")),
        Measure(
            "qa",
            Source.EVALUATIONS,
            lambda t: t.score.sum(),
            lambda t: t.score.count(),
            lambda t: t.score.std(how="sample"),
            lambda t: (t.score * t.score).sum(),
        ),
    )
}


def selected_measures(metrics: Sequence[str] | None) -> list[Measure]:
    """The measures of `metrics` (all by default); KeyError on an unknown code."""
    if metrics is None:
        return list(MEASURES.values())
    codes = {get_metric(code).code for code in metrics}
    return [m for code, m in MEASURES.items() if code in codes]
