"""Read an export file into DuckDB as text columns plus `_line`, the line a person would look at.

Every value is read as text so that validation, not the reader, decides what is wrong and
says so with the original value. CSV, JSON Lines and Parquet are read by DuckDB itself;
XLSX goes through openpyxl after zip-bomb checks. A CSV file's encoding and delimiter are
sniffed (`upswing.ingest.sniff`) and stated in the import report; a file that cannot be read
is described in our own words (the line and what is wrong), never with the engine's message
or the server's path.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from upswing.ingest import sniff
from upswing.ingest.sniff import ReadError
from upswing.warehouse.sql import ident as _ident
from upswing.warehouse.sql import literal as _sql_string

__all__ = ["RawFile", "ReadError", "check_xlsx_archive", "drop_relation", "read_arrow", "read_raw"]

# A workbook is refused before it is opened when its archive says it expands past these
# (Python's zip reader never inflates a member past its declared size, so the declared sizes
# bound the work), and while it is read past XLSX_MAX_CELLS cells: larger data belongs in CSV
# or Parquet, which are streamed.
XLSX_MAX_UNPACKED = 200_000_000
XLSX_MAX_MEMBERS = 10_000
XLSX_MAX_RATIO = 200
XLSX_RATIO_CHECK_ABOVE = 10_000_000
XLSX_MAX_CELLS = 5_000_000


@dataclass(frozen=True, slots=True)
class RawFile:
    relation: str  # name of a DuckDB temp table with text columns and `_line`
    columns: tuple[str, ...]  # the file's own column names, in order
    line_label: str  # what `_line` counts: "line" (CSV, JSONL) or "row" (XLSX, Parquet)
    read_as: str = ""  # how a text file was read, e.g. "semicolon-separated, Windows-1252"


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
        raise ReadError(f"{path.name}: no such file")
    fmt = detect_format(path)
    # Offsets of timestamptz values (Parquet) are rendered in the session zone: keep it fixed.
    con.execute("SET TimeZone = 'UTC'")
    if fmt == "csv":
        return _read_csv(con, path, relation, exact_lines=exact_lines)
    try:
        if fmt == "xlsx":
            con.register("xlsx_rows", read_xlsx_as_text(path))
            _materialize(con, "xlsx_rows", relation, "_line")
        elif fmt == "jsonl":
            _materialize(con, _jsonl_scan(con, path), relation, "_line")
        else:
            line = "row_number() OVER ()" if exact_lines else "NULL::BIGINT"
            _materialize(con, _scan_sql(path, fmt), relation, line, view=not exact_lines)
    except duckdb.Error as exc:
        raise ReadError(f"{path.name}: cannot be read as {fmt.upper()}") from exc
    finally:
        if fmt == "xlsx":
            con.unregister("xlsx_rows")
    label = "row" if fmt in {"xlsx", "parquet"} else "line"
    return RawFile(relation, _columns(con, relation), label)


def read_arrow(
    con: duckdb.DuckDBPyConnection, rows: pa.Table, relation: str = "table_rows"
) -> RawFile:
    """Rows read from a warehouse table (a source read in place) as `relation`: text columns
    like a file's, numbered `_line` 1, 2, … in the order given. A timestamp with a zone is
    written in UTC with its offset; one without is read in the program's zone, as in a file."""
    con.execute("SET TimeZone = 'UTC'")
    numbered = rows.append_column("_line", pa.array(range(1, rows.num_rows + 1), pa.int64()))
    con.register("table_rows_arrow", numbered)
    try:
        _materialize(con, "table_rows_arrow", relation, "_line")
    finally:
        con.unregister("table_rows_arrow")
    return RawFile(relation, _columns(con, relation), "row")


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[str, ...]:
    return tuple(r[0] for r in con.execute(f"DESCRIBE {relation}").fetchall() if r[0] != "_line")


