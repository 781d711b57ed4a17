"""`upswing diagnose`: load what the diagnosis rules need, call them, store the findings.

Scorecard values come from the snapshots (never raw facts). The warehouse is read only for
what snapshots do not hold, each time in one aggregated query per program: recorded context
events, the interaction mix (channel x wait band x topic) for the mix standardisation, and
QA misses per behaviour.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from upswing.bulk import collector_paused
from upswing.findings import processes, rules
from upswing.findings.mixes import MixProfiles
from upswing.findings.registry import coaching_history
from upswing.findings.rules.diagnose import BEHAVIOUR_METRICS
from upswing.findings.rules.gaps import DIAGNOSED_METRICS
from upswing.org.models import Agent, Program, Team
from upswing.performance.models import WHOLE_PARTS, DiagnosisPolicy, Finding, ScorecardSnapshot
from upswing.periods import Period, PeriodKind, week_of, window_ending
from upswing.warehouse import reads
from upswing.warehouse.connection import Warehouse, open_warehouse

MIX_METRICS = ("aht", "fcr", "escalation", "reopen")
# Survey metrics are standardised on the mix of the surveyed contacts, QA on the mix of the
# evaluated ones: (metric, survey kind) and the evaluations' own scores.
SURVEY_MIX_METRICS = (("csat", "csat"), ("csat_score", "csat"), ("nps", "nps"), ("ces", "ces"))


@dataclass(frozen=True, slots=True)
class DiagnosisScope:
    program: str | None = None
    team: str | None = None
    agent: str | None = None
    programs: tuple[str, ...] = ()  # several programs (those a refresh recomputed); () = any


@dataclass(frozen=True, slots=True)
class DiagnoseResult:
    as_of: dt.date
    last_period: Period
    findings: tuple[rules.Finding, ...]
    groups: tuple[rules.SimilarGapGroup, ...]
    stored: int

    def to_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "period": self.last_period.label,
            "rules_version": rules.RULES_VERSION,
            "findings": [f.to_dict() for f in self.findings],
            "similar_gaps": [g.to_dict() for g in self.groups],
        }


def last_complete_week(as_of: dt.date) -> Period:
    """The last week whose every day is on or before `as_of` (a given day counts whole)."""
    week = week_of(as_of)
    return week if as_of >= week.end else week.previous()


def default_as_of() -> dt.date:
    """Without --as-of: yesterday, so that today's partial day (and week) is never judged."""
    return timezone.localdate() - dt.timedelta(days=1)


