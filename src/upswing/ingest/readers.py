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
XLSX_MAX_RATIO = 200
XLSX_RATIO_CHECK_ABOVE = 10_000_000


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
    raise ReadError(
        f"{path.name}: unknown file type {suffix!r}; use .csv, .xlsx, .parquet or .jsonl"
    )


def read_raw(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    relation: str = "raw_rows",
    *,
    exact_lines: bool = True,
) -> RawFile:
    """The file as `relation`. With `exact_lines=False` a CSV or Parquet file is a view over
    the scan (no copy; line numbers may run early after multi-line quoted values), which is
    all a valid file needs; a rejected file is read again with exact lines for the report."""
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    fmt = detect_format(path)
    # Offsets of timestamptz values (Parquet) are rendered in the session zone: keep it fixed.
    con.execute("SET TimeZone = 'UTC'")
    try:
        if fmt == "xlsx":
            con.register("xlsx_rows", read_xlsx_as_text(path))
            _materialize(con, "xlsx_rows", relation, "_line")
        elif fmt == "jsonl":
            _materialize(con, _jsonl_scan(con, path), relation, "_line")
        else:
            # CSV: the header is line 1; Parquet rows count from 1.
            first = 1 if fmt == "csv" else 0
            # Numbering rows costs a serial pass; only a rejected file needs the numbers.
            line = f"row_number() OVER () + {first}" if exact_lines else "NULL::BIGINT"
            _materialize(con, _scan_sql(path, fmt), relation, line, view=not exact_lines)
            if fmt == "csv" and exact_lines:
                _count_lines_of_multiline_records(con, relation)
    except duckdb.Error as exc:
        raise ReadError(
            f"{path.name}: cannot be read as {fmt.upper()}: {_first_line(exc)}"
        ) from exc
    finally:
        if fmt == "xlsx":
            con.unregister("xlsx_rows")
    columns = tuple(r[0] for r in con.execute(f"DESCRIBE {relation}").fetchall() if r[0] != "_line")
    return RawFile(relation, columns, "row" if fmt in {"xlsx", "parquet"} else "line")


def _scan_sql(path: Path, fmt: str) -> str:
    literal = _sql_string(str(path))
    if fmt == "csv":
        delim = "\\t" if path.suffix.lower() == ".tsv" else ","
        return (
            f"read_csv({literal}, all_varchar = true, header = true, delim = '{delim}', "
            "quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
            "encoding = 'utf-8')"
        )
    return f"read_parquet({literal})"


def _jsonl_scan(con: duckdb.DuckDBPyConnection, path: Path) -> str:
    """JSON Lines as text: every key's value as written, `_line` the physical line.

    DuckDB's read_json infers types from a sample (a later "abc" in a numeric field fails
    the whole read, a mixed field comes back JSON-quoted) and skips blank lines, which
    shifts line numbers; splitting the lines here keeps both exact.
    """
    parts = "string_split(replace(content, chr(13), ''), chr(10))"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE jsonl_lines AS SELECT _line, doc FROM ("
        f"SELECT generate_subscripts({parts}, 1) AS _line, "
        f"trim(unnest({parts}), ' ' || chr(9) || chr(65279)) AS doc "
        f"FROM read_text({_sql_string(str(path))})) WHERE doc <> ''"
    )
    bad = con.execute(
        "SELECT _line FROM jsonl_lines WHERE NOT json_valid(doc) OR json_type(doc) <> 'OBJECT' "
        "ORDER BY _line LIMIT 1"
    ).fetchone()
    if bad:
        raise ReadError(f"{path.name}: line {bad[0]} is not a JSON object")
    keys = [
        row[0]
        for row in con.execute(
            "SELECT k FROM (SELECT _line, unnest(json_keys(doc)) AS k, "
            "generate_subscripts(json_keys(doc), 1) AS pos FROM jsonl_lines) "
            "GROUP BY k ORDER BY min(_line), min(pos)"
        ).fetchall()
    ]
    if not keys:
        raise ReadError(f"{path.name}: no records")
    values = ", ".join(
        f"json_extract_string(doc, {_sql_string(_json_path(k))}) AS {_ident(k)}" for k in keys
    )
    return f"(SELECT _line, {values} FROM jsonl_lines)"


