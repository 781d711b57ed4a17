"""Vectorized validation: a whole file is typed and checked in DuckDB, in one pass.

Each value gets a typed column and a bit in `_errors` for every check it fails; nothing is
looped over in Python. Only when a file is rejected are the first problems decoded, with
their line, column, original value and reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from upswing.ingest import checks
from upswing.ingest.kinds import Column, ColumnType, Kind
from upswing.ingest.mapping import ident, literal

MAX_REPORTED = 50
STAGE = "stage_rows"  # a view: canonical columns, derived columns, `_errors`
STAGE_TYPED = "stage_typed"  # the one materialized copy of the file
STAGE_OUT = "stage_out"  # a view: the rows as they are written (with their local day)


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
    failed_when: str  # SQL over the stage: `t_<col>`, `p_<col>` and context `c_<name>`


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
    """Checks of one column, over the stage: `p_<col>` (a value was given) and `t_<col>`
    (its typed value, NULL when it does not parse)."""
    given, typed = f"p_{column.name}", f"t_{column.name}"
    out = []
    if column.required and required:
        out.append(Check(column.name, "required value is missing", f"NOT {given}"))
    match column.type:
        case ColumnType.TIMESTAMP:
            out.append(
                _invalid(column, "not an ISO 8601 timestamp (e.g. 2026-10-05T09:30:00+02:00)")
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
                    f"{typed} IS NOT NULL AND {typed} NOT IN {_tuple(column.choices)}",
                )
            )
        case ColumnType.TIME_ZONE:
            out.append(
                Check(
                    column.name,
                    "not an IANA time zone (e.g. Europe/Lisbon)",
                    f"{typed} IS NOT NULL AND {typed} NOT IN "
                    "(SELECT name FROM pg_timezone_names())",
                )
            )
    return out


def _invalid(column: Column, reason: str, *, finite: bool = False) -> Check:
    given, typed = f"p_{column.name}", f"t_{column.name}"
    bad = f"{typed} IS NULL" + (f" OR NOT isfinite({typed})" if finite else "")
    return Check(column.name, reason, f"{given} AND ({bad})")


_TEXT_TYPES = {ColumnType.TEXT, ColumnType.CHOICE, ColumnType.TIME_ZONE}


def _over_stage(sql: str, kind: Kind) -> str:
    """A kind check written over raw `r_<col>` values, rewritten over the stage: a text
    column's raw value is its typed one; of other columns only presence is kept."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in kind.names:
            return match.group(0)
        if kind.column(name).type in _TEXT_TYPES:
            return f"t_{name}"
        return f"(CASE WHEN p_{name} THEN '' END)"

    return re.sub(r"\br_(\w+)\b", replace, sql)


