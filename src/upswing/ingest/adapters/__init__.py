"""Source adapters: helpdesk and contact-center exports -> canonical import tables.

`get_adapter(name).read(path, kind)` returns a `pyarrow.Table` whose columns are canonical
column names of `kind` (`upswing.ingest.kinds`), every one `pa.string()` (timestamps ISO
8601, numbers as decimal text, booleans "true"/"false"), plus `_line` (`pa.int64()`), the
1-based record number in the source. Columns a source does not have are omitted (the
validator applies defaults). Structurally broken input raises `AdapterError` naming the
file, the record and the field; records left out on purpose (e.g. unassigned tickets)
are counted in the table metadata: `skipped_count(table)`, `skipped_reasons(table)`.

Each adapter's module docstring lists its field mapping and its limitations.
"""

from __future__ import annotations

from upswing.ingest.adapters import freshdesk, genesys, zendesk
from upswing.ingest.adapters.base import (
    LINE_COLUMN,
    SKIPPED_KEY,
    SKIPPED_REASONS_KEY,
    Adapter,
    AdapterError,
    skipped_count,
    skipped_reasons,
)

ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter for adapter in (zendesk.ADAPTER, genesys.ADAPTER, freshdesk.ADAPTER)
}


def get_adapter(name: str) -> Adapter:
    try:
        return ADAPTERS[name]
    except KeyError:
        raise KeyError(f"unknown adapter {name!r}; adapters: {', '.join(ADAPTERS)}") from None


__all__ = [
    "ADAPTERS",
    "LINE_COLUMN",
    "SKIPPED_KEY",
    "SKIPPED_REASONS_KEY",
    "Adapter",
    "AdapterError",
    "get_adapter",
    "skipped_count",
    "skipped_reasons",
]
