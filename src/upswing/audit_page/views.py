"""The audit trail page for HR and admins: browse and filter, newest first, paged."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from upswing.audit.queries import filter_audit_events
from upswing.audit_page.access import can_browse_audit, visible_audit_events
from upswing.audit_page.forms import AuditFilterForm
from upswing.tables.pickers import range_picker
from upswing.tables.rules.table import Column, TableSpec
from upswing.tables.web import bind_table, export_any

EVENTS_TABLE = TableSpec(
    name="audit-trail",
    title="Audit events",
    columns=(
        Column("at", "When", field="at", searchable=False),
        Column("who", "Who", lambda e: e.actor_label or "", field="actor_label"),
        Column("role", "Role", field="role"),
        Column("action", "Action", field="action"),
        Column(
            "object",
            "Object",
            lambda e: f"{e.object_type} #{e.object_id}" if e.object_type else "",
            field="object_type",
        ),
        Column("changes", "Changes", lambda e: _changes_text(e.changes), sortable=False),
        Column("reason", "Reason", field="reason"),
        Column("request", "Request", lambda e: e.request_id or "", sortable=False),
    ),
    default_sort="-at",
    noun="event",
)


def _changes_text(changes) -> str:
    if not changes:
        return ""
    return "; ".join(f"{name}: {pair[0]} → {pair[1]}" for name, pair in changes.items())


@login_required
@never_cache
@require_safe
def audit_events_page(request):
    if not can_browse_audit(request.user):
        raise PermissionDenied("The audit trail is open to HR partners and administrators.")
    form = AuditFilterForm(request.GET or None)
    events = visible_audit_events(request.user)
    status = 200
    if form.is_bound and form.is_valid():
        events = filter_audit_events(events, form.to_filter())
    elif form.is_bound:
        events, status = events.none(), 400
    else:
        events = events.select_related("actor")
    picker = range_picker(request, settings.TIME_ZONE)
    if picker.chosen:
        start, end = picker.bounds
        events = events.filter(at__gte=start, at__lt=end)
    table = bind_table(request, EVENTS_TABLE, events.order_by("-at", "-id"))
    if status == 200 and (response := export_any(request, table)):
        return response
    context = {"form": form, "table": table, "picker": picker}
    return render(request, "audit/events.html", context, status=status)
