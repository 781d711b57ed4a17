"""Hand-built plans and lint contexts for the pure plan rules."""

from __future__ import annotations

import dataclasses
import datetime as dt

from upswing.findings.rules import CoachingRecord
from upswing.metrics import CATALOG, Aggregate
from upswing.plans.rules import (
    DiagnosisNote,
    EvidenceItem,
    Goal,
    LintContext,
    MeasureData,
    Outcomes,
    PlanTerms,
    StandardTerm,
    SupportAction,
    WeekValue,
    plan_phases,
    weekly_checkpoints,
)
from upswing.plans.rules import measures as m

START = dt.date(2026, 11, 23)  # a Monday
AS_OF = dt.date(2026, 11, 22)
FIRST_WEEK = dt.date(2026, 6, 1)  # history runs 26 weeks to 2026-W47


def weeks(
    values, code: str = "qa.x", first: dt.date = FIRST_WEEK, n: int = 10
) -> tuple[WeekValue, ...]:
    """Weekly values from `first`; None is a week without data (numerator as the metric sums)."""
    share = m.is_behaviour(code) or CATALOG[code].aggregate is Aggregate.SHARE
    scale = n / 100 if share else n
    return tuple(
        WeekValue(first + dt.timedelta(weeks=i), v, n if v is not None else 0, (v or 0) * scale)
        for i, v in enumerate(values)
    )


def good_terms(**changes) -> PlanTerms:
    terms = PlanTerms(
        agent_id="A1",
        problem_statement=(
            "QA was 62.0% (n=9 evaluations) in 3 of the last 4 weeks (2026-W44, 2026-W45, "
            "2026-W46), below the SLA floor of 85.0% (QA criteria v3)."
        ),
        standards=(StandardTerm("qa", 85.0, 90.0, "QA criteria v3", "mean evaluation score"),),
        evidence=(EvidenceItem("scorecard", "QA weekly scorecards", ("1", "2"), 9),),
        goals=(
            Goal("Acknowledge the customer's situation", "qa.empathy", 20.0, 80.0, 60),
            Goal("Meet every QA criterion", "qa", 62.0, 85.0, 60),
        ),
        support=(
            SupportAction(0, "side_by_side", "weekly, 30 minutes", "team lead"),
            SupportAction(1, "call_review", "weekly, 2 contacts", "QA analyst"),
        ),
        start_date=START,
        length_days=90,
        checkpoints=weekly_checkpoints(START, 90),
        outcomes=Outcomes(
            "Every goal met in at least 3 of the last 4 weeks.",
            "Extended by 30 days.",
            "Role change or exit, decided by people.",
        ),
        phases=plan_phases(START, 90),
    )
    return dataclasses.replace(terms, **changes)


def team(code: str, agent, peers: dict) -> MeasureData:
    return MeasureData(code, weeks(agent, code), {a: weeks(v, code) for a, v in peers.items()})


def good_context(**changes) -> LintContext:
    peers = {f"P{i}": [80.0 + i, 82.0 + i, 84.0 + i, 86.0 + i] * 6 for i in range(6)}
    context = LintContext(
        as_of=AS_OF,
        measures={
            "qa": team("qa", [92.0] * 16 + [70.0] * 8, peers),
            "qa.empathy": team("qa.empathy", [90.0] * 16 + [20.0] * 8, peers),
            "aht": team("aht", [500.0] * 24, {f"P{i}": [480.0 + 5 * i] * 24 for i in range(5)}),
            "fcr": team("fcr", [75.0] * 24, {f"P{i}": [74.0 + i] * 24 for i in range(5)}),
        },
        coaching=(
            CoachingRecord("c1", "A1", dt.date(2026, 10, 6), "one_to_one", "qa", "empathy"),
            CoachingRecord("c2", "A1", dt.date(2026, 11, 5), "side_by_side", "qa", "empathy"),
        ),
        diagnosis=(
            DiagnosisNote("qa", "sustained_gap", "individual", "pip", AS_OF, ("2026-W44",)),
        ),
    )
    return dataclasses.replace(context, **changes)
