"""A table's columns and its state in the URL: sort, text filter, page and page size.

Every parameter is validated; a bad value never raises: it falls back to the default and
leaves a note saying which parameter was ignored and why, which the page shows.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_PARAM = 100  # characters kept of a filter; longer input is cut and said so
PAGE_SIZES = (25, 50, 100, 200)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NUMBER = re.compile(r"[0-9]{1,9}")


def _lookup(key: str) -> Callable[[Any], Any]:
    def get(row: Any) -> Any:
        if isinstance(row, Mapping):
            return row.get(key)
        return getattr(row, key, None)

    return get


@dataclass(frozen=True, slots=True)
class Column:
    """One column: `value` reads the sortable value of a row (by key when not given), `text`
    the words shown and exported (str() of the value when not given)."""

    key: str
    label: str
    value: Callable[[Any], Any] | None = None
    text: Callable[[Any], str] | None = None
    sortable: bool = True
    searchable: bool = True
    numeric: bool = False
    field: str = ""  # for a table read from the database: the field it sorts and searches on

    def value_of(self, row: Any) -> Any:
        return (self.value or _lookup(self.key))(row)

    def text_of(self, row: Any) -> str:
        if self.text is not None:
            return self.text(row)
        return display(self.value_of(row))


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A table as declared by its page: `name` names its exports and audit events; `prefix`
    keeps two tables on one page from sharing parameters."""

    name: str
    title: str
    columns: tuple[Column, ...]
    default_sort: str = ""  # a column key, "-key" for descending; "" keeps the rows' order
    page_size: int = 50
    prefix: str = ""
    noun: str = "row"  # what one row is, for "4 events"
    searchable: bool = True  # False: the page has its own filters, no free-text search

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def param(self, name: str) -> str:
        return f"{self.prefix}{name}"


@dataclass(frozen=True, slots=True)
class TableState:
    sort: str = ""  # column key, "" for the rows' own order
    descending: bool = False
    query: str = ""
    page: int = 1
    per_page: int = 50
    notes: tuple[str, ...] = ()

    @property
    def sort_param(self) -> str:
        if not self.sort:
            return ""
        return f"-{self.sort}" if self.descending else self.sort


def parse_state(spec: TableSpec, params: Mapping[str, str]) -> TableState:
    """The table's state from the query string; never raises (bad values become notes)."""
    notes: list[str] = []
    sort, descending = _parse_sort(spec, params.get(spec.param("sort"), ""), notes)
    query = _clean_text(params.get(spec.param("q"), ""), "the search", notes)
    per_page = _parse_per_page(spec, params.get(spec.param("per"), ""), notes)
    page = _parse_page(params.get(spec.param("page"), ""), notes)
    return TableState(sort, descending, query, page, per_page, tuple(notes))


def _default_sort(spec: TableSpec) -> tuple[str, bool]:
    key = spec.default_sort
    return (key[1:], True) if key.startswith("-") else (key, False)


def _parse_sort(spec: TableSpec, raw: str, notes: list[str]) -> tuple[str, bool]:
    text = _CONTROL.sub("", raw or "").strip()
    if not text:
        return _default_sort(spec)
    descending = text.startswith("-")
    key = text[1:] if descending else text
    column = spec.column(key)
    if column is None or not column.sortable:
        choices = ", ".join(c.key for c in spec.columns if c.sortable)
        notes.append(
            f"Sort {text[:40]!r} is not a column of this table (sortable: {choices}); "
            "the default order is shown."
        )
        return _default_sort(spec)
    return key, descending


def _clean_text(raw: str, what: str, notes: list[str]) -> str:
    text = " ".join(_CONTROL.sub(" ", raw or "").split())
    if len(text) > MAX_PARAM:
        notes.append(f"{what.capitalize()} was cut to its first {MAX_PARAM} characters.")
        text = text[:MAX_PARAM]
    return text


