"""A data-subject export: everything Upswing holds about one person, as JSON and as PDF.

The person's agent record and memberships, their coaching sessions (notes included: they
are the person's data) and agreed actions, plans with every version and check-in, findings,
scorecard rows, legal holds, and the audit events about those records (who changed what,
when; names of other people are not added).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.forms.models import model_to_dict
from django.template.loader import render_to_string
from django.utils import timezone

from upswing.audit.actions import jsonable
from upswing.audit.models import AuditEvent
from upswing.coaching.models import ActionItem, CoachingSession
from upswing.org.models import Agent
from upswing.performance.models import Finding, ScorecardSnapshot
from upswing.plans.models import Checkpoint, Plan, PlanVersion


def _rows(queryset, exclude: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [
        {"id": obj.pk, **jsonable(model_to_dict(obj, exclude=list(exclude)))} for obj in queryset
    ]


def person_export(agent: Agent) -> dict[str, Any]:
    sessions = CoachingSession.objects.filter(agent=agent).order_by("coached_at")
    plans = Plan.objects.filter(agent=agent).order_by("pk")
    records = {
        "org.agent": [agent.pk],
        "coaching.coachingsession": list(sessions.values_list("pk", flat=True)),
        "plans.plan": list(plans.values_list("pk", flat=True)),
        "org.membership": list(agent.memberships.values_list("pk", flat=True)),
    }
    about = Q(pk__in=[])
    for object_type, ids in records.items():
        about |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    events = AuditEvent.objects.filter(about).order_by("seq")
    return {
        "exported_at": jsonable(timezone.now()),
        "person": {"id": agent.pk, **jsonable(model_to_dict(agent, exclude=["user"]))},
        "memberships": _rows(agent.memberships.select_related("team").order_by("start_date")),
        "coaching_sessions": _rows(sessions, exclude=("coach",)),
        "agreed_actions": _rows(ActionItem.objects.filter(session__in=sessions), ("owner",)),
        "plans": _rows(plans, exclude=("created_by",)),
        "plan_versions": _rows(
            PlanVersion.objects.filter(plan__in=plans).order_by("plan_id", "number"),
            exclude=("created_by", "reviewed_by"),
        ),
        "checkpoints": _rows(
            Checkpoint.objects.filter(plan__in=plans).order_by("plan_id", "number"),
            exclude=("completed_by",),
        ),
        "findings": _rows(Finding.objects.filter(agent_code=agent.code).order_by("as_of")),
        "scorecards": _rows(
            ScorecardSnapshot.objects.filter(level="agent", entity_code=agent.code).order_by(
                "period_start", "metric"
            )
        ),
        "legal_holds": _rows(agent.legal_holds.order_by("placed_at"), exclude=("placed_by",)),
        "audit_events": [
            {
                "seq": e.seq,
                "at": jsonable(e.at),
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "changes": e.changes,
                "reason": e.reason,
            }
            for e in events
        ],
    }


def person_export_pdf(data: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # loads Pango on use

    sections = [
        (name.replace("_", " ").capitalize(), rows)
        for name, rows in data.items()
        if isinstance(rows, list)
    ]
    html = render_to_string("privacy/export.html", {"data": data, "sections": sections})
    return HTML(string=html).write_pdf()
