"""A mapping tried on a sample file: the first rows as the mapping makes them, for the
mapping editor on the imports page. Nothing is stored; the sample is read in its own
in-memory DuckDB, so a preview never touches the warehouse."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from upswing.ingest.kinds import get_kind
from upswing.ingest.mapping import MappingError, compile_mapping, load_mapping
from upswing.ingest.readers import ReadError, read_raw

PREVIEW_ROWS = 10


@dataclass(frozen=True, slots=True)
class Preview:
    columns: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()  # (line, values...) of the first PREVIEW_ROWS rows
    flagged: tuple[tuple[int, str, str], ...] = ()  # (line, column, reason) of failed conversions
    read_as: str = ""
    error: str = ""  # why nothing could be shown (the file or the mapping)
    file_columns: tuple[str, ...] = field(default=())


def preview_mapping(path: Path, kind_name: str, mapping_text: str) -> Preview:
    """The first rows of `path` mapped as `kind_name` by the TOML `mapping_text`."""
    con = duckdb.connect()
    try:
        raw = read_raw(con, path)
    except ReadError as exc:
        con.close()
        return Preview(error=str(exc))
    try:
        with tempfile.TemporaryDirectory(prefix="upswing-mapping-") as folder:
            toml = Path(folder) / "mapping.toml"
            toml.write_text(mapping_text, encoding="utf-8")
            mapping = load_mapping(toml)
        kind = get_kind(kind_name)
        sql, checks = compile_mapping(mapping.for_kind(kind.name), kind, raw.columns, raw.relation)
        rel = con.execute(f"SELECT * FROM ({sql}) ORDER BY _line LIMIT {PREVIEW_ROWS}")  # noqa: S608 - the mapping compiled to quoted SQL
        names = [d[0] for d in rel.description]
        rows = rel.fetchall()
    except (MappingError, KeyError) as exc:
        return Preview(error=str(exc).strip("'\""), read_as=raw.read_as, file_columns=raw.columns)
    except duckdb.Error:
        return Preview(
            error="the mapping cannot be applied to this file; check its conversions",
            read_as=raw.read_as,
            file_columns=raw.columns,
        )
    finally:
        con.close()
    flags = {c.flag: c for c in checks}
    shown = [i for i, n in enumerate(names) if n != "_line" and n not in flags]
    flagged = tuple(
        (row[0], flags[n].column, flags[n].reason)
        for row in rows
        for i, n in enumerate(names)
        if n in flags and row[i]
    )
    return Preview(
        columns=tuple(names[i] for i in shown),
        rows=tuple((row[0], *(row[i] for i in shown)) for row in rows),
        flagged=flagged,
        read_as=raw.read_as,
        file_columns=raw.columns,
    )
