"""Plan lint: every rule of a fair, specific plan, each with its id, severity and evidence.

`lint_plan(terms, context)` returns one Problem per finding, errors first. A plan with any
error is not submitted for review. `context` is the system's data for the plan's agent; without
it the data-dependent rules say they could not check (a warning), never that all is well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from upswing.plans.rules.context import LintContext
from upswing.plans.rules.lint_fairness import (
    no_checkpoints,
    no_evidence,
    no_outcome_criteria,
    no_prior_coaching,
    systemic_cause,
    vague_problem,
)
from upswing.plans.rules.lint_goals import (
    goal_not_measurable,
    goal_without_support,
    too_many_goals,
    uncontrollable_metric,
    unpaired_speed_goal,
    unrealistic_target,
)
from upswing.plans.rules.problems import E, LintConfig, Problem, Severity
from upswing.plans.rules.terms import PlanTerms

__all__ = ["RULES", "RULE_IDS", "LintConfig", "Problem", "Severity", "has_errors", "lint_plan"]

RULE_IDS = (
    "vague-problem",
    "too-many-goals",
    "goal-not-measurable",
    "unrealistic-target",
    "goal-without-support",
    "no-checkpoints",
    "no-outcome-criteria",
    "no-evidence",
    "systemic-cause",
    "no-prior-coaching",
    "uncontrollable-metric",
    "unpaired-speed-goal",
)
Rule = Callable[[PlanTerms, LintContext | None, LintConfig], Iterator[Problem]]


def lint_plan(
    terms: PlanTerms, context: LintContext | None = None, config: LintConfig | None = None
) -> tuple[Problem, ...]:
    config = config or LintConfig()
    problems = [
        Problem("invalid-shape", E, "plan", f"{error}; fix the JSON.", {})
        for error in terms.shape_errors
    ]
    for rule in RULES:
        problems.extend(rule(terms, context, config))
    return tuple(sorted(problems, key=lambda p: p.severity is not Severity.ERROR))


def has_errors(problems) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


RULES: tuple[Rule, ...] = (
    vague_problem,
    too_many_goals,
    goal_not_measurable,
    unrealistic_target,
    goal_without_support,
    no_checkpoints,
    no_outcome_criteria,
    no_evidence,
    systemic_cause,
    no_prior_coaching,
    uncontrollable_metric,
    unpaired_speed_goal,
)
