"""Vectorized validation: a whole file is typed and checked in DuckDB, in one pass.

Each value gets a typed column and a bit in `_errors` for every check it fails; nothing is
looped over in Python. Only when a file is rejected are the first problems decoded, with
their line, column, original value and reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from upswing.ingest import checks
from upswing.ingest.checks import Check
from upswing.ingest.kinds import Column, ColumnType, Kind
from upswing.ingest.mapping import ident, literal
from upswing.ingest.readers import drop_relation

MAX_REPORTED = 50
LINES_PER_GROUP = 5  # the first lines named for each column and reason
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
class ProblemGroup:
    """Every row failing one check: how many, the first lines, and the first line's value."""

    column: str
    reason: str
    count: int
    lines: tuple[int, ...]  # the first LINES_PER_GROUP
    value: str | None  # the value on the first line


@dataclass(frozen=True, slots=True)
class Problems:
    errors: tuple[RowError, ...]  # the first MAX_REPORTED, by line
    count: int  # all of them
    groups: tuple[ProblemGroup, ...] = ()  # by column and reason, the largest first


@dataclass(frozen=True, slots=True)
class DateRange:
    """Timestamps and dates outside [earliest, latest] are refused as implausible: a year 1
    or 9999 in an export is a placeholder or a typo, and breaks every period computed."""

    earliest: dt.date
    latest: dt.date

    @classmethod
    def default(cls, today: dt.date | None = None) -> DateRange:
        today = today or dt.datetime.now(dt.UTC).date()
        return cls(dt.date(2000, 1, 1), today + dt.timedelta(days=1))

    def describe(self) -> str:
        return f"{self.earliest.isoformat()} to {self.latest.isoformat()}"


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
            # A CASE chain, not `IN (...)`: DuckDB turns a long IN list into a join per column.
            # The spellings exports use most are matched before anything is lowercased.
            spelled = " ".join(
                f"WHEN {literal(word)} THEN {str(word in _TRUE).lower()}" for word in _TRUE + _FALSE
            )
            return (
                f"CASE {raw} WHEN 'true' THEN true WHEN 'false' THEN false "
                f"ELSE CASE lower({raw}) {spelled} END END"
            )
        case ColumnType.CHOICE:
            return f"lower({raw})"
        case _:
            return raw


def column_checks(
    column: Column, *, required: bool = True, dates: DateRange | None = None
) -> list[Check]:
    """Checks of one column, over the stage: `p_<col>` (a value was given) and `t_<col>`
    (its typed value, NULL when it does not parse)."""
    given, typed = f"p_{column.name}", f"t_{column.name}"
    dates = dates or DateRange.default()
    out = []
    if column.required and required:
        out.append(Check(column.name, "required value is missing", f"NOT {given}"))
    out += checks.text_checks(column)
    match column.type:
        case ColumnType.TIMESTAMP:
            out.append(
                _invalid(column, "not an ISO 8601 timestamp (e.g. 2026-10-05T09:30:00+02:00)")
            )
            out.append(_outside(column, dates, "TIMESTAMPTZ", "00:00:00+00", "23:59:59.999999+00"))
        case ColumnType.DATE:
            out.append(_invalid(column, "not an ISO 8601 date (YYYY-MM-DD)"))
            out.append(_outside(column, dates, "DATE", "", ""))
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
                    f"{typed} IS NOT NULL AND NOT ({_any_equal(typed, column.choices)})",
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


