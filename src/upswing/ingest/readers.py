"""Read an export file into DuckDB as text columns plus `_line`, the line a person would look at.

Every value is read as text so that validation, not the reader, decides what is wrong and
says so with the original value. CSV, JSON Lines and Parquet are read by DuckDB itself;
XLSX goes through openpyxl after zip-bomb checks.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa


class ReadError(ValueError):
    """The file cannot be read at all (format, encoding, archive)."""


XLSX_MAX_UNPACKED = 500_000_000
XLSX_MAX_MEMBERS = 10_000


@dataclass(frozen=True, slots=True)
class RawFile:
    relation: str  # name of a DuckDB temp table with text columns and `_line`
    columns: tuple[str, ...]  # the file's own column names, in order
    line_label: str  # what `_line` counts: "line" (CSV, JSONL) or "row" (XLSX, Parquet)


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix in {".parquet", ".pq"}:
        return "parquet"
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    raise ReadError(f"{path.name}: unknown file type {suffix!r}; use .csv, .xlsx, .parquet or .jsonl")


def read_raw(con: duckdb.DuckDBPyConnection, path: Path, relation: str = "raw_rows") -> RawFile:
    if not path.exists():
        raise ReadError(f"{path}: no such file")
    fmt = detect_format(path)
    try:
        if fmt == "xlsx":
            con.register("xlsx_rows", read_xlsx_as_text(path))
            scan = "xlsx_rows"
        else:
            scan = _scan_sql(con, path, fmt)
        _materialize(con, scan, relation, fmt)
    except duckdb.Error as exc:
        raise ReadError(f"{path.name}: cannot be read as {fmt.upper()}: {_first_line(exc)}") from exc
    finally:
        if fmt == "xlsx":
            con.unregister("xlsx_rows")
    columns = tuple(r[0] for r in con.execute(f"DESCRIBE {relation}").fetchall() if r[0] != "_line")
    return RawFile(relation, columns, "row" if fmt in {"xlsx", "parquet"} else "line")


def _scan_sql(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> str:
    literal = _sql_string(str(path))
    if fmt == "csv":
        delim = "\\t" if path.suffix.lower() == ".tsv" else ","
        return (
            f"read_csv({literal}, all_varchar = true, header = true, delim = '{delim}', "
            "quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
            "encoding = 'utf-8')"
        )
    if fmt == "jsonl":
        return f"read_json({literal}, format = 'newline_delimited', records = true)"
    return f"read_parquet({literal})"


def _materialize(con: duckdb.DuckDBPyConnection, scan: str, relation: str, fmt: str) -> None:
    # CSV lines count the header as line 1; JSONL lines and XLSX/Parquet rows start at 1.
    offset = 1 if fmt == "csv" else 0
    described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    text_cols = ", ".join(
        f"NULLIF(TRIM(CAST({_ident(name)} AS VARCHAR)), '') AS {_ident(name)}"
        for name, *_ in described
        if name != "_line"
    )
    line = "_line" if fmt == "xlsx" else f"row_number() OVER () + {offset}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {relation} AS SELECT {line} AS _line, {text_cols} FROM {scan}"
    )


def read_xlsx_as_text(path: Path) -> pa.Table:
    """The first sheet as text columns; refuses archives that would expand too far."""
    check_xlsx_archive(path)
    import openpyxl  # imported here: only XLSX imports pay for it

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise ReadError(f"{path.name}: the first sheet is empty")
        names = [str(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(header)]
        columns: list[list[str | None]] = [[] for _ in names]
        lines: list[int] = []
        for number, row in enumerate(rows, start=2):
            if row is None or all(v is None for v in row):
                continue
            lines.append(number)
            for i in range(len(names)):
                columns[i].append(_cell_text(row[i] if i < len(row) else None))
    finally:
        book.close()
    data = {"_line": pa.array(lines, pa.int64())}
    data.update({name: pa.array(col, pa.string()) for name, col in zip(names, columns, strict=True)})
    return pa.table(data)


def check_xlsx_archive(path: Path) -> None:
    if path.read_bytes()[:4] != b"PK\x03\x04":
        raise ReadError(f"{path.name}: not an XLSX workbook (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile as exc:
        raise ReadError(f"{path.name}: damaged XLSX archive: {exc}") from exc
    if len(infos) > XLSX_MAX_MEMBERS or sum(i.file_size for i in infos) > XLSX_MAX_UNPACKED:
        raise ReadError(f"{path.name}: the archive expands too much to be a workbook we accept")
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ReadError(f"{path.name}: not an XLSX workbook")


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]
