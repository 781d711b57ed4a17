"""Facts read from a table or view that already lives in the warehouse (a source read in
place, docs/sources.md): its definition in TOML, and one read of the rows changed since
its watermark, mapped, checked and merged like an imported file's.

Unlike a file, a source is never refused whole: a row that fails a check is left out and
reported (grouped by column and reason, as an import reports them), the others are merged,
and the watermark moves on. A row fixed at the source gets a new watermark and is read again.
"""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from upswing.ingest import checks, validate
from upswing.ingest.kinds import Destination, Kind, get_kind
from upswing.ingest.mapping import (
    MAY_LEAVE_OUT,
    KindMapping,
    MappingError,
    compile_mapping,
    ident,
    parse_mapping,
)
from upswing.ingest.readers import read_arrow
from upswing.ingest.validate import DateRange, Problems
from upswing.warehouse.connection import Warehouse
from upswing.warehouse.sources import (
    ChangedRows,
    SourceTableError,
    check_columns,
    read_changed,
    source_table,
    watermark_type_ok,
)
from upswing.warehouse.store import Batch, UpsertCounts

TABLE_KEYS = {"name", "schema", "watermark"}
# Read in this order, so that surveys and QA find the interactions read in the same run.
KIND_ORDER = ("interactions", "qa", "surveys", "events")


class SourceError(ValueError):
    """The source's definition, or its table, is wrong: says which key or column and why."""


@dataclass(frozen=True, slots=True)
class SourceDefinition:
    name: str
    table: str
    schema: str | None
    watermark: str
    kind: Kind
    mapping: KindMapping
    fact_source: str  # the facts' `source` (surveys name their interactions' source)
    dates: DateRange | None

    @property
    def where(self) -> str:
        return f"{self.schema}.{self.table}" if self.schema else self.table

    @property
    def whole(self) -> str | None:
        """The table's column whose rows are read together: a QA evaluation's criteria are
        replaced as a group, so a changed criterion brings its evaluation's others."""
        if self.kind.name != "qa":
            return None
        rule = next(r for r in self.mapping.rules if r.target == "evaluation_id")
        return rule.sources[0]

    @property
    def columns(self) -> list[str]:
        """The table's columns the mapping reads."""
        return list(dict.fromkeys(s for r in self.mapping.rules for s in r.sources))


def parse_definition(name: str, text: str) -> SourceDefinition:
    """A source from its TOML: `[table]` (name, schema, watermark), one kind's mapping in
    the language of file mappings, and optionally `source`, `dates_from`, `dates_until`."""
    label = f"source {name}"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{label}: cannot be read as TOML: {exc}") from None
    table = data.pop("table", None)
    if not isinstance(table, dict) or not {"name", "watermark"} <= set(table):
        raise SourceError(
            f'{label}: a [table] section gives the name and the watermark column: name = "calls", '
            'watermark = "updated_at"'
        )
    unknown = sorted(set(table) - TABLE_KEYS)
    if unknown:
        raise SourceError(
            f"{label}: [table] has unknown keys {unknown} (known: {sorted(TABLE_KEYS)})"
        )
    try:
        mapping = parse_mapping(Path(f"{name}.toml"), data)
    except MappingError as exc:
        raise SourceError(str(exc)) from None
    if len(mapping.kinds) != 1:
        raise SourceError(f"{label}: map exactly one kind, e.g. [interactions.columns]")
    ((kind_name, section),) = mapping.kinds.items()
    kind = _warehouse_kind(label, kind_name)
    try:
        compile_mapping(section, kind, tuple(s for r in section.rules for s in r.sources), "t")
    except MappingError as exc:
        raise SourceError(f"{label}: {exc}") from None
    _check_evaluation_rule(label, kind, section)
    dates = None
    if mapping.dates_from or mapping.dates_until:
        default = DateRange.default()
        dates = DateRange(
            mapping.dates_from or default.earliest, mapping.dates_until or default.latest
        )
    return SourceDefinition(
        name=name,
        table=str(table["name"]),
        schema=str(table["schema"]) if table.get("schema") else None,
        watermark=str(table["watermark"]),
        kind=kind,
        mapping=section,
        fact_source=mapping.source or name,
        dates=dates,
    )


def _check_evaluation_rule(label: str, kind: Kind, section: KindMapping) -> None:
    """A QA source's evaluation_id is one column as it is (its rows are read by it)."""
    if kind.name != "qa":
        return
    rule = next(r for r in section.rules if r.target == "evaluation_id")  # required
    converted = rule.parse or rule.null_if or rule.value_map or rule.unit or rule.scale
    if len(rule.sources) != 1 or rule.between or converted or rule.default is not None:
        raise SourceError(
            f'{label}: [qa.columns] evaluation_id is one column as it is: evaluation_id = "eval_id"'
        )


