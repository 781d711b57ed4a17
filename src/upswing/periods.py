"""Reporting periods: ISO weeks and calendar months, named as people write them.

A period is identified by its kind and its first day; its label is `2026-W44` for a week
and `2026-10` for a month. Pure: no Django, no Ibis.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass


class PeriodKind(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"


_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    kind: PeriodKind
    start: dt.date

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        if self.kind is PeriodKind.WEEK:
            return self.start + dt.timedelta(days=6)
        return next_month_start(self.start) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.year}-{self.start.month:02d}"

    def next(self) -> Period:
        if self.kind is PeriodKind.WEEK:
            return Period(self.kind, self.start + dt.timedelta(days=7))
        return Period(self.kind, next_month_start(self.start))

    def previous(self) -> Period:
        if self.kind is PeriodKind.WEEK:
            return Period(self.kind, self.start - dt.timedelta(days=7))
        return Period(self.kind, (self.start - dt.timedelta(days=1)).replace(day=1))


def next_month_start(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def week_of(day: dt.date) -> Period:
    return Period(PeriodKind.WEEK, day - dt.timedelta(days=day.weekday()))


def month_of(day: dt.date) -> Period:
    return Period(PeriodKind.MONTH, day.replace(day=1))


def period_of(kind: PeriodKind, day: dt.date) -> Period:
    return week_of(day) if kind is PeriodKind.WEEK else month_of(day)


def parse_period(label: str) -> Period:
    """`2026-W44` or `2026-10` -> Period; ValueError with the accepted forms otherwise."""
    text = label.strip()
    if m := _WEEK.match(text):
        try:
            return Period(PeriodKind.WEEK, dt.date.fromisocalendar(int(m[1]), int(m[2]), 1))
        except ValueError:
            raise ValueError(f"{label!r} is not an ISO week of that year") from None
    if m := _MONTH.match(text):
        month = int(m[2])
        if 1 <= month <= 12:
            return Period(PeriodKind.MONTH, dt.date(int(m[1]), month, 1))
    raise ValueError(
        f"{label!r} is not a period; write an ISO week (2026-W44) or a month (2026-10)"
    )


def periods_between(kind: PeriodKind, first: dt.date, last: dt.date) -> list[Period]:
    """Every period from the one holding `first` to the one holding `last`, gaps included."""
    out, current, stop = [], period_of(kind, first), period_of(kind, last)
    while current <= stop:
        out.append(current)
        current = current.next()
    return out


@functools.lru_cache(maxsize=256)  # the same few windows, asked for by every series
def window_ending(last: Period, length: int) -> tuple[Period, ...]:
    """The `length` periods ending with `last`, oldest first."""
    periods = [last]
    while len(periods) < length:
        periods.append(periods[-1].previous())
    return tuple(reversed(periods))
