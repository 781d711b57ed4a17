"""`upswing import`: read, map, validate and store one file, whole or not at all."""

from __future__ import annotations

import concurrent.futures
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from upswing.ingest import validate
from upswing.ingest.adapters import ADAPTERS, AdapterError, get_adapter, skipped_reasons
from upswing.ingest.kinds import Destination, Kind, get_kind
from upswing.ingest.mapping import MappingError, compile_mapping, ident, load_mapping
from upswing.ingest.readers import ReadError, read_raw
from upswing.ingest.validate import Problems, RowError
from upswing.warehouse.store import Batch, FirstBatchRefused

Progress = Callable[[str], None]

# Required columns an adapter's source does not carry: Zendesk tickets have no handle time
# (unless the time-tracking field is configured), so their AHT is simply not measured.
ADAPTER_OPTIONAL = {"zendesk": frozenset({"handle_seconds"})}


class ImportRejected(Exception):  # noqa: N818 - the CLI and demo import it by this name
    """Nothing was written. `problems` lists where and why."""

    def __init__(
        self,
        file_name: str,
        message: str,
        problems: Problems | None = None,
        line_label: str = "line",
    ):
        super().__init__(message)
        self.file_name = file_name
        self.message = message
        self.problems = problems or Problems((), 0)
        self.line_label = line_label


@dataclass(frozen=True, slots=True)
class ImportResult:
    kind: str
    file_name: str
    source: str
    batch_id: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    warnings: tuple[str, ...] = field(default=())


