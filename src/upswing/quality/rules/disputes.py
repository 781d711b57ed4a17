"""Disputes: what a decision does to a criterion's points, and the dispute analytics.

An agent disputes one criterion with a reason; an arbitrator who is not the evaluator
accepts (the criterion earns its full points), partly accepts (the arbitrator sets points
between what was given and the full points) or rejects (nothing changes). The evaluation is
then re-scored by the template's rules: a score never changes any other way.
"""

from __future__ import annotations

import datetime as dt
import enum
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class DecisionRefused(ValueError):  # noqa: N818 - reads as "the decision was refused"
    pass


def decided_points(
    outcome: Outcome, given: float | None, max_points: float, partial: float | None = None
) -> float | None:
    """The criterion's points after the decision (None stays N/A only on a rejection)."""
    if outcome is Outcome.REJECTED:
        return given
    if outcome is Outcome.ACCEPTED:
        return max_points
    low = given or 0.0
    if partial is None or not (low < partial < max_points):
        raise DecisionRefused(
            f"a partly accepted dispute sets points above the {low:g} given and below the "
            f"full {max_points:g}"
        )
    return partial


@dataclass(frozen=True, slots=True)
class DisputeFact:
    criterion: str
    evaluator: str
    raised_at: dt.datetime
    decided_at: dt.datetime | None
    outcome: Outcome | None


@dataclass(frozen=True, slots=True)
class DisputeAnalytics:
    evaluations: int
    disputed_evaluations: int
    disputes: int
    open: int
    median_hours_to_resolve: float | None
    by_outcome: dict[str, int]
    by_criterion: dict[str, dict[str, int]]
    by_evaluator: dict[str, dict[str, int]]

    @property
    def rate(self) -> float | None:
        """Disputed evaluations per 100 evaluations (None when there are none)."""
        return 100.0 * self.disputed_evaluations / self.evaluations if self.evaluations else None


def dispute_analytics(
    facts: Iterable[DisputeFact], evaluations: int, disputed_evaluations: int
) -> DisputeAnalytics:
    rows = list(facts)
    hours = [
        (f.decided_at - f.raised_at).total_seconds() / 3600
        for f in rows
        if f.decided_at is not None
    ]
    by_criterion: dict[str, Counter] = defaultdict(Counter)
    by_evaluator: dict[str, Counter] = defaultdict(Counter)
    for f in rows:
        key = f.outcome.value if f.outcome else "open"
        by_criterion[f.criterion][key] += 1
        by_evaluator[f.evaluator][key] += 1
    return DisputeAnalytics(
        evaluations=evaluations,
        disputed_evaluations=disputed_evaluations,
        disputes=len(rows),
        open=sum(1 for f in rows if f.outcome is None),
        median_hours_to_resolve=statistics.median(hours) if hours else None,
        by_outcome=dict(Counter(f.outcome.value for f in rows if f.outcome)),
        by_criterion={k: dict(v) for k, v in sorted(by_criterion.items())},
        by_evaluator={k: dict(v) for k, v in sorted(by_evaluator.items())},
    )