def build_stage(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    canonical_sql: str,
    present: set[str],
    *,
    source: str,
    optional: frozenset[str] = frozenset(),
) -> list[Check]:
    """Type the file once into STAGE_TYPED (`t_` typed values, `p_` presence, `c_` context);
    STAGE is a view over it with the canonical and derived columns and the `_errors` bits.

    Each typed value is computed once, in one scan; the checks then run over compact typed
    columns. `optional` names required columns a source never has (they may be empty).
    """
    plan = checks.plan_for(kind, source)
    raw_cols = [f"{_raw_value(c, present)} AS r_{c.name}" for c in kind.columns]
    all_checks = [
        chk for c in kind.columns for chk in column_checks(c, required=c.name not in optional)
    ] + [
        Check(chk.column, chk.reason, _over_stage(chk.failed_when, kind)) for chk in plan.row_checks
    ]
    if len(all_checks) > 62:
        raise RuntimeError(f"{kind.name}: too many checks for one bitmask")
    # An unknown zone (unknown agent or program) is reported as such; the value itself is
    # still typed (in UTC) so that it is not also reported as an unreadable timestamp.
    tz = f"coalesce({plan.tz_expr}, 'UTC')"
    typed_cols = [f"{typed_sql(c, f'r_{c.name}', tz)} AS t_{c.name}" for c in kind.columns]
    given_cols = [f"r_{c.name} IS NOT NULL AS p_{c.name}" for c in kind.columns]
    con.execute("SET TimeZone = 'UTC'")
    derived = {name: _over_stage(expr, kind) for name, expr in plan.derived}
    derived_cols = "".join(f", {expr} AS d_{name}" for name, expr in derived.items())
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {STAGE_TYPED} AS
        WITH raw AS (SELECT _line, {", ".join(raw_cols)} FROM ({canonical_sql})),
        joined AS (SELECT raw.*, {plan.context_select} FROM raw {plan.context_joins}),
        typed AS (
            SELECT _line, {", ".join(typed_cols)}, {", ".join(given_cols)}, COLUMNS('^c_')
            FROM joined
        )
        SELECT *{derived_cols} FROM typed"""
    )
    flags = (
        " | ".join(
            f"(CASE WHEN {chk.failed_when} THEN {1 << i} ELSE 0 END)::BIGINT"
            for i, chk in enumerate(all_checks)
        )
        or "0::BIGINT"
    )
    out_cols = [f"t_{c.name} AS {ident(c.name)}" for c in kind.columns if c.name not in derived]
    out_cols += [f"d_{name} AS {ident(name)}" for name in derived]
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {STAGE} AS "
        f"SELECT _line, {', '.join(out_cols)}, {flags} AS _errors FROM {STAGE_TYPED} s"
    )
    # What is written: the canonical columns plus the local day (a join the checks skip).
    local_date, joins = ("NULL::DATE", "")
    if plan.local_date_of:
        local_date, joins = local_date_sql(con, f"t_{plan.local_date_of}")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {STAGE_OUT} AS "
        f"SELECT _line, {', '.join(out_cols)}, {local_date} AS local_date "
        f"FROM {STAGE_TYPED} s{joins}"
    )
    return all_checks


# Local days come from a table of UTC offsets per zone and quarter hour (every real zone
# changes offset on a quarter hour), built for the file's time span: a hash join instead of
# a time-zone conversion per row, which costs more than reading the file. Beyond this span
# (a file of odd dates) each row is converted.
_OFFSET_TABLE_MAX_SPAN = dt.timedelta(days=3 * 366)


def local_date_sql(con: duckdb.DuckDBPyConnection, column: str) -> tuple[str, str]:
    """(expression, join clause) giving the day of `column` in the zone `c_tz` of each row."""
    first, last = con.execute(f"SELECT min({column}), max({column}) FROM {STAGE_TYPED}").fetchone()
    exact = f"CAST(timezone(s.c_tz, s.{column}) AS DATE)"
    if first is None or last - first > _OFFSET_TABLE_MAX_SPAN:
        return exact, ""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE tz_offsets AS
        SELECT z.c_tz AS tz, b AS bucket, timezone(z.c_tz, b) - CAST(b AS TIMESTAMP) AS utc_offset
        FROM (SELECT DISTINCT c_tz FROM {STAGE_TYPED} WHERE c_tz IS NOT NULL) z,
             generate_series(time_bucket(INTERVAL 15 MINUTE, ?::TIMESTAMPTZ),
                             ?::TIMESTAMPTZ, INTERVAL 15 MINUTE) g(b)""",
        [first, last],
    )
    join = (
        " LEFT JOIN tz_offsets o ON o.tz = s.c_tz "
        f"AND o.bucket = time_bucket(INTERVAL 15 MINUTE, s.{column})"
    )
    return f"CAST(CAST(s.{column} AS TIMESTAMP) + o.utc_offset AS DATE)", join


def _raw_value(column: Column, present: set[str]) -> str:
    raw = ident(column.name) if column.name in present else "CAST(NULL AS VARCHAR)"
    if column.default is not None:
        return f"COALESCE({raw}, {literal(column.default)})"
    return raw


def collect_problems(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    canonical_sql: str,
    all_checks: list[Check],
    *,
    count_only: bool = False,
) -> Problems:
    """Row problems (per-value bits, duplicates, cross-row checks), the first 50 decoded
    (none with `count_only`, when the rows carry no line numbers yet)."""
    bit_count = con.execute(
        f"SELECT coalesce(sum(bit_count(_errors)), 0) FROM {STAGE} WHERE _errors <> 0"
    ).fetchone()[0]
    extra_sql = checks.cross_row_sql(kind, STAGE)
    extra_count = con.execute(checks.cross_row_count_sql(kind, STAGE)).fetchone()[0]
    total = int(bit_count) + int(extra_count)
    if total == 0 or count_only:
        return Problems((), total)
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
