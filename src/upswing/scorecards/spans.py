"""What a scorecard page shows: a stored week or month, or a quarter or custom days computed
when asked (`scorecards.live`), named as people write them and checked before any read.

In the URL: `?period=2026-W44`, `?period=2026-10`, `?period=2026-Q3`,
`?period=2026-08-01..2026-09-14`; the custom form sends `?from=2026-08-01&to=2026-09-14`.
Pure: no Django, no Ibis.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from upswing.periods import Period, PeriodKind, parse_period, period_of
from upswing.tables.rules.ranges import DateRange, RangeKind, range_of

MAX_CUSTOM_DAYS = 366
FIRST_YEAR, LAST_YEAR = 1990, 2999
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_DAYS = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
_LIVE_FORM = re.compile(r"^\s*(\d{4}-Q\d+|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})\s*$", re.I)
# The latest calendar day anywhere (UTC+14): a range ending on it is not in the future.
_EARLIEST_ZONE = dt.timedelta(hours=14)


class SpanError(ValueError):
    """A period, quarter or range the page cannot show, with the words to say why."""


@dataclass(frozen=True, slots=True, order=True)
class LiveSpan:
    """A quarter or custom days: no snapshot keeps them, so they are computed when asked."""

    range: DateRange
    is_live = True

    @property
    def kind(self) -> RangeKind:
        return self.range.kind

    @property
    def start(self) -> dt.date:
        return self.range.start

    @property
    def end(self) -> dt.date:
        return self.range.end

    @property
    def days(self) -> int:
        return self.range.days

    @property
    def label(self) -> str:
        """The form the URL and the API take: `2026-Q3` or `2026-08-01..2026-09-14`."""
        if self.kind is RangeKind.QUARTER:
            return self.range.label
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def human(self) -> str:
        """`Q3 2026 (1 Jul – 30 Sep)`, `1 Aug – 14 Sep 2026`."""
        if self.kind is RangeKind.QUARTER:
            quarter = (self.start.month - 1) // 3 + 1
            return f"Q{quarter} {self.start.year} ({_day(self.start)} – {_day(self.end)})"
        return days_words(self.start, self.end)

    @property
    def kind_words(self) -> str:
        return "quarter" if self.kind is RangeKind.QUARTER else "range"

    def previous(self) -> LiveSpan:
        """The quarter before; for custom days, as many days just before."""
        return LiveSpan(self.range.previous())

    def next(self) -> LiveSpan:
        return LiveSpan(self.range.next())


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def days_words(start: dt.date, end: dt.date) -> str:
    """`14 Sep 2026`, `1 Aug – 14 Sep 2026`, `20 Dec 2025 – 10 Jan 2026`."""
    if start == end:
        return f"{_day(end)} {end.year}"
    if start.year == end.year:
        return f"{_day(start)} – {_day(end)} {end.year}"
    return f"{_day(start)} {start.year} – {_day(end)} {end.year}"


Span = Period | LiveSpan


def quarter_of(day: dt.date) -> LiveSpan:
    return LiveSpan(range_of(RangeKind.QUARTER, day))


def latest_today(now: dt.datetime) -> dt.date:
    """The latest calendar day it is anywhere at the instant `now` (aware)."""
    return (now.astimezone(dt.UTC) + _EARLIEST_ZONE).date()


def is_live_label(text: str) -> bool:
    """Written as a quarter or as custom days (rightly or not), not as a stored period."""
    return bool(_LIVE_FORM.match(text))


def parse_span(text: str) -> Span:
    """`2026-W44`, `2026-10`, `2026-Q3` or `2026-08-01..2026-09-14`; SpanError otherwise."""
    text = text.strip()
    if m := _QUARTER.match(text):
        return quarter_of(dt.date(_year(int(m[1])), 3 * int(m[2]) - 2, 1))
    if m := _DAYS.match(text):
        return custom_span(m[1], m[2])
    try:
        period = parse_period(text)
    except ValueError:
        raise SpanError(
            f"{text[:40]!r} is not a period: write a week (2026-W44), a month (2026-10), "
            "a quarter (2026-Q3) or days (2026-08-01..2026-09-14)."
        ) from None
    _year(period.start.year)
    return period


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise SpanError(f"Scorecards run from {FIRST_YEAR} to {LAST_YEAR}; {year} is outside.")
    return year


def custom_span(first: str, last: str) -> LiveSpan:
    """Custom days from two ISO dates: both dates, in order, at most MAX_CUSTOM_DAYS."""
    start, end = _date(first, "start"), _date(last, "end")
    _year(start.year)
    _year(end.year)
    if end < start:
        raise SpanError(
            f"The range ends ({days_words(end, end)}) before it starts "
            f"({days_words(start, start)}); pick a start on or before the end."
        )
    days = (end - start).days + 1
    if days > MAX_CUSTOM_DAYS:
        raise SpanError(
            f"A custom range covers at most {MAX_CUSTOM_DAYS} days (a year); "
            f"{days_words(start, end)} covers {days}."
        )
    return LiveSpan(DateRange(start, end, RangeKind.CUSTOM))


def _date(text: str, name: str) -> dt.date:
    text = (text or "").strip()
    if not text:
        raise SpanError(f"A custom range needs {'an' if name == 'end' else 'a'} {name} date.")
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SpanError(
            f"The {name} date {text[:20]!r} is not a date; write it like 2026-08-01."
        ) from None


def check_not_future(span: Span, today: dt.date) -> None:
    """A span must have begun by `today` (`latest_today`): a quarter still running is shown
    as partial, a custom range must end by today."""
    if span.start > today:
        raise SpanError(f"{_words(span)} has not started yet.")
    if isinstance(span, LiveSpan) and span.kind is RangeKind.CUSTOM and span.end > today:
        raise SpanError(
            f"The range ends on {days_words(span.end, span.end)}, after today; "
            "pick days up to today."
        )


def _words(span: Span) -> str:
    return span.human if isinstance(span, LiveSpan) else span.label


@dataclass(frozen=True, slots=True)
class SpanChoice:
    """What the picker links to around the shown span: the week, month and quarter holding
    its last day, the previous and next of its kind, and the custom form's two dates."""

    current: Span
    kind: str  # week, month, quarter or custom
    week: Period | None
    month: Period | None
    quarter: LiveSpan
    older: Span | None
    newer: Span | None
    first: Period | None  # the oldest and newest stored period of the kind (the input's bounds)
    last: Period | None
    custom_from: dt.date
    custom_to: dt.date


