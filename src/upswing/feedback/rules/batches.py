"""Anonymous continuous notes released in whole monthly batches, never one by one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Batch:
    """Anonymous notes released together once the month `closes_in` has ended."""

    closes_in: dt.date  # first day of the month whose end released the batch
    months: tuple[dt.date, ...]
    size: int


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def released_batches(
    counts: Mapping[dt.date, int], today: dt.date, minimum: int
) -> tuple[Batch, ...]:
    """Whole batches of at least `minimum` anonymous notes from ended months, oldest first.

    A month joins the pending pile when it ends; the pile is released as one batch as soon as
    it holds `minimum` notes. Later notes never change an earlier batch (the notes of a month
    are all known once it has ended), so two time windows differ by whole batches only.
    """
    current = month_of(today)
    batches, months, pending = [], [], 0
    for month in sorted(m for m in counts if m < current):
        if counts[month] <= 0:
            continue
        months.append(month)
        pending += counts[month]
        if pending >= minimum:
            batches.append(Batch(month, tuple(months), pending))
            months, pending = [], 0
    return tuple(batches)


def batches_in_window(
    batches: Iterable[Batch], start: dt.date | None, end: dt.date | None
) -> tuple[Batch, ...]:
    """The batches whose release month lies in [start, end]: a window never splits a batch."""
    return tuple(
        b
        for b in batches
        if (start is None or b.closes_in >= month_of(start))
        and (end is None or b.closes_in <= month_of(end))
    )