def _json_path(key: str) -> str:
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _materialize(
    con: duckdb.DuckDBPyConnection, scan: str, relation: str, line: str, *, view: bool = False
) -> None:
    described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    text_cols = ", ".join(
        f"{_trimmed(f'CAST({_ident(name)} AS VARCHAR)')} AS {_ident(name)}"
        for name, *_ in described
        if name != "_line"
    )
    drop_relation(con, relation)
    con.execute(
        f"CREATE TEMP {'VIEW' if view else 'TABLE'} {relation} AS "
        f"SELECT {line} AS _line, {text_cols} FROM {scan}"
    )


def _trimmed(text: str) -> str:
    """`text` without surrounding spaces, NULL when empty. TRIM copies every value, so it is
    applied only where it can change something: a space at either end, or any non-ASCII
    character (TRIM also strips Unicode spaces such as U+00A0); most values pass as they are."""
    return (
        f"CASE WHEN {text} LIKE ' %' OR {text} LIKE '% ' OR {text} = '' "
        f"OR strlen({text}) <> length({text}) THEN NULLIF(TRIM({text}), '') ELSE {text} END"
    )


def drop_relation(con: duckdb.DuckDBPyConnection, relation: str) -> None:
    """Drop a temp table or view of that name, whichever it is."""
    kinds = con.execute(
        "SELECT 'VIEW' FROM duckdb_views() WHERE view_name = ? AND temporary "
        "UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = ? AND temporary",
        [relation, relation],
    ).fetchall()
    for (kind,) in kinds:
        con.execute(f"DROP {kind} {relation}")


def _count_lines_of_multiline_records(con: duckdb.DuckDBPyConnection, relation: str) -> None:
    """A quoted value spanning several lines pushes every later record down by as many lines.

    (Blank lines, which DuckDB skips, are not counted: a line reported after one is early.)"""
    columns = [r[0] for r in con.execute(f"DESCRIBE {relation}").fetchall() if r[0] != "_line"]
    breaks = (
        " + ".join(
            f"coalesce(length({_ident(c)}) - length(replace({_ident(c)}, chr(10), '')), 0)"
            for c in columns
        )
        or "0"
    )
    multiline = con.execute(f"SELECT count(*) FROM {relation} WHERE {breaks} > 0").fetchone()[0]
    if not multiline:
        return
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {relation} AS SELECT * REPLACE ("
        f"_line + coalesce(sum({breaks}) OVER (ORDER BY _line ROWS BETWEEN UNBOUNDED "
        f"PRECEDING AND 1 PRECEDING), 0) AS _line) FROM {relation}"
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
        names = [
            str(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(header)
        ]
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
    data.update(
        {name: pa.array(col, pa.string()) for name, col in zip(names, columns, strict=True)}
    )
    return pa.table(data)


def check_xlsx_archive(path: Path) -> None:
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            raise ReadError(f"{path.name}: not an XLSX workbook (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except zipfile.BadZipFile as exc:
        raise ReadError(f"{path.name}: damaged XLSX archive: {exc}") from exc
    if (
        len(infos) > XLSX_MAX_MEMBERS
        or sum(i.file_size for i in infos) > XLSX_MAX_UNPACKED
        or any(_is_bomb(i) for i in infos)
    ):
        raise ReadError(f"{path.name}: the archive expands too much to be a workbook we accept")
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ReadError(f"{path.name}: not an XLSX workbook")


def _is_bomb(info: zipfile.ZipInfo) -> bool:
    # Sheet XML compresses 5-30x; a large member squeezed far more is built to explode.
    return info.file_size > XLSX_RATIO_CHECK_ABOVE and info.file_size > XLSX_MAX_RATIO * max(
        info.compress_size, 1
    )


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
