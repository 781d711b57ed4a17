"""Read-side selectors for plans (the CLI's `show` and `export`; pages reuse them)."""

from __future__ import annotations

from upswing.plans import documents, rules
from upswing.plans.models import Plan, VersionStatus


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
