"""The coaching pages' tables: the queue and the two coaching reports."""

from __future__ import annotations

from upswing.metrics import CATALOG
from upswing.tables.rules.table import Column, TableSpec
from upswing.words import person_name


def _metric(code: str) -> str:
    metric = CATALOG.get(code)
    return metric.label if metric else code


def _words(code: str) -> str:
    return str(code).replace("_", " ").capitalize()


QUEUE_TABLE = TableSpec(
    name="coaching-queue",
    title="Coaching queue",
    noun="finding",
    columns=(
        Column("agent", "Agent", lambda r: r.agent_name),
        Column("team", "Team", lambda r: r.team_name),
        Column("metric", "Metric", lambda r: r.metric_label),
        Column("finding", "Finding", lambda r: r.finding.get_kind_display().capitalize()),
        Column(
            "recommendation",
            "Recommendation",
            lambda r: r.finding.get_recommendation_display().capitalize(),
        ),
        Column("why", "Why", lambda r: r.first_reason, sortable=False),
        Column("weeks", "Weeks", lambda r: r.weeks),
        Column("last", "Last coaching", lambda r: r.last_session_on),
    ),
)

PROGRESS_TABLE = TableSpec(
    name="coaching-progress",
    title="Progress after coaching",
    noun="reading",
    prefix="p",
    columns=(
        Column("agent", "Agent", lambda r: r.agent_name),
        Column("metric", "Metric", lambda r: _metric(r.metric)),
        Column("reading", "Reading", lambda r: r.label),
        Column("sessions", "Sessions", lambda r: r.sessions, numeric=True),
        Column("latest", "Latest session", lambda r: r.latest.session.coached_at),
        Column("why", "Why", lambda r: r.latest.effect.reason, sortable=False),
    ),
)

EFFECTIVENESS_TABLE = TableSpec(
    name="coaching-effectiveness",
    title="Which coaching closes gaps",
    noun="kind and metric",
    prefix="e",
    columns=(
        Column("kind", "Kind", lambda r: _words(r.kind)),
        Column("metric", "Metric", lambda r: _metric(r.metric)),
        Column("sessions", "Sessions", lambda r: r.sessions, numeric=True),
        Column("judged", "Judged", lambda r: r.judged, numeric=True),
        Column("closed", "Closed the gap", lambda r: r.verdicts.get("closed_gap", 0), numeric=True),
        Column("improved", "Improved", lambda r: r.improved, numeric=True),
        Column("stuck", "Stuck", lambda r: r.stuck, numeric=True),
        Column("unclear", "Not clear yet", lambda r: r.unclear, numeric=True),
        Column(
            "share",
            "Share closed",
            lambda r: r.closed_share,
            lambda r: "—" if r.closed_share is None else f"{100 * r.closed_share:.0f}%",
            numeric=True,
        ),
    ),
)


def _coach(session) -> str:
    coach = session.coach
    if coach is None:
        return person_name(email=session.coach_email) if session.coach_email else ""
    return person_name(coach.get_full_name(), coach.get_username())


def _subject(session) -> str:
    subject = _metric(session.metric) if session.metric else ""
    return " · ".join(part for part in (subject, session.topic) if part)


def sessions_table(agent_code: str) -> TableSpec:
    return TableSpec(
        name=f"coaching-sessions-{agent_code}",
        title="Coaching sessions",
        noun="session",
        columns=(
            Column("date", "Date", lambda s: s.coached_at),
            Column("kind", "Kind", lambda s: s.get_kind_display()),
            Column("subject", "Subject", _subject),
            Column("coach", "Coach", _coach),
            Column("actions", "Actions", lambda s: len(s.actions.all()), numeric=True),
            Column(
                "acknowledged",
                "Acknowledged",
                lambda s: s.acknowledged_at,
                lambda s: (
                    s.acknowledged_at.strftime("%Y-%m-%d") if s.acknowledged_at else "not yet"
                ),
            ),
        ),
    )
