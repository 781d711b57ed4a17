"""The date-range picker: a week, a month, a quarter or a custom range, kept in the URL.

`?range=week&at=2026-W44`, `?range=month&at=2026-10`, `?range=quarter&at=2026-Q4`,
`?range=custom&from=2026-10-05&to=2026-11-20`. Days are the program's days: "today" and the
instants a range covers are computed in its time zone. Bad input falls back to the range
holding today, with a note saying which parameter was ignored and why.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from upswing.periods import Period, PeriodKind, month_of, next_month_start, parse_period, week_of

MAX_CUSTOM_DAYS = 3 * 366
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)


class RangeKind(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return {"week": "Week", "month": "Month", "quarter": "Quarter", "custom": "Custom"}[
            self.value
        ]


@dataclass(frozen=True, slots=True, order=True)
class DateRange:
    """Whole days, both ends included."""

    start: dt.date
    end: dt.date
    kind: RangeKind = RangeKind.CUSTOM

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind is RangeKind.WEEK:
            return Period(PeriodKind.WEEK, self.start).label
        if self.kind is RangeKind.MONTH:
            return Period(PeriodKind.MONTH, self.start).label
        if self.kind is RangeKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def params(self) -> dict[str, str]:
        """The query-string parameters that choose this range again."""
        if self.kind is RangeKind.CUSTOM:
            return {"range": "custom", "from": self.start.isoformat(), "to": self.end.isoformat()}
        return {"range": self.kind.value, "at": self.label}

    def previous(self) -> DateRange:
        """The period before, of the same kind; a custom range: as many days, just before."""
        if self.kind is RangeKind.CUSTOM:
            end = self.start - dt.timedelta(days=1)
            return DateRange(end - dt.timedelta(days=self.days - 1), end, self.kind)
        return range_of(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> DateRange:
        if self.kind is RangeKind.CUSTOM:
            start = self.end + dt.timedelta(days=1)
            return DateRange(start, start + dt.timedelta(days=self.days - 1), self.kind)
        return range_of(self.kind, self.end + dt.timedelta(days=1))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def range_of(kind: RangeKind, day: dt.date) -> DateRange:
    """The week (ISO, Monday first), month or quarter holding `day`; custom: that one day."""
    if kind is RangeKind.WEEK:
        p = week_of(day)
        return DateRange(p.start, p.end, kind)
    if kind is RangeKind.MONTH:
        p = month_of(day)
        return DateRange(p.start, p.end, kind)
    if kind is RangeKind.QUARTER:
        start = quarter_start(day)
        end = next_month_start(next_month_start(start))
        end = next_month_start(end) - dt.timedelta(days=1)
        return DateRange(start, end, kind)
    return DateRange(day, day, kind)


def parse_range(
    params: Mapping[str, str], today: dt.date, default: RangeKind = RangeKind.WEEK
) -> tuple[DateRange, tuple[str, ...]]:
    """The chosen range and the notes on what was ignored (never raises)."""
    notes: list[str] = []
    raw_kind = (params.get("range") or "").strip().lower()
    try:
        kind = RangeKind(raw_kind) if raw_kind else default
    except ValueError:
        notes.append(f"Range {raw_kind[:20]!r} is not one of week, month, quarter or custom.")
        kind = default
    if kind is RangeKind.CUSTOM:
        chosen = _custom(params, today, notes)
    else:
        chosen = _anchored(kind, (params.get("at") or "").strip(), today, notes)
    return chosen, tuple(notes)


def _anchored(kind: RangeKind, at: str, today: dt.date, notes: list[str]) -> DateRange:
    if not at:
        return range_of(kind, today)
    day = _anchor_day(kind, at)
    if day is None:
        example = {"week": "2026-W44", "month": "2026-10", "quarter": "2026-Q4"}[kind.value]
        notes.append(f"{at[:20]!r} is not a {kind.value}; write it like {example}.")
        return range_of(kind, today)
    return range_of(kind, day)


def _anchor_day(kind: RangeKind, at: str) -> dt.date | None:
    if kind is RangeKind.QUARTER:
        m = _QUARTER.match(at)
        return dt.date(int(m[1]), 3 * int(m[2]) - 2, 1) if m and int(m[1]) >= 1 else None
    try:
        period = parse_period(at)
    except ValueError:
        return None
    wanted = PeriodKind.WEEK if kind is RangeKind.WEEK else PeriodKind.MONTH
    return period.start if period.kind is wanted else None


def _custom(params: Mapping[str, str], today: dt.date, notes: list[str]) -> DateRange:
    start = _date(params.get("from") or "", "from", notes)
    end = _date(params.get("to") or "", "to", notes)
    if start is None or end is None:
        notes.append("A custom range needs both a from and a to date; this week is shown.")
        return range_of(RangeKind.WEEK, today)
    if end < start:
        notes.append("The custom range ends before it starts; the dates were swapped.")
        start, end = end, start
    if (end - start).days + 1 > MAX_CUSTOM_DAYS:
        notes.append(f"A custom range covers at most {MAX_CUSTOM_DAYS} days; it was shortened.")
        start = end - dt.timedelta(days=MAX_CUSTOM_DAYS - 1)
    return DateRange(start, end, RangeKind.CUSTOM)


def _date(text: str, name: str, notes: list[str]) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) == 10 else _bad(text, name, notes)
    except ValueError:
        return _bad(text, name, notes)


def _bad(text: str, name: str, notes: list[str]) -> None:
    notes.append(f"The {name} date {text[:20]!r} is not a date like 2026-10-05.")
    return None


def zone(name: str) -> ZoneInfo:
    """The program's time zone; an unknown name reads as UTC."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def today_in(zone_name: str, now: dt.datetime) -> dt.date:
    """The day it is in the program's zone at the instant `now` (aware)."""
    return now.astimezone(zone(zone_name)).date()


def bounds_in_zone(chosen: DateRange, zone_name: str) -> tuple[dt.datetime, dt.datetime]:
    """The instants the range covers: from its first local midnight (included) to the local
    midnight after its last day (excluded), so a 23- or 25-hour day counts whole."""
    tz = zone(zone_name)
    start = dt.datetime.combine(chosen.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(chosen.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def picker_choices(chosen: DateRange) -> list[tuple[str, DateRange]]:
    """The few links a picker shows: the previous and next range of the same kind."""
    return [("Previous", chosen.previous()), ("Next", chosen.next())]