def span_choice(available: Sequence[Period], current: Span, today: dt.date) -> SpanChoice:
    """The picker's links for `current` among the stored periods `available`."""
    weeks = sorted(p for p in available if p.kind is PeriodKind.WEEK)
    months = sorted(p for p in available if p.kind is PeriodKind.MONTH)
    anchor = min(current.end, today)
    if isinstance(current, LiveSpan):
        kind, older, newer = current.kind.value, current.previous(), current.next()
        if newer.start > today or (current.kind is RangeKind.CUSTOM and newer.end > today):
            newer = None
        first = last = None
    else:
        kind = current.kind.value
        same = weeks if current.kind is PeriodKind.WEEK else months
        same = sorted({*same, current})
        at = same.index(current)
        older = same[at - 1] if at > 0 else None
        newer = same[at + 1] if at + 1 < len(same) else None
        first, last = same[0], same[-1]
    return SpanChoice(
        current=current,
        kind=kind,
        week=_holding(weeks, PeriodKind.WEEK, anchor),
        month=_holding(months, PeriodKind.MONTH, anchor),
        quarter=quarter_of(anchor),
        older=older,
        newer=newer,
        first=first,
        last=last,
        custom_from=current.start,
        custom_to=min(current.end, today),
    )


def _holding(stored: list[Period], kind: PeriodKind, day: dt.date) -> Period | None:
    """The stored period of `kind` holding `day`, else the newest one before it, else any."""
    wanted = period_of(kind, day)
    if wanted in stored:
        return wanted
    before = [p for p in stored if p.start <= day]
    return (before or stored or [None])[-1]
