"""The audit trail page for HR and admins: browse and filter, newest first, paged."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from upswing.audit.access import can_browse_audit, visible_audit_events
from upswing.audit.forms import AuditFilterForm
from upswing.audit.queries import filter_audit_events

EVENTS_PER_PAGE = 50


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
    page = Paginator(events.order_by("-at", "-id"), EVENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "audit/events.html",
        {"form": form, "page": page, "query": urlencode(query)},
        status=status,
    )
