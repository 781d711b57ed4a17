"""The import command's helpers that need no database: `import inspect` and the options."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from upswing.ingest.kinds import KINDS
from upswing.ingest.readers import ReadError
from upswing.ingest.validate import DateRange

EXIT_REJECTED = 2


def inspect_command(path: Path, kind: str | None, *, echo: Callable[..., None]) -> int:
    """Print a proposed mapping for `path`; the exit status (0, or 2 when unreadable)."""
    from upswing.ingest.inspect import propose

    if kind and kind not in KINDS:
        echo(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}", err=True)
        return EXIT_REJECTED
    try:
        echo(propose(path, kind), nl=False)
    except ReadError as exc:
        echo(str(exc), err=True)
        return EXIT_REJECTED
    return 0


def date_range(earliest: dt.datetime | None, latest: dt.datetime | None) -> DateRange | None:
    """The plausible dates given on the command line (None: the default range)."""
    if earliest is None and latest is None:
        return None
    default = DateRange.default()
    return DateRange(
        earliest.date() if earliest else default.earliest,
        latest.date() if latest else default.latest,
    )