def _parse_per_page(spec: TableSpec, raw: str, notes: list[str]) -> int:
    text = (raw or "").strip()
    if not text:
        return spec.page_size
    if _NUMBER.fullmatch(text) and int(text) in PAGE_SIZES:
        return int(text)
    sizes = ", ".join(str(s) for s in PAGE_SIZES)
    notes.append(f"Rows per page must be one of {sizes}; {spec.page_size} are shown.")
    return spec.page_size


def _parse_page(raw: str, notes: list[str]) -> int:
    text = (raw or "").strip()
    if not text:
        return 1
    if _NUMBER.fullmatch(text) and int(text) >= 1:
        return int(text)
    notes.append(f"Page {text[:20]!r} is not a page number; the first page is shown.")
    return 1


@dataclass(frozen=True, slots=True)
class TableSlice:
    """The rows of the asked page, with what the pager needs."""

    rows: tuple[Any, ...]
    total: int
    page: int
    pages: int
    notes: tuple[str, ...] = field(default=())

    @property
    def first_index(self) -> int:
        return 0 if not self.rows else 1 + (self.page - 1) * max(len(self.rows), 1)


def filter_rows(spec: TableSpec, query: str, rows: Iterable[Any]) -> list[Any]:
    """Rows where every word of `query` appears in some searchable column (any case)."""
    words = query.casefold().split()
    if not words:
        return list(rows)
    columns = [c for c in spec.columns if c.searchable]
    out = []
    for row in rows:
        haystack = " ".join(c.text_of(row) for c in columns).casefold()
        if all(word in haystack for word in words):
            out.append(row)
    return out


def sort_rows(spec: TableSpec, state: TableState, rows: Sequence[Any]) -> list[Any]:
    """Stable sort on the chosen column; empty values (None, NaN, "") last either way."""
    column = spec.column(state.sort) if state.sort else None
    if column is None:
        return list(rows)
    keyed = [(sort_key(column.value_of(row)), row) for row in rows]
    present = [kr for kr in keyed if kr[0] is not None]
    missing = [row for key, row in keyed if key is None]
    present.sort(key=lambda kr: kr[0], reverse=state.descending)
    return [row for _, row in present] + missing


def sort_key(value: Any) -> tuple | None:
    """A key that orders any mix of values: numbers, then dates, then text (case-blind), then
    tuples of numbers (a column's own ranking, compared item by item)."""
    if value is None or value == "":
        return None
    if isinstance(value, tuple):
        return (3, 0.0, "", tuple(float(v) for v in value))
    if isinstance(value, bool):
        return (0, float(value), "")
    if isinstance(value, int | float):
        return None if math.isnan(value) else (0, float(value), "")
    if isinstance(value, dt.datetime):
        return (1, value.timestamp(), "")
    if isinstance(value, dt.date):
        return (1, float(value.toordinal()), "")
    text = str(value)
    return (2, 0.0, text.casefold() + "\x00" + text)


def page_of(state: TableState, rows: Sequence[Any], notes: tuple[str, ...] = ()) -> TableSlice:
    """The asked page; past the last page, the last page with a note."""
    total = len(rows)
    pages = max(1, math.ceil(total / state.per_page))
    page, extra = state.page, ()
    if page > pages:
        extra = (f"There are {pages} page{'s' if pages > 1 else ''}; the last is shown.",)
        page = pages
    start = (page - 1) * state.per_page
    chunk = tuple(rows[start : start + state.per_page])
    return TableSlice(chunk, total, page, pages, notes + extra)


def apply_state(spec: TableSpec, state: TableState, rows: Iterable[Any]) -> TableSlice:
    """Filter, sort and page: what the page shows."""
    return page_of(state, all_rows(spec, state, rows), state.notes)


def all_rows(spec: TableSpec, state: TableState, rows: Iterable[Any]) -> list[Any]:
    """Filtered and sorted but not paged: what an export holds."""
    return sort_rows(spec, state, filter_rows(spec, state.query, rows))
