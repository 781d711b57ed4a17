"""Every KPI of the metric catalog, written once as an Ibis expression.

`scorecard` returns a long table, one row per (entity, period, metric) with a non-empty
sample: the numerator and sample size re-aggregate exactly (a month is computed from its raw
rows, never from its weeks), `value` is read from them by the metric's `Aggregate` kind.

Each fact source is aggregated on its own and the results are unioned, so a survey or a QA
evaluation never multiplies an interaction (no interactions x surveys x QA fan-out):

- calls: `interactions`, one wide aggregate per grain for the call metrics;
- surveys: `surveys` joined to their answered interaction (its agent, program and day);
- evaluations: `qa_scores` collapsed to one score per (source, evaluation_id) first.

Team attribution: each interaction, survey and evaluation belongs to the team whose
membership covers its local_date (when memberships of an agent overlap, the later one wins
from its start); facts that no membership covers have no team, so team rows skip them while
agent and program rows count them. An agent row carries the team and program of the
membership covering the agent's latest activity day in the period (latest interaction, or
latest evaluation when the agent has no interaction there); when no membership covers that
day, the team is null and the program is taken from the agent's facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from upswing.metrics import CATALOG, Aggregate, Level
from upswing.periods import PeriodKind
from upswing.warehouse.measures import Measure, Source, selected_measures

DEFAULT_SERVICE_LEVEL_SECONDS = 20.0
_FAR_FUTURE = dt.date(9999, 12, 31)
_KEYS = ("entity_id", "period_start")
OUTPUT_SCHEMA = ibis.schema(
    {
        "level": "string",
        "entity_id": "string",
        "team_id": "string",
        "program_id": "string",
        "period_kind": "string",
        "period_start": "date",
        "metric": "string",
        "numerator": "float64",
        "n": "int64",
        "value": "float64",
        "sd": "float64",
    }
)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which facts a scorecard reads: programs, and local_date bounds (inclusive)."""

    programs: tuple[str, ...] | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    # Besides `programs`: these agents' facts of any program (either one is enough).
    agents: tuple[str, ...] | None = None
    # Instead of since/until: these inclusive (first, last) day ranges.
    ranges: tuple[tuple[dt.date, dt.date], ...] | None = None

    def apply(self, facts: ir.Table) -> ir.Table:
        return self.apply_dates(self.apply_owners(facts))

    def apply_owners(self, facts: ir.Table) -> ir.Table:
        wanted = []
        if self.programs is not None:
            wanted.append(facts.program_id.isin(self.programs))
        if self.agents is not None:  # a table, not a literal list: thousands compile slowly
            agents = ibis.memtable({"agent_id": list(self.agents)}, schema={"agent_id": "string"})
            wanted.append(facts.agent_id.isin(agents.agent_id))
        if wanted:
            facts = facts.filter(ibis.or_(*wanted))
        return facts

    def apply_dates(self, facts: ir.Table) -> ir.Table:
        if self.since is not None:
            facts = facts.filter(facts.local_date >= self.since)
        if self.until is not None:
            facts = facts.filter(facts.local_date <= self.until)
        if self.ranges is not None:
            facts = facts.filter(
                ibis.or_(*((facts.local_date.between(a, b)) for a, b in self.ranges))
            )
        return facts


