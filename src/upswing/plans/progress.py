"""A plan's numbers as it runs: goal metrics for checkpoints, and the data for the final review."""

from __future__ import annotations

import datetime as dt

from upswing.findings.diagnosis import last_complete_week
from upswing.periods import week_of
from upswing.plans import rules
from upswing.plans.draft import Placement, load_measures
from upswing.plans.models import Checkpoint, Plan, PlanVersion, VersionReason, VersionStatus
from upswing.plans.rules import measures as m


def terms_in_force(plan: Plan) -> rules.PlanTerms | None:
    version = plan.versions.filter(status=VersionStatus.ACKNOWLEDGED).order_by("-number").first()
    return rules.PlanTerms.from_dict(version.terms) if version else None


def placement(plan: Plan) -> Placement:
    return Placement(plan.agent, plan.team, plan.program)


def plan_series(plan: Plan, terms: rules.PlanTerms, as_of: dt.date) -> dict[str, list]:
    """Weekly values of every measure the plan names, for the agent, up to `as_of`."""
    data = load_measures(placement(plan), terms.metrics, last_complete_week(as_of).start)
    return {code: list(d.agent) for code, d in data.items()}


def checkpoint_metrics(plan: Plan, terms: rules.PlanTerms, as_of: dt.date) -> list[dict]:
    """Each goal's weekly values since the plan started, its latest value and trend."""
    series = plan_series(plan, terms, as_of)
    start = week_of(terms.start_date).start if terms.start_date else None
    out = []
    for i, goal in enumerate(terms.goals):
        weeks = [w for w in series.get(goal.metric, []) if start is None or w.week_start >= start]
        values = [w.value for w in weeks if w.value is not None]
        latest = values[-1] if values else None
        out.append(
            {
                "goal": i,
                "metric": goal.metric,
                "label": m.label(goal.metric),
                "baseline": goal.baseline,
                "target": goal.target,
                "weeks": [
                    {"week": week_of(w.week_start).label, "value": w.value, "n": w.n} for w in weeks
                ],
                "latest": latest,
                "met": latest is not None
                and goal.target is not None
                and m.meets(goal.metric, latest, goal.target),
                "trend": _trend(goal.metric, values),
            }
        )
    return out


def _trend(code: str, values: list[float]) -> str:
    """improving / flat / worsening: the last two weeks against the two before them."""
    if len(values) < 2:
        return "too early"
    recent = sum(values[-2:]) / len(values[-2:])
    earlier = values[:-2][-2:] or values[:1]
    before = sum(earlier) / len(earlier)
    change = m.improvement(code, before, recent)
    tolerance = 2.0 if m.is_percent(code) else abs(before) * 0.03
    if abs(change) <= tolerance:
        return "flat"
    return "improving" if change > 0 else "worsening"


def support_record(plan: Plan, as_of: dt.date) -> rules.SupportRecord:
    checkpoints = list(plan.checkpoints.filter(cancelled=False, due_on__lte=as_of))
    blockers = tuple(
        rules.Blocker(week_of(c.due_on).start, b.get("kind", "other"), b.get("description", ""))
        for c in checkpoints
        for b in c.blockers
    )
    extensions = plan.versions.filter(
        reason=VersionReason.EXTENSION, status=VersionStatus.ACKNOWLEDGED
    ).count()
    return rules.SupportRecord(
        checkpoints_due=len(checkpoints),
        checkpoints_completed=sum(c.completed_at is not None for c in checkpoints),
        checkpoints_on_time=sum(bool(c.on_time) for c in checkpoints),
        coaching_notes=sum(bool(c.coaching_notes.strip()) for c in checkpoints),
        blockers=blockers,
        extensions=extensions,
    )


def review(plan: Plan, as_of: dt.date) -> rules.Review:
    terms = terms_in_force(plan)
    if terms is None:
        raise ValueError(f"plan {plan.pk} has no acknowledged terms to review")
    return rules.review_plan(
        terms, as_of, plan_series(plan, terms, as_of), support_record(plan, as_of)
    )


def schedule_checkpoints(plan: Plan, version: PlanVersion, after: dt.date | None) -> int:
    """Checkpoints of `version` (only those after `after`), replacing unfinished later ones."""
    terms = rules.PlanTerms.from_dict(version.terms)
    days = [d for d in sorted(terms.checkpoints) if after is None or d > after]
    stale = plan.checkpoints.filter(completed_at__isnull=True, cancelled=False)
    if after is not None:
        stale = stale.filter(due_on__gt=after)
    stale.update(cancelled=True)
    final = max(days) if days else None
    start = plan.checkpoints.count()
    Checkpoint.objects.bulk_create(
        Checkpoint(
            plan=plan, plan_version=version, number=start + i + 1, due_on=d, is_final=d == final
        )
        for i, d in enumerate(days)
    )
    return len(days)
