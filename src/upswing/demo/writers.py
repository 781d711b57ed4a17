"""Writing canonical files: CSV (UTF-8, header) or Parquet, byte-identical for equal input."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from upswing.ingest.kinds import get_kind

_SPECIAL = r'[",\r\n]'


def canonical(kind: str, table: pa.Table) -> pa.Table:
    """The table's columns in the kind's order; fails on a missing or extra column."""
    names = get_kind(kind).names
    extra = set(table.column_names) - set(names)
    missing = set(names) - set(table.column_names)
    if extra or missing:
        raise ValueError(f"{kind}: extra columns {sorted(extra)}, missing {sorted(missing)}")
    return table.select(list(names))


def write_table(kind: str, table: pa.Table, path: Path) -> Path:
    table = canonical(kind, table)
    if path.suffix == ".parquet":
        pq.write_table(table, path, compression="zstd")
    else:
        pacsv.write_csv(table, path, csv_options(table))
    return path


def csv_options(table: pa.Table) -> pacsv.WriteOptions:
    """Quote only when some text needs it, so that plain files stay plain."""
    return pacsv.WriteOptions(quoting_style="needed" if needs_quotes(table) else "none")


def needs_quotes(table: pa.Table) -> bool:
    for column in table.columns:
        if (
            pa.types.is_string(column.type)
            and pc.any(pc.match_substring_regex(column, _SPECIAL)).as_py()
        ):
            return True
    return False


class TableStream:
    """Writes a kind's file chunk by chunk (CSV or Parquet) without holding it all."""

    def __init__(self, kind: str, path: Path) -> None:
        self.kind, self.path = kind, path
        self._writer: pacsv.CSVWriter | pq.ParquetWriter | None = None
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        table = canonical(self.kind, table)
        if self._writer is None:
            self._writer = self._open(table.schema)
        self._writer.write_table(table)
        self.rows += table.num_rows

    def _open(self, schema: pa.Schema) -> pacsv.CSVWriter | pq.ParquetWriter:
        if self.path.suffix == ".parquet":
            return pq.ParquetWriter(self.path, schema, compression="zstd")
        return pacsv.CSVWriter(
            self.path, schema, write_options=pacsv.WriteOptions(quoting_style="none")
        )

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def __enter__(self) -> TableStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
