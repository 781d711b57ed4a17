"""Drafting a plan from a diagnosis finding that recommended one. Pure.

The problem statement names the metric, the weeks, the numbers, the standard with its source
and the evidence counts; goals come from the behaviours behind the gap (at most three), each
with support from the catalog; the calendar from the schedule; the outcome criteria from the
outcome rules. The draft is written so that it passes its own lint.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from upswing.findings.rules import CoachingRecord, DiagnosisConfig
from upswing.findings.rules.ladder import relevant_sessions
from upswing.metrics import CATALOG
from upswing.periods import parse_period
from upswing.plans.rules import catalog
from upswing.plans.rules import measures as m
from upswing.plans.rules.context import DiagnosisNote, MeasureData
from upswing.plans.rules.outcome import OutcomeConfig
from upswing.plans.rules.schedule import (
    DEFAULT_LENGTH_DAYS,
    EXTENSION_DAYS,
    goal_due_day,
    plan_phases,
    plan_start,
    weekly_checkpoints,
)
from upswing.plans.rules.terms import (
    EvidenceItem,
    Goal,
    GoalKind,
    Outcomes,
    PlanTerms,
    StandardTerm,
    SupportAction,
)


@dataclass(frozen=True, slots=True)
class DraftInputs:
    as_of: dt.date
    agent_id: str
    agent_name: str
    team_id: str
    program_id: str
    time_zone: str
    finding: DiagnosisNote
    evidence: dict  # the finding's evidence ids (periods, snapshots, evaluations, ...)
    standards: dict[str, StandardTerm]  # by metric
    measures: dict[str, MeasureData]
    coaching: tuple[CoachingRecord, ...] = ()
    lead: str = ""  # the team lead's name or email, written as the owner of lead support
    length_days: int = DEFAULT_LENGTH_DAYS
    holidays: Collection[dt.date] = field(default_factory=frozenset)


class DraftRefused(ValueError):  # noqa: N818 - read as "the draft was refused"
    """The evidence does not support a plan; `reasons` say why, as sentences."""

    def __init__(self, reasons: Sequence[str]):
        super().__init__(" ".join(reasons))
        self.reasons = tuple(reasons)


def compose_plan(inputs: DraftInputs) -> PlanTerms:
    finding = inputs.finding
    if finding.recommendation != "pip":
        raise DraftRefused(
            (
                f"The latest diagnosis recommends {finding.recommendation}, not a "
                f"plan, for {m.label(finding.metric)}.",
                *finding.reasons,
            )
        )
    start = plan_start(inputs.as_of, inputs.holidays)
    length = inputs.length_days
    goals = _goals(inputs, length)
    support = tuple(
        SupportAction(i, t.kind.value, t.cadence, _owner(t.owner, inputs.lead), t.description)
        for i, g in enumerate(goals)
        if g.kind is GoalKind.IMPROVE or not any(x.kind is GoalKind.IMPROVE for x in goals)
        for t in catalog.support_for(m.behaviour_of(g.metric), g.metric)
    )
    support += tuple(
        SupportAction(
            i,
            "one_to_one",
            "weekly, at the checkpoint",
            _owner("team lead", inputs.lead),
            f"Review {m.label(g.metric)} each week; it must not fall below "
            f"{m.fmt(g.metric, g.target)}.",
        )
        for i, g in enumerate(goals)
        if g.kind is GoalKind.HOLD and any(x.kind is GoalKind.IMPROVE for x in goals)
    )
    standards = tuple(
        s
        for code, s in inputs.standards.items()
        if code == finding.metric or code in {g.metric for g in goals}
    )
    return PlanTerms(
        agent_id=inputs.agent_id,
        problem_statement=_problem(inputs),
        standards=standards,
        evidence=_evidence(inputs),
        goals=goals,
        support=support,
        start_date=start,
        length_days=length,
        checkpoints=weekly_checkpoints(start, length, inputs.holidays),
        outcomes=_outcomes(finding.metric, inputs.standards.get(finding.metric)),
        phases=plan_phases(start, length),
        meta={
            "agent_name": inputs.agent_name,
            "team_id": inputs.team_id,
            "program_id": inputs.program_id,
            "time_zone": inputs.time_zone,
            "drafted_as_of": inputs.as_of.isoformat(),
            "finding": {
                "ref": finding.ref,
                "metric": finding.metric,
                "as_of": finding.as_of.isoformat(),
                "periods": list(finding.periods),
            },
        },
    )


def _owner(role: str, lead: str) -> str:
    return f"team lead ({lead})" if role == "team lead" and lead else role


# --- the problem statement ------------------------------------------------------------------


def _finding_weeks(inputs: DraftInputs) -> list[dt.date]:
    return [parse_period(p).start for p in inputs.finding.periods]


def _window_values(inputs: DraftInputs, code: str):
    data = inputs.measures.get(code)
    weeks = set(_finding_weeks(inputs))
    return [w for w in (data.agent if data else ()) if w.week_start in weeks]


def _problem(inputs: DraftInputs) -> str:
    f = inputs.finding
    code = f.metric
    values = _window_values(inputs, code)
    value, n = m.pooled(code, values)
    standard = inputs.standards.get(code)
    floor = standard.sla_floor if standard else None
    periods = ", ".join(f.periods)
    team = _team_range(inputs, code)
    text = (
        f"{m.label(code)} was {m.fmt(code, value)} (n={n} {_noun(code)}) in "
        f"{len(f.periods)} of the last 4 weeks ({periods}), below the SLA floor of "
        f"{m.fmt(code, floor)}{_source(standard)}"
    )
    text += f", while team {inputs.team_id} scored {team} in the same weeks." if team else "."
    misses = [_miss_phrase(inputs, b) for b in f.behaviours[:3]]
    misses = [x for x in misses if x]
    if misses:
        text += f" In those weeks' evaluations, {_join(misses)}."
    sessions = _sessions(inputs)
    if sessions:
        dates = _join([s.coached_on.isoformat() for s in sessions])
        text += (
            f" Coaching on the same subject on {dates} ({len(sessions)} sessions) did not "
            "close the gap."
        )
    return text


def _noun(code: str) -> str:
    return (
        "evaluations"
        if code == "qa" or m.is_behaviour(code)
        else (
            "survey responses" if code in ("csat", "csat_score", "ces", "nps") else "interactions"
        )
    )


def _source(standard: StandardTerm | None) -> str:
    return f" ({standard.source})" if standard and standard.source else ""


def _team_range(inputs: DraftInputs, code: str) -> str:
    data = inputs.measures.get(code)
    if data is None:
        return ""
    weeks = set(_finding_weeks(inputs))
    levels = []
    for agent, series in data.peers.items():
        if agent == inputs.agent_id:
            continue
        value, _ = m.pooled(code, [w for w in series if w.week_start in weeks])
        if value is not None:
            levels.append(value)
    if len(levels) < 2:
        return ""
    median = m.quantile(levels, 0.5)
    return f"a median of {m.fmt(code, median)} across {len(levels)} other agents"


def _miss_phrase(inputs: DraftInputs, behaviour: str) -> str:
    values = _window_values(inputs, m.behaviour_measure(behaviour))
    evaluations = sum(w.n for w in values)
    met = sum(w.numerator for w in values)
    if not evaluations:
        return ""
    return f"{behaviour} was missed in {evaluations - round(met)} of {evaluations}"


def _join(items: Sequence[str], word: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def _sessions(inputs: DraftInputs):
    f = inputs.finding
    return relevant_sessions(
        inputs.coaching, f.metric, f.behaviours, inputs.as_of, DiagnosisConfig()
    )


# --- goals ----------------------------------------------------------------------------------


def _goals(inputs: DraftInputs, length: int) -> tuple[Goal, ...]:
    f = inputs.finding
    due = goal_due_day(length)
    goals: list[Goal] = []
    for behaviour in f.behaviours:
        goal = _behaviour_goal(inputs, behaviour, due)
        if goal is not None and len(goals) < 3:
            goals.append(goal)
    if not goals:
        goals.append(_metric_goal(inputs, f.metric, due))
    pair = CATALOG[f.metric].pair if f.metric in CATALOG else None
    if f.metric == "aht" and pair:
        goals = [*goals[:2], _hold_goal(inputs, pair, due)]
    return tuple(goals)


def _behaviour_goal(inputs: DraftInputs, behaviour: str, due: int) -> Goal | None:
    code = m.behaviour_measure(behaviour)
    baseline, _n = m.pooled(code, _window_values(inputs, code))
    data = inputs.measures.get(code)
    if baseline is None or data is None:
        return None
    levels = [v for a, v in data.peer_levels().items() if a != inputs.agent_id]
    median = m.quantile(levels, 0.5)
    p90 = m.upper_quantile(code, levels, 0.9)
    if median is None or p90 is None:
        return None
    target = min(_round_down(median, 5), p90)
    if target <= baseline:
        return None
    return Goal(catalog.behaviour_action(behaviour, ""), code, round(baseline, 1), target, due)


def _metric_goal(inputs: DraftInputs, code: str, due: int) -> Goal:
    baseline, _ = m.pooled(code, _window_values(inputs, code))
    standard = inputs.standards.get(code)
    target = standard.sla_floor if standard and standard.sla_floor is not None else None
    return Goal(
        catalog.behaviour_action("", code),
        code,
        None if baseline is None else round(baseline, 1),
        target,
        due,
    )


def _hold_goal(inputs: DraftInputs, code: str, due: int) -> Goal:
    data = inputs.measures.get(code)
    recent, _ = m.pooled(code, data.agent[-4:]) if data else (None, 0)
    standard = inputs.standards.get(code)
    floor = standard.sla_floor if standard else None
    candidates = [v for v in (recent, floor) if v is not None]
    target = min(candidates) if m.higher_is_better(code) else max(candidates)
    target = _round_down(target, 1) if m.higher_is_better(code) else math.ceil(target)
    return Goal(
        f"Keep {m.label(code)} where it is while working on speed",
        code,
        None if recent is None else round(recent, 1),
        target,
        due,
        GoalKind.HOLD,
    )


def _round_down(value: float, step: int) -> float:
    return float(math.floor(value / step) * step)


# --- evidence and outcomes ------------------------------------------------------------------


def _evidence(inputs: DraftInputs) -> tuple[EvidenceItem, ...]:
    f, ev = inputs.finding, inputs.evidence
    values = _window_values(inputs, f.metric)
    _, n = m.pooled(f.metric, values)
    items = [
        EvidenceItem(
            "scorecard",
            f"{m.label(f.metric)} weekly scorecards {', '.join(f.periods)} ({n} {_noun(f.metric)})",
            tuple(dict.fromkeys(ev.get("snapshots", ()))),
            n,
        )
    ]
    evaluations = tuple(dict.fromkeys(ev.get("evaluations", ())))
    if evaluations:
        items.append(
            EvidenceItem(
                "qa_evaluations",
                f"{len(evaluations)} QA evaluations"
                + (f" missing {_join(list(f.behaviours), 'or')}" if f.behaviours else ""),
                evaluations,
                len(evaluations),
            )
        )
    interactions = tuple(dict.fromkeys(ev.get("interactions", ())))
    if interactions:
        items.append(
            EvidenceItem(
                "interactions",
                f"{len(interactions)} interactions behind those evaluations",
                interactions,
                len(interactions),
            )
        )
    sessions = _sessions(inputs)
    if sessions:
        items.append(
            EvidenceItem(
                "coaching",
                f"{len(sessions)} coaching sessions on the same "
                f"subject: {_join([s.coached_on.isoformat() for s in sessions])}",
                tuple(s.session_id for s in sessions),
                len(sessions),
            )
        )
    items.append(
        EvidenceItem(
            "diagnosis",
            f.reasons[0] if f.reasons else f"Diagnosis of {f.as_of}",
            (f.ref,) if f.ref else (),
            None,
        )
    )
    return tuple(items)


def _outcomes(code: str, standard: StandardTerm | None) -> Outcomes:
    c = OutcomeConfig()
    floor = (
        (
            f" and {m.label(code)} at or better than the SLA floor of "
            f"{m.fmt(code, standard.sla_floor)}"
        )
        if standard and standard.sla_floor is not None
        else ""
    )
    return Outcomes(
        success=(
            f"Every goal met{floor} in at least {c.weeks_met} of the last {c.final_weeks} "
            "weeks of the plan, not only in the final one or two: a burst before the review "
            "date is not recovery."
        ),
        partial=(
            f"Progress toward the goals (at least half the way from the baseline, or met "
            f"in 2 of the last {c.final_weeks} weeks) without meeting them in "
            f"{c.weeks_met} of {c.final_weeks}: the plan is extended by {EXTENSION_DAYS} "
            "days with goals updated to the latest values."
        ),
        none=(
            "No progress despite the support documented at the checkpoints: HR and the "
            "manager decide between a role change and exit, and record the reason."
        ),
    )
