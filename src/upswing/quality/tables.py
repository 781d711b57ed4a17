"""The quality pages' tables: the evaluation queue and an agent's evaluations."""

from __future__ import annotations

from upswing.tables.rules.table import Column, TableSpec


def _percent(value) -> str:
    return "—" if value is None else f"{float(value):.1f}%"


QUEUE_TABLE = TableSpec(
    name="qa-queue",
    title="Evaluation queue",
    noun="interaction",
    columns=(
        Column("interaction", "Interaction", lambda i: i.interaction_id),
        Column("agent", "Agent", lambda i: i.agent.name),
        Column("program", "Program", lambda i: i.program.name),
        Column("day", "Day", lambda i: i.interaction_day),
        Column("channel", "Channel", lambda i: i.channel or ""),
        Column("why", "Why sampled", lambda i: i.get_reason_display()),
    ),
)


def evaluations_table(agent_code: str) -> TableSpec:
    return TableSpec(
        name=f"qa-evaluations-{agent_code}",
        title="Evaluations",
        noun="evaluation",
        columns=(
            Column("day", "Day", lambda e: e.interaction_day),
            Column("interaction", "Interaction", lambda e: e.interaction_id),
            Column("scorecard", "Scorecard", lambda e: str(e.template_version)),
            Column("score", "Score", lambda e: e.score, lambda e: _percent(e.score), numeric=True),
            Column("status", "Status", lambda e: e.get_status_display()),
        ),
        default_sort="-day",
    )


DISPUTES_TABLE = TableSpec(
    name="qa-disputes",
    title="Disputes to decide",
    noun="dispute",
    columns=(
        Column("evaluation", "Evaluation", lambda d: d.evaluation.interaction_id),
        Column("agent", "Agent", lambda d: d.evaluation.agent.name),
        Column("criterion", "Criterion", lambda d: d.criterion_label),
        Column("reason", "Reason", lambda d: d.reason, sortable=False),
        Column("raised", "Raised", lambda d: d.raised_at),
    ),
    default_sort="raised",
)


def criteria_table(program_code: str) -> TableSpec:
    return TableSpec(
        name=f"qa-criteria-{program_code}",
        title="Criteria",
        noun="criterion",
        columns=(
            Column("criterion", "Criterion", lambda c: c["label"]),
            Column("marks", "Marks", lambda c: c["marks"], numeric=True),
            Column("missed", "Missed", lambda c: c["missed"], numeric=True),
            Column(
                "miss_rate",
                "Miss rate",
                lambda c: c["miss_rate"],
                lambda c: _percent(c["miss_rate"]),
                numeric=True,
            ),
        ),
    )


def _signed(value) -> str:
    return "—" if value is None else f"{float(value):+.1f}"


def severity_table(program_code: str) -> TableSpec:
    """(severity, sentence, evaluator's name) rows: each evaluator's effect on the scores
    they give."""
    return TableSpec(
        name=f"qa-leniency-{program_code}",
        title="By evaluator",
        noun="evaluator",
        prefix="v",
        columns=(
            Column("evaluator", "Evaluator", lambda r: r[2]),
            Column(
                "effect",
                "Effect (points)",
                lambda r: r[0].effect,
                lambda r: _signed(r[0].effect),
                numeric=True,
            ),
            Column(
                "se",
                "± SE",
                lambda r: r[0].se,
                lambda r: "—" if r[0].se is None else f"{r[0].se:.1f}",
                numeric=True,
            ),
            Column("evaluations", "Evaluations", lambda r: r[0].evaluations, numeric=True),
            Column("reading", "Reading", lambda r: r[1], sortable=False),
        ),
    )


def flagged_table(program_code: str) -> TableSpec:
    """(agent leniency, name) rows: agents scored mostly by an outlier evaluator."""
    return TableSpec(
        name=f"qa-outlier-scored-{program_code}",
        title="Agents scored mostly by an outlier evaluator",
        noun="agent",
        prefix="f",
        columns=(
            Column("agent", "Agent", lambda r: r[1]),
            Column("evaluations", "Evaluations", lambda r: r[0].evaluations, numeric=True),
            Column(
                "outliers",
                "By outliers",
                lambda r: r[0].outlier_share,
                lambda r: f"{100 * r[0].outlier_share:.0f}%",
                numeric=True,
            ),
            Column("raw", "Raw QA", lambda r: r[0].raw, lambda r: _percent(r[0].raw), numeric=True),
            Column(
                "adjusted",
                "Adjusted QA",
                lambda r: r[0].adjusted,
                lambda r: _percent(r[0].adjusted),
                numeric=True,
            ),
        ),
    )


def calibrations_table(program_code: str) -> TableSpec:
    """A program's calibration sessions (never their scores: a session is blind until
    revealed, and its scores are on the session's own page)."""
    return TableSpec(
        name=f"qa-calibrations-{program_code}",
        title="Calibration sessions",
        noun="session",
        columns=(
            Column("session", "Session", lambda s: s.title, field="title"),
            Column(
                "scorecard",
                "Scorecard",
                lambda s: str(s.template_version),
                field="template_version__template__name",
            ),
            Column(
                "status",
                "Status",
                lambda s: s.status,
                text=lambda s: s.get_status_display(),
                field="status",
                searchable=False,
            ),
            Column("opened", "Opened", lambda s: s.created_at.date(), field="created_at"),
        ),
        default_sort="-opened",
    )