def scorecard(
    con: ibis.BaseBackend,
    level: Level,
    period_kind: PeriodKind,
    *,
    programs: Sequence[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    metrics: Sequence[str] | None = None,
) -> ibis.Table:
    """The long scorecard of `level` x `period_kind` (columns: OUTPUT_SCHEMA)."""
    level, period_kind = Level(level), PeriodKind(period_kind)
    wanted = selected_measures(metrics)
    if not wanted:
        raise ValueError("no metrics selected; pass None for every metric of the catalog")
    scope = Scope(None if programs is None else tuple(programs), since, until)
    facts = fact_tables(con, scope, period_kind)
    if level is not Level.AGENT:
        memberships = effective_memberships(con)
        facts = {s: attribute_to_level(t, level, memberships) for s, t in facts.items()}
    wide = {s: aggregate_source(facts[s], s, wanted, level) for s in _sources_needed(wanted, level)}
    long = ibis.union(*(_long_rows(wide[m.source], m) for m in wanted), distinct=False).filter(
        ibis._.n > 0
    )
    if level is Level.AGENT:
        long = _with_agent_team(long, wide, effective_memberships(con))
    return _finish(long, level, period_kind)


def _sources_needed(wanted: Sequence[Measure], level: Level) -> list[Source]:
    sources = {m.source for m in wanted}
    if level is Level.AGENT and sources:
        sources.add(Source.CALLS)  # the agent's team comes from their latest interaction
    return [s for s in Source if s in sources]


# --- facts ----------------------------------------------------------------------------------


def period_start(day: ir.DateValue, kind: PeriodKind) -> ir.DateValue:
    """Monday of the ISO week, or the 1st of the month, holding `day`."""
    return day.truncate("W" if kind is PeriodKind.WEEK else "M").cast("date")


def fact_tables(con: ibis.BaseBackend, scope: Scope, kind: PeriodKind) -> dict[Source, ir.Table]:
    """The scoped facts of each source, one row per counted item, with its period_start."""
    calls = call_facts(con, scope, kind)
    return {
        Source.CALLS: calls,
        Source.SURVEYS: survey_facts(con, scope, kind),
        Source.EVALUATIONS: evaluation_facts(con, scope, kind),
    }


# The columns of `interactions` the call and survey facts read.
CALL_COLUMNS = (
    "source",
    "interaction_id",
    "agent_id",
    "program_id",
    "local_date",
    "handle_seconds",
    "wait_seconds",
    "resolved",
    "reopened",
    "escalated",
    "answered",
)


def call_facts(
    con: ibis.BaseBackend, scope: Scope, kind: PeriodKind, interactions: ir.Table | None = None
) -> ir.Table:
    """Interactions with `answered` defaulted to true and the program's service level threshold
    (`interactions`: a table of the interactions to read instead of all of them)."""
    calls = scope.apply(con.table("interactions") if interactions is None else interactions)
    programs = con.table("programs").select("program_id", "service_level_seconds")
    calls = calls.left_join(programs, calls.program_id == programs.program_id)
    return calls.select(
        *(c for c in CALL_COLUMNS if c != "answered"),
        period_start=period_start(calls.local_date, kind),
        answered=calls.answered.fill_null(True),
        service_level_seconds=calls.service_level_seconds.fill_null(DEFAULT_SERVICE_LEVEL_SECONDS),
    )


def survey_facts(
    con: ibis.BaseBackend, scope: Scope, kind: PeriodKind, interactions: ir.Table | None = None
) -> ir.Table:
    """Survey responses on answered interactions, dated and attributed by their interaction
    (`interactions`: as for `call_facts`).

    The interactions are read here with just the columns the join needs, not taken from
    `call_facts`: an expression used twice in one query is materialized by the engine,
    which would hold every call (ids and all) in memory at once."""
    surveys = con.table("surveys")
    calls = scope.apply(con.table("interactions") if interactions is None else interactions)
    answered = calls.filter(calls.answered.fill_null(True)).select(
        "source", "interaction_id", "agent_id", "program_id", "local_date"
    )
    joined = surveys.join(
        answered,
        [surveys.source == answered.source, surveys.interaction_id == answered.interaction_id],
    )
    return joined.select(
        answered.agent_id,
        answered.program_id,
        answered.local_date,
        surveys.kind,
        surveys.score,
        period_start=period_start(answered.local_date, kind),
    )


def evaluation_facts(
    con: ibis.BaseBackend, scope: Scope, kind: PeriodKind, criteria: ir.Table | None = None
) -> ir.Table:
    """One row per QA evaluation, scored by `scored_evaluations` (`criteria`: the criteria
    rows to read instead of all of them, every criterion of each evaluation they hold).

    An evaluation is dated by its latest criterion; date bounds apply to that date once the
    criteria are gathered, so a narrower scope never cuts an evaluation in two."""
    criteria = scope.apply_owners(con.table("qa_scores") if criteria is None else criteria)
    evaluations = scope.apply_dates(scored_evaluations(criteria))
    return evaluations.select(
        "agent_id",
        "program_id",
        "local_date",
        "score",
        period_start=period_start(evaluations.local_date, kind),
    )


def scored_evaluations(criteria: ir.Table) -> ir.Table:
    """One row per QA evaluation of the criteria rows given (`qa_scores`), scored as the KPI
    scores it: 0 if a critical criterion lost points, else 100 * points / max points (NULL
    when the maximum is 0)."""
    critical_failed = criteria.critical.fill_null(False) & (criteria.points < criteria.max_points)
    evaluations = criteria.group_by("source", "evaluation_id").aggregate(
        agent_id=criteria.agent_id.max(),
        program_id=criteria.program_id.max(),
        local_date=criteria.local_date.max(),
        interaction_id=criteria.interaction_id.max(),
        evaluator=criteria.evaluator.max(),
        evaluated_at=criteria.evaluated_at.max(),
        critical_failed=critical_failed.any(),
        points=criteria.points.sum(),
        max_points=criteria.max_points.sum(),
    )
    percent = 100 * evaluations.points / evaluations.max_points.nullif(0)
    return evaluations.mutate(score=evaluations.critical_failed.ifelse(0.0, percent))


# --- grains ---------------------------------------------------------------------------------


def effective_memberships(con: ibis.BaseBackend) -> ir.Table:
    """Memberships with an inclusive `end_date` that is never NULL and never overlaps the
    agent's next membership (a later start cuts the earlier membership short)."""
    m = con.table("memberships")
    by_agent = ibis.window(group_by=m.agent_id, order_by=[m.start_date, m.team_id])
    day_before_next = m.start_date.lead().over(by_agent) - ibis.interval(days=1)
    return m.select(
        "agent_id",
        "team_id",
        "program_id",
        "start_date",
        end_date=ibis.least(
            m.end_date.fill_null(_FAR_FUTURE), day_before_next.cast("date").fill_null(_FAR_FUTURE)
        ),
    )


def _covering(facts: ir.Table, day: str, memberships: ir.Table) -> ir.Table:
    """`facts` left-joined to the membership of their agent covering `facts[day]`."""
    m = memberships.rename(m_agent_id="agent_id", m_team_id="team_id", m_program_id="program_id")
    return facts.left_join(
        m,
        [
            facts.agent_id == m.m_agent_id,
            facts[day] >= m.start_date,
            facts[day] <= m.end_date,
        ],
    )


def attribute_to_level(facts: ir.Table, level: Level, memberships: ir.Table) -> ir.Table:
    """Facts keyed by the team or program entity; facts without that entity are dropped."""
    if level is Level.PROGRAM:
        keyed = facts.mutate(entity_id=facts.program_id, team_id=ibis.null("string"))
        return keyed.filter(keyed.entity_id.notnull())
    joined = _covering(facts, "local_date", memberships)
    keyed = joined.filter(joined.m_team_id.notnull()).mutate(
        entity_id=ibis._.m_team_id, team_id=ibis._.m_team_id, program_id=ibis._.m_program_id
    )
    return keyed.drop("m_agent_id", "m_team_id", "m_program_id", "start_date", "end_date")


def _group_keys(level: Level) -> tuple[str, ...]:
    return _KEYS if level is not Level.TEAM else (*_KEYS, "team_id", "program_id")


def aggregate_source(
    facts: ir.Table, source: Source, wanted: Sequence[Measure], level: Level
) -> ir.Table:
    """One pass over a source's facts per grain: numerator, n and sd of each wanted measure."""
    if level is Level.AGENT:
        facts = facts.mutate(entity_id=facts.agent_id)
    reductions: dict[str, ir.Scalar] = {}
    for m in wanted:
        if m.source is source:
            reductions[f"{m.metric}__numerator"] = m.numerator(facts)
            reductions[f"{m.metric}__n"] = m.n(facts)
            if m.sd is not None:
                reductions[f"{m.metric}__sd"] = m.sd(facts)
    if level is Level.AGENT and source is not Source.SURVEYS:
        reductions["last_day"] = facts.local_date.max()
        reductions["some_program_id"] = facts.program_id.max()
    return facts.group_by(*_group_keys(level)).aggregate(**reductions)


def _long_rows(wide: ir.Table, measure: Measure) -> ir.Table:
    """One metric's rows out of its source's wide aggregate."""
    numerator = wide[f"{measure.metric}__numerator"].cast("float64")
    n = wide[f"{measure.metric}__n"].cast("int64")
    sd = wide[f"{measure.metric}__sd"] if measure.sd is not None else ibis.null("float64")
    keys = [c for c in ("entity_id", "period_start", "team_id", "program_id") if c in wide.columns]
    return wide.select(
        *keys,
        metric=ibis.literal(measure.metric, "string"),
        numerator=numerator,
        n=n,
        value=metric_value(measure.metric, numerator, n),
        sd=sd.cast("float64"),
    )


def metric_value(metric: str, numerator: ir.FloatingValue, n: ir.IntegerValue) -> ir.FloatingValue:
    """The reported value from numerator and n, by the metric's Aggregate kind."""
    aggregate = CATALOG[metric].aggregate
    if aggregate is Aggregate.COUNT:
        return n.cast("float64")
    ratio = numerator / n.nullif(0).cast("float64")
    return 100 * ratio if aggregate is Aggregate.SHARE else ratio


def _with_agent_team(
    long: ir.Table, wide: dict[Source, ir.Table], memberships: ir.Table
) -> ir.Table:
    """Agent rows with the team and program of the agent's latest activity in the period."""
    periods = agent_periods(wide[Source.CALLS], wide.get(Source.EVALUATIONS), memberships)
    return long.join(periods, list(_KEYS))


def agent_periods(calls: ir.Table, evaluations: ir.Table | None, memberships: ir.Table) -> ir.Table:
    """(entity_id, period_start) -> team_id, program_id of the membership covering the latest
    interaction's day (latest evaluation's day without interactions)."""
    active = calls.select(*_KEYS, "last_day", "some_program_id")
    if evaluations is not None:
        rated = evaluations.select(*_KEYS, qa_last_day="last_day", qa_program_id="some_program_id")
        both = active.outer_join(rated, list(_KEYS))
        active = both.select(
            entity_id=ibis.coalesce(both.entity_id, both.entity_id_right),
            period_start=ibis.coalesce(both.period_start, both.period_start_right),
            last_day=ibis.coalesce(both.last_day, both.qa_last_day),
            some_program_id=ibis.coalesce(both.some_program_id, both.qa_program_id),
        )
    covered = _covering(active.mutate(agent_id=active.entity_id), "last_day", memberships)
    return covered.select(
        *_KEYS,
        team_id=covered.m_team_id,
        program_id=ibis.coalesce(covered.m_program_id, covered.some_program_id),
    )


def _finish(long: ir.Table, level: Level, period_kind: PeriodKind) -> ir.Table:
    return long.select(
        level=ibis.literal(level.value, "string"),
        entity_id=long.entity_id,
        team_id=long.team_id if level is not Level.PROGRAM else ibis.null("string"),
        program_id=long.program_id if level is not Level.PROGRAM else long.entity_id,
        period_kind=ibis.literal(period_kind.value, "string"),
        period_start=long.period_start,
        metric=long.metric,
        numerator=long.numerator,
        n=long.n,
        value=long.value,
        sd=long.sd,
    )
