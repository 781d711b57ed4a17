"""Who may read the audit trail: the only door to it.

- admin (an admin grant or a superuser): every event.
- HR: events about people's records *they may see* — the same doors as the records' own
  pages (`HR_DOORS`: plans and their checkpoints, coaching sessions and their actions,
  findings, targets, agents and memberships). HR granted one client never reads the events of
  another client's coaching or plans. Events about configuration (role grants, users,
  settings) and whole import runs (they span programs) stay admin-only.
- everyone else: nothing (an agent reads their own records' history on those records' pages).

`access_audit_event_by_id` answers the same "not found" for a missing and a forbidden event.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from upswing.audit.models import AuditEvent
from upswing.org.access import reach_of
from upswing.org.models import Role


def _plans(user) -> QuerySet:
    from upswing.plans.access import visible_plans

    return visible_plans(user)


def _checkpoints(user) -> QuerySet:
    from upswing.plans.models import Checkpoint

    return Checkpoint.objects.filter(plan__in=_plans(user).values("pk"))


def _sessions(user) -> QuerySet:
    from upswing.coaching.access import visible_sessions

    return visible_sessions(user)


def _action_items(user) -> QuerySet:
    from upswing.coaching.models import ActionItem

    return ActionItem.objects.filter(session__in=_sessions(user).values("pk"))


def _findings(user) -> QuerySet:
    from upswing.findings.access import visible_findings

    return visible_findings(user)


def _targets(user) -> QuerySet:
    from upswing.org.access import visible_programs
    from upswing.performance.models import Target

    return Target.objects.filter(program__in=visible_programs(user).values("pk"))


def _agents(user) -> QuerySet:
    from upswing.org.access import visible_agents

    return visible_agents(user)


def _memberships(user) -> QuerySet:
    from upswing.org.access import visible_teams
    from upswing.org.models import Membership

    return Membership.objects.filter(team__in=visible_teams(user).values("pk"))


# object_type -> the records of that type the user may see (their own pages' doors).
HR_DOORS: dict[str, Callable[[object], QuerySet]] = {
    "plans.plan": _plans,
    "plans.checkpoint": _checkpoints,
    "coaching.coachingsession": _sessions,
    "coaching.actionitem": _action_items,
    "performance.finding": _findings,
    "performance.target": _targets,
    "org.agent": _agents,
    "org.membership": _memberships,
}


def hr_scope_q(user) -> Q:
    """Events whose record is one the user may see, through that record's own door."""
    q = Q(pk__in=[])
    for object_type, door in HR_DOORS.items():
        keys = door(user).order_by().annotate(_key=Cast("pk", CharField())).values("_key")
        q |= Q(object_type=object_type, object_id__in=keys)
    return q


def visible_audit_events(user) -> QuerySet[AuditEvent]:
    reach = reach_of(user)
    if reach.is_admin:
        return AuditEvent.objects.all()
    if Role.HR in reach.roles:
        return AuditEvent.objects.filter(hr_scope_q(user))
    return AuditEvent.objects.none()


def can_browse_audit(user) -> bool:
    reach = reach_of(user)
    return reach.is_admin or Role.HR in reach.roles


def access_audit_event_by_id(user, event_id: int) -> AuditEvent:
    event = visible_audit_events(user).select_related("actor").filter(pk=event_id).first()
    if event is None:
        raise Http404("No audit event with that id.")
    return event
