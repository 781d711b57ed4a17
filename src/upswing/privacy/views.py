"""HR's and admins' page for one person: legal holds, the data-subject export, erasure."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from upswing.org.access import access_agent_by_id
from upswing.privacy.actions import (
    ErasureBlocked,
    active_hold,
    do_erase_person,
    do_lift_legal_hold,
    do_place_legal_hold,
    may_manage_privacy,
)


def _agent(request, code: str):
    if not may_manage_privacy(request.user):
        raise PermissionDenied("Privacy requests are handled by HR partners and administrators.")
    return access_agent_by_id(request.user, code)  # the same 404 for missing and out of scope


@login_required
@never_cache
@require_safe
def person_page(request, code: str):
    agent = _agent(request, code)
    return render(
        request,
        "privacy/person.html",
        {
            "agent": agent,
            "hold": active_hold(agent),
            "holds": agent.legal_holds.order_by("-placed_at"),
            "erased": hasattr(agent, "erasure"),
        },
    )


@login_required
@never_cache
@require_safe
def export_json(request, code: str):
    from django.db import transaction

    from upswing.audit.actions import record_event
    from upswing.privacy.export import person_export

    agent = _agent(request, code)
    with transaction.atomic():
        record_event(
            actor=request.user,
            action="privacy.export",
            obj=agent,
            changes={"format": [None, "json"]},
        )
    body = json.dumps(person_export(agent), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{agent.pk}.json"'
    return response


@login_required
@never_cache
@require_safe
def export_pdf(request, code: str):
    from django.db import transaction

    from upswing.audit.actions import record_event
    from upswing.privacy.export import person_export, person_export_pdf

    agent = _agent(request, code)
    with transaction.atomic():
        record_event(
            actor=request.user,
            action="privacy.export",
            obj=agent,
            changes={"format": [None, "pdf"]},
        )
    response = HttpResponse(person_export_pdf(person_export(agent)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="person-{agent.pk}.pdf"'
    return response


@login_required
@require_POST
def erase(request, code: str):
    agent = _agent(request, code)
    try:
        do_erase_person(agent, actor=request.user, reason=request.POST.get("reason", "")[:500])
        messages.success(request, "The person is pseudonymised; numbers and history are kept.")
    except (ErasureBlocked, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("privacy:person", code=agent.code)


@login_required
@require_POST
def hold(request, code: str):
    agent = _agent(request, code)
    current = active_hold(agent)
    try:
        if current is None:
            do_place_legal_hold(agent, request.POST.get("reason", "")[:500], actor=request.user)
        else:
            do_lift_legal_hold(current, actor=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect("privacy:person", code=agent.code)
