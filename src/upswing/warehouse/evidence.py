"""The evidence behind one scorecard number, read from the warehouse (read-only, paged).

For an agent, team or program, a period and a metric: the interactions, survey responses or QA
evaluations the KPI counted in its sample size `n`, with the KPI's own filters (answered, the
period's local days, the agent / the team membership covering the day / the program), so the
unfiltered count is the scorecard's n as of the last refresh. User filters narrow the list;
they never change that count. Every value reaches DuckDB as an Ibis literal, never formatted
into SQL text by us.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from upswing.periods import Period
from upswing.warehouse import kpis, measures
from upswing.warehouse.connection import connect

PAGE_SIZE = 50
MAX_OPTIONS = 200


class WarehouseBusyError(Exception):
    """The warehouse file is locked by a writer (an import or a refresh in progress)."""


def is_lock_error(exc: BaseException) -> bool:
    """A DuckDB error that means "someone is writing right now": another process holds the
    file's lock, or this process has it open for writing (an import running in a thread)."""
    text = str(exc)
    if isinstance(exc, duckdb.IOException):
        return "lock" in text.lower()
    if isinstance(exc, duckdb.ConnectionException):
        return "different configuration" in text
    return False


@contextlib.contextmanager
def read_only_warehouse(url: str) -> Iterator[BaseBackend | None]:
    """The warehouse opened for reading only; None when there is none yet (nothing imported)."""
    if url.startswith("duckdb://"):
        path = url.removeprefix("duckdb://")
        if not path or path == ":memory:" or not Path(path).is_file():
            yield None
            return
        try:
            con = ibis.duckdb.connect(path, read_only=True)
        except duckdb.Error as exc:
            if is_lock_error(exc):
                raise WarehouseBusyError(str(exc)) from exc
            raise
    else:
        con = connect(url)
    try:
        yield con
    finally:
        con.disconnect()


class Kind:
    INTERACTIONS = "interactions"
    SURVEYS = "surveys"
    EVALUATIONS = "evaluations"


KIND_OF_SOURCE = {
    measures.Source.CALLS: Kind.INTERACTIONS,
    measures.Source.SURVEYS: Kind.SURVEYS,
    measures.Source.EVALUATIONS: Kind.EVALUATIONS,
}


def kind_of(metric: str) -> str:
    return KIND_OF_SOURCE[measures.MEASURES[metric].source]


