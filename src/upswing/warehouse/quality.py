"""Warehouse reads of the quality loop: interactions QA may sample, one interaction's facts,
and imported QA evaluations (the `qa` kind) scored like the KPI.

Each read is a named function over an open Ibis backend; callers pass plain values and get
plain dicts back (no Django here).
"""

from __future__ import annotations

import datetime as dt

import ibis
from ibis import BaseBackend

MAX_CANDIDATES = 20_000


def qa_sample_candidates(
    con: BaseBackend | None, program_id: str, first: dt.date, last: dt.date
) -> list[dict]:
    """Answered interactions of the program from `first` to `last` (local days) with what
    the sampling rules read: channel, handle time, escalated, reopened, the CSAT score."""
    if con is None or "interactions" not in con.list_tables():
        return []
    i = con.table("interactions")
    i = i.filter(
        i.program_id == program_id,
        i.local_date >= first,
        i.local_date <= last,
        i.answered.fill_null(True),
    )
    s = con.table("surveys")
    csat = (
        s.filter(s.kind == "csat")
        .group_by("source", "interaction_id")
        .aggregate(csat=s.score.min())
    )
    joined = i.left_join(
        csat, [i.source == csat.source, i.interaction_id == csat.interaction_id]
    ).select(
        i.source,
        i.interaction_id,
        i.agent_id,
        i.local_date,
        channel=i.channel.fill_null(""),
        handle_seconds=i.handle_seconds,
        escalated=i.escalated.fill_null(False),
        reopened=i.reopened.fill_null(False),
        csat=csat.csat,
    )
    rows = joined.order_by(["local_date", "interaction_id"]).limit(MAX_CANDIDATES)
    return rows.to_pyarrow().to_pylist()


def interaction_facts(con: BaseBackend | None, source: str, interaction_id: str) -> dict | None:
    """One interaction's facts for the scoring page (None when the warehouse lacks it)."""
    if con is None or "interactions" not in con.list_tables():
        return None
    i = con.table("interactions")
    rows = (
        i.filter(i.source == source, i.interaction_id == interaction_id)
        .select(
            "started_at",
            "channel",
            "handle_seconds",
            "wait_seconds",
            "resolved",
            "reopened",
            "escalated",
            "topic",
        )
        .limit(1)
        .to_pyarrow()
        .to_pylist()
    )
    return rows[0] if rows else None


def imported_evaluations(
    con: BaseBackend | None,
    *,
    agent_ids: list[str] | None = None,
    program_id: str | None = None,
    limit: int = 50,
) -> list[dict]:
    """Imported evaluations, newest first, one row each with its score (0 when a critical
    criterion lost points, else 100 × points / max points — the `qa` KPI) and its criteria."""
    if con is None or "qa_scores" not in con.list_tables():
        return []
    if agent_ids is not None and not agent_ids:
        return []
    q = con.table("qa_scores")
    if agent_ids is not None:
        q = q.filter(q.agent_id.isin(agent_ids))
    if program_id is not None:
        q = q.filter(q.program_id == program_id)
    failed = q.critical.fill_null(False) & (q.points < q.max_points)
    per = q.group_by("source", "evaluation_id").aggregate(
        agent_id=q.agent_id.max(),
        program_id=q.program_id.max(),
        interaction_id=q.interaction_id.max(),
        evaluator=q.evaluator.max(),
        evaluated_at=q.evaluated_at.max(),
        local_date=q.local_date.max(),
        critical_failed=failed.any(),
        points=q.points.sum(),
        max_points=q.max_points.sum(),
    )
    percent = 100 * per.points / per.max_points.nullif(0)
    per = per.mutate(score=per.critical_failed.ifelse(ibis.literal(0.0), percent))
    rows = per.order_by([ibis.desc("evaluated_at"), "evaluation_id"]).limit(limit)
    out = rows.to_pyarrow().to_pylist()
    _attach_criteria(con, out)
    return out


def _attach_criteria(con: BaseBackend, rows: list[dict]) -> None:
    if not rows:
        return
    c = con.table("qa_scores")
    wanted = c.filter(
        c.evaluation_id.isin(sorted({r["evaluation_id"] for r in rows})),
        c.source.isin(sorted({r["source"] for r in rows})),
    ).select("source", "evaluation_id", "criterion", "category", "points", "max_points", "critical")
    by_key: dict[tuple[str, str], list[dict]] = {}
    for r in wanted.order_by("criterion").to_pyarrow().to_pylist():
        by_key.setdefault((r["source"], r["evaluation_id"]), []).append(r)
    for row in rows:
        row["criteria"] = by_key.get((row["source"], row["evaluation_id"]), [])


def evaluator_scores(
    con: BaseBackend | None,
    program_id: str,
    first: dt.date,
    last: dt.date,
    *,
    exclude_source: str | None = None,
) -> list[dict]:
    """One row per imported evaluation of the program in [first, last]: agent, evaluator and
    its score (scored like the `qa` KPI), for the evaluator-severity model; `exclude_source`
    leaves out rows exported from the app (counted from the operational database instead)."""
    if con is None or "qa_scores" not in con.list_tables():
        return []
    q = con.table("qa_scores")
    q = q.filter(q.program_id == program_id, q.local_date >= first, q.local_date <= last)
    if exclude_source is not None:
        q = q.filter(q.source != exclude_source)
    failed = q.critical.fill_null(False) & (q.points < q.max_points)
    per = q.group_by("source", "evaluation_id").aggregate(
        agent_id=q.agent_id.max(),
        evaluator=q.evaluator.max(),
        critical_failed=failed.any(),
        points=q.points.sum(),
        max_points=q.max_points.sum(),
    )
    percent = 100 * per.points / per.max_points.nullif(0)
    per = per.filter(per.evaluator.notnull()).select(
        "agent_id", "evaluator", score=per.critical_failed.ifelse(ibis.literal(0.0), percent)
    )
    return per.order_by(["agent_id", "evaluator"]).to_pyarrow().to_pylist()
