"""Who may read the audit trail: the only door to it.

- admin (an admin grant or a superuser): every event.
- HR: every event about people's records, whatever the program: the object types in
  `HR_OBJECT_TYPES` (improvement plans, coaching, diagnosis findings, targets, imports).
  Scoping HR to the programs they cover would need each event to carry its program, which a
  generic trail does not know for every object type; HR partners review plans across the sites
  they cover (DESIGN.md, Roles), so the wider reach is the documented choice. Events about
  configuration (role grants, users, settings) stay admin-only.
- everyone else: nothing (an agent reads their own records' history on those records' pages).

`access_audit_event_by_id` answers the same "not found" for a missing and a forbidden event.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from upswing.audit.models import AuditEvent
from upswing.org.access import reach_of
from upswing.org.models import Role

IMPORT_OBJECT_TYPE = "ingest.import"  # object_type for import runs (action "import.<kind>")

# Whole apps whose every model is a person's record...
HR_APP_LABELS = frozenset({"plans", "coaching"})
# ...and single object types elsewhere.
HR_OBJECT_TYPES = frozenset({"performance.finding", "performance.target", IMPORT_OBJECT_TYPE})


def hr_object_types_q() -> Q:
    q = Q(object_type__in=HR_OBJECT_TYPES)
    for label in sorted(HR_APP_LABELS):
        q |= Q(object_type__startswith=f"{label}.")
    return q


def visible_audit_events(user) -> QuerySet[AuditEvent]:
    reach = reach_of(user)
    if reach.is_admin:
        return AuditEvent.objects.all()
    if Role.HR in reach.roles:
        return AuditEvent.objects.filter(hr_object_types_q())
    return AuditEvent.objects.none()


def can_browse_audit(user) -> bool:
    reach = reach_of(user)
    return reach.is_admin or Role.HR in reach.roles


def access_audit_event_by_id(user, event_id: int) -> AuditEvent:
    event = visible_audit_events(user).select_related("actor").filter(pk=event_id).first()
    if event is None:
        raise Http404("No audit event with that id.")
    return event