@dataclass(frozen=True, slots=True)
class Filters:
    channel: str = ""
    topic: str = ""
    answered: str = ""  # "answered" | "abandoned" | ""
    resolved: str = ""  # "yes" | "no" | ""
    category: str = ""  # evaluations: lost points in this category
    critical: str = ""  # evaluations: "failed" | "passed" | ""

    @property
    def active(self) -> bool:
        return any(getattr(self, f) for f in self.__slots__)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the number rests on: which entity, period and metric; `programs` maps the known
    program codes to their time zones (facts outside them are not in any scorecard).

    An agent's number may be a part of the period (`performance.models.Part`): `team` keeps
    the days the agent was on that team, `program` the work for that program."""

    level: str
    code: str
    period: Period
    metric: str
    programs: dict[str, str]
    team: str = ""
    program: str = ""


@dataclass
class EvidencePage:
    kind: str
    total: int  # the sample behind the number
    matching: int  # after the user's filters
    page: int
    pages: int
    rows: list[dict] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)


# Columns a drill-down may be sorted on, per kind (anything else keeps the newest first).
SORTABLE = {
    Kind.INTERACTIONS: frozenset(
        {
            "started_at",
            "interaction_id",
            "agent_id",
            "channel",
            "topic",
            "answered",
            "handle_seconds",
            "wait_seconds",
            "hold_seconds",
            "resolved",
            "reopened",
            "escalated",
            "transferred",
        }
    ),
    Kind.SURVEYS: frozenset(
        {"started_at", "interaction_id", "agent_id", "channel", "topic", "kind", "score"}
    ),
    Kind.EVALUATIONS: frozenset(
        {
            "evaluated_at",
            "evaluation_id",
            "agent_id",
            "interaction_id",
            "evaluator",
            "score",
            "critical_failed",
        }
    ),
}


def read_evidence(
    con: BaseBackend | None,
    ev: Evidence,
    filters: Filters,
    page: int,
    *,
    sort: str = "",
    descending: bool = False,
    page_size: int = PAGE_SIZE,
):
    """One page of the evidence (`page_size` rows) with the counts: newest first, or by the
    `sort` column (one of SORTABLE's; newest first breaks ties)."""
    kind = kind_of(ev.metric)
    if con is None or not {"interactions", "qa_scores", "surveys"} <= set(con.list_tables()):
        return EvidencePage(kind, 0, 0, 1, 1)
    sample = _sample(con, ev, kind)
    total = int(sample.count().execute())
    filtered = _filtered(con, sample, kind, filters)
    matching = total if not filters.active else int(filtered.count().execute())
    pages = max(1, -(-matching // page_size))
    page = min(max(1, page), pages)
    keys = {
        Kind.INTERACTIONS: [("started_at", True), ("interaction_id", False)],
        Kind.SURVEYS: [("started_at", True), ("interaction_id", False), ("kind", False)],
        Kind.EVALUATIONS: [("evaluated_at", True), ("evaluation_id", False)],
    }[kind]
    if sort in SORTABLE[kind]:
        keys = [(sort, descending)] + [k for k in keys if k[0] != sort]
    order = [ibis.desc(column) if down else ibis.asc(column) for column, down in keys]
    chunk = filtered.order_by(order).limit(page_size, offset=(page - 1) * page_size)
    rows = chunk.to_pyarrow().to_pylist()
    if kind == Kind.EVALUATIONS:
        _attach_criteria(con, rows)
    _localize(rows, ev.programs)
    return EvidencePage(kind, total, matching, page, pages, rows, _options(sample, kind))


# --- the sample of each kind, as the KPI reads it ------------------------------------------


def _calls(con: BaseBackend, ev: Evidence) -> ir.Table:
    t = con.table("interactions")
    t = t.filter(
        t.local_date >= ev.period.start,
        t.local_date <= ev.period.end,
        t.program_id.isin(list(ev.programs) or [""]),
    )
    t = t.mutate(answered=t.answered.fill_null(True))
    return _of_entity(con, t, ev)


def _of_entity(con: BaseBackend, facts: ir.Table, ev: Evidence) -> ir.Table:
    if ev.level == kpis.Level.AGENT:
        facts = facts.filter(facts.agent_id == ev.code)
        if ev.program:
            facts = facts.filter(facts.program_id == ev.program)
        return _on_team(con, facts, ev.team) if ev.team else facts
    if ev.level == kpis.Level.PROGRAM:
        return facts.filter(facts.program_id == ev.code)
    return _on_team(con, facts, ev.code)


def _on_team(con: BaseBackend, facts: ir.Table, team: str) -> ir.Table:
    """The facts of days their agent was on `team` (the membership covering the day)."""
    m = kpis.effective_memberships(con)
    m = m.filter(m.team_id == team)
    return facts.semi_join(
        m,
        [
            facts.agent_id == m.agent_id,
            facts.local_date >= m.start_date,
            facts.local_date <= m.end_date,
        ],
    )


def _sample(con: BaseBackend, ev: Evidence, kind: str) -> ir.Table:
    if kind == Kind.INTERACTIONS:
        calls = _calls(con, ev)
        return calls.filter(measures.CALL_SAMPLE[ev.metric](calls))
    if kind == Kind.SURVEYS:
        return _surveys(con, ev)
    return _evaluations(con, ev)


def _surveys(con: BaseBackend, ev: Evidence) -> ir.Table:
    calls = _calls(con, ev)
    calls = calls.filter(calls.answered)
    s = con.table("surveys")
    s = s.filter(s.kind == measures.SURVEY_KIND[ev.metric], s.score.notnull())
    joined = s.join(calls, [s.source == calls.source, s.interaction_id == calls.interaction_id])
    return joined.select(
        s.source,
        s.interaction_id,
        s.kind,
        s.score,
        s.responded_at,
        s.comment,
        calls.agent_id,
        calls.program_id,
        calls.started_at,
        calls.local_date,
        calls.channel,
        calls.topic,
        calls.resolved,
    )


def _evaluations(con: BaseBackend, ev: Evidence) -> ir.Table:
    """One row per evaluation of the entity in the period, scored by the KPI's own
    `kpis.scored_evaluations`."""
    c = con.table("qa_scores")
    c = c.filter(
        c.local_date >= ev.period.start,
        c.local_date <= ev.period.end,
        c.program_id.isin(list(ev.programs) or [""]),
    )
    scored = _of_entity(con, kpis.scored_evaluations(c), ev)
    return scored.filter(scored.score.notnull())


# --- the user's filters ---------------------------------------------------------------------


def _filtered(con: BaseBackend, sample: ir.Table, kind: str, f: Filters) -> ir.Table:
    t = sample
    if kind != Kind.EVALUATIONS:
        if f.channel:
            t = t.filter(t.channel == f.channel)
        if f.topic:
            t = t.filter(t.topic == f.topic)
        if f.resolved in ("yes", "no"):
            t = t.filter(t.resolved == (f.resolved == "yes"))
    if kind == Kind.INTERACTIONS and f.answered in ("answered", "abandoned"):
        t = t.filter(t.answered == (f.answered == "answered"))
    if kind == Kind.EVALUATIONS:
        if f.critical in ("failed", "passed"):
            t = t.filter(t.critical_failed == (f.critical == "failed"))
        if f.category:
            c = con.table("qa_scores")
            lost = c.filter(c.category == f.category, c.points < c.max_points)
            t = t.semi_join(lost, [t.source == lost.source, t.evaluation_id == lost.evaluation_id])
    return t


def _options(sample: ir.Table, kind: str) -> dict[str, list[str]]:
    """The values a filter may take in this sample (for the filter form's choices)."""
    if kind == Kind.EVALUATIONS:
        return {}
    out = {}
    for column in ("channel", "topic"):
        values = sample.select(column).distinct().order_by(column).limit(MAX_OPTIONS)
        out[column] = [v for v in values.to_pyarrow().column(0).to_pylist() if v]
    return out


def evaluation_categories(con: BaseBackend | None, ev: Evidence) -> list[str]:
    if con is None or "qa_scores" not in con.list_tables():
        return []
    evaluations = _evaluations(con, ev)
    c = con.table("qa_scores")
    joined = c.semi_join(
        evaluations, [c.source == evaluations.source, c.evaluation_id == evaluations.evaluation_id]
    )
    values = joined.select("category").distinct().order_by("category").limit(MAX_OPTIONS)
    return [v for v in values.to_pyarrow().column(0).to_pylist() if v]


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
        r["lost"] = r["points"] is not None and r["points"] < (r["max_points"] or 0)
        by_key.setdefault((r["source"], r["evaluation_id"]), []).append(r)
    for row in rows:
        row["criteria"] = by_key.get((row["source"], row["evaluation_id"]), [])


def _localize(rows: list[dict], programs: dict[str, str]) -> None:
    """Timestamps in the program's time zone (as the periods are)."""
    zones = {code: ZoneInfo(tz) for code, tz in programs.items()}
    for row in rows:
        zone = zones.get(row.get("program_id") or "", dt.UTC)
        for column in ("started_at", "responded_at", "evaluated_at"):
            value = row.get(column)
            if isinstance(value, dt.datetime):
                row[column] = value.astimezone(zone)


def latest_evaluations(con: BaseBackend | None, ev: Evidence, limit: int = 10) -> list[dict]:
    """The agent's latest evaluations in the period, scored like the KPI (no criteria)."""
    if con is None or "qa_scores" not in con.list_tables():
        return []
    t = _evaluations(con, ev)
    rows = t.order_by([ibis.desc("evaluated_at"), "evaluation_id"]).limit(limit)
    out = rows.to_pyarrow().to_pylist()
    _localize(out, ev.programs)
    return out
