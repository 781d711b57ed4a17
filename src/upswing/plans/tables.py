"""The plans list as a table: sortable, searchable, exported like the page."""

from __future__ import annotations

from upswing.metrics import CATALOG
from upswing.plans.models import PlanState
from upswing.tables.rules.table import Column, TableSpec

STATE_ORDER = [s.value for s in PlanState]


def _metric_label(plan) -> str:
    metric = CATALOG.get(plan.metric)
    return metric.label if metric else plan.metric


PLANS_TABLE = TableSpec(
    name="plans",
    title="Plans",
    noun="plan",
    columns=(
        Column("agent", "Agent", lambda p: p.agent.name),
        Column("plan", "Plan", lambda p: p.pk, text=lambda p: f"{p.agent.code} · plan {p.pk}"),
        Column(
            "stage",
            "Stage",
            lambda p: STATE_ORDER.index(p.state) if p.state in STATE_ORDER else len(STATE_ORDER),
            text=lambda p: PlanState(p.state).label,
        ),
        Column("team", "Team", lambda p: p.team.name),
        Column("metric", "Metric", _metric_label),
        Column("start", "Starts", lambda p: p.start_date),
        Column("end", "Ends", lambda p: p.end_date),
        Column("outcome", "Outcome", lambda p: p.get_outcome_display() or ""),
    ),
    default_sort="stage",
)


def _share(value) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


CHECKINS_TABLE = TableSpec(
    name="plan-checkins",
    title="Check-ins per team lead",
    noun="lead",
    prefix="k",
    columns=(
        Column("lead", "Lead", lambda r: r["lead"]),
        Column("due", "Due", lambda r: r["due"], numeric=True),
        Column("completed", "Completed", lambda r: r["completed"], numeric=True),
        Column("on_time", "On time", lambda r: r["on_time"], numeric=True),
        Column("missed", "Missed", lambda r: r["missed"], numeric=True),
        Column(
            "share",
            "On time share",
            lambda r: r["on_time_share"],
            lambda r: _share(r["on_time_share"]),
            numeric=True,
        ),
    ),
)

MISSED_TABLE = TableSpec(
    name="plan-missed-checkpoints",
    title="Missed checkpoints",
    noun="checkpoint",
    prefix="m",
    columns=(
        Column("agent", "Agent", lambda c: c.plan.agent.name),
        Column("team", "Team", lambda c: c.plan.team.name),
        Column("checkpoint", "Checkpoint", lambda c: c.number, numeric=True),
        Column("due", "Due", lambda c: c.due_on),
    ),
)

INBOX_TABLE = TableSpec(
    name="plan-inbox",
    title="Inbox",
    noun="notification",
    columns=(
        Column("when", "When", lambda n: n.created_at, field="created_at"),
        Column("subject", "Subject", lambda n: n.subject, field="subject"),
        Column(
            "plan",
            "Plan",
            lambda n: n.plan_id,
            text=lambda n: f"Plan {n.plan_id}",
            field="plan_id",
            searchable=False,
        ),
        Column(
            "read",
            "Read",
            lambda n: n.read_at,
            text=lambda n: "read" if n.read_at else "unread",
            field="read_at",
            searchable=False,
        ),
    ),
    default_sort="-when",
)
