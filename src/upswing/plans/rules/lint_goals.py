"""Lint rules on goals: how many, measurable, realistic, supported, controllable, paired."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

from upswing.metrics import CATALOG
from upswing.plans.rules import measures as m
from upswing.plans.rules.context import MeasureData
from upswing.plans.rules.problems import E, LintConfig, Problem, W
from upswing.plans.rules.terms import GoalKind, PlanTerms, SupportKind

SPEED_GUARDS = {"aht": ("fcr", "reopen", "qa", "csat"), "volume": ("fcr", "qa", "aht")}

# --- goals ----------------------------------------------------------------------------------


def too_many_goals(terms: PlanTerms, context, config) -> Iterator[Problem]:
    if len(terms.goals) > config.max_goals:
        yield Problem(
            "too-many-goals",
            E,
            "goals",
            f"The plan has {len(terms.goals)} goals; keep the {config.max_goals} that matter most "
            "for the gap and drop or merge the rest.",
            {"goals": len(terms.goals), "max": config.max_goals},
        )


def goal_not_measurable(terms: PlanTerms, context, config) -> Iterator[Problem]:
    if not terms.goals:
        yield Problem(
            "goal-not-measurable",
            E,
            "goals",
            "The plan has no goals; add one per behaviour behind the gap, each with a "
            "metric, baseline, target and due day.",
            {},
        )
    for i, goal in enumerate(terms.goals):
        where = f"goals[{i}]"
        for message in _unmeasurable(goal, terms.length_days):
            yield Problem(
                "goal-not-measurable",
                E,
                where,
                message,
                {
                    "metric": goal.metric,
                    "baseline": goal.baseline,
                    "target": goal.target,
                    "due_day": goal.due_day,
                },
            )


def _unmeasurable(goal, length_days) -> Iterator[str]:
    if not goal.behavior:
        yield "Name the behaviour the goal asks for (what the agent will do differently)."
    if not m.is_known(goal.metric):
        yield (
            f"{goal.metric or 'No metric'} is not a measure Upswing tracks; use a metric "
            f"code ({', '.join(CATALOG)}) or a QA behaviour as qa.<behaviour>."
        )
        return
    if m.higher_is_better(goal.metric) is None:
        yield f"{m.label(goal.metric)} has no better direction; pick a metric that does."
        return
    if goal.baseline is None or goal.target is None:
        yield "Give the baseline (the agent's current value) and the target as numbers."
    elif m.is_percent(goal.metric) and not (0 <= goal.target <= 100 and 0 <= goal.baseline <= 100):
        yield f"{m.label(goal.metric)} is a percentage: baseline and target must be 0 to 100."
    elif (
        goal.kind is GoalKind.IMPROVE
        and m.improvement(goal.metric, goal.baseline, goal.target) <= 0
    ):
        yield (
            f"The target {m.fmt(goal.metric, goal.target)} does not improve on the baseline "
            f"{m.fmt(goal.metric, goal.baseline)}; set a better target, or make it a hold "
            "goal."
        )
    if goal.due_day is None:
        yield "Give the day of the plan by which the target is due (due_day)."
    elif length_days and not 1 <= goal.due_day <= length_days:
        yield f"due_day {goal.due_day} is outside the plan's {length_days} days."


def unrealistic_target(terms: PlanTerms, context, config) -> Iterator[Problem]:
    for i, goal in enumerate(terms.goals):
        if goal.baseline is None or goal.target is None or m.higher_is_better(goal.metric) is None:
            continue
        data = context.measures.get(goal.metric) if context is not None else None
        if data is None:
            yield Problem(
                "unrealistic-target",
                W,
                f"goals[{i}]",
                f"Could not check the target against the team: no data on "
                f"{m.label(goal.metric)} for this agent's team.",
                {},
            )
            continue
        yield from _realism(i, goal, data, config)


def _realism(i: int, goal, data: MeasureData, config: LintConfig) -> Iterator[Problem]:
    code, where = goal.metric, f"goals[{i}]"
    levels = data.peer_levels()
    p90 = m.upper_quantile(code, list(levels.values()), config.team_quantile)
    evidence = {"team_agents": len(levels), "team_p90": p90, "target": goal.target}
    above_team = (
        len(levels) >= config.min_team_agents
        and p90 is not None
        and m.improvement(code, p90, goal.target) > 1e-9
    )
    if above_team:
        yield Problem(
            "unrealistic-target",
            E,
            where,
            f"The target {m.fmt(code, goal.target)} is better than the team's 90th "
            f"percentile ({m.fmt(code, p90)} over {len(levels)} agents): set it at or "
            "below what most of the team reaches, e.g. the SLA floor.",
            evidence,
        )
        return
    if goal.kind is GoalKind.HOLD or not goal.due_day:
        return
    own = _own_best(code, goal.target, data.agent, config)
    needed = m.improvement(code, goal.baseline, goal.target)
    weeks = max(1, math.ceil(goal.due_day / 7))
    jump = _largest_peer_jump(code, data.peers, weeks)
    evidence |= {
        "needed": needed,
        "weeks": weeks,
        "largest_peer_jump": jump,
        "agent_held_target_before": own,
    }
    if own or jump is None or needed <= jump + 1e-9:
        return
    yield Problem(
        "unrealistic-target",
        E,
        where,
        f"Reaching {m.fmt(code, goal.target)} from {m.fmt(code, goal.baseline)} in {weeks} weeks "
        f"is a jump of {_amount(code, needed)}; no teammate has improved by more than "
        f"{_amount(code, jump)} in {weeks} weeks, and the agent has not held this level before. "
        "Give more time (a later due day) or an intermediate target.",
        evidence,
    )


def _amount(code: str, number: float) -> str:
    return f"{number:.1f} points" if m.is_percent(code) else m.fmt(code, abs(number))


def _own_best(code: str, target: float, weeks, config: LintConfig) -> bool:
    """Whether the agent's own history holds the target in k of some m consecutive weeks."""
    values = [w.value for w in weeks]
    span, need = config.sustained_window, config.sustained_weeks
    for start in range(0, max(0, len(values) - span + 1)):
        window = values[start : start + span]
        if sum(v is not None and m.meets(code, v, target) for v in window) >= need:
            return True
    return False


