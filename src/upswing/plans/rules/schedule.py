"""A plan's calendar: 30-60-90 phases sized to its length, weekly checkpoints on working days.

Dates are the program's local dates (the service turns "today" into one in the program's time
zone). Working days are Monday to Friday less the given holidays. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

PHASES = (
    ("Quick wins", "Fix the most visible misses; agree the habits to build."),
    ("Skill-building", "Practise the behaviours with support until the goals are reached."),
    ("Consistency", "Hold the goals week after week without the extra support."),
)
DEFAULT_LENGTH_DAYS = 90
EXTENSION_DAYS = 30


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    first_day: int
    last_day: int
    starts_on: dt.date
    ends_on: dt.date
    focus: str


def is_working_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: dt.date, holidays: Collection[dt.date] = ()) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def previous_working_day(day: dt.date, holidays: Collection[dt.date] = ()) -> dt.date:
    while not is_working_day(day, holidays):
        day -= dt.timedelta(days=1)
    return day


def plan_start(as_of: dt.date, holidays: Collection[dt.date] = ()) -> dt.date:
    """A plan drafted on `as_of` starts on the next working day (never the day it is written)."""
    return next_working_day(as_of + dt.timedelta(days=1), holidays)


def end_date(start: dt.date, length_days: int) -> dt.date:
    return start + dt.timedelta(days=length_days - 1)


def phase_bounds(length_days: int) -> tuple[tuple[int, int], ...]:
    """Day ranges (1-based, inclusive) of the three phases: thirds of the plan's length."""
    if length_days < 3:
        raise ValueError(f"a plan runs at least 3 days, not {length_days}")
    first = round(length_days / 3)
    second = round(2 * length_days / 3)
    return ((1, first), (first + 1, second), (second + 1, length_days))


def plan_phases(start: dt.date, length_days: int) -> tuple[Phase, ...]:
    return tuple(
        Phase(
            name=name,
            first_day=first,
            last_day=last,
            starts_on=start + dt.timedelta(days=first - 1),
            ends_on=start + dt.timedelta(days=last - 1),
            focus=focus,
        )
        for (name, focus), (first, last) in zip(PHASES, phase_bounds(length_days), strict=True)
    )


def goal_due_day(length_days: int) -> int:
    """Goals are due at the end of skill-building, so consistency shows they hold."""
    return phase_bounds(length_days)[1][1]


def weekly_checkpoints(
    start: dt.date, length_days: int, holidays: Collection[dt.date] = ()
) -> tuple[dt.date, ...]:
    """One checkpoint a week from the plan's start, plus the final review on its last working day.

    A week's checkpoint falling on a weekend or holiday moves to the working day before it
    (never onto or before the previous checkpoint; then to the working day after).
    """
    last_day = end_date(start, length_days)
    final = previous_working_day(last_day, holidays)
    out: list[dt.date] = []
    week = 1
    while (nominal := start + dt.timedelta(weeks=week)) <= last_day:
        day = previous_working_day(nominal, holidays)
        if (out and day <= out[-1]) or day < start:
            day = next_working_day(nominal, holidays)
        if day < final and (not out or day > out[-1]):
            out.append(day)
        week += 1
    if final >= start and (not out or final > out[-1]):
        out.append(final)
    return tuple(out)


def checkpoints_after(checkpoints: Collection[dt.date], day: dt.date) -> tuple[dt.date, ...]:
    return tuple(sorted(d for d in checkpoints if d > day))
