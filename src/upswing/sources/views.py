"""Warehouse sources page (whoever may run imports): each source's table, kind, watermark and
last read, and a button that queues a read of them now."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from upswing.sources.access import can_manage_sources
from upswing.sources.actions import do_request_source_read
from upswing.sources.queries import source_rows

READ_QUEUED = (
    "A read of every source is queued: its rows past each watermark are merged, then the "
    "scorecards of the days they touch are refreshed. The last read below changes when it ends."
)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sources_page(request):
    if not can_manage_sources(request.user):
        raise PermissionDenied("Only those who run imports see the warehouse sources.")
    rows = source_rows()
    if request.method == "POST":
        if not rows:
            messages.error(request, "There is no source to read: add one first (see below).")
        else:
            do_request_source_read(actor=request.user)
            messages.success(request, READ_QUEUED)
        return redirect("sources:index")
    return render(request, "sources/index.html", {"sources": rows, **_queue_context()})


def _queue_context() -> dict:
    from upswing.jobs.queries import queue_summary, recent_tasks

    queue = queue_summary()
    return {"queue": queue, "tasks": recent_tasks(10) if queue["uses_queue"] else []}
