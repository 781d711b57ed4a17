"""Corrective action plans: the checks a plan must pass (the PIP lint's ideas at program
level) and the reading of its outcome on sustained data. Pure: no Django, no Ibis, no I/O."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from upswing.governance.rules.breaches import WindowValue
from upswing.governance.rules.contracts import is_worse
from upswing.metrics import CATALOG, Better, min_sample

MAX_GOALS = 3
SUSTAINED_WINDOWS = 2  # consecutive closed months at or past the goal's target


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    rule: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class Goal:
    metric: str
    baseline: float | None
    target: float
    due_on: dt.date


@dataclass(frozen=True, slots=True)
class Action:
    description: str
    owner: str
    due_on: dt.date | None
    done_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CapTerms:
    opened_on: dt.date
    due_on: dt.date
    root_cause: str
    findings: tuple[int, ...]
    goals: tuple[Goal, ...]
    actions: tuple[Action, ...]
    checkpoints: tuple[dt.date, ...]
    floors: tuple[tuple[str, float], ...] = ()  # the contract's floors, (metric, floor)


def lint_cap(terms: CapTerms) -> list[Problem]:
    """Every problem of the plan, errors first; an empty list is a plan that can run."""
    problems = _root_cause(terms) + _goals(terms) + _actions(terms) + _checkpoints(terms)
    return sorted(problems, key=lambda p: p.severity is not Severity.ERROR)


def _error(rule: str, message: str) -> Problem:
    return Problem(rule, Severity.ERROR, message)


def _root_cause(terms: CapTerms) -> list[Problem]:
    if len(terms.root_cause.split()) < 5:
        return [_error("vague-root-cause", "State the root cause in a sentence or more.")]
    if not terms.findings:
        return [
            Problem(
                "unsupported-root-cause",
                Severity.WARNING,
                "No systemic finding supports the root cause; cite the diagnosis.",
            )
        ]
    return []


def _goals(terms: CapTerms) -> list[Problem]:
    if not terms.goals:
        return [_error("no-goals", "Give at least one measurable goal.")]
    out = []
    if len(terms.goals) > MAX_GOALS:
        out.append(
            _error(
                "too-many-goals", f"At most {MAX_GOALS} goals; this plan has {len(terms.goals)}."
            )
        )
    floors = dict(terms.floors)
    for goal in terms.goals:
        out += _goal(goal, floors.get(goal.metric), terms)
    return out


def _goal(goal: Goal, floor: float | None, terms: CapTerms) -> list[Problem]:
    metric = CATALOG.get(goal.metric)
    label = metric.label if metric else goal.metric
    if metric is None or metric.better is Better.NEITHER:
        return [_error("goal-not-measurable", f"{label} has no better direction to aim for.")]
    out = []
    if goal.baseline is not None and not is_worse(goal.metric, goal.baseline, goal.target):
        out.append(
            _error("goal-not-an-improvement", f"The {label} target is no better than its baseline.")
        )
    if floor is not None and is_worse(goal.metric, goal.target, floor):
        out.append(
            _error("goal-below-floor", f"The {label} target is worse than the contract's floor.")
        )
    if not terms.opened_on < goal.due_on <= terms.due_on:
        out.append(
            _error("goal-outside-plan", f"The {label} goal is due outside the plan's dates.")
        )
    return out


def _actions(terms: CapTerms) -> list[Problem]:
    if not terms.actions:
        return [
            _error("no-actions", "Give the actions that will get there, with owners and dates.")
        ]
    out = []
    for i, action in enumerate(terms.actions, start=1):
        if not action.owner.strip():
            out.append(_error("action-without-owner", f"Action {i} has no owner."))
        if action.due_on is None:
            out.append(_error("action-without-date", f"Action {i} has no due date."))
    return out


def _checkpoints(terms: CapTerms) -> list[Problem]:
    if not terms.checkpoints:
        return [_error("no-checkpoints", "Schedule checkpoints to review progress.")]
    if any(not terms.opened_on < c <= terms.due_on for c in terms.checkpoints):
        return [_error("checkpoint-outside-plan", "A checkpoint falls outside the plan's dates.")]
    return []


class Reading(enum.StrEnum):
    SUSTAINED = "sustained"
    LATE_BURST = "late_burst"
    NOT_MET = "not_met"
    TOO_EARLY = "too_early"


@dataclass(frozen=True, slots=True)
class GoalReading:
    metric: str
    reading: Reading
    sentence: str


def read_goal(goal: Goal, months: Sequence[WindowValue], opened_on: dt.date) -> GoalReading:
    """Recovery is the last SUSTAINED_WINDOWS closed months after the plan opened all at or
    past the target, each on enough observations; one good last month is a late burst."""
    label = CATALOG[goal.metric].label
    after = sorted(
        (m for m in months if m.start > opened_on and not m.partial), key=lambda m: m.start
    )
    judged = [m for m in after if m.value is not None and m.n >= min_sample(goal.metric)]
    if len(judged) < SUSTAINED_WINDOWS:
        return GoalReading(
            goal.metric,
            Reading.TOO_EARLY,
            f"{label}: {len(judged)} judged month(s) since the plan opened; "
            f"{SUSTAINED_WINDOWS} are needed to read recovery.",
        )
    last = judged[-SUSTAINED_WINDOWS:]
    met = [not is_worse(goal.metric, m.value, goal.target) for m in last]
    if all(met):
        reading = Reading.SUSTAINED
        sentence = f"target met in each of the last {SUSTAINED_WINDOWS} judged months"
    elif met[-1]:
        reading = Reading.LATE_BURST
        sentence = (
            f"target met in the last judged month but not in each of the last "
            f"{SUSTAINED_WINDOWS}: a late burst is not recovery"
        )
    else:
        reading, sentence = Reading.NOT_MET, "target not met in the last judged month"
    return GoalReading(goal.metric, reading, f"{label}: {sentence}.")


def read_outcome(readings: Sequence[GoalReading]) -> Reading:
    """The plan's reading: sustained only when every goal is; too early if any is."""
    kinds = {r.reading for r in readings}
    if not readings or Reading.TOO_EARLY in kinds:
        return Reading.TOO_EARLY
    if kinds == {Reading.SUSTAINED}:
        return Reading.SUSTAINED
    return Reading.LATE_BURST if Reading.LATE_BURST in kinds else Reading.NOT_MET