def _outside(column: Column, dates: DateRange, sql_type: str, start: str, end: str) -> Check:
    typed = f"t_{column.name}"
    low = literal(f"{dates.earliest.isoformat()} {start}".strip())
    high = literal(f"{dates.latest.isoformat()} {end}".strip())
    return Check(
        column.name,
        f"outside the plausible dates {dates.describe()} (a placeholder or a typo?)",
        f"{typed} < {sql_type} {low} OR {typed} > {sql_type} {high}",
    )


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
    materialize: bool = True,
    mapping_checks: Sequence = (),
    dates: DateRange | None = None,
) -> list[Check]:
    """Type the file once into STAGE_TYPED (`t_` typed values, `p_` presence, `c_` context);
    STAGE is a view over it with the canonical and derived columns and the `_errors` bits.

    Each typed value is computed once, in one scan; the checks then run over compact typed
    columns. `optional` names required columns a source never has (they may be empty).
    With `materialize=False` STAGE_TYPED is a view too: the file is typed and checked while
    it is read, by whatever reads STAGE_OUT (a source's first import, streamed in one pass).
    `mapping_checks` are a mapping's conversions (upswing.ingest.mapping.MappingCheck): a row
    whose flag is set fails that check instead of the column's own.
    """
    plan = checks.plan_for(kind, source)
    raw_cols = [f"{_raw_value(c, present)} AS r_{c.name}" for c in kind.columns]
    raw_cols += [m.flag for m in mapping_checks]
    flags_of: dict[str, list[str]] = {}
    for m in mapping_checks:
        flags_of.setdefault(m.column, []).append(m.flag)
    column_level = [
        _unless(chk, flags_of.get(c.name, ()))
        for c in kind.columns
        for chk in column_checks(c, required=c.name not in optional, dates=dates)
    ]
    all_checks = (
        column_level
        + [Check(m.column, m.reason, m.flag) for m in mapping_checks]
        + [
            Check(chk.column, chk.reason, _over_stage(chk.failed_when, kind))
            for chk in plan.row_checks
        ]
    )
    if len(all_checks) > 62:
        raise RuntimeError(f"{kind.name}: too many checks for one bitmask")
    # An unknown zone (unknown agent or program) is reported as such; the value itself is
    # still typed (in UTC) so that it is not also reported as an unreadable timestamp.
    tz = f"coalesce({plan.tz_expr}, 'UTC')"
    typed_cols = [f"{typed_sql(c, f'r_{c.name}', tz)} AS t_{c.name}" for c in kind.columns]
    given_cols = [f"r_{c.name} IS NOT NULL AS p_{c.name}" for c in kind.columns]
    con.execute("SET TimeZone = 'UTC'")
    drop_relation(con, STAGE_TYPED)  # a table or a view, from an earlier attempt on this file
    derived = {name: _over_stage(expr, kind) for name, expr in plan.derived}
    derived_cols = "".join(f", {expr} AS d_{name}" for name, expr in derived.items())
    con.execute(
        f"""CREATE TEMP {"TABLE" if materialize else "VIEW"} {STAGE_TYPED} AS
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
    # What is written: the canonical columns plus the local day (a join the checks skip),
    # and `_failed`, true for a row that fails any check (what a streamed import stops on).
    local_date, joins = ("NULL::DATE", "")
    if plan.local_date_of:
        local_date, joins = local_date_sql(con, f"s.t_{plan.local_date_of}")
    covered = checks.unreferenced_id_rules(con, plan)
    screened = [c for c in all_checks if not (c.id_rule and c.column in covered)]
    failed = " OR ".join(f"({chk.failed_when})" for chk in screened) or "false"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {STAGE_OUT} AS "
        f"SELECT _line, {', '.join(out_cols)}, {local_date} AS local_date, "
        f"coalesce({failed}, false) AS _failed FROM {STAGE_TYPED} s{joins}"
    )
    return all_checks


# Local days come from a table of UTC offsets per zone and UTC day (`zone_days`): a join on
# two integers instead of a time-zone conversion per row, which costs more than reading the
# file. A day on which the zone's offset changes also has the minute of the change (found on
# a quarter-hour grid, then minute by minute within its quarter: St. John's changed at 00:01
# local time until 2011). Timestamps outside the table's years are converted one by one.
ZONE_DAYS_YEARS = (1990, 2060)
_DAY_US = 86_400_000_000
# The offsets come from the engine's time-zone database: computed once per zone and engine
# version, and kept in the connection's database (the DuckDB warehouse keeps them).
_ENGINE = f"duckdb {duckdb.__version__}"


def build_zone_days(con: duckdb.DuckDBPyConnection) -> None:
    """`zone_days(zone_no, day_no, before_us, after_us, change_us)` for the zones of
    `ref_programs`: the UTC offset (microseconds) at the start of UTC day `day_no` (days since
    1970-01-01) and at its end, and when they differ, the instant of the change."""
    cache_zone_offsets(con)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE zone_days AS
        SELECT z.zone_no, o.day_no, o.before_us, o.after_us, o.change_us
        FROM (SELECT DISTINCT zone_no, time_zone FROM ref_programs) z
        JOIN zone_offsets o ON o.time_zone = z.time_zone AND o.engine = ?""",
        [_ENGINE],
    )


