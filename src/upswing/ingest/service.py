"""`upswing import`: read, map, validate and store one file, whole or not at all."""

from __future__ import annotations

import concurrent.futures
import hashlib
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from upswing.ingest import validate
from upswing.ingest.adapters import ADAPTERS, AdapterError, get_adapter, skipped_reasons
from upswing.ingest.kinds import Destination, Kind, get_kind
from upswing.ingest.mapping import (
    MAY_LEAVE_OUT,
    MappingError,
    compile_mapping,
    ident,
    literal,
    load_mapping,
)
from upswing.ingest.readers import ReadError, read_raw
from upswing.ingest.rejections import ImportRejected, format_problems, group_dicts
from upswing.ingest.validate import DateRange, Problems
from upswing.warehouse.store import Batch, FirstBatchRefused

Progress = Callable[[str], None]

# Required columns an adapter's source does not carry: Zendesk tickets have no handle time
# (unless the time-tracking field is configured), so their AHT is simply not measured.
ADAPTER_OPTIONAL = {
    "zendesk": frozenset({"handle_seconds"}),
    # The API ticket list (pull connector) has no time tracked; an export may lack it too.
    "freshdesk": frozenset({"handle_seconds"}),
}


class WarehouseBusyError(Exception):
    """Another process is writing the warehouse (an import or a refresh): nothing was
    written; the same import succeeds once it is done."""

    retry_after_seconds = 60

    def __init__(self):
        super().__init__(
            "the warehouse is busy with another import or a refresh; nothing was imported, "
            "try again in a minute"
        )


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    if isinstance(exc, duckdb.IOException):
        return "lock" in text
    return isinstance(exc, duckdb.ConnectionException) and "different configuration" in text


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
    read_as: str = ""  # how a text file was read: delimiter and encoding


@dataclass(frozen=True, slots=True)
class Options:
    """How a file is read beyond its columns: the time zone of a roster's new programs
    (`--time-zone`), and the plausible dates (timestamps outside are refused)."""

    time_zone: str | None = None
    dates: DateRange | None = None
    programs: frozenset[str] | None = None  # the programs rows may name (None: every one)


def import_file(
    kind_name: str,
    path: Path,
    *,
    source: str | None = None,
    mapping_path: Path | None = None,
    progress: Progress | None = None,
    time_zone: str | None = None,
    dates: DateRange | None = None,
    programs: frozenset[str] | None = None,
) -> ImportResult:
    """Check and import one file of `kind_name`; `programs` limits the programs its rows may
    name (an uploader scoped to some programs), any other reading as an unknown program."""
    step = progress or (lambda _msg: None)
    kind = _kind(kind_name, path)
    if dates is None and mapping_path is not None:
        dates = _mapping_dates(mapping_path)
    options = _options(kind, path, time_zone, dates)
    if programs is not None:
        if kind.destination is Destination.WAREHOUSE or kind.name == "roster":
            raise ImportRejected(path.name, "only a records file is imported for some programs")
        options = replace(options, programs=frozenset(programs))
    try:
        return _import(kind, path, source, mapping_path, step, options)
    except duckdb.Error as exc:
        if _is_lock_error(exc):
            raise WarehouseBusyError from exc
        raise


def _import(
    kind: Kind,
    path: Path,
    source: str | None,
    mapping_path: Path | None,
    step: Progress,
    options: Options,
) -> ImportResult:
    from django.conf import settings

    from upswing.ingest import writers  # Django-side; imported late so readers stay light
    from upswing.warehouse.connection import open_warehouse

    # The file's digest (for the import log) is computed while DuckDB reads it.
    with (
        concurrent.futures.ThreadPoolExecutor(max_workers=1) as background,
        open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh,
    ):
        digest = background.submit(_sha256, path) if path.is_file() else None
        vcon = wh.validation_connection()
        step("checking")
        writers.register_references(vcon, wh, kind, options.programs)
        if source is None and mapping_path is None and digest is not None:
            source = _earlier_source(wh, kind, _result(digest))
        if kind.destination is Destination.WAREHOUSE and wh.is_duckdb:
            streamed = _stream_first_file(
                vcon, wh, kind, path, source, mapping_path, lambda: _result(digest), options
            )
            if streamed is not None:
                return streamed
        # Large fact files are first checked without line numbers (the fast path); a rejected
        # file, and the small people's-record kinds, are read with exact lines.
        fast = kind.destination is Destination.WAREHOUSE
        checked = None
        if fast:
            try:
                checked = _check_file(vcon, kind, path, source, mapping_path, options, False)
            except duckdb.Error:
                checked = None  # a file read lazily failed further on: read it whole, below
        if checked is None or checked.problems.count:
            # Read again with exact line numbers for the report (multi-line quoted values).
            checked = _check_file(vcon, kind, path, source, mapping_path, options, True)
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
        checked.read_as,
    )


