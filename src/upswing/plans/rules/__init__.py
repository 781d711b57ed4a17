"""Pure rules for performance improvement plans: terms, lint, schedule, outcome, drafting.

No Django, no Ibis (numpy only): frozen dataclasses in, frozen dataclasses out.
"""

from upswing.plans.rules.compose import DraftInputs, DraftRefused, compose_plan
from upswing.plans.rules.context import DiagnosisNote, LintContext, MeasureData
from upswing.plans.rules.lint import RULE_IDS, LintConfig, Problem, Severity, has_errors, lint_plan
from upswing.plans.rules.measures import WeekValue
from upswing.plans.rules.outcome import (
    Blocker,
    OutcomeConfig,
    Review,
    SupportRecord,
    Verdict,
    extended_terms,
    review_plan,
)
from upswing.plans.rules.schedule import plan_phases, plan_start, weekly_checkpoints
from upswing.plans.rules.terms import (
    EvidenceItem,
    Goal,
    GoalKind,
    Outcomes,
    PlanTerms,
    StandardTerm,
    SupportAction,
    SupportKind,
)

__all__ = [
    "RULE_IDS",
    "Blocker",
    "DiagnosisNote",
    "DraftInputs",
    "DraftRefused",
    "EvidenceItem",
    "Goal",
    "GoalKind",
    "LintConfig",
    "LintContext",
    "MeasureData",
    "OutcomeConfig",
    "Outcomes",
    "PlanTerms",
    "Problem",
    "Review",
    "Severity",
    "StandardTerm",
    "SupportAction",
    "SupportKind",
    "SupportRecord",
    "Verdict",
    "WeekValue",
    "compose_plan",
    "extended_terms",
    "has_errors",
    "lint_plan",
    "plan_phases",
    "plan_start",
    "review_plan",
    "weekly_checkpoints",
]