def _read_csv(
    con: duckdb.DuckDBPyConnection, path: Path, relation: str, *, exact_lines: bool
) -> RawFile:
    """A delimited text file in any of the sniffed encodings. A file that is not UTF-8 is
    copied as UTF-8 first (and that copy is read into a table, then deleted)."""
    dialect = sniff.sniff_text(path)
    sniff.check_header(path, dialect)
    source, copy = path, None
    if dialect.transcode:
        copy = sniff.transcode_to_utf8(path, dialect)
        source = copy
    try:
        view = not exact_lines and copy is None
        _scan_csv(con, source, relation, dialect, exact_lines=exact_lines, view=view)
    except duckdb.Error as exc:
        if copy is None and sniff.is_encoding_error(exc):
            # Valid UTF-8 at the start, not further on: read it as Windows-1252 instead.
            dialect = sniff.as_single_byte(dialect)
            copy = sniff.transcode_to_utf8(path, dialect)
            try:
                _scan_csv(con, copy, relation, dialect, exact_lines=exact_lines, view=False)
            except duckdb.Error as again:
                raise sniff.describe_csv_failure(path, dialect) from again
        else:
            raise sniff.describe_csv_failure(path, dialect) from exc
    finally:
        if copy is not None:
            copy.unlink(missing_ok=True)
    return RawFile(relation, _columns(con, relation), "line", dialect.describe())


def _scan_csv(con, source: Path, relation: str, dialect, *, exact_lines: bool, view: bool):
    # The header is line 1. Numbering rows costs a serial pass; only a rejected file needs it.
    line = "row_number() OVER () + 1" if exact_lines else "NULL::BIGINT"
    _materialize(con, _csv_sql(source, dialect.delimiter), relation, line, view=view)
    if exact_lines:
        _count_lines_of_multiline_records(con, relation)


def _csv_sql(path: Path, delimiter: str) -> str:
    delim = {"\t": "\\t"}.get(delimiter, delimiter).replace("'", "''")
    # skip = 0 and no comment character: DuckDB's sniffer would otherwise drop leading lines
    # it takes for a preamble and every line starting with '#'.
    return (
        f"read_csv({_sql_string(str(path))}, all_varchar = true, header = true, "
        f"delim = '{delim}', quote = '\"', escape = '\"', strict_mode = true, "
        "null_padding = false, encoding = 'utf-8', skip = 0, comment = '')"
    )


def _scan_sql(path: Path, fmt: str) -> str:
    return f"read_parquet({_sql_string(str(path))})"


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
    """The first sheet as text columns; refuses archives that would expand too far, sheets
    of more than XLSX_MAX_CELLS cells and damaged workbooks (in our words, not the parser's)."""
    check_xlsx_archive(path)
    try:
        return _xlsx_table(path)
    except ReadError:
        raise
    except Exception as exc:  # openpyxl and its XML and zip readers raise many kinds
        raise ReadError(
            f"{path.name}: the workbook is damaged (its XML or its archive cannot be read); "
            "open it in a spreadsheet program, save it again, or export it as CSV"
        ) from exc


def _xlsx_table(path: Path) -> pa.Table:
    import openpyxl  # imported here: only XLSX imports pay for it

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise ReadError(f"{path.name}: the first sheet is empty")
        names = [
            str(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(header)
        ]
        _check_names(path, names)
        columns: list[list[str | None]] = [[] for _ in names]
        lines: list[int] = []
        cells = 0
        for number, row in enumerate(rows, start=2):
            cells += len(row) if row else 0
            if cells > XLSX_MAX_CELLS:
                raise ReadError(
                    f"{path.name}: the sheet has more than {XLSX_MAX_CELLS:,} cells; "
                    "export it as CSV or Parquet to import it"
                )
            if row is None or all(v is None for v in row):
                continue
            lines.append(number)
            for i in range(len(names)):
                columns[i].append(_cell_text(row[i] if i < len(row) else None))
    finally:
        if rows is not None:
            rows.close()  # the sheet's reader holds the archive open until it is closed
        book.close()
    data = {"_line": pa.array(lines, pa.int64())}
    data.update(
        {name: pa.array(col, pa.string()) for name, col in zip(names, columns, strict=True)}
    )
    return pa.table(data)


def _check_names(path: Path, names: list[str]) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        key = name.lower()
        if key in seen:
            raise ReadError(
                f"{path.name}: the header names the column {name!r} twice (columns "
                f"{seen[key]} and {position}); rename one and import again"
            )
        seen[key] = position


def check_xlsx_archive(path: Path) -> None:
    with path.open("rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            raise ReadError(f"{path.name}: not an XLSX workbook (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"{path.name}: the XLSX archive is damaged and cannot be opened") from exc
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
