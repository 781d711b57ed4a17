"""Read-side selectors for plans (the CLI's `show` and `export`; pages reuse them)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from upswing.audit.models import AuditEvent
from upswing.plans import documents, rules
from upswing.plans.access import visible_plans
from upswing.plans.models import Checkpoint, Plan, PlanState, VersionStatus


def latest_terms(plan: Plan, *, agent_view: bool = False):
    """The newest version (for the agent: the newest HR has approved) and its terms."""
    versions = plan.versions.order_by("-number")
    if agent_view:
        versions = versions.filter(status__in=[VersionStatus.APPROVED, VersionStatus.ACKNOWLEDGED])
    version = versions.first()
    return version, (rules.PlanTerms.from_dict(version.terms) if version else None)


def plan_summary(plan_id: int) -> dict | None:
    plan = (
        Plan.objects.select_related("agent", "team", "program")
        .prefetch_related("versions", "checkpoints")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        return None
    _, terms = latest_terms(plan)
    return {
        "id": plan.pk,
        "agent": plan.agent.name,
        "agent_code": plan.agent.code,
        "team": plan.team.code,
        "program": plan.program.code,
        "metric": plan.metric,
        "state": plan.state,
        "outcome": plan.outcome,
        "outcome_reason": plan.outcome_reason,
        "start_date": plan.start_date or (terms.start_date if terms else None),
        "end_date": plan.end_date or (terms.end_date if terms else None),
        "version": plan.version,
        "problem_statement": terms.problem_statement if terms else "",
        "versions": [
            {"number": v.number, "reason": v.reason, "status": v.status}
            for v in plan.versions.all()
        ],
        "checkpoints": [
            {
                "number": c.number,
                "due_on": c.due_on,
                "completed": c.completed_at is not None,
                "on_time": c.on_time,
            }
            for c in plan.checkpoints.all()
            if not c.cancelled
        ],
        "review": plan.review,
        "terms": terms.to_dict() if terms else None,
    }


def export_plan(plan_id: int, fmt: str) -> bytes | None:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        return None
    version, terms = latest_terms(plan)
    if terms is None:
        return None
    if fmt == "ics":
        return documents.render_ics(terms, plan_id=plan.pk)
    status = version.get_status_display()
    render = documents.render_pdf if fmt == "pdf" else documents.render_docx
    return render(terms, status=status, version=version.number)


# --- the pages ------------------------------------------------------------------------------

AGENT_TIMELINE_ACTIONS = frozenset(
    {
        "plan.approve",
        "plan.acknowledge",
        "plan.checkpoint.record",
        "plan.checkpoint.reflect",
        "plan.final_review",
        "plan.extend",
        "plan.close",
    }
)
AGENT_VERSION_STATUSES = (
    VersionStatus.APPROVED,
    VersionStatus.ACKNOWLEDGED,
    VersionStatus.SUPERSEDED,
)


def visible_plan_rows(user):
    """The list page's plans: scoped, with agent, team and program joined."""
    return visible_plans(user).select_related("agent", "team", "program")


def plan_versions(plan: Plan, *, agent_view: bool):
    versions = plan.versions.select_related("created_by", "reviewed_by").order_by("-number")
    if agent_view:
        versions = versions.filter(status__in=AGENT_VERSION_STATUSES)
    return list(versions)


def plan_checkpoints(plan: Plan):
    return list(
        plan.checkpoints.filter(cancelled=False).select_related("completed_by").order_by("number")
    )


def plan_timeline(plan: Plan, *, agent_view: bool) -> list:
    """The plan's audit events and its checkpoints', oldest first: the record's own history
    (an agent reads it on the plan page; audit.access keeps the trail browser to HR and admins).

    The agent sees the steps from HR's approval on, never the drafting and review before it,
    nor who downloaded the packet.
    """
    checkpoint_ids = [str(pk) for pk in plan.checkpoints.values_list("pk", flat=True)]
    events = AuditEvent.objects.filter(
        Q(object_type="plans.plan", object_id=str(plan.pk))
        | Q(object_type="plans.checkpoint", object_id__in=checkpoint_ids)
    )
    if agent_view:
        events = events.filter(action__in=AGENT_TIMELINE_ACTIONS)
        if plan.shared_at:
            events = events.filter(at__gte=plan.shared_at - dt.timedelta(seconds=5))
    return list(events.select_related("actor").order_by("at", "pk")[:500])


def open_checkpoints(plans, *, due_by: dt.date):
    """Checkpoints of the plans in force in `plans` not completed and due by `due_by`."""
    return (
        Checkpoint.objects.filter(
            plan__in=plans.values("pk"),
            plan__state=PlanState.ACTIVE,
            completed_at__isnull=True,
            cancelled=False,
            due_on__lte=due_by,
        )
        .select_related("plan__agent")
        .order_by("due_on", "plan_id", "number")
    )


def plans_in_state(plans, state: str):
    """The plans of `plans` in one workflow state, oldest first."""
    return plans.filter(state=state).order_by("updated_at", "pk")


def plans_to_acknowledge(plans, agent_ids):
    """Plans of these agents whose approved version awaits the agent's acknowledgement."""
    return (
        plans.filter(agent_id__in=agent_ids, versions__status=VersionStatus.APPROVED)
        .order_by("pk")
        .distinct()
    )