def _warehouse_kind(label: str, name: str) -> Kind:
    try:
        kind = get_kind(name)
    except KeyError:
        kind = None
    if kind is None or kind.destination is not Destination.WAREHOUSE:
        raise SourceError(
            f"{label}: [{name}] is not a kind of facts (interactions, surveys, qa or events)"
        )
    return kind


def check_table(wh: Warehouse, source: SourceDefinition) -> None:
    """The table exists and has the columns the source names, or SourceError."""
    try:
        t = source_table(wh.ibis, source.table, source.schema)
        check_columns(t, [*source.columns, source.watermark], source.where)
    except SourceTableError as exc:
        raise SourceError(f"source {source.name}: {exc}") from None
    if not watermark_type_ok(t, source.watermark):
        raise SourceError(
            f"source {source.name}: the watermark {source.watermark!r} must be a timestamp, "
            "a date, a number or text that grows with every change"
        )


@dataclass(frozen=True, slots=True)
class TableRead:
    """One read of a source: rows read past the watermark, merged (new, changed, as they
    were) or left out for their problems, and the watermark to resume from."""

    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    left_out: int
    problems: Problems
    watermark: str | None  # None: no rows, keep the one there was
    without_watermark: int = 0  # rows not read for an empty watermark (first read only)


def read_source(wh: Warehouse, source: SourceDefinition, since: str | None) -> TableRead:
    """Read the rows changed since `since`, check them, merge the good ones."""
    check_table(wh, source)
    t = source_table(wh.ibis, source.table, source.schema)
    changed: ChangedRows = read_changed(t, source.columns, source.watermark, since, source.whole)
    if changed.rows.num_rows == 0:
        return TableRead(0, 0, 0, 0, 0, Problems((), 0), None, changed.without_watermark)
    counts, left_out, problems = _check_and_merge(wh, source, changed.rows)
    return TableRead(
        changed.rows.num_rows, counts.inserted, counts.updated, counts.unchanged, left_out,
        problems, changed.watermark, changed.without_watermark,
    )  # fmt: skip


def _latest_of_each_key(sql: str, kind: Kind) -> str:
    """The mapped rows, one per key: a table that appends a row per change holds a key more
    than once, and its latest row (the last in watermark order) is the one that counts."""
    keys = ", ".join(ident(k) for k in kind.key)
    return (
        f"SELECT * FROM ({sql}) QUALIFY row_number() OVER (PARTITION BY {keys} "
        "ORDER BY _line DESC) = 1"
    )


def _check_and_merge(
    wh: Warehouse, source: SourceDefinition, rows: pa.Table
) -> tuple[UpsertCounts, int, Problems]:
    from upswing.ingest import writers  # Django-side (the roster); imported when used

    con = wh.validation_connection()
    con.execute("SET preserve_insertion_order = true")
    writers.register_references(con, wh, source.kind)
    raw = read_arrow(con, rows.select(source.columns))
    sql, mapping_checks = compile_mapping(source.mapping, source.kind, raw.columns, raw.relation)
    sql = _latest_of_each_key(sql, source.kind)
    all_checks = validate.build_stage(
        con, source.kind, sql, {r.target for r in source.mapping.rules}, source=source.fact_source,
        optional=MAY_LEAVE_OUT.get(source.kind.name, frozenset()), mapping_checks=mapping_checks,
        dates=source.dates,
    )  # fmt: skip
    problems = validate.collect_problems(con, source.kind, sql, all_checks)
    across = checks.cross_row_sql(source.kind, validate.STAGE)
    good = f"NOT _failed AND _line NOT IN (SELECT line FROM ({across}) x)"
    kept = con.execute(f"SELECT count(*) FROM {validate.STAGE_OUT} WHERE {good}").fetchone()[0]
    mapped = con.execute(f"SELECT count(*) FROM {validate.STAGE_OUT}").fetchone()[0]
    if not kept:
        return UpsertCounts(0, 0, 0), int(mapped), problems
    batch = Batch(
        uuid.uuid4().hex,
        source.kind.name,
        source.fact_source,
        f"table {source.where}",
        "",
        int(kept),
    )
    counts = writers.write_facts(source.kind, con, wh, batch, where=good)
    return counts, int(mapped) - int(kept), problems
