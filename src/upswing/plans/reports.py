"""Plan reports, always over `visible_plans(user)`: stages, check-ins per lead, outcomes."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict

from django.db.models import Count, Q

from upswing.plans.access import visible_plans
from upswing.plans.models import Checkpoint, PlanOutcome, PlanState, VersionReason


def plans_by_stage(user) -> dict:
    """Counts of visible plans by state, and of closed plans by outcome."""
    plans = visible_plans(user).order_by()
    states = dict.fromkeys(PlanState.values, 0)
    for row in plans.values("state").annotate(n=Count("pk", distinct=True)):
        states[row["state"]] = row["n"]
    outcomes = dict.fromkeys(PlanOutcome.values, 0)
    closed = plans.filter(state=PlanState.CLOSED)
    for row in closed.values("outcome").annotate(n=Count("pk", distinct=True)):
        outcomes[row["outcome"]] = row["n"]
    return {"states": states, "outcomes": outcomes, "total": sum(states.values())}


def checkins_by_lead(user, today: dt.date) -> list[dict]:
    """Per team lead (the one who completed it, or the team's lead email for open ones):
    check-ins due so far, completed, on time, and missed (overdue and not done)."""
    plan_ids = visible_plans(user).values("pk")
    due = (
        Checkpoint.objects.filter(plan__in=plan_ids, cancelled=False, due_on__lte=today)
        .select_related("plan__team", "completed_by")
        .order_by("due_on")
    )
    rows: dict[str, Counter] = defaultdict(Counter)
    for c in due:
        lead = c.completed_by.get_username() if c.completed_by else c.plan.team.lead_email
        lead = lead or f"team {c.plan.team.code}"
        rows[lead]["due"] += 1
        if c.completed_at is not None:
            rows[lead]["completed"] += 1
            rows[lead]["on_time"] += bool(c.on_time)
        elif c.due_on < today:
            rows[lead]["missed"] += 1
    return [
        {
            "lead": lead,
            "due": r["due"],
            "completed": r["completed"],
            "on_time": r["on_time"],
            "missed": r["missed"],
            "on_time_share": round(r["on_time"] / r["due"], 3) if r["due"] else None,
        }
        for lead, r in sorted(rows.items())
    ]


def missed_checkpoints(user, today: dt.date):
    """Overdue, not completed check-ins of active plans (visible to the lead's manager and HR)."""
    return (
        Checkpoint.objects.filter(
            plan__in=visible_plans(user).values("pk"),
            plan__state=PlanState.ACTIVE,
            cancelled=False,
            completed_at__isnull=True,
            due_on__lt=today,
        )
        .select_related("plan__agent", "plan__team")
        .order_by("due_on")
    )


def outcome_analytics(user) -> dict:
    """Across closed plans: outcomes overall and by metric, extensions, length in days."""
    closed = (
        visible_plans(user)
        .filter(state=PlanState.CLOSED)
        .annotate(extensions=Count("versions", filter=Q(versions__reason=VersionReason.EXTENSION)))
    )
    by_metric: dict[str, Counter] = defaultdict(Counter)
    lengths, extended = [], 0
    for plan in closed:
        by_metric[plan.metric][plan.outcome] += 1
        extended += plan.extensions > 0
        if plan.start_date and plan.closed_at:
            lengths.append((plan.closed_at.date() - plan.start_date).days)
    total = sum(sum(c.values()) for c in by_metric.values())
    success = sum(c[PlanOutcome.SUCCESS] for c in by_metric.values())
    decided = total - sum(c[PlanOutcome.WITHDRAWN] for c in by_metric.values())
    return {
        "closed": total,
        "success_rate": round(success / decided, 3) if decided else None,
        "extended": extended,
        "median_days": statistics.median(lengths) if lengths else None,
        "by_metric": {metric: dict(c) for metric, c in sorted(by_metric.items())},
    }
