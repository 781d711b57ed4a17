"""Read-side selectors for the audit trail: filters for the browse page and the API.

Always start from `access.visible_audit_events(user)`; these only narrow it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from upswing.audit.models import AuditEvent


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the browse page can filter on; every part optional.

    action: exact ("plan.approve") or, ending in ".", a prefix ("plan." = every plan action).
    since/until: dates are whole days in the current time zone, both ends included;
    datetimes are instants (since included, until excluded).
    """

    actor_id: int | None = None
    actor_label: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: dt.date | dt.datetime | None = None
    until: dt.date | dt.datetime | None = None


def filter_audit_events(events: QuerySet[AuditEvent], f: AuditFilter) -> QuerySet[AuditEvent]:
    if f.actor_id is not None:
        events = events.filter(actor_id=f.actor_id)
    if f.actor_label:
        events = events.filter(actor_label=f.actor_label)
    if f.action:
        lookup = "action__startswith" if f.action.endswith(".") else "action"
        events = events.filter(**{lookup: f.action})
    if f.object_type:
        events = events.filter(object_type=f.object_type)
    if f.object_id:
        events = events.filter(object_id=str(f.object_id))
    if f.since is not None:
        events = events.filter(at__gte=_start(f.since))
    if f.until is not None:
        events = events.filter(at__lt=_end(f.until))
    return events.select_related("actor")


def events_about(events: QuerySet[AuditEvent], obj: models.Model) -> QuerySet[AuditEvent]:
    """The history of one record, newest first."""
    return filter_audit_events(
        events, AuditFilter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    )


def _start(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def _end(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return _start(value + dt.timedelta(days=1))