def _largest_peer_jump(code: str, peers: dict, weeks: int) -> float | None:
    """The largest improvement any teammate made between two weeks `weeks` apart."""
    best = None
    for series in peers.values():
        by_week = {w.week_start: w.value for w in series if w.value is not None}
        for start, value in by_week.items():
            later = by_week.get(start + _weeks(weeks))
            if later is not None:
                gain = m.improvement(code, value, later)
                best = gain if best is None else max(best, gain)
    return best


def _weeks(n: int) -> dt.timedelta:
    return dt.timedelta(weeks=n)


def goal_without_support(terms: PlanTerms, context, config) -> Iterator[Problem]:
    kinds = {k.value for k in SupportKind}
    for j, action in enumerate(terms.support):
        where = f"support[{j}]"
        if action.goal is None or not 0 <= action.goal < len(terms.goals):
            yield Problem(
                "goal-without-support",
                E,
                where,
                f"This support action points at goal {action.goal}, which the plan does "
                "not have; give the index of the goal it supports.",
                {},
            )
        missing = [n for n in ("cadence", "owner") if not getattr(action, n)]
        if action.kind not in kinds:
            missing.append(f"a kind ({', '.join(sorted(kinds))})")
        if missing:
            yield Problem(
                "goal-without-support",
                E,
                where,
                f"Support needs {', '.join(missing)}: say how often and who delivers it.",
                {"kind": action.kind},
            )
    for i, goal in enumerate(terms.goals):
        if not any(s.goal == i for s in terms.support):
            yield Problem(
                "goal-without-support",
                E,
                f"goals[{i}]",
                f'No support for the goal "{goal.behavior or goal.metric}": add at '
                "least one action (one-to-one, side-by-side, refresher training, job "
                "aid, peer shadowing, call review) with a cadence and an owner.",
                {},
            )


def uncontrollable_metric(terms: PlanTerms, context, config) -> Iterator[Problem]:
    for i, goal in enumerate(terms.goals):
        if goal.metric in CATALOG and not m.agent_controls(goal.metric):
            yield Problem(
                "uncontrollable-metric",
                E,
                f"goals[{i}]",
                f"{m.label(goal.metric)} is not under the agent's control "
                f"({CATALOG[goal.metric].risk_alone}) Set the goal on a behaviour or metric the "
                "agent controls.",
                {"metric": goal.metric},
            )


def unpaired_speed_goal(terms: PlanTerms, context, config) -> Iterator[Problem]:
    metrics = {"qa" if m.is_behaviour(g.metric) else g.metric for g in terms.goals}
    for i, goal in enumerate(terms.goals):
        guards = SPEED_GUARDS.get(goal.metric)
        if guards and not metrics & set(guards):
            pair = CATALOG[goal.metric].pair
            yield Problem(
                "unpaired-speed-goal",
                E,
                f"goals[{i}]",
                f"A {m.label(goal.metric)} goal alone rewards rushing: add a hold goal on "
                f"{m.label(pair)} (e.g. not below its current value) so speed is read with "
                "resolution.",
                {"metric": goal.metric, "guards": list(guards)},
            )