def _earlier_source(wh, kind: Kind, sha256: str) -> str | None:
    """The source this very file was imported under before (None: never): a file imported
    again without --source matches its own rows, whatever source it was first given."""
    if kind.destination is not Destination.WAREHOUSE:
        return None
    session = wh.session()
    rows = session.run(
        f"SELECT source FROM import_log WHERE kind = {session.literal(kind.name)} "
        f"AND file_sha256 = {session.literal(sha256)} ORDER BY imported_at DESC LIMIT 1"
    )
    return rows[0][0] if rows else None


def _mapping_dates(mapping_path: Path) -> DateRange | None:
    """The plausible dates a mapping declares for its export (`dates_from`, `dates_until`)."""
    try:
        mapping = load_mapping(mapping_path)
    except MappingError:
        return None  # reported where the mapping is compiled
    if mapping.dates_from is None and mapping.dates_until is None:
        return None
    default = DateRange.default()
    return DateRange(mapping.dates_from or default.earliest, mapping.dates_until or default.latest)


def _options(kind: Kind, path: Path, time_zone: str | None, dates: DateRange | None) -> Options:
    if time_zone:
        if kind.name != "roster":
            raise ImportRejected(
                path.name, "a time zone is given with a roster (it is each program's zone)"
            )
        try:
            zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ImportRejected(
                path.name, f"{time_zone!r} is not an IANA time zone (e.g. Europe/Lisbon)"
            ) from None
    if dates and dates.earliest > dates.latest:
        raise ImportRejected(path.name, "the plausible dates end before they start")
    return Options(time_zone or None, dates)


