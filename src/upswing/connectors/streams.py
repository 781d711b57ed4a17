"""What a connector hands the pull: pages of one stream, each with the state to resume after it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# A first pull without a configured start date reaches this far back.
DEFAULT_HISTORY_DAYS = 30


@dataclass(frozen=True, slots=True)
class Page:
    label: str  # "tickets page 3", for messages
    content: bytes | None  # the file the adapter reads; None when nothing in it is imported
    suffix: str
    state: dict  # where the stream resumes once this page is imported
    fetched: int  # records the vendor returned (before leaving out unassigned ones)


@dataclass(frozen=True, slots=True)
class Stream:
    name: str
    kind: str  # the import kind its pages are
    pages: Callable[[object, dict], Iterator[Page]]


def start_epoch(start_date: str) -> int:
    if start_date:
        try:
            day = dt.date.fromisoformat(start_date)
        except ValueError:
            from upswing.connectors.base import ConnectorError

            raise ConnectorError(f"start date {start_date!r} is not a date (YYYY-MM-DD)") from None
        return int(dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC).timestamp())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=DEFAULT_HISTORY_DAYS)
    return int(now.timestamp())


def start_iso(start_date: str) -> str:
    return dt.datetime.fromtimestamp(start_epoch(start_date), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
