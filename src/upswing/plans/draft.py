"""Loading what the plan rules read (history, team, coaching, diagnosis) and drafting a plan.

Scorecard metrics come from the weekly snapshots; a QA behaviour's pass rate (`qa.<behaviour>`)
from one aggregated query on the warehouse's QA scores. The latest stored diagnosis for the
agent is used when it is at most a week old; this module only reads it (a read never writes).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from upswing.coaching.models import CoachingSession
from upswing.findings import rules as diagnosis_rules
from upswing.findings.diagnosis import last_complete_week
from upswing.metrics import CATALOG
from upswing.org.models import Agent, Membership, Program, Team
from upswing.performance.models import WHOLE_PARTS, Finding, ScorecardSnapshot, Target
from upswing.periods import week_of
from upswing.plans import rules
from upswing.plans.rules import measures as m

HISTORY_WEEKS = 26
DIAGNOSIS_MAX_AGE_DAYS = 7


@dataclass(frozen=True, slots=True)
class Placement:
    agent: Agent
    team: Team
    program: Program

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.program.time_zone or "UTC")


@dataclass(frozen=True, slots=True)
class DraftResult:
    terms: rules.PlanTerms
    problems: tuple[rules.Problem, ...]
    finding: Finding


def place_agent(agent_code: str, day: dt.date | None = None) -> Placement:
    """The agent with their team and program on `day` (their latest membership otherwise)."""
    agent = Agent.objects.filter(code=agent_code).first()
    if agent is None:
        raise ValueError(f"unknown agent {agent_code!r}")
    memberships = Membership.objects.filter(agent=agent).select_related("team__program")
    current = memberships.on(day).first() if day else None
    current = current or memberships.order_by("-start_date").first()
    if current is None:
        raise ValueError(f"agent {agent_code!r} is on no team")
    return Placement(agent, current.team, current.team.program)


def local_today(program: Program) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(program.time_zone or "UTC")).date()


# --- diagnosis ------------------------------------------------------------------------------


def latest_findings(agent_code: str, as_of: dt.date) -> list[Finding]:
    """The agent's stored findings of the latest diagnosis on or before `as_of`, when it is a
    week old at most. A read: drafting and the live lint never run or store a diagnosis (the
    refresh, `upswing diagnose` and their jobs do)."""
    last = (
        Finding.objects.filter(
            agent_code=agent_code,
            as_of__lte=as_of,
            rules_version=diagnosis_rules.RULES_VERSION,
        )
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    if last is None or (as_of - last).days > DIAGNOSIS_MAX_AGE_DAYS:
        return []
    return list(Finding.objects.filter(agent_code=agent_code, as_of=last).order_by("metric"))


def note_of(finding: Finding) -> rules.DiagnosisNote:
    return rules.DiagnosisNote(
        metric=finding.metric,
        kind=finding.kind,
        cause=finding.cause,
        recommendation=finding.recommendation,
        as_of=finding.as_of,
        periods=tuple(finding.periods),
        reasons=tuple(finding.reasons),
        behaviours=tuple(finding.behaviours),
        ref=str(finding.pk),
    )


# --- history --------------------------------------------------------------------------------


def load_measures(
    place: Placement, codes: Iterable[str], last_week_start: dt.date
) -> dict[str, rules.MeasureData]:
    """Weekly values of each measure for the agent and every teammate, oldest first."""
    first = last_week_start - dt.timedelta(weeks=HISTORY_WEEKS - 1)
    codes = set(codes)
    weekly: dict[str, dict[str, list[m.WeekValue]]] = defaultdict(lambda: defaultdict(list))
    metrics = [c for c in codes if c in CATALOG]
    rows = ScorecardSnapshot.objects.filter(
        Q(team_code=place.team.code) | Q(entity_code=place.agent.code),
        level="agent",
        part__in=WHOLE_PARTS,
        period_kind="week",
        metric__in=metrics,
        period_start__gte=first,
        period_start__lte=last_week_start,
    ).order_by("period_start")
    for r in rows.values_list("metric", "entity_code", "period_start", "value", "n", "numerator"):
        metric, agent, start, value, n, numerator = r
        weekly[metric][agent].append(m.WeekValue(start, value, n, numerator))
    behaviours = {m.behaviour_of(c) for c in codes if m.is_behaviour(c)}
    if behaviours:
        agents = set(
            rows.values_list("entity_code", flat=True).distinct()
            if metrics
            else _team_agent_codes(place, first)
        ) | {place.agent.code}
        for behaviour, by_agent in _behaviour_weeks(place, agents, first, last_week_start).items():
            if behaviour in behaviours:
                weekly[m.behaviour_measure(behaviour)] = by_agent
    out = {}
    for code in codes:
        by_agent = weekly.get(code, {})
        out[code] = rules.MeasureData(
            metric=code,
            agent=tuple(by_agent.get(place.agent.code, ())),
            peers={a: tuple(v) for a, v in by_agent.items() if a != place.agent.code},
        )
    return out


def _team_agent_codes(place: Placement, since: dt.date) -> set[str]:
    return set(
        Membership.objects.filter(team=place.team)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=since))
        .values_list("agent__code", flat=True)
    )


def _behaviour_weeks(place: Placement, agents: set[str], first: dt.date, last_start: dt.date):
    """{behaviour: {agent: [WeekValue]}}: evaluations per week, and those meeting the behaviour."""
    from upswing.warehouse import reads
    from upswing.warehouse.connection import open_warehouse

    with open_warehouse(settings.UPSWING_WAREHOUSE_URL) as wh:
        last = last_start + dt.timedelta(days=6)
        misses = reads.behaviour_misses(wh.ibis, place.program.code, first, last, agents)
        rows = misses.select("agent_id", "behaviour", "day", "missed").to_pyarrow().to_pylist()
    counts: dict[tuple[str, str, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        cell = counts[(r["behaviour"], r["agent_id"], week_of(r["day"]).start)]
        cell[0] += 1
        cell[1] += 0 if r["missed"] else 1
    out: dict[str, dict[str, list[m.WeekValue]]] = defaultdict(lambda: defaultdict(list))
    for (behaviour, agent, week), (n, met) in sorted(counts.items(), key=lambda kv: kv[0][2]):
        out[behaviour][agent].append(m.WeekValue(week, 100.0 * met / n, n, float(met)))
    return out


def load_coaching(place: Placement) -> tuple[diagnosis_rules.CoachingRecord, ...]:
    sessions = CoachingSession.objects.filter(agent=place.agent).values_list(
        "id", "coached_at", "kind", "metric", "topic"
    )
    return tuple(
        diagnosis_rules.CoachingRecord(
            str(pk), place.agent.code, at.astimezone(place.tz).date(), kind, metric, topic
        )
        for pk, at, kind, metric, topic in sessions
    )


def load_standards(place: Placement, metrics: Iterable[str], as_of: dt.date):
    """The SLA floor and KPI target in force on `as_of` for each metric, with its source."""
    out: dict[str, rules.StandardTerm] = {}
    for metric in metrics:
        if metric not in CATALOG:
            continue
        target = (
            Target.objects.filter(program=place.program, metric=metric, effective_from__lte=as_of)
            .filter(Q(team=place.team) | Q(team__isnull=True))
            .order_by("team", "-effective_from")  # a team's own target (team set) first
            .first()
        )
        if target is None:
            continue
        out[metric] = rules.StandardTerm(
            metric=metric,
            sla_floor=target.sla_floor,
            kpi_target=target.kpi_target,
            source=f"{target.source or 'targets'}, effective {target.effective_from}",
            measurement=f"{CATALOG[metric].definition}, per ISO week in {place.program.time_zone}",
        )
    return out


# --- drafting and linting -------------------------------------------------------------------


def lint_context(place: Placement, codes: Iterable[str], as_of: dt.date) -> rules.LintContext:
    last = last_complete_week(as_of)
    return rules.LintContext(
        as_of=as_of,
        measures=load_measures(place, codes, last.start),
        coaching=load_coaching(place),
        diagnosis=tuple(note_of(f) for f in latest_findings(place.agent.code, as_of)),
    )


def lint_terms(terms: rules.PlanTerms, as_of: dt.date | None = None) -> tuple[rules.Problem, ...]:
    """Lint against the system's data for the plan's agent (structure only if unknown).

    The data is read as of `as_of`, else as of the day the plan was drafted (so a revision or
    an extension is judged on the evidence the plan rests on), else today.
    """
    day = as_of or _drafted_as_of(terms)
    try:
        place = place_agent(terms.agent_id, day)
    except ValueError:
        return rules.lint_plan(terms, None)
    day = day or local_today(place.program)
    return rules.lint_plan(terms, lint_context(place, terms.metrics, day))


def _drafted_as_of(terms: rules.PlanTerms) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str((terms.meta or {}).get("drafted_as_of")))
    except ValueError:
        return None


def draft_plan_terms(
    agent_code: str, as_of: dt.date | None = None, *, length_days: int = 90
) -> DraftResult:
    """A draft from the agent's latest finding that recommended a plan; DraftRefused if none."""
    place = place_agent(agent_code, as_of)
    as_of = as_of or local_today(place.program)
    findings = latest_findings(agent_code, as_of)
    chosen = next(
        (f for f in findings if f.recommendation == diagnosis_rules.Recommendation.PIP), None
    )
    if chosen is None:
        raise rules.DraftRefused(_refusal(agent_code, findings, as_of))
    note = note_of(chosen)
    codes = {note.metric, *(m.behaviour_measure(b) for b in note.behaviours)}
    codes |= {CATALOG[note.metric].pair} if note.metric == "aht" else set()
    last = last_complete_week(as_of)
    measures = load_measures(place, codes, last.start)
    coaching = load_coaching(place)
    inputs = rules.DraftInputs(
        as_of=as_of,
        agent_id=agent_code,
        agent_name=place.agent.name,
        team_id=place.team.code,
        program_id=place.program.code,
        time_zone=place.program.time_zone,
        finding=note,
        evidence=chosen.evidence,
        standards=load_standards(place, [c for c in codes if c in CATALOG], as_of),
        measures=measures,
        coaching=coaching,
        lead=place.team.lead_email,
        length_days=length_days,
    )
    terms = rules.compose_plan(inputs)
    context = rules.LintContext(
        as_of=as_of,
        measures=measures,
        coaching=coaching,
        diagnosis=tuple(note_of(f) for f in findings),
    )
    return DraftResult(terms, rules.lint_plan(terms, context), chosen)


def _refusal(agent_code: str, findings: list[Finding], as_of: dt.date) -> list[str]:
    if not findings:
        return [
            f"No diagnosis finding for {agent_code}: there is no sustained gap to plan for "
            f"(or the diagnosis has not run in the {DIAGNOSIS_MAX_AGE_DAYS} days before "
            f"{as_of}: `upswing diagnose` runs it)."
        ]
    return [
        f"The latest diagnosis ({findings[0].as_of}) recommends no plan for {agent_code}: "
        + "; ".join(f"{f.metric} {f.kind}: {f.recommendation}" for f in findings)
        + ".",
        *(reason for f in findings for reason in f.reasons[-1:]),
    ]
