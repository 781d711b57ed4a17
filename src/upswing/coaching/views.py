"""Coaching pages: the queue, recording a session (from a finding or freely), a session with
its acknowledgement and agreed actions, and an agent's coaching history.

Thin: each view goes through an access door, calls a coaching action, renders. State changes
are POSTs (CSRF) answered with a redirect; a refused change re-renders with its reason.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from upswing.audit.concurrency import STALE_EDIT_MESSAGE, StaleEdit
from upswing.coaching import access, reports
from upswing.coaching.actions import (
    CoachingError,
    do_acknowledge_session,
    do_complete_action_item,
    do_record_session,
)
from upswing.coaching.forms import AcknowledgeForm, ActionFormSet, SessionForm, aware
from upswing.coaching.queries import session_detail, sessions_for_agent
from upswing.coaching.queue import coaching_queue
from upswing.coaching.tables import (
    EFFECTIVENESS_TABLE,
    PROGRESS_TABLE,
    QUEUE_TABLE,
    sessions_table,
)
from upswing.findings.access import access_finding_by_id, visible_findings
from upswing.metrics import CATALOG
from upswing.org.access import access_agent_by_id, reach_of, visible_agents
from upswing.tables.pickers import range_picker
from upswing.tables.rules.ranges import DateRange
from upswing.tables.web import bind_table, export_any


def page_view(view):
    return login_required(never_cache(require_safe(view)))


def post_view(view):
    return login_required(never_cache(require_POST(view)))


def form_view(view):
    return login_required(never_cache(require_http_methods(["GET", "HEAD", "POST"])(view)))


def _needs_people_reach(user) -> None:
    if not reach_of(user).sees_people:
        raise Http404("Nothing here.")


@page_view
def queue_page(request):
    """Open findings that ask for coaching in the user's teams, newest run first."""
    _needs_people_reach(request.user)
    queue = coaching_queue(request.user)
    table = bind_table(request, QUEUE_TABLE, queue.act)
    if response := export_any(request, table):
        return response
    return render(
        request,
        "coaching/queue.html",
        {"queue": queue, "table": table, "can_coach": access.can_coach(request.user)},
    )


@page_view
def reports_page(request):
    """Who improves after coaching and who is stuck, which coaching closes gaps, and open
    findings nobody has talked about: over the sessions and findings this user may see."""
    _needs_people_reach(request.user)
    today = timezone.localdate()
    default = DateRange(today - dt.timedelta(days=REPORT_DAYS), today)
    picker = range_picker(request, settings.TIME_ZONE, default=default)
    since, as_of = picker.range.start, min(picker.range.end, today)
    sessions = access.visible_sessions(request.user)
    seen = set(visible_findings(request.user).values_list("pk", flat=True))
    progress = reports.progress_report(since=since, as_of=as_of, base=sessions)
    effectiveness = reports.effectiveness_report(since=since, as_of=as_of, base=sessions)
    progress_table = bind_table(request, PROGRESS_TABLE, progress)
    effectiveness_table = bind_table(request, EFFECTIVENESS_TABLE, effectiveness)
    if response := export_any(request, progress_table, effectiveness_table):
        return response
    uncovered = [u for u in reports.coverage_report(as_of=today) if u.finding.pk in seen]
    return render(
        request,
        "coaching/reports.html",
        {
            "since": since,
            "picker": picker,
            "progress": progress,
            "tally": reports.progress_tally(progress),
            "effectiveness": effectiveness,
            "progress_table": progress_table,
            "effectiveness_table": effectiveness_table,
            "uncovered": _named(request.user, uncovered),
        },
    )


def _named(user, uncovered):
    """Each uncovered finding with its agent's name and its metric's label (one query)."""
    codes = {u.finding.agent_code for u in uncovered}
    names = dict(visible_agents(user).filter(code__in=codes).values_list("code", "name"))
    return [
        (
            u,
            names.get(u.finding.agent_code, u.finding.agent_code),
            CATALOG[u.finding.metric].label if u.finding.metric in CATALOG else u.finding.metric,
        )
        for u in uncovered
    ]


# How far back the coaching reports look.
REPORT_DAYS = 180


@page_view
def agent_sessions_page(request, code: str):
    agent = access_agent_by_id(request.user, code)
    sessions = list(sessions_for_agent(agent.code, base=access.visible_sessions(request.user)))
    table = bind_table(request, sessions_table(agent.code), sessions)
    if response := export_any(request, table):
        return response
    is_self = agent.user_id is not None and agent.user_id == request.user.pk
    return render(
        request,
        "coaching/agent_sessions.html",
        {
            "agent": agent,
            "sessions": table.rows,
            "table": table,
            "is_self": is_self,
            "can_record": access.can_coach_agent(request.user, agent),
        },
    )


