"""Vectorized validation: a whole file is typed and checked in DuckDB, in one pass.

Each value gets a typed column and a bit in `_errors` for every check it fails; nothing is
looped over in Python. Only when a file is rejected are the first problems decoded, with
their line, column, original value and reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from upswing.ingest import checks
from upswing.ingest.kinds import Column, ColumnType, Kind
from upswing.ingest.mapping import ident, literal

MAX_REPORTED = 50
STAGE = "stage_rows"


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    column: str
    value: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Problems:
    errors: tuple[RowError, ...]  # the first MAX_REPORTED, by line
    count: int  # all of them


@dataclass(frozen=True, slots=True)
class Check:
    column: str
    reason: str
    failed_when: str  # SQL over raw `r_<col>` and typed `t_<col>` columns


_OFFSET = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|z|[+-]\d{2}(:?\d{2})?)$"
_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")


def typed_sql(column: Column, raw: str, tz: str) -> str:
    """The typed value of a raw text column (NULL when it does not parse)."""
    match column.type:
        case ColumnType.TIMESTAMP:
            return (
                f"CASE WHEN {raw} IS NULL THEN NULL "
                f"WHEN regexp_matches({raw}, {literal(_OFFSET)}) "
                f"THEN TRY_CAST({raw} AS TIMESTAMPTZ) "
                f"ELSE timezone({tz}, TRY_CAST({raw} AS TIMESTAMP)) END"
            )
        case ColumnType.DATE:
            return f"TRY_CAST({raw} AS DATE)"
        case ColumnType.SECONDS | ColumnType.NUMBER:
            return f"TRY_CAST({raw} AS DOUBLE)"
        case ColumnType.BOOL:
            return (
                f"CASE WHEN lower({raw}) IN {_tuple(_TRUE)} THEN true "
                f"WHEN lower({raw}) IN {_tuple(_FALSE)} THEN false END"
            )
        case ColumnType.CHOICE:
            return f"lower({raw})"
        case _:
            return raw


def column_checks(column: Column, *, required: bool = True) -> list[Check]:
    raw, typed = f"r_{column.name}", f"t_{column.name}"
    out = []
    if column.required and required:
        out.append(Check(column.name, "required value is missing", f"{raw} IS NULL"))
    match column.type:
        case ColumnType.TIMESTAMP:
            # The same two parses typed_sql uses: a value one of them accepts but typed_sql
            # does not (e.g. '2026-03-29 00:30 Europe/Lisbon') would otherwise load as NULL.
            offset = f"regexp_matches({raw}, {literal(_OFFSET)})"
            out.append(
                Check(
                    column.name,
                    "not an ISO 8601 timestamp (e.g. 2026-10-05T09:30:00+02:00)",
                    f"{raw} IS NOT NULL AND ("
                    f"({offset} AND TRY_CAST({raw} AS TIMESTAMPTZ) IS NULL) OR "
                    f"(NOT {offset} AND TRY_CAST({raw} AS TIMESTAMP) IS NULL))",
                )
            )
        case ColumnType.DATE:
            out.append(_invalid(column, "not an ISO 8601 date (YYYY-MM-DD)"))
        case ColumnType.SECONDS:
            out.append(_invalid(column, "not a number of seconds", finite=True))
            out.append(Check(column.name, "negative seconds", f"{typed} < 0"))
        case ColumnType.NUMBER:
            out.append(_invalid(column, "not a number", finite=True))
        case ColumnType.BOOL:
            out.append(_invalid(column, "not a yes/no value (true/false, yes/no, y/n, 1/0)"))
        case ColumnType.CHOICE:
            allowed = ", ".join(column.choices)
            out.append(
                Check(
                    column.name,
                    f"not one of: {allowed}",
                    f"{raw} IS NOT NULL AND {typed} NOT IN {_tuple(column.choices)}",
                )
            )
        case ColumnType.TIME_ZONE:
            out.append(
                Check(
                    column.name,
                    "not an IANA time zone (e.g. Europe/Lisbon)",
                    f"{raw} IS NOT NULL AND {raw} NOT IN (SELECT name FROM pg_timezone_names())",
                )
            )
    return out


def _invalid(column: Column, reason: str, *, finite: bool = False) -> Check:
    raw, typed = f"r_{column.name}", f"t_{column.name}"
    bad = f"{typed} IS NULL" + (f" OR NOT isfinite({typed})" if finite else "")
    return Check(column.name, reason, f"{raw} IS NOT NULL AND ({bad})")


def build_stage(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    canonical_sql: str,
    present: set[str],
    *,
    source: str,
    optional: frozenset[str] = frozenset(),
) -> list[Check]:
    """Create the STAGE table: `_line`, typed canonical columns, derived columns, `_errors`.

    `optional` names required columns a source never has (they may then be empty).
    """
    plan = checks.plan_for(kind, source)
    raw_cols = [f"{_raw_value(c, present)} AS r_{c.name}" for c in kind.columns]
    all_checks = [
        chk for c in kind.columns for chk in column_checks(c, required=c.name not in optional)
    ] + list(plan.row_checks)
    if len(all_checks) > 62:
        raise RuntimeError(f"{kind.name}: too many checks for one bitmask")
    typed_cols = [
        f"{typed_sql(c, f'r_{c.name}', plan.tz_expr)} AS t_{c.name}" for c in kind.columns
    ]
    flags = (
        " | ".join(
            f"(CASE WHEN {chk.failed_when} THEN {1 << i} ELSE 0 END)::BIGINT"
            for i, chk in enumerate(all_checks)
        )
        or "0::BIGINT"
    )
    derived = dict(plan.derived)
    out_cols = [f"t_{c.name} AS {ident(c.name)}" for c in kind.columns if c.name not in derived]
    out_cols += [f"{expr} AS {ident(name)}" for name, expr in derived.items()]
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {STAGE} AS
        WITH raw AS (SELECT _line, {", ".join(raw_cols)} FROM ({canonical_sql})),
        joined AS (SELECT raw.*, {plan.context_select} FROM raw {plan.context_joins}),
        typed AS (SELECT joined.*, {", ".join(typed_cols)} FROM joined)
        SELECT _line, {", ".join(out_cols)}, {flags} AS _errors FROM typed"""
    )
    return all_checks


