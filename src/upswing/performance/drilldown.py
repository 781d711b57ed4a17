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
from upswing.warehouse import kpis
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
    kpis.Source.CALLS: Kind.INTERACTIONS,
    kpis.Source.SURVEYS: Kind.SURVEYS,
    kpis.Source.EVALUATIONS: Kind.EVALUATIONS,
}


def kind_of(metric: str) -> str:
    return KIND_OF_SOURCE[kpis.MEASURES[metric].source]


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
    program codes to their time zones (facts outside them are not in any scorecard)."""

    level: str
    code: str
    period: Period
    metric: str
    programs: dict[str, str]


@dataclass
class EvidencePage:
    kind: str
    total: int  # the sample behind the number
    matching: int  # after the user's filters
    page: int
    pages: int
    rows: list[dict] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)


def read_evidence(con: BaseBackend | None, ev: Evidence, filters: Filters, page: int):
    """One page of the evidence (PAGE_SIZE rows), newest first, with the counts."""
    kind = kind_of(ev.metric)
    if con is None or not {"interactions", "qa_scores", "surveys"} <= set(con.list_tables()):
        return EvidencePage(kind, 0, 0, 1, 1)
    sample = _sample(con, ev, kind)
    total = int(sample.count().execute())
    filtered = _filtered(con, sample, kind, filters)
    matching = total if not filters.active else int(filtered.count().execute())
    pages = max(1, -(-matching // PAGE_SIZE))
    page = min(max(1, page), pages)
    order = {
        Kind.INTERACTIONS: [ibis.desc("started_at"), "interaction_id"],
        Kind.SURVEYS: [ibis.desc("started_at"), "interaction_id", "kind"],
        Kind.EVALUATIONS: [ibis.desc("evaluated_at"), "evaluation_id"],
    }[kind]
    chunk = filtered.order_by(order).limit(PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
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
        return facts.filter(facts.agent_id == ev.code)
    if ev.level == kpis.Level.PROGRAM:
        return facts.filter(facts.program_id == ev.code)
    m = kpis.effective_memberships(con)
    m = m.filter(m.team_id == ev.code)
    return facts.semi_join(
        m,
        [
            facts.agent_id == m.agent_id,
            facts.local_date >= m.start_date,
            facts.local_date <= m.end_date,
        ],
    )


# Which facts each metric counts in n (kpis.MEASURES: the `n` reductions).
_CALL_SAMPLE = {
    "volume": lambda t: t.answered,
    "aht": lambda t: t.answered & t.handle_seconds.notnull(),
    "fcr": lambda t: t.answered & t.resolved.notnull(),
    "escalation": lambda t: t.answered & t.escalated.notnull(),
    "reopen": lambda t: t.answered & t.reopened.notnull(),
    "wait": lambda t: t.answered & t.wait_seconds.notnull(),
    "service_level": lambda t: ~t.answered | t.wait_seconds.notnull(),
    "abandonment": lambda t: ibis.literal(True),
}
_SURVEY_KIND = {"csat": "csat", "csat_score": "csat", "nps": "nps", "ces": "ces"}


def _sample(con: BaseBackend, ev: Evidence, kind: str) -> ir.Table:
    if kind == Kind.INTERACTIONS:
        calls = _calls(con, ev)
        return calls.filter(_CALL_SAMPLE[ev.metric](calls))
    if kind == Kind.SURVEYS:
        return _surveys(con, ev)
    return _evaluations(con, ev)


def _surveys(con: BaseBackend, ev: Evidence) -> ir.Table:
    calls = _calls(con, ev)
    calls = calls.filter(calls.answered)
    s = con.table("surveys")
    s = s.filter(s.kind == _SURVEY_KIND[ev.metric], s.score.notnull())
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
    """One row per evaluation, scored like the KPI: 0 when a critical criterion lost points,
    else 100 x points / max points."""
    c = con.table("qa_scores")
    c = c.filter(
        c.local_date >= ev.period.start,
        c.local_date <= ev.period.end,
        c.program_id.isin(list(ev.programs) or [""]),
    )
    critical_failed = c.critical.fill_null(False) & (c.points < c.max_points)
    evaluations = c.group_by("source", "evaluation_id").aggregate(
        agent_id=c.agent_id.max(),
        program_id=c.program_id.max(),
        local_date=c.local_date.max(),
        interaction_id=c.interaction_id.max(),
        evaluator=c.evaluator.max(),
        evaluated_at=c.evaluated_at.max(),
        critical_failed=critical_failed.any(),
        points=c.points.sum(),
        max_points=c.max_points.sum(),
    )
    percent = 100 * evaluations.points / evaluations.max_points.nullif(0)
    scored = evaluations.mutate(score=evaluations.critical_failed.ifelse(0.0, percent))
    scored = _of_entity(con, scored, ev)
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