@form_view
def record_for_finding(request, pk: int):
    finding = access_finding_by_id(request.user, pk)
    agent = access_agent_by_id(request.user, finding.agent_code)
    return _record(request, agent, finding)


@form_view
def record_for_agent(request, code: str):
    agent = access_agent_by_id(request.user, code)
    return _record(request, agent, None)


def _record(request, agent, finding):
    if not access.can_coach_agent(request.user, agent):
        if not reach_of(request.user).sees_people:
            raise Http404("Nothing here.")  # an agent or a client viewer: no such page
        raise PermissionDenied("Only the agent's team lead or manager records coaching.")
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, finding=finding)
    formset = ActionFormSet(data, prefix="action")
    problems: tuple[str, ...] = ()
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            session = _save(request, agent, finding, form, formset)
        except CoachingError as exc:
            problems = exc.problems
        else:
            messages.success(request, "The session is recorded. The agent can now acknowledge it.")
            return redirect("coaching:session", pk=session.pk)
    status = 400 if data is not None else 200
    context = {
        "agent": agent,
        "finding": finding,
        "form": form,
        "formset": formset,
        "problems": problems,
        "metric": CATALOG.get(finding.metric) if finding else None,
    }
    return render(request, "coaching/record.html", context, status=status)


def _save(request, agent, finding, form, formset):
    data = form.cleaned_data
    actions = [f.agreed(coach=request.user, agent=agent) for f in formset.forms]
    return do_record_session(
        actor=request.user,
        agent=agent,
        kind=data["kind"],
        coached_at=aware(data["coached_at"]),
        topic=data["topic"],
        metric=finding.metric if finding else data["metric"],
        behaviours=data["behaviours"],
        notes=data["notes"],
        finding=finding,
        actions=[a for a in actions if a is not None],
        follow_up_on=data["follow_up_on"],
    )


@page_view
def session_page(request, pk: int):
    session = access.access_session_by_id(request.user, pk)
    return _session_response(request, session)


def _session_response(request, session, *, ack_form=None, refusal: str = "", status: int = 200):
    user = request.user
    session = session_detail(session.pk, base=access.visible_sessions(user))
    is_agent = session.agent.user_id is not None and session.agent.user_id == user.pk
    may_coach = access.may_coach_session(user, session)
    finding_visible = (
        session.finding_id is not None
        and visible_findings(user).filter(pk=session.finding_id).exists()
    )
    actions = [(item, access.may_complete(user, item)) for item in session.actions.all()]
    if ack_form is None and is_agent and not session.acknowledged:
        ack_form = AcknowledgeForm(initial={"version": session.version})
    context = {
        "session": session,
        "is_agent": is_agent,
        "may_coach": may_coach,
        "finding_visible": finding_visible,
        "actions": actions,
        "ack_form": ack_form,
        "refusal": refusal,
        "metric": CATALOG.get(session.metric),
    }
    return render(request, "coaching/session.html", context, status=status)


@post_view
def acknowledge(request, pk: int):
    session = access.access_session_by_id(request.user, pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _session_response(request, session, ack_form=form, status=400)
    try:
        do_acknowledge_session(
            actor=request.user,
            session=session,
            comment=form.cleaned_data["comment"].strip(),
            expected_version=form.cleaned_data["version"],
        )
    except StaleEdit:
        refusal = f"The session changed since you opened it. {STALE_EDIT_MESSAGE}"
        return _session_response(request, session, refusal=refusal, status=409)
    except CoachingError as exc:
        return _session_response(request, session, refusal=_sentence(exc), status=409)
    messages.success(request, "Thank you: the session is acknowledged.")
    return redirect("coaching:session", pk=session.pk)


@post_view
def complete_action(request, pk: int):
    item = access.access_action_item_by_id(request.user, pk)
    if not access.may_complete(request.user, item):
        raise PermissionDenied("Only the action's owner or the agent's lead marks it done.")
    try:
        do_complete_action_item(actor=request.user, item=item)
    except CoachingError as exc:
        return _session_response(request, item.session, refusal=_sentence(exc), status=409)
    messages.success(request, f"Done: {item.description}")
    return redirect(reverse("coaching:session", args=[item.session_id]) + "#actions")


def _sentence(exc: CoachingError) -> str:
    text = "; ".join(exc.problems)
    return text[:1].upper() + text[1:] + "."