def _raw_value(column: Column, present: set[str]) -> str:
    raw = ident(column.name) if column.name in present else "CAST(NULL AS VARCHAR)"
    if column.default is not None:
        return f"COALESCE({raw}, {literal(column.default)})"
    return raw


def collect_problems(
    con: duckdb.DuckDBPyConnection, kind: Kind, canonical_sql: str, all_checks: list[Check]
) -> Problems:
    """Row problems (per-value bits, duplicates, cross-row checks), the first 50 decoded."""
    bit_count = con.execute(
        f"SELECT coalesce(sum(bit_count(_errors)), 0) FROM {STAGE} WHERE _errors <> 0"
    ).fetchone()[0]
    extra_sql = checks.cross_row_sql(kind, STAGE)
    extra_count = (
        con.execute(f"SELECT count(*) FROM ({extra_sql})").fetchone()[0] if extra_sql else 0
    )
    total = int(bit_count) + int(extra_count)
    if total == 0:
        return Problems((), 0)
    flagged = con.execute(
        f"SELECT _line, _errors FROM {STAGE} WHERE _errors <> 0 ORDER BY _line LIMIT {MAX_REPORTED}"
    ).fetchall()
    raw_values = _raw_values(con, canonical_sql, [line for line, _ in flagged])
    errors = [
        RowError(line, chk.column, raw_values.get((line, chk.column)), chk.reason)
        for line, mask in flagged
        for i, chk in enumerate(all_checks)
        if mask & (1 << i)
    ]
    if extra_sql:
        rows = con.execute(
            f"SELECT * FROM ({extra_sql}) ORDER BY line LIMIT {MAX_REPORTED}"
        ).fetchall()
        errors += [RowError(*row) for row in rows]
    errors.sort(key=lambda e: (e.line, e.column))
    return Problems(tuple(errors[:MAX_REPORTED]), total)


def _raw_values(
    con: duckdb.DuckDBPyConnection, canonical_sql: str, lines: list[int]
) -> dict[tuple[int, str], str | None]:
    if not lines:
        return {}
    rel = con.execute(
        f"SELECT * FROM ({canonical_sql}) WHERE _line IN ({', '.join(map(str, lines))})"
    )
    names = [d[0] for d in rel.description]
    out = {}
    for row in rel.fetchall():
        line = row[names.index("_line")]
        for name, value in zip(names, row, strict=True):
            out[(line, name)] = value
    return out


def _tuple(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"
