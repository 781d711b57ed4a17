"""Tables and views of the warehouse read in place as a source of facts: their columns, and
the rows changed since a watermark (the last value of a column such as `updated_at`).

Only the columns a source maps are read, and only the rows at or past its watermark: the
filter runs in the warehouse (DuckDB or PostgreSQL), so a refresh moves the new rows alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dtypes
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

# A watermark kept between runs, as text: an ISO timestamp or date, a number, or text.
Watermark = str


class SourceTableError(LookupError):
    """The source's table, or a column it names, is not in the warehouse: says which."""


@dataclass(frozen=True, slots=True)
class ChangedRows:
    rows: pa.Table  # the columns asked for, in watermark order
    watermark: Watermark | None  # the greatest watermark read (None: no rows)
    without_watermark: int = 0  # rows never read for an empty watermark (counted first time)


def source_table(con: ibis.BaseBackend, table: str, schema: str | None = None) -> ir.Table:
    """The table or view `table` (in `schema` when given), or SourceTableError."""
    try:
        return con.table(table, database=schema) if schema else con.table(table)
    except Exception:  # each engine says "no such table" its own way
        where = f"{schema}.{table}" if schema else table
        raise SourceTableError(f"the warehouse has no table or view {where}") from None


def check_columns(t: ir.Table, names: list[str], where: str) -> None:
    missing = [n for n in names if n not in t.columns]
    if missing:
        raise SourceTableError(
            f"{where} has no column {', '.join(map(repr, missing))} "
            f"(its columns: {', '.join(t.columns)})"
        )


def watermark_type_ok(t: ir.Table, column: str) -> bool:
    """A watermark orders the rows: a timestamp, a date, a number or text."""
    kind = t[column].type()
    return kind.is_timestamp() or kind.is_date() or kind.is_numeric() or kind.is_string()


def changed_since(
    t: ir.Table,
    columns: list[str],
    watermark: str,
    since: Watermark | None,
    whole: str | None = None,
) -> ir.Table:
    """The `columns` of the rows whose `watermark` is at or past `since` (every row with a
    watermark when None), in watermark order. At, not only past: a row written later with
    the same value as the last one read is not missed (rows read again merge unchanged).
    With `whole` (a column, e.g. a QA evaluation's id), every row of a value that has a
    changed row is read: such a group is replaced whole when it is merged."""
    wanted = list(dict.fromkeys([*columns, watermark]))
    if since is None:
        t = t.filter(t[watermark].notnull())
    else:
        changed = t[watermark] >= _typed(t[watermark].type(), since)
        if whole is None:
            t = t.filter(changed)
        else:
            groups = t.filter(changed).select(whole).distinct()
            t = t.filter(t[watermark].notnull(), t[whole].isin(groups[whole]))
    return t.select(*wanted).order_by(watermark)


def read_changed(
    t: ir.Table,
    columns: list[str],
    watermark: str,
    since: Watermark | None,
    whole: str | None = None,
) -> ChangedRows:
    rows = changed_since(t, columns, watermark, since, whole).to_pyarrow()
    # A row without a watermark is never read: said once, on the first read.
    unread = int(t.filter(t[watermark].isnull()).count().execute()) if since is None else 0
    if rows.num_rows == 0:
        return ChangedRows(rows, None, unread)
    return ChangedRows(rows, _as_text(pc.max(rows.column(watermark)).as_py()), unread)


def _typed(kind: dtypes.DataType, text: Watermark) -> ir.Scalar:
    if kind.is_timestamp():
        value: object = dt.datetime.fromisoformat(text)
    elif kind.is_date():
        value = dt.date.fromisoformat(text)
    elif kind.is_integer():
        value = int(text)
    elif kind.is_numeric():
        value = float(text)
    else:
        value = text
    return ibis.literal(value, type=kind)


def _as_text(value: object) -> Watermark | None:
    if value is None:
        return None
    if isinstance(value, dt.date):  # a datetime too
        return value.isoformat()
    return str(value)