def import_file(
    kind_name: str,
    path: Path,
    *,
    source: str | None = None,
    mapping_path: Path | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    from django.conf import settings

    from upswing.ingest import writers  # Django-side; imported late so readers stay light
    from upswing.warehouse.connection import open_warehouse

    step = progress or (lambda _msg: None)
    kind = _kind(kind_name, path)
    # The file's digest (for the import log) is computed while DuckDB reads it.
    with (
        concurrent.futures.ThreadPoolExecutor(max_workers=1) as background,
        open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh,
    ):
        digest = background.submit(_sha256, path) if path.is_file() else None
        vcon = wh.validation_connection()
        step("checking")
        writers.register_references(vcon, wh, kind)
        if kind.destination is Destination.WAREHOUSE and wh.is_duckdb:
            streamed = _stream_first_file(
                vcon, wh, kind, path, source, mapping_path, lambda: _result(digest)
            )
            if streamed is not None:
                return streamed
        # Large fact files are first checked without line numbers (the fast path); a rejected
        # file, and the small people's-record kinds, are read with exact lines.
        fast = kind.destination is Destination.WAREHOUSE
        checked = _check_file(vcon, kind, path, source, mapping_path, exact_lines=not fast)
        if checked.problems.count and fast:
            # Read again with exact line numbers for the report (multi-line quoted values).
            checked = _check_file(vcon, kind, path, source, mapping_path, exact_lines=True)
        problems, rows, source = checked.problems, checked.rows, checked.source
        line_label, warnings = checked.line_label, checked.warnings
        if problems.count:
            raise ImportRejected(
                path.name,
                f"{path.name}: {problems.count} problem(s) in {rows} rows; nothing was imported",
                problems,
                line_label,
            )
        if rows == 0:
            raise ImportRejected(path.name, f"{path.name}: no rows to import")
        step("writing")
        batch_id = uuid.uuid4().hex
        counts = writers.write(
            kind,
            vcon,
            wh,
            source=source,
            batch_id=batch_id,
            file_name=path.name,
            file_sha256=_result(digest),
            rows=rows,
        )
    return ImportResult(
        kind.name,
        path.name,
        source,
        batch_id,
        rows,
        counts.inserted,
        counts.updated,
        counts.unchanged,
        tuple(warnings),
    )


def _stream_first_file(
    con: duckdb.DuckDBPyConnection,
    wh,
    kind: Kind,
    path: Path,
    source: str | None,
    mapping_path: Path | None,
    file_sha256: Callable[[], str],
) -> ImportResult | None:
    """A source's first file into a DuckDB warehouse: read, typed, checked and inserted in
    one pass and one transaction (no staged copy of the file). None when the source already
    has rows (its file is merged through the stage) or the file has a problem: nothing was
    written, and the caller checks the file the long way, which reports where and why."""
    from upswing.ingest import writers

    con.execute("SET preserve_insertion_order = false")
    canonical_sql, present, _label, source, warnings = _canonical_rows(
        con, kind, path, source=source, mapping_path=mapping_path, exact_lines=False
    )
    if not writers.source_is_new(kind, wh, source):
        return None
    optional = ADAPTER_OPTIONAL.get(source, frozenset()) if mapping_path is None else frozenset()
    validate.build_stage(
        con, kind, canonical_sql, present, source=source, optional=optional, materialize=False
    )
    batch = Batch(uuid.uuid4().hex, kind.name, source, path.name, "", 0)
    try:
        counts = writers.stream_facts(kind, con, wh, batch, file_sha256)
    except (FirstBatchRefused, duckdb.Error):
        return None
    return ImportResult(
        kind.name, path.name, source, batch.batch_id, counts.inserted, counts.inserted, 0, 0,
        tuple(warnings),
    )  # fmt: skip


def _result(digest: concurrent.futures.Future | None) -> str:
    return digest.result() if digest else ""


@dataclass(frozen=True, slots=True)
class _Checked:
    problems: Problems
    rows: int
    source: str
    line_label: str
    warnings: list[str]


def _check_file(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    path: Path,
    source: str | None,
    mapping_path: Path | None,
    *,
    exact_lines: bool,
) -> _Checked:
    """Stage and validate the whole file; problems are counted, the first ones decoded."""
    # Without line numbers, row order does not matter: letting DuckDB drop it keeps every
    # step parallel and streaming. Exact line numbers need the file's order.
    con.execute(f"SET preserve_insertion_order = {'true' if exact_lines else 'false'}")
    canonical_sql, present, line_label, source, warnings = _canonical_rows(
        con, kind, path, source=source, mapping_path=mapping_path, exact_lines=exact_lines
    )
    optional = ADAPTER_OPTIONAL.get(source, frozenset()) if mapping_path is None else frozenset()
    checks = validate.build_stage(
        con, kind, canonical_sql, present, source=source, optional=optional
    )
    problems = validate.collect_problems(
        con, kind, canonical_sql, checks, count_only=not exact_lines
    )
    rows = con.execute(f"SELECT count(*) FROM {validate.STAGE_TYPED}").fetchone()[0]
    return _Checked(problems, rows, source, line_label, warnings)


def _kind(name: str, path: Path) -> Kind:
    try:
        return get_kind(name)
    except KeyError as exc:
        raise ImportRejected(path.name, str(exc.args[0])) from None


def _canonical_rows(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    path: Path,
    *,
    source: str | None,
    mapping_path: Path | None,
    exact_lines: bool = True,
) -> tuple[str, set[str], str, str, list[str]]:
    """SQL for the file's rows as canonical text columns + `_line`, and what it holds."""
    try:
        if mapping_path is None and source in ADAPTERS:
            return _adapter_rows(con, kind, path, source)
        raw = read_raw(con, path, exact_lines=exact_lines)
        if mapping_path is not None:
            mapping = load_mapping(mapping_path)
            sql = compile_mapping(mapping.for_kind(kind.name), kind, raw.columns, raw.relation)
            present = {r.target for r in mapping.for_kind(kind.name).rules}
            return sql, present, raw.line_label, source or mapping.source or "default", []
        return _canonical_file(kind, path, raw.relation, raw.columns, raw.line_label, source)
    except (ReadError, MappingError, AdapterError) as exc:
        raise ImportRejected(path.name, str(exc)) from exc


def _adapter_rows(con, kind: Kind, path: Path, source: str):
    adapter = get_adapter(source)
    if kind.name not in adapter.kinds:
        raise ImportRejected(
            path.name,
            f"the {source} adapter reads {', '.join(sorted(adapter.kinds))}, not {kind.name}",
        )
    table: pa.Table = adapter.read(path, kind.name)
    con.register("adapter_rows_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE adapter_rows AS SELECT * FROM adapter_rows_arrow")
    con.unregister("adapter_rows_arrow")
    present = set(table.column_names) & set(kind.names)
    reasons = skipped_reasons(table)
    warnings = []
    if reasons:
        listed = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
        warnings.append(
            f"{sum(reasons.values())} record(s) left out by the {source} adapter: {listed}"
        )
    return "SELECT * FROM adapter_rows", present, "record", source, warnings


def _canonical_file(kind: Kind, path: Path, relation: str, columns, line_label, source):
    by_lower = {c.strip().lower(): c for c in columns}
    missing = [name for name in kind.required if name not in by_lower]
    if missing:
        raise ImportRejected(
            path.name,
            f"{path.name}: missing required column(s) {', '.join(missing)} for {kind.name} "
            f"(the file has: {', '.join(columns)})",
        )
    present = {name for name in kind.names if name in by_lower}
    selects = ", ".join(f"{ident(by_lower[name])} AS {ident(name)}" for name in sorted(present))
    ignored = sorted(c for c in columns if c.strip().lower() not in kind.names)
    warnings = [f"ignored column(s) not in {kind.name}: {', '.join(ignored)}"] if ignored else []
    return (
        f"SELECT _line, {selects} FROM {relation}",
        present,
        line_label,
        source or "default",
        warnings,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def format_problems(exc: ImportRejected) -> list[str]:
    """The rejection as lines a person reads: file, line, column, value, reason."""
    lines = [exc.message]
    for err in exc.problems.errors:
        lines.append(_format_error(exc.file_name, exc.line_label, err))
    hidden = exc.problems.count - len(exc.problems.errors)
    if hidden > 0:
        lines.append(f"… and {hidden} more problem(s)")
    return lines


def _format_error(file_name: str, label: str, err: RowError) -> str:
    value = "(empty)" if err.value is None else repr(err.value)
    return f"{file_name}:{label} {err.line}: {err.column} = {value}: {err.reason}"


__all__ = ["Destination", "ImportRejected", "ImportResult", "format_problems", "import_file"]