def last_week_with_data(program: str, last: Period) -> Period:
    """The latest week on or before `last` with agent scorecards in `program`: a week after
    the last import is not judged (it would read as every agent missing). `last` itself when
    the program has no weekly scorecards at all."""
    start = (
        ScorecardSnapshot.objects.filter(
            level="agent",
            program_code=program,
            period_kind=PeriodKind.WEEK.value,
            period_start__lte=last.start,
            metric__in=DIAGNOSED_METRICS,
        )
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    return Period(PeriodKind.WEEK, start) if start is not None else last


def run_diagnosis(
    scope: DiagnosisScope, *, as_of: dt.date | None = None, store: bool = True
) -> DiagnoseResult:
    """Diagnose every program the scope touches, keep the findings inside the scope.

    Each program is judged on its last complete week with data on or before `as_of`
    (default: yesterday); the result names the latest week judged."""
    as_of = as_of or default_as_of()
    complete = last_complete_week(as_of)
    programs = scope_programs(scope)
    findings: list[rules.Finding] = []
    judged: list[Period] = []
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        readings = [
            read_warehouse(wh, program, as_of, last_week_with_data(program.code, complete))
            for program in programs
        ]
        # The scorecards and the rules, one program per process (upswing.findings.processes).
        for reading, found in zip(readings, processes.map_programs(judge, readings), strict=True):
            judged.append(reading.last_period)
            findings += _quality_notes().note_qa_evaluators(wh, reading.program, reading, found)
    last = max(judged, default=complete)
    findings = [f for f in findings if _in_scope(f, scope)]
    groups = rules.group_similar_gaps(findings)
    stored = store_findings(findings, scope, programs, as_of) if store else 0
    return DiagnoseResult(as_of, last, tuple(findings), groups, stored)


def _quality_notes():
    """The QA evaluator-concentration note (upswing.quality), imported when first used."""
    from upswing.quality import diagnosis_notes

    return diagnosis_notes


def scope_programs(scope: DiagnosisScope) -> list[Program]:
    """The programs to diagnose; ValueError naming what is unknown."""
    if scope.agent:
        if not Agent.objects.filter(code=scope.agent).exists():
            raise ValueError(f"unknown agent {scope.agent!r}")
        codes = set(
            ScorecardSnapshot.objects.filter(
                level="agent", entity_code=scope.agent, part__in=WHOLE_PARTS
            )
            .values_list("program_code", flat=True)
            .distinct()
        )
        return list(Program.objects.filter(code__in=codes).order_by("code"))
    if scope.team:
        team = Team.objects.select_related("program").filter(code=scope.team).first()
        if team is None:
            raise ValueError(f"unknown team {scope.team!r}")
        return [team.program]
    if scope.program:
        program = Program.objects.filter(code=scope.program).first()
        if program is None:
            raise ValueError(f"unknown program {scope.program!r}")
        return [program]
    if scope.programs:
        return list(Program.objects.filter(code__in=scope.programs).order_by("code"))
    return list(Program.objects.order_by("code"))


def _in_scope(finding: rules.Finding, scope: DiagnosisScope) -> bool:
    return (
        (scope.program is None or finding.program_id == scope.program)
        and (not scope.programs or finding.program_id in scope.programs)
        and (scope.team is None or finding.team_id == scope.team)
        and (scope.agent is None or finding.agent_id == scope.agent)
    )


def program_config(program: Program) -> rules.DiagnosisConfig:
    policy = DiagnosisPolicy.objects.filter(program=program).first()
    overrides = policy.overrides() if policy is not None else {}
    return dataclasses.replace(rules.DiagnosisConfig(), **overrides)


# --- loading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarehouseReading:
    """What a program's diagnosis reads from the warehouse, read by the process that holds
    it: recorded events, the interaction, survey and evaluation mix cells, and the QA misses
    per behaviour, of every agent. `inputs_of` keeps those of the agents with scorecards."""

    program: Program
    as_of: dt.date
    last_period: Period
    config: rules.DiagnosisConfig
    events: tuple[rules.ContextEvent, ...]
    mix_cells: list[dict]
    survey_cells: list[dict]
    evaluation_cells: list[dict]
    behaviour_rows: list[dict]

    @property
    def time_zone(self) -> ZoneInfo:
        return _zone(self.program)


def _zone(program: Program) -> ZoneInfo:
    return ZoneInfo(program.time_zone or "UTC")


def read_warehouse(wh: Warehouse, program: Program, as_of: dt.date, last: Period):
    config = program_config(program)
    history = window_ending(last, config.lookback_periods)
    first = window_ending(last, config.window)[0].start
    feedback_first = window_ending(last, _feedback_weeks(config))[0].start
    code, tz = program.code, _zone(program)
    surveys = reads.survey_mix_cells(wh.ibis, code, feedback_first, last.end, SURVEY_MIX_METRICS)
    return WarehouseReading(
        program=program,
        as_of=as_of,
        last_period=last,
        config=config,
        events=load_events(wh, code, history[0].start, last.end, tz),
        mix_cells=_rows(reads.mix_cells(wh.ibis, code, first, last.end)),
        survey_cells=_rows(surveys),
        evaluation_cells=_rows(reads.qa_mix_cells(wh.ibis, code, feedback_first, last.end)),
        behaviour_rows=behaviour_rows(wh, code, first, last.end),
    )


def _rows(expression) -> list[dict]:
    return expression.to_pyarrow().to_pylist()


def judge(reading: WarehouseReading) -> list[rules.Finding]:
    """A program's findings: its scorecards read, the rules run on them and the reading.
    Hundreds of thousands of observations and judgements, none in a cycle: the cycle
    collector waits (upswing.bulk) rather than walk them all again every few thousand."""
    with collector_paused():
        return list(rules.diagnose(inputs_of(reading)).findings)


def inputs_of(reading: WarehouseReading) -> rules.DiagnosisInputs:
    """The rules' inputs: the program's weekly scorecards (operational database), the
    agents' coaching, and of the warehouse's reading what concerns those agents."""
    config, last = reading.config, reading.last_period
    history = window_ending(last, config.lookback_periods)
    series = load_series(reading.program.code, history[0], last)
    agents = {s.agent_id for s in series}
    mixes = MixProfiles()
    mixes.add(reading.mix_cells, agents, MIX_METRICS)
    mixes.add(reading.survey_cells, agents, [m for m, _ in SURVEY_MIX_METRICS])
    mixes.add(reading.evaluation_cells, agents, ["qa"])
    return rules.DiagnosisInputs(
        as_of=reading.as_of,
        last_period=last,
        series=series,
        events=reading.events,
        coaching=load_coaching(sorted(agents), reading.as_of, config, reading.time_zone),
        mixes=mixes,
        behaviours=_tallies(reading.behaviour_rows, agents),
        config=config,
    )


_SERIES_FIELDS = (
    "id", "entity_code", "team_code", "metric", "period_start", "value", "numerator", "n",
    "ci_low", "ci_high", "baseline", "sla_floor", "kpi_target",
)  # fmt: skip


def load_series(program: str, first: Period, last: Period) -> tuple[rules.AgentSeries, ...]:
    """Each agent's weekly values of each diagnosed metric, oldest first, by agent and metric.

    Read as the database's plain rows (a 20,000-agent program has ~300,000 of them: the ORM's
    conversion of each row's date, and a new Period per row, were a third of the time), in
    week order only, which the program's index gives without a sort; each row goes to its
    series as it comes."""
    query = (
        ScorecardSnapshot.objects.filter(
            level="agent",
            part__in=WHOLE_PARTS,
            program_code=program,
            period_kind=PeriodKind.WEEK.value,
            period_start__gte=first.start,
            period_start__lte=last.start,
            metric__in=DIAGNOSED_METRICS,
        )
        .order_by("period_start")
        .values_list(*_SERIES_FIELDS)
    )
    sql, params = query.query.sql_with_params()
    weeks: dict[object, Period] = {}
    observations: dict[tuple[str, str], list[rules.Observation]] = defaultdict(list)
    teams: dict[tuple[str, str], str] = {}
    observation = rules.Observation
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for ident, agent, team, metric, start, *values in cursor:
            week = weeks.get(start) or _week(weeks, start)
            key = (agent, metric)
            observations[key].append(observation(week, *values, str(ident)))
            if team:
                teams[key] = team  # the latest week's team (weeks come in order)
    return tuple(
        rules.AgentSeries(agent, teams.get((agent, metric), ""), program, metric, tuple(found))
        for (agent, metric), found in sorted(observations.items(), key=itemgetter(0))
    )


def _week(weeks: dict[object, Period], raw) -> Period:
    """The week starting on `raw` (a date, or its ISO text as SQLite gives it), made once."""
    day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(raw)
    weeks[raw] = Period(PeriodKind.WEEK, day)
    return weeks[raw]


def load_events(wh, program: str, first: dt.date, last: dt.date, tz: ZoneInfo):
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    query = reads.context_events(wh.ibis, program, start, end)
    return tuple(
        rules.ContextEvent(
            event_id=r["event_id"],
            program_id=r["program_id"],
            team_id=r["team_id"] or None,
            kind=r["kind"],
            starts_on=r["starts_at"].astimezone(tz).date(),
            ends_on=r["ends_at"].astimezone(tz).date(),
            description=r["description"] or "",
        )
        for r in query.to_pyarrow().to_pylist()
    )


def load_coaching(agents, as_of: dt.date, config: rules.DiagnosisConfig, tz: ZoneInfo):
    """The agents' coaching in the ladder's look-back, from the feature that records it
    (coaching registers it: findings.registry)."""
    since = dt.datetime.combine(
        as_of - dt.timedelta(days=config.coaching_lookback_days), dt.time(), tzinfo=tz
    )
    return coaching_history(agents, since, tz)


def _feedback_weeks(config: rules.DiagnosisConfig) -> int:
    """Weeks of surveys and evaluations a mix reads: the longest pooled window of theirs."""
    metrics = [code for code, _ in SURVEY_MIX_METRICS] + ["qa"]
    return max(config.window, *(config.pooled_weeks_for(m) for m in metrics))


def behaviour_rows(wh, program: str, first: dt.date, last: dt.date) -> list[dict]:
    """QA misses per agent and behaviour (the category, or the criterion without one)."""
    e = reads.behaviour_misses(wh.ibis, program, first, last)
    return _rows(
        e.group_by(["agent_id", "behaviour"]).aggregate(
            evaluations=e.count(),
            missed=e.count(where=e.missed),
            evaluation_ids=e.evaluation_id.collect(where=e.missed),
            interaction_ids=e.interaction_id.collect(where=e.missed),
        )
    )


def _tallies(rows: list[dict], agents: set[str]) -> tuple[rules.BehaviourTally, ...]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        totals[r["behaviour"]][0] += r["evaluations"]
        totals[r["behaviour"]][1] += r["missed"]
    return tuple(
        rules.BehaviourTally(
            agent_id=r["agent_id"],
            behaviour=r["behaviour"],
            evaluations=r["evaluations"],
            missed=r["missed"],
            peer_evaluations=totals[r["behaviour"]][0] - r["evaluations"],
            peer_missed=totals[r["behaviour"]][1] - r["missed"],
            missed_evaluation_ids=tuple(sorted(r["evaluation_ids"] or ())),
            missed_interaction_ids=tuple(sorted(set(r["interaction_ids"] or ()))),
        )
        for r in rows
        if r["agent_id"] in agents and r["behaviour"]
    )


# --- storing ----------------------------------------------------------------------------------


@transaction.atomic
def store_findings(
    findings: Iterable[rules.Finding],
    scope: DiagnosisScope,
    programs: Iterable[Program],
    as_of: dt.date,
) -> int:
    """Replace the day's findings inside the scope (same rules version) with these."""
    stale = Finding.objects.filter(
        as_of=as_of,
        rules_version=rules.RULES_VERSION,
        program_code__in=[p.code for p in programs],
    )
    if scope.team:
        stale = stale.filter(team_code=scope.team)
    if scope.agent:
        stale = stale.filter(agent_code=scope.agent)
    stale.delete()
    now = timezone.now()
    rows = [
        Finding(
            as_of=as_of,
            rules_version=f.rules_version,
            program_code=f.program_id,
            team_code=f.team_id,
            agent_code=f.agent_id,
            metric=f.metric,
            kind=f.kind.value,
            cause=f.cause.value,
            recommendation=f.recommendation.value,
            period_kind=PeriodKind.WEEK.value,
            periods=list(f.periods),
            reasons=list(f.reasons),
            behaviours=list(f.behaviours),
            evidence=f.evidence.to_dict(),
            facts=f.facts.to_dict(),
            created_at=now,
        )
        for f in findings
    ]
    Finding.objects.bulk_create(rows)
    return len(rows)


__all__ = ["BEHAVIOUR_METRICS", "DiagnoseResult", "DiagnosisScope", "run_diagnosis"]
