"""The previous period beside the chosen one: the delta of each scorecard value.

Read in the same query as the chosen period (the rows of both periods come back together and
are split here), so a page's query count does not grow.
"""

from __future__ import annotations

from collections.abc import Iterable

from upswing.metrics import format_value
from upswing.periods import Period
from upswing.tables.rules.deltas import Delta, compare_to_previous


def both_periods(period: Period) -> tuple:
    """The `period_start__in` value that reads the period and the one before it."""
    return (period.start, period.previous().start)


def split_periods(rows: Iterable, period: Period) -> tuple[list, list]:
    """Rows of the chosen period, and rows of the one before."""
    current, before = [], []
    for row in rows:
        (current if row.period_start == period.start else before).append(row)
    return current, before


def delta_of(metric: str, row, previous) -> Delta:
    """The change of `row` (value, n) from `previous` (value, n or None)."""
    if row is None:
        return compare_to_previous(metric, None, None, None, None)
    if previous is None:
        return compare_to_previous(metric, row.value, row.n, None, None)
    return compare_to_previous(
        metric,
        row.value,
        row.n,
        previous.value,
        previous.n,
        format_value(metric, previous.value),
    )
