"""A program's targets as tables: those in force today and every version (exported like the
page; the author column only for those who see people)."""

from __future__ import annotations

from upswing.tables.rules.table import Column, TableSpec
from upswing.words import person_name


def _author(row) -> str:
    user = row.target.created_by
    if user is None:
        return "import"
    return person_name(user.get_full_name(), user.get_username())


def _columns(since_label: str) -> tuple[Column, ...]:
    return (
        Column("metric", "Metric", lambda r: r.metric_label),
        Column("scope", "Applies to", lambda r: r.scope),
        Column(
            "floor", "SLA floor", lambda r: r.target.sla_floor, lambda r: r.floor_text, numeric=True
        ),
        Column(
            "target",
            "KPI target",
            lambda r: r.target.kpi_target,
            lambda r: r.target_text,
            numeric=True,
        ),
        Column("source", "Source", lambda r: r.target.source or "—"),
        Column("since", since_label, lambda r: r.target.effective_from),
    )


def current_table(program_code: str) -> TableSpec:
    return TableSpec(
        name=f"targets-in-force-{program_code}",
        title="Targets in force today",
        noun="target",
        prefix="c",
        columns=_columns("Since"),
    )


def versions_table(program_code: str, *, show_author: bool) -> TableSpec:
    author = (Column("author", "Set by", _author),) if show_author else ()
    return TableSpec(
        name=f"targets-{program_code}",
        title="Every version of this program's targets",
        noun="version",
        columns=(
            *_columns("Effective from"),
            Column("state", "State", lambda r: r.state),
            *author,
            Column("recorded", "Recorded", lambda r: r.target.created_at),
        ),
    )
