"""The scorecard pages' tables: the metrics of the entity, and its teams or agents.

Both are sortable, searchable and exported like the page; each value has its change from the
previous period beside it (`scorecards/previous.py`).
"""

from __future__ import annotations

from upswing.metrics import CATALOG
from upswing.tables.rules.table import Column, TableSpec

COMPARED_WITH = {"agent": "Team", "team": "Program", "program": "Baseline"}


def _delta_words(row) -> str:
    return row.delta.words if row.delta else ""


def _delta_change(row):
    return row.delta.change if row.delta else None


def _previous(row) -> str:
    return row.delta.previous_text if row.delta else ""


def scorecard_table(level: str, code: str) -> TableSpec:
    return TableSpec(
        name=f"scorecard-{level}-{code}",
        title="Scorecard",
        noun="metric",
        prefix="s",
        page_size=50,
        columns=(
            Column("metric", "Metric", lambda r: r.label),
            Column("value", "Value", lambda r: r.raw_value, lambda r: r.value, numeric=True),
            Column("change", "Change", _delta_change, _delta_words, numeric=True),
            Column("previous", "Previous period", lambda r: _previous(r), sortable=False),
            Column("n", "n", lambda r: r.raw_n, lambda r: r.n, numeric=True),
            Column("interval", "95% interval", lambda r: r.interval, sortable=False),
            Column(
                "baseline",
                COMPARED_WITH.get(level, "Baseline"),
                text=lambda r: r.baseline,
                sortable=False,
            ),
            Column("sla", "SLA floor", text=lambda r: r.sla_floor, sortable=False),
            Column("target", "Target", text=lambda r: r.kpi_target, sortable=False),
            Column("status", "Status", lambda r: r.status.words),
        ),
    )


def children_table(kind: str, code: str, metric: str) -> TableSpec:
    label = CATALOG[metric].label if metric in CATALOG else metric
    noun = "team" if kind == "team" else "agent"
    return TableSpec(
        name=f"{noun}s-of-{code}-{metric}",
        title=f"{noun.capitalize()}s",
        noun=noun,
        prefix="c",
        # Worst first on the chosen metric: below the SLA floor, then below target, each the
        # furthest short first; a program's hundreds of teams are paged after that.
        default_sort="status",
        columns=(
            Column(
                "name",
                noun.capitalize(),
                lambda r: r.name,
                lambda r: f"{r.name} ({r.note})" if r.note else r.name,
            ),
            Column("value", label, lambda r: r.raw_value, lambda r: r.value, numeric=True),
            Column("change", "Change", _delta_change, _delta_words, numeric=True),
            Column(
                "status",
                "Status",
                lambda r: r.concern,
                lambda r: r.status.words if r.status else "No data",
            ),
            Column("n", "n", lambda r: r.n, numeric=True),
            Column("overall", "Overall", lambda r: r.overall.words if r.overall else "No data"),
            Column("below_sla", "Metrics below SLA floor", lambda r: r.below_sla, numeric=True),
            Column("below_target", "Metrics below target", lambda r: r.below_target, numeric=True),
        ),
    )


def _yes_no(key: str, yes: str = "yes", no: str = "no"):
    def text(row) -> str:
        value = row.get(key)
        return "—" if value is None else (yes if value else no)

    return text


def _date_time(key: str):
    def text(row) -> str:
        value = row.get(key)
        return value.strftime("%Y-%m-%d %H:%M") if value else ""

    return text


def _agent() -> Column:
    return Column("agent_id", "Agent", text=lambda r: r.get("agent_name") or "")


def evidence_table(kind: str, name: str, show_agent: bool) -> TableSpec:
    """The interactions, survey responses or evaluations behind a number (sorted and paged
    by the warehouse; the page's own filters narrow it)."""
    agent = (_agent(),) if show_agent else ()
    columns = {
        "interactions": (
            Column("started_at", "Started", text=_date_time("started_at")),
            Column("interaction_id", "Interaction"),
            *agent,
            Column("channel", "Channel"),
            Column("topic", "Topic"),
            Column("answered", "Answered", text=_yes_no("answered", "answered", "abandoned")),
            Column("handle_seconds", "Handle s", numeric=True),
            Column("wait_seconds", "Wait s", numeric=True),
            Column("hold_seconds", "Hold s", numeric=True),
            Column("resolved", "Resolved", text=_yes_no("resolved")),
            Column("reopened", "Reopened", text=_yes_no("reopened")),
            Column("escalated", "Escalated", text=_yes_no("escalated")),
            Column("transferred", "Transferred", text=_yes_no("transferred")),
        ),
        "surveys": (
            Column("started_at", "Interaction started", text=_date_time("started_at")),
            Column("interaction_id", "Interaction"),
            *agent,
            Column("channel", "Channel"),
            Column("topic", "Topic"),
            Column("kind", "Survey"),
            Column("score", "Score", numeric=True),
            Column("comment", "Comment", sortable=False),
        ),
        "evaluations": (
            Column("evaluated_at", "Evaluated", text=_date_time("evaluated_at")),
            Column("evaluation_id", "Evaluation"),
            *agent,
            Column("interaction_id", "Interaction"),
            Column(
                "evaluator",
                "Evaluator",
                text=lambda r: r.get("evaluator_name") or r.get("evaluator") or "",
            ),
            Column("score", "Score %", numeric=True),
            Column(
                "critical_failed",
                "Critical criterion",
                text=_yes_no("critical_failed", "failed", "passed"),
            ),
        ),
    }[kind]
    return TableSpec(
        name=f"{kind}-{name}",
        title=kind.capitalize(),
        noun={"interactions": "interaction", "surveys": "response"}.get(kind, "evaluation"),
        columns=columns,
        searchable=False,
    )


DIRECTORY_TABLE = TableSpec(
    name="programs-and-teams",
    title="Programs and teams",
    noun="program",
    columns=(
        Column("client", "Client", lambda r: r[0].client.name),
        Column("program", "Program", lambda r: r[0].name),
        Column("teams", "Teams", text=lambda r: ", ".join(t.name for t in r[1]), sortable=False),
    ),
)
