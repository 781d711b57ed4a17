"""What a page calls to show a table: bind it to the request, answer its export.

    table = bind_table(request, SPEC, rows)
    if response := export_table(request, table):
        return response
    ... render with {"table": table}; the template loops over table.rows

The rows are those the page already read through its own door with its own filters, so an
export holds exactly what the page would list (every page of it), never more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path

from upswing.tables.actions import do_record_export
from upswing.tables.exports import FORMATS, MAX_EXPORT_ROWS, csv_bytes, xlsx_bytes
from upswing.tables.rules.cells import export_filename
from upswing.tables.rules.table import (
    Column,
    TableSlice,
    TableSpec,
    TableState,
    all_rows,
    apply_state,
    page_of,
    parse_state,
)

EXPORT = "export"
TABLE = "table"


@dataclass(frozen=True, slots=True)
class Header:
    column: Column
    sortable: bool
    url: str
    aria_sort: str  # "ascending", "descending" or "none"
    numeric: bool


@dataclass(frozen=True, slots=True)
class BoundTable:
    spec: TableSpec
    state: TableState
    slice: TableSlice
    headers: tuple[Header, ...]
    source: tuple[Any, ...] | QuerySet
    params: tuple[tuple[str, str], ...]  # the request's query, as pairs
    path: str
    notes: tuple[str, ...]

    @property
    def rows(self) -> tuple[Any, ...]:
        return self.slice.rows

    @property
    def name(self) -> str:
        return self.spec.name

    def url(self, **changes: str | None) -> str:
        return _url(self.path, self.params, changes)

    @property
    def previous_url(self) -> str:
        return self.url(**{self.spec.param("page"): str(self.slice.page - 1)})

    @property
    def next_url(self) -> str:
        return self.url(**{self.spec.param("page"): str(self.slice.page + 1)})

    @property
    def export_links(self) -> list[tuple[str, str]]:
        table = self.spec.name
        return [(fmt.upper(), self.url(**{EXPORT: fmt, TABLE: table})) for fmt in ("csv", "xlsx")]

    @property
    def kept_params(self) -> list[tuple[str, str]]:
        """Hidden inputs of the filter form: everything but the search and the page."""
        dropped = {self.spec.param("q"), self.spec.param("page"), EXPORT, TABLE}
        return [(k, v) for k, v in self.params if k not in dropped]

    @property
    def query_param(self) -> str:
        return self.spec.param("q")


def _url(path: str, params: Iterable[tuple[str, str]], changes: dict[str, str | None]) -> str:
    """A link to this page with other parameters: relative ("?sort=name"), so the page's own
    path (and its escaping) is never rebuilt."""
    kept = [(k, v) for k, v in params if k not in changes and k not in (EXPORT, TABLE)]
    kept += [(k, v) for k, v in changes.items() if v]
    return f"?{urlencode(kept)}"


def _params(request) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k in request.GET for v in request.GET.getlist(k)[:1] if v)


def table_state(request, spec: TableSpec) -> TableState:
    """The table's sort, search and page as the URL asks (for a page that reads its rows
    already sorted and paged, e.g. from the warehouse)."""
    return parse_state(spec, dict(_params(request)))


def bind_table(
    request, spec: TableSpec, rows: Iterable[Any] | QuerySet, *, total: int | None = None
) -> BoundTable:
    """The page's rows filtered, sorted and paged as the URL asks, with the header links.

    A QuerySet is filtered, sorted and paged by the database on the columns' `field`s;
    with `total`, `rows` are already the asked page of `total` rows; any other iterable is
    filtered, sorted and paged in memory."""
    params = _params(request)
    state = parse_state(spec, dict(params))
    if total is not None:
        source = tuple(rows)
        counted = page_of(state, range(total), state.notes)
        page = TableSlice(source, total, counted.page, counted.pages, counted.notes)
    elif isinstance(rows, QuerySet):
        source = _db_rows(spec, state, rows)
        page = _db_page(state, source)
    else:
        source = tuple(rows)
        page = apply_state(spec, state, source)
    path = escape_uri_path(request.path)
    headers = tuple(_header(spec, state, c, params, path) for c in spec.columns)
    notes = page.notes + _export_note(request, spec)
    return BoundTable(spec, state, page, headers, source, params, path, notes)


def _db_rows(spec: TableSpec, state: TableState, rows: QuerySet) -> QuerySet:
    """Filter and sort in the database; every word must match some searchable field."""
    fields = [c.field for c in spec.columns if c.searchable and c.field]
    for word in state.query.split():
        wanted = Q()
        for name in fields:
            wanted |= Q(**{f"{name}__icontains": word})
        rows = rows.filter(wanted)
    column = spec.column(state.sort)
    if column is not None and column.field:
        order = F(column.field)
        order = order.desc(nulls_last=True) if state.descending else order.asc(nulls_last=True)
        rows = rows.order_by(order, "-pk")
    return rows


def _db_page(state: TableState, rows: QuerySet) -> TableSlice:
    """One page of a QuerySet: a count and a slice, never the whole table."""
    counted = page_of(state, range(rows.count()), state.notes)  # the pager's numbers only
    start = (counted.page - 1) * state.per_page
    chunk = tuple(rows[start : start + state.per_page]) if counted.total else ()
    return TableSlice(chunk, counted.total, counted.page, counted.pages, counted.notes)


def _header(spec, state, column, params, path) -> Header:
    param, page = spec.param("sort"), spec.param("page")
    if not column.sortable:
        return Header(column, False, "", "none", column.numeric)
    active = state.sort == column.key
    wanted = f"-{column.key}" if active and not state.descending else column.key
    aria = ("descending" if state.descending else "ascending") if active else "none"
    url = _url(path, params, {param: wanted, page: None})
    return Header(column, True, url, aria, column.numeric)


def _export_note(request, spec: TableSpec) -> tuple[str, ...]:
    fmt = request.GET.get(EXPORT, "")
    if fmt and fmt not in FORMATS and _is_this_table(request, spec):
        return (f"Export {fmt[:20]!r} is not offered; choose CSV or XLSX.",)
    return ()


def _is_this_table(request, spec: TableSpec) -> bool:
    wanted = request.GET.get(TABLE, "")
    return not wanted or wanted == spec.name


def export_table(request, table: BoundTable) -> HttpResponse | None:
    """The file when the URL asks for this table's export (`?export=csv|xlsx`), else None.

    The rows are the page's rows with the page's filters and sort, all pages; the file name
    carries the filters; an audit event records who exported what."""
    fmt = request.GET.get(EXPORT, "")
    if fmt not in FORMATS or not _is_this_table(request, table.spec):
        return None
    if isinstance(table.source, QuerySet):
        rows = list(table.source[:MAX_EXPORT_ROWS])
    else:
        rows = all_rows(table.spec, table.state, table.source)[:MAX_EXPORT_ROWS]
    content = csv_bytes(table.spec, rows) if fmt == "csv" else xlsx_bytes(table.spec, rows)
    filters = [(k, v) for k, v in table.params if k not in (EXPORT, TABLE)]
    filters = [(k, v) for k, v in filters if not k.endswith("page")]
    name = export_filename(table.spec.name, filters, fmt, timezone.localdate())
    do_record_export(
        actor=request.user,
        table=table.spec.name,
        fmt=fmt,
        rows=len(rows),
        filters=dict(filters),
        path=escape_uri_path(request.path),
    )
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def export_any(request, *tables: BoundTable | None) -> HttpResponse | None:
    """The export of whichever of the page's tables the URL names (the first when it names
    none); an export of a table this page does not show the user is not found."""
    shown = [t for t in tables if t is not None]
    for table in shown:
        if response := export_table(request, table):
            return response
    if request.GET.get(EXPORT, "") in FORMATS:
        raise Http404("No such table on this page.")
    return None
