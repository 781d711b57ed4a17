"""Table files: the rows a page would show (every page of them), as CSV or XLSX bytes.

Each cell goes through `rules.cells` so no cell opens as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from upswing.tables.rules.cells import csv_cell, xlsx_cell
from upswing.tables.rules.table import TableSpec

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_EXPORT_ROWS = 100_000


def _export_value(column, row) -> Any:
    """The words the page shows; a plain number (a column without its own words) stays a
    number."""
    value = column.value_of(row)
    if column.text is None and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return column.text_of(row)


def table_matrix(spec: TableSpec, rows: Sequence[Any]) -> list[list[Any]]:
    """The header and one list of raw cells per row."""
    header = [c.label for c in spec.columns]
    return [header] + [[_export_value(c, row) for c in spec.columns] for row in rows]


def csv_bytes(spec: TableSpec, rows: Sequence[Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in table_matrix(spec, rows):
        writer.writerow([csv_cell(v) for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads UTF-8 as such


def xlsx_bytes(spec: TableSpec, rows: Sequence[Any]) -> bytes:
    from openpyxl import Workbook  # imported on use: most requests never export

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(spec.title))
    for line in table_matrix(spec, rows):
        sheet.append([xlsx_cell(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\").strip("'")
    return (cleaned or "Table")[:31]
