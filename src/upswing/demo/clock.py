"""Time for generated data: the reporting window, zone offsets and ISO 8601 strings.

Times are int64 seconds since the epoch (UTC). Strings carry the program's UTC offset at
that instant, e.g. `2026-03-02T09:13:27-05:00`, built by dictionary look-ups so that ten
million of them cost about two seconds.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DAY = 86_400
HOUR = 3_600
_EPOCH = dt.date(1970, 1, 1)
# offsets are tabulated from this many days before the window to this many after it,
# so that responses and evaluations written after the last interaction still format
_MARGIN_BEFORE, _MARGIN_AFTER = 2, 21


def default_as_of(today: dt.date | None = None) -> dt.date:
    """The Sunday ending the last complete ISO week before `today` (UTC)."""
    day = today or dt.datetime.now(dt.UTC).date()
    return day - dt.timedelta(days=day.isoweekday())


def last_sunday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.isoweekday() % 7)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - _EPOCH).days


def date_of_day_number(number: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(number))


@dataclass(frozen=True, slots=True)
class Window:
    """`weeks` whole ISO weeks ending on the Sunday `as_of`."""

    as_of: dt.date
    weeks: int

    @property
    def first_day(self) -> dt.date:
        return self.as_of - dt.timedelta(days=7 * self.weeks - 1)

    @property
    def first_day_number(self) -> int:
        return day_number(self.first_day)

    def week_start(self, week: int) -> dt.date:
        return self.first_day + dt.timedelta(days=7 * week)

    def week_label(self, week: int) -> str:
        year, number, _ = self.week_start(week).isocalendar()
        return f"{year}-W{number:02d}"

    def week_labels(self, weeks: range | list[int] | None = None) -> list[str]:
        return [self.week_label(w) for w in (weeks if weeks is not None else range(self.weeks))]


@dataclass(frozen=True, slots=True)
class ZoneTable:
    """UTC offsets (seconds) of several zones, hour by hour over a window."""

    first_hour: int  # hours since the epoch, UTC
    offsets: np.ndarray  # shape (zones, hours), int64
    noon_offsets: np.ndarray  # shape (zones, days): offset at local noon of each window day
    first_day: int  # day number of noon_offsets[:, 0]

    @classmethod
    def build(cls, zones: list[str] | tuple[str, ...], window: Window) -> ZoneTable:
        first_day = window.first_day_number - _MARGIN_BEFORE
        days = 7 * window.weeks + _MARGIN_BEFORE + _MARGIN_AFTER
        hours = np.arange(first_day * 24, (first_day + days) * 24)
        offsets = np.array([_hourly_offsets(zone, hours) for zone in zones], dtype=np.int64)
        noon = np.array([_noon_offsets(zone, first_day, days) for zone in zones], dtype=np.int64)
        return cls(int(hours[0]), offsets, noon, first_day)

    def offset_at(self, zone: np.ndarray, utc: np.ndarray) -> np.ndarray:
        hour = np.clip(utc // HOUR - self.first_hour, 0, self.offsets.shape[1] - 1)
        return self.offsets[zone, hour]

    def utc_of_local(self, zone: np.ndarray, local: np.ndarray) -> np.ndarray:
        """UTC of local wall-clock seconds; exact away from the 01:00-03:00 switch hours."""
        day = np.clip(local // DAY - self.first_day, 0, self.noon_offsets.shape[1] - 1)
        return local - self.noon_offsets[zone, day]


def _hourly_offsets(zone: str, hours: np.ndarray) -> list[int]:
    tz = ZoneInfo(zone)
    return [
        int(dt.datetime.fromtimestamp(int(h) * HOUR, tz).utcoffset().total_seconds()) for h in hours
    ]


def _noon_offsets(zone: str, first_day: int, days: int) -> list[int]:
    tz = ZoneInfo(zone)
    out = []
    for number in range(first_day, first_day + days):
        noon = dt.datetime.combine(date_of_day_number(number), dt.time(12), tz)
        out.append(int(noon.utcoffset().total_seconds()))
    return out


def iso_strings(utc: np.ndarray, offset: np.ndarray) -> pa.Array:
    """`YYYY-MM-DDTHH:MM:SS±HH:MM` for each instant with its offset."""
    utc = np.asarray(utc, dtype=np.int64)
    local = utc + offset
    days = local // DAY
    first = int(days.min()) if len(days) else 0
    last = int(days.max()) if len(days) else 0
    date_parts = _date_strings(first, last)
    codes, uniques = _offset_codes(offset)
    return pc.binary_join_element_wise(
        date_parts.take(pa.array(days - first)),
        _times_of_day().take(pa.array(local % DAY)),
        pa.array([_offset_string(int(o)) for o in uniques], pa.string()).take(pa.array(codes)),
        "",
    )


def iso_string(utc: int, offset: int) -> str:
    return iso_strings(np.array([utc]), np.array([offset]))[0].as_py()


def _date_strings(first: int, last: int) -> pa.Array:
    numbers = np.arange(first, last + 1).astype("datetime64[D]")
    return pa.array([f"{s}T" for s in np.datetime_as_string(numbers)], pa.string())


def _offset_codes(offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniques, codes = np.unique(np.asarray(offset, dtype=np.int64), return_inverse=True)
    return codes.reshape(-1), uniques


def _offset_string(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@functools.cache
def _times_of_day() -> pa.Array:
    return pa.array(
        [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)], pa.string()
    )