def cache_zone_offsets(con: duckdb.DuckDBPyConnection) -> None:
    """Compute and keep the offsets of the zones of `ref_programs` not kept yet."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS zone_offsets (time_zone VARCHAR, day_no INTEGER, "
        "before_us BIGINT, after_us BIGINT, change_us BIGINT, engine VARCHAR)"
    )
    missing = [
        zone
        for (zone,) in con.execute(
            "SELECT DISTINCT time_zone FROM ref_programs WHERE time_zone NOT IN "
            "(SELECT time_zone FROM zone_offsets WHERE engine = ?)",
            [_ENGINE],
        ).fetchall()
    ]
    if not missing:
        return
    first, last = (f"TIMESTAMPTZ '{year}-01-01 00:00:00+00'" for year in ZONE_DAYS_YEARS)
    con.execute(
        "CREATE OR REPLACE TEMP MACRO utc_offset_us(zone, t) AS "
        "epoch_us(timezone(zone, t)) - epoch_us(CAST(t AS TIMESTAMP))"
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM zone_offsets WHERE list_contains(?, time_zone)", [missing])
        con.execute(
            f"""INSERT INTO zone_offsets
            WITH starts AS (
                SELECT z.time_zone, g.t AS day_start,
                       utc_offset_us(z.time_zone, g.t) AS offset_us
                FROM unnest(?::VARCHAR[]) z(time_zone),
                     generate_series({first}, {last}, INTERVAL 1 DAY) g(t)
            ),
            days AS (
                SELECT time_zone, day_start, offset_us AS before_us,
                       lead(offset_us) OVER (PARTITION BY time_zone ORDER BY day_start)
                           AS after_us
                FROM starts
            ),
            quarters AS (  -- the first quarter hour of a changing day on the new offset
                SELECT time_zone, day_start, after_us, min(q) AS changed_by
                FROM days, generate_series(day_start, day_start + INTERVAL 1 DAY,
                                           INTERVAL 15 MINUTE) g(q)
                WHERE before_us <> after_us AND utc_offset_us(time_zone, q) = after_us
                GROUP BY ALL
            ),
            changes AS (  -- the first minute of that quarter on the new offset
                SELECT time_zone, day_start, min(m) AS change_at
                FROM quarters, generate_series(changed_by - INTERVAL 14 MINUTE, changed_by,
                                               INTERVAL 1 MINUTE) g(m)
                WHERE utc_offset_us(time_zone, m) = after_us
                GROUP BY ALL
            )
            SELECT d.time_zone, CAST(epoch_us(d.day_start) // {_DAY_US} AS INTEGER),
                   d.before_us, d.after_us, epoch_us(c.change_at), ?
            FROM days d LEFT JOIN changes c USING (time_zone, day_start)
            WHERE d.after_us IS NOT NULL""",
            [missing, _ENGINE],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def local_date_sql(con: duckdb.DuckDBPyConnection, column: str) -> tuple[str, str]:
    """(expression, join clause) giving the day of `column` (a TIMESTAMPTZ over the stage `s`)
    in the zone of each row (`s.c_tz`, numbered `s.c_zone`)."""
    build_zone_days(con)
    utc_us = f"epoch_us({column})"
    offset = f"CASE WHEN {utc_us} < o.change_us THEN o.before_us ELSE o.after_us END"
    local = f"CAST(DATE '1970-01-01' + CAST(({utc_us} + {offset}) // {_DAY_US} AS INTEGER) AS DATE)"
    exact = f"CAST(timezone(s.c_tz, {column}) AS DATE)"
    join = (
        " LEFT JOIN zone_days o ON o.zone_no = s.c_zone "
        f"AND o.day_no = CAST({utc_us} // {_DAY_US} AS INTEGER)"
    )
    return f"CASE WHEN o.day_no IS NULL THEN {exact} ELSE {local} END", join


def _unless(chk: Check, flags: Sequence[str]) -> Check:
    """A column's own check, skipped on rows where the mapping's conversion already failed."""
    if not flags:
        return chk
    unless = f"({chk.failed_when}) AND NOT ({' OR '.join(flags)})"
    return dataclasses.replace(chk, failed_when=unless)


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
    groups = _bit_groups(con, canonical_sql, all_checks) + _cross_row_groups(con, kind)
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
    groups.sort(key=lambda g: (-g.count, g.lines[:1], g.column))
    return Problems(tuple(errors[:MAX_REPORTED]), total, tuple(groups))


def _bit_groups(
    con: duckdb.DuckDBPyConnection, canonical_sql: str, all_checks: list[Check]
) -> list[ProblemGroup]:
    parts = []
    for i in range(len(all_checks)):
        hit = f"_errors & {1 << i} <> 0"
        parts.append(
            f"count(*) FILTER (WHERE {hit}), "
            f"(list(_line ORDER BY _line) FILTER (WHERE {hit}))[1:{LINES_PER_GROUP}]"
        )
    row = con.execute(f"SELECT {', '.join(parts)} FROM {STAGE} WHERE _errors <> 0").fetchone()
    found = [
        (chk, int(row[2 * i]), tuple(row[2 * i + 1] or ()))
        for i, chk in enumerate(all_checks)
        if row[2 * i]
    ]
    values = _raw_values(con, canonical_sql, sorted({lines[0] for _, _, lines in found}))
    return [
        ProblemGroup(chk.column, chk.reason, n, lines, values.get((lines[0], chk.column)))
        for chk, n, lines in found
    ]


def _cross_row_groups(con: duckdb.DuckDBPyConnection, kind: Kind) -> list[ProblemGroup]:
    """Problems across rows, grouped by column and reason (without the other row's line)."""
    sql = checks.cross_row_sql(kind, STAGE)
    reason = r"regexp_replace(reason, ' ?\((first )?(on )?line \d+\)', '', 'g')"
    rows = con.execute(
        f'SELECT "column", {reason} AS r, count(*), '
        f"list(line ORDER BY line)[1:{LINES_PER_GROUP}], arg_min(value, line) "
        f"FROM ({sql}) GROUP BY ALL"
    ).fetchall()
    return [ProblemGroup(c, r, int(n), tuple(lines), v) for c, r, n, lines, v in rows]


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


def _any_equal(sql: str, values: tuple[str, ...]) -> str:
    """`sql` equals one of `values` (comparisons, which DuckDB keeps in the scan's pipeline)."""
    return " OR ".join(f"{sql} = {literal(v)}" for v in values)