def _stream_first_file(
    con: duckdb.DuckDBPyConnection,
    wh,
    kind: Kind,
    path: Path,
    source: str | None,
    mapping_path: Path | None,
    file_sha256: Callable[[], str],
    options: Options,
) -> ImportResult | None:
    """A source's first file into a DuckDB warehouse: read, typed, checked and inserted in
    one pass and one transaction (no staged copy of the file). None when the source already
    has rows (its file is merged through the stage) or the file has a problem: nothing was
    written, and the caller checks the file the long way, which reports where and why."""
    from upswing.ingest import writers

    con.execute("SET preserve_insertion_order = false")
    rows = _canonical_rows(
        con, kind, path, source=source, mapping_path=mapping_path, options=options,
        exact_lines=False,
    )  # fmt: skip
    if not writers.source_is_new(kind, wh, rows.source):
        return None
    batch = Batch(uuid.uuid4().hex, kind.name, rows.source, path.name, "", 0)
    try:
        validate.build_stage(
            con, kind, rows.sql, rows.present, source=rows.source, optional=rows.optional,
            materialize=False, mapping_checks=rows.checks, dates=options.dates,
        )  # fmt: skip
        counts = writers.stream_facts(kind, con, wh, batch, file_sha256)
    except (FirstBatchRefused, duckdb.Error):
        return None
    return ImportResult(
        kind.name, path.name, rows.source, batch.batch_id, counts.inserted, counts.inserted, 0,
        0, tuple(rows.warnings), rows.read_as,
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
    read_as: str = ""


def _check_file(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    path: Path,
    source: str | None,
    mapping_path: Path | None,
    options: Options,
    exact_lines: bool,
) -> _Checked:
    """Stage and validate the whole file; problems are counted, the first ones decoded."""
    # Without line numbers, row order does not matter: letting DuckDB drop it keeps every
    # step parallel and streaming. Exact line numbers need the file's order.
    con.execute(f"SET preserve_insertion_order = {'true' if exact_lines else 'false'}")
    rows = _canonical_rows(
        con, kind, path, source=source, mapping_path=mapping_path, options=options,
        exact_lines=exact_lines,
    )  # fmt: skip
    checks = validate.build_stage(
        con, kind, rows.sql, rows.present, source=rows.source, optional=rows.optional,
        mapping_checks=rows.checks, dates=options.dates,
    )  # fmt: skip
    problems = validate.collect_problems(con, kind, rows.sql, checks, count_only=not exact_lines)
    count = con.execute(f"SELECT count(*) FROM {validate.STAGE_TYPED}").fetchone()[0]
    return _Checked(problems, count, rows.source, rows.line_label, rows.warnings, rows.read_as)


def _kind(name: str, path: Path) -> Kind:
    try:
        return get_kind(name)
    except KeyError as exc:
        raise ImportRejected(path.name, str(exc.args[0])) from None


@dataclass(slots=True)
class _Canonical:
    """The file's rows as canonical text columns + `_line` (SQL), and what they hold."""

    sql: str
    present: set[str]
    line_label: str
    source: str
    warnings: list[str]
    checks: list = field(default_factory=list)  # a mapping's conversions (MappingCheck)
    optional: frozenset[str] = frozenset()  # required columns this source may leave empty
    read_as: str = ""


def _canonical_rows(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    path: Path,
    *,
    source: str | None,
    mapping_path: Path | None,
    options: Options,
    exact_lines: bool = True,
) -> _Canonical:
    try:
        if mapping_path is None and source in ADAPTERS:
            rows = _adapter_rows(con, kind, path, source)
            rows.optional = ADAPTER_OPTIONAL.get(source, frozenset())
        else:
            raw = read_raw(con, path, exact_lines=exact_lines)
            if mapping_path is not None:
                rows = _mapped_rows(kind, raw, source, mapping_path)
            else:
                rows = _canonical_file(kind, path, raw, source)
            rows.read_as = raw.read_as
    except (ReadError, MappingError, AdapterError) as exc:
        raise ImportRejected(path.name, str(exc)) from exc
    if options.time_zone and kind.name == "roster":
        _default_time_zone(rows, options.time_zone)
    return rows


def _mapped_rows(kind: Kind, raw, source: str | None, mapping_path: Path) -> _Canonical:
    mapping = load_mapping(mapping_path)
    section = mapping.for_kind(kind.name)
    sql, checks = compile_mapping(section, kind, raw.columns, raw.relation)
    present = {r.target for r in section.rules}
    # A mapped handle time may be empty on some rows (an abandoned call was never handled).
    optional = MAY_LEAVE_OUT.get(kind.name, frozenset())
    return _Canonical(
        sql,
        present,
        raw.line_label,
        source or mapping.source or "default",
        [],
        checks,
        optional,
    )


def _default_time_zone(rows: _Canonical, zone: str) -> None:
    """Rows without a time zone take the one given for the import."""
    if "time_zone" in rows.present:
        rows.sql = (
            f'SELECT * REPLACE (coalesce("time_zone", {literal(zone)}) AS "time_zone") '
            f"FROM ({rows.sql})"
        )
    else:
        rows.sql = f'SELECT *, {literal(zone)} AS "time_zone" FROM ({rows.sql})'
        rows.present.add("time_zone")


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
    return _Canonical("SELECT * FROM adapter_rows", present, "record", source, warnings)


def _canonical_file(kind: Kind, path: Path, raw, source: str | None) -> _Canonical:
    relation, columns, line_label = raw.relation, raw.columns, raw.line_label
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
    return _Canonical(
        f"SELECT _line, {selects} FROM {relation}", present, line_label, source or "default",
        warnings,
    )  # fmt: skip


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


__all__ = [
    "DateRange",
    "Destination",
    "ImportRejected",
    "ImportResult",
    "WarehouseBusyError",
    "format_problems",
    "group_dicts",
    "import_file",
]
