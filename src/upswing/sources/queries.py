"""The sources page's rows: each source's table, kind and watermark as its definition says,
and what its last read did, in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from upswing.ingest.tables import SourceError, parse_definition
from upswing.sources.models import WarehouseSource


@dataclass(frozen=True, slots=True)
class LastRead:
    at: dt.datetime
    rows_read: int
    merged: int  # new and updated facts
    unchanged: int
    left_out: int
    problems: list[str]  # one line per column and reason
    without_watermark: int
    error: str  # the source could not be read at all


@dataclass(frozen=True, slots=True)
class SourceRow:
    name: str
    table: str
    kind: str
    watermark_column: str
    watermark: str  # the greatest value read so far; "" never read
    last_read: LastRead | None
    definition_error: str = ""
    columns: list[str] = field(default_factory=list)


def source_rows() -> list[SourceRow]:
    return [_row(source) for source in WarehouseSource.objects.all()]


def _row(source: WarehouseSource) -> SourceRow:
    try:
        parsed = parse_definition(source.name, source.definition)
    except SourceError as exc:
        return SourceRow(source.name, "", "", "", source.watermark, _last(source), str(exc))
    return SourceRow(
        name=source.name,
        table=parsed.where,
        kind=parsed.kind.name,
        watermark_column=parsed.watermark,
        watermark=source.watermark,
        last_read=_last(source),
        columns=parsed.columns,
    )


def _last(source: WarehouseSource) -> LastRead | None:
    if source.read_at is None:
        return None
    done = source.last_read or {}
    return LastRead(
        at=source.read_at,
        rows_read=int(done.get("rows_read", 0)),
        merged=int(done.get("inserted", 0)) + int(done.get("updated", 0)),
        unchanged=int(done.get("unchanged", 0)),
        left_out=int(done.get("left_out", 0)),
        problems=list(done.get("problems", [])),
        without_watermark=int(done.get("without_watermark", 0)),
        error=str(done.get("error", "")),
    )
