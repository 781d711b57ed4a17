"""A subject's feedback results as a table for export (CSV and XLSX through the table layer).

The rows are `queries.results_rows` of the very `Results` the page shows: a group below its
anonymity threshold is one row saying "too few to show" with no number, no distribution and
no comment, so a file never holds what the page hides. The rows keep the page's order (the
comments already shuffled by `rules.summarise`); no column sorts or searches, so a file cannot
be used to line comments up with raters either.
"""

from __future__ import annotations

from upswing.tables.rules.table import Column, TableSpec


def _column(key: str, label: str, *, numeric: bool = False) -> Column:
    return Column(key, label, lambda r: r[key], sortable=False, searchable=False, numeric=numeric)


def results_table(cycle_pk: int, agent_code: str) -> TableSpec:
    return TableSpec(
        name=f"feedback-{cycle_pk}-{agent_code}",
        title="Feedback results",
        noun="row",
        searchable=False,
        page_size=200,
        columns=(
            _column("question", "Question"),
            _column("group", "Group"),
            _column("privacy", "Privacy"),
            _column("n", "Raters", numeric=True),
            _column("mean", "Mean", numeric=True),
            _column("distribution", "Distribution"),
            _column("comment", "Comment"),
        ),
    )
