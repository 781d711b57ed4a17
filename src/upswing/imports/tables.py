"""The imports page's runs as a table: sorted, searched and paged by the database, exported
like the page (admins only, as the page)."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat

from upswing.tables.rules.table import Column, TableSpec
from upswing.words import person_name, words


def _who(run) -> str:
    user = run.created_by
    if user is None:
        return "—"
    return person_name(user.get_full_name(), user.get_username())


RUNS_TABLE = TableSpec(
    name="import-runs",
    title="Recent imports",
    noun="import",
    page_size=25,
    columns=(
        Column("when", "When", lambda r: r.created_at, field="created_at"),
        Column("who", "Who", _who, field="created_by__username"),
        Column("kind", "Kind", lambda r: r.kind, text=lambda r: words(r.kind), field="kind"),
        Column("reader", "Columns", lambda r: r.reader, field="reader"),
        Column("file", "File", lambda r: r.file_name, field="file_name"),
        Column(
            "size",
            "Size",
            lambda r: r.size_bytes,
            text=lambda r: str(filesizeformat(r.size_bytes)),
            numeric=True,
            searchable=False,
            field="size_bytes",
        ),
        Column(
            "outcome",
            "Outcome",
            lambda r: r.status,
            text=lambda r: r.get_status_display(),
            field="status",
        ),
        Column(
            "rows",
            "Rows",
            lambda r: r.rows_read,
            text=lambda r: "—" if r.rows_read is None else str(r.rows_read),
            numeric=True,
            searchable=False,
            field="rows_read",
        ),
    ),
    default_sort="-when",
)
