"""Declare, list and read the warehouse sources.

`read_sources` runs before every refresh (`upswing refresh`, the nightly `refresh` job) and
on its own schedule (`read_sources` job): each source's rows past its watermark are merged
into the facts, which records their days as dirty, so the incremental refresh that follows
recomputes exactly them. One source that cannot be read is reported; the others go on.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from upswing.ingest.rejections import format_group
from upswing.ingest.tables import KIND_ORDER, SourceError, check_table, parse_definition
from upswing.sources.models import WarehouseSource

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReadOutcome:
    """What one read of a source did, for people (the CLI, a job's summary)."""

    source: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    left_out: int = 0
    problems: list[str] = field(default_factory=list)  # one line per column and reason
    without_watermark: int = 0  # rows never read: their watermark is empty
    error: str = ""  # the source could not be read at all (nothing changed)

    def describe(self) -> str:
        if self.error:
            return f"{self.source}: not read: {self.error}"
        text = (
            f"{self.source}: {self.rows_read} rows read: {self.inserted} new, {self.updated} "
            f"updated, {self.unchanged} unchanged"
        )
        if self.left_out:
            text += f", {self.left_out} left out for their problems"
        if self.without_watermark:
            text += f"; {self.without_watermark} row(s) not read: their watermark is empty"
        return text

    def as_dict(self) -> dict:
        return asdict(self)


def add_source(name: str, definition: str, *, replace: bool = False) -> WarehouseSource:
    """Declare (or with `replace`, redefine) a source; its table and columns are checked now.
    A redefined source is read again from its first row. Raises SourceError."""
    from upswing.warehouse.connection import open_warehouse

    parsed = parse_definition(name, definition)
    existing = WarehouseSource.objects.filter(name=name).first()
    if existing and not replace:
        raise SourceError(f"a source named {name} exists (use --replace to redefine it)")
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        check_table(wh, parsed)
    with transaction.atomic():
        source, _ = WarehouseSource.objects.update_or_create(
            name=name, defaults={"definition": definition, "watermark": "", "last_read": {}}
        )
        _audit("source.replace" if existing else "source.add", name, definition)
    return source


def remove_source(name: str) -> bool:
    """Forget a source (the facts it brought stay). False: there was none."""
    with transaction.atomic():
        deleted, _ = WarehouseSource.objects.filter(name=name).delete()
        if deleted:
            _audit("source.remove", name, None)
    return bool(deleted)


def _audit(action: str, name: str, definition: str | None) -> None:
    from upswing.audit.actions import record_event

    record_event(
        actor="cli", action=action, object_type="warehouse_source", object_id=name,
        changes={"definition": [None, definition]},
    )  # fmt: skip


def read_sources(names: list[str] | None = None) -> list[ReadOutcome]:
    """Read every source (or those named) past its watermark, interactions first."""
    from upswing.warehouse.connection import open_warehouse

    sources = list(WarehouseSource.objects.all())
    if names is not None:
        sources = [s for s in sources if s.name in names]
    if not sources:
        return []
    outcomes = []
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        for source in sorted(sources, key=_reading_order):
            outcomes.append(_read_one(wh, source))
    return outcomes


def _reading_order(source: WarehouseSource) -> tuple[int, str]:
    try:
        kind = parse_definition(source.name, source.definition).kind.name
    except SourceError:
        return (len(KIND_ORDER), source.name)
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), source.name)


def _read_one(wh, source: WarehouseSource) -> ReadOutcome:
    from upswing.ingest.tables import read_source

    try:
        parsed = parse_definition(source.name, source.definition)
        read = read_source(wh, parsed, source.watermark or None)
    except SourceError as exc:
        outcome = ReadOutcome(source.name, error=str(exc))
    except Exception:  # one source never stops the others, nor the refresh
        log.exception("reading source %s failed", source.name)
        outcome = ReadOutcome(
            source.name, error="an unexpected error stopped the read (see the server log)"
        )
    else:
        outcome = ReadOutcome(
            source.name, read.rows_read, read.inserted, read.updated, read.unchanged,
            read.left_out,
            [format_group(source.name, "row", g) for g in read.problems.groups],
            read.without_watermark,
        )  # fmt: skip
        if read.watermark is not None:
            source.watermark = read.watermark
    with transaction.atomic():
        source.read_at = timezone.now()
        source.last_read = outcome.as_dict()
        source.save(update_fields=["watermark", "read_at", "last_read"])
    return outcome
