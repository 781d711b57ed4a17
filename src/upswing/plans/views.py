"""Plan pages: list, detail, draft editor with live lint, HR review, acknowledgement,
downloads, inbox and reports (a running plan's checkpoints, final review, close and extend
are in `plans.running_views`).

Thin on purpose: every plan comes through `plans.access`, every change through
`plans.actions`. A refused action is a 400 page with its message, a stale edit a 409 page with
a reload link, a capacity the user lacks a 403, and a plan the user may not see a 404 (the
same as a plan that does not exist). Client viewers and QA analysts hold no plan capacity:
every plan page answers them 404.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from upswing.audit.actions import record_event
from upswing.audit.concurrency import StaleEdit
from upswing.findings.access import visible_findings
from upswing.findings.rules import RULES_VERSION, Recommendation
from upswing.org.access import access_agent_by_id
from upswing.org.models import Agent
from upswing.plans import actions, documents, notify, queries, reports, rules
from upswing.plans.access import (
    LEAD_SIDE,
    STAFF_ROLES,
    PlanRole,
    access_plan_by_id,
    may_draft,
    plan_abilities,
    plan_roles,
    sees_plan_reports,
    uses_plans,
)
from upswing.plans.actions import PlanActionRefused
from upswing.plans.draft import lint_terms, local_today
from upswing.plans.forms import (
    AcknowledgeForm,
    ReviewForm,
    TermsEditor,
)
from upswing.plans.models import Checkpoint, Plan, PlanState, VersionStatus
from upswing.plans.tables import CHECKINS_TABLE, INBOX_TABLE, MISSED_TABLE, PLANS_TABLE
from upswing.tables.web import bind_table, export_any

STALE_MESSAGE = "This plan was changed by someone else since you opened it."
DOWNLOADS = {
    "pdf": ("application/pdf", documents.render_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        documents.render_docx,
    ),
    "ics": ("text/calendar; charset=utf-8", None),
}


# --- who may open plan pages at all ---------------------------------------------------------


def plan_page(view):
    """Signed in, never cached, and a 404 for anyone who holds no plan capacity at all."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not uses_plans(request.user):
            raise Http404("No plans here.")
        return view(request, *args, **kwargs)

    return login_required(never_cache(wrapped))


def _refused(request, message: str, status: int = 400):
    return render(request, "plans/refused.html", {"message": message}, status=status)


def _stale(request, reload_url: str):
    return render(
        request,
        "plans/stale.html",
        {"message": STALE_MESSAGE, "reload_url": reload_url},
        status=409,
    )


def _act(request, reload_url: str, do, done_url: str):
    """Run an action; answer with its refusal (400), a stale edit (409) or the next page."""
    try:
        do()
    except StaleEdit:
        return _stale(request, reload_url)
    except PlanActionRefused as exc:
        return _refused(request, str(exc))
    return redirect(done_url)


def _detail_url(plan: Plan) -> str:
    return reverse("plans:detail", args=[plan.pk])


def _need(user, plan: Plan, allowed: set[PlanRole], doing: str) -> frozenset[PlanRole]:
    roles = plan_roles(user, plan)
    if not roles & allowed:
        raise PermissionDenied(f"You may read this plan but not {doing} it.")
    return roles


def _pending(plan: Plan):
    return (
        plan.versions.exclude(status__in=[VersionStatus.ACKNOWLEDGED, VersionStatus.SUPERSEDED])
        .order_by("-number")
        .first()
    )


# --- list and detail ------------------------------------------------------------------------


@plan_page
@require_safe
def plan_list(request):
    plans = list(
        queries.visible_plan_rows(request.user).order_by("agent__name", "-created_at")[:500]
    )
    table = bind_table(request, PLANS_TABLE, plans)
    if response := export_any(request, table):
        return response
    return render(
        request,
        "plans/list.html",
        {"table": table, "may_draft": may_draft(request.user), "count": len(plans)},
    )


@plan_page
@require_safe
def plan_detail(request, pk: int):
    plan = access_plan_by_id(request.user, pk)
    roles = plan_roles(request.user, plan)
    agent_view = not roles & STAFF_ROLES
    version, terms = queries.latest_terms(plan, agent_view=agent_view)
    pending = _pending(plan)
    today = local_today(plan.program)
    checkpoints = queries.plan_checkpoints(plan)
    context = {
        "plan": plan,
        "roles": roles,
        "agent_view": agent_view,
        "version": version,
        "p": documents.packet(terms, status=version.get_status_display(), version=version.number)
        if terms
        else None,
        "problems": version.problems if version and not agent_view else [],
        "versions": queries.plan_versions(plan, agent_view=agent_view),
        "checkpoints": [_checkpoint_row(c, today) for c in checkpoints],
        "timeline": queries.plan_timeline(plan, agent_view=agent_view),
        "pending": pending,
        "can": plan_abilities(plan, roles, pending),
        "ack_form": AcknowledgeForm(initial={"expected_version": plan.version}),
    }
    return render(request, "plans/detail.html", context)


def _checkpoint_row(c: Checkpoint, today: dt.date) -> dict:
    overdue = c.completed_at is None and c.due_on < today
    late = c.completed_at is not None and c.on_time is False
    return {"c": c, "overdue": overdue, "late": late}


# --- drafting -------------------------------------------------------------------------------


@plan_page
@require_http_methods(["GET", "HEAD", "POST"])
def draft_new(request):
    """Pick the finding to draft from (?agent=CODE or ?finding=ID), then draft."""
    if not may_draft(request.user):
        raise PermissionDenied("Only team leads and operations managers draft plans.")
    if request.method == "POST":
        return _draft(request)
    findings = visible_findings(request.user).filter(recommendation=Recommendation.PIP)
    agent = None
    if code := request.GET.get("agent", "").strip():
        agent = access_agent_by_id(request.user, code)
        findings = findings.filter(agent_code=agent.code)
    else:
        findings = findings.filter(rules_version=RULES_VERSION)
    if wanted := request.GET.get("finding", "").strip():
        findings = findings.filter(pk=wanted if wanted.isdigit() else 0)
    findings = list(findings.order_by("-as_of", "agent_code")[:50])
    names = dict(
        Agent.objects.filter(code__in={f.agent_code for f in findings}).values_list("code", "name")
    )
    open_plans = set(
        queries.visible_plan_rows(request.user)
        .exclude(state=PlanState.CLOSED)
        .values_list("agent__code", flat=True)
    )
    rows = [
        {
            "f": f,
            "name": names.get(f.agent_code, f.agent_code),
            "has_plan": f.agent_code in open_plans,
        }
        for f in findings
    ]
    return render(request, "plans/new.html", {"rows": rows, "agent": agent})


def _draft(request):
    finding = None
    if (wanted := request.POST.get("finding", "")).isdigit():
        finding = visible_findings(request.user).filter(pk=int(wanted)).first()
    code = finding.agent_code if finding else request.POST.get("agent", "").strip()
    access_agent_by_id(request.user, code)
    if finding is not None and finding.recommendation != Recommendation.PIP:
        return _refused(request, "This finding does not recommend a plan.")
    try:
        plan = actions.do_draft_plan(
            agent_code=code, actor=request.user, as_of=finding.as_of if finding else None
        )
    except rules.DraftRefused as exc:
        return _refused(request, str(exc))
    return redirect("plans:edit", pk=plan.pk)


@plan_page
@require_http_methods(["GET", "HEAD", "POST"])
def plan_edit(request, pk: int):
    plan = access_plan_by_id(request.user, pk, for_write=True)
    _need(request.user, plan, LEAD_SIDE, "edit")
    version = _pending(plan)
    if version is None or version.status not in (VersionStatus.DRAFT, VersionStatus.RETURNED):
        return _refused(
            request,
            "The terms are locked: only a draft is edited in place; an active plan changes "
            "through a new version.",
        )
    edit_url = reverse("plans:edit", args=[plan.pk])
    if request.method != "POST":
        editor = TermsEditor.from_terms(version.terms)
        return _editor(request, plan, version, editor, version.problems)
    editor = TermsEditor.from_post(request.POST)
    terms = editor.to_terms(version.terms)
    expected = _expected(request.POST)
    try:
        actions.do_edit_plan_terms(plan, terms=terms, expected_version=expected, actor=request.user)
        if request.POST.get("next") == "submit":
            plan.refresh_from_db()
            actions.do_submit_plan(plan, expected_version=plan.version, actor=request.user)
            return redirect("plans:detail", pk=plan.pk)
    except StaleEdit:
        return _stale(request, edit_url)
    except PlanActionRefused as exc:
        plan.refresh_from_db()
        version.refresh_from_db()
        return _editor(request, plan, version, editor, version.problems, str(exc), status=400)
    return redirect(edit_url + "?saved=1")


def _editor(request, plan, version, editor, problems, error: str = "", status: int = 200):
    context = {
        "plan": plan,
        "version": version,
        "editor": editor,
        "problems": problems,
        "error": error,
        "saved": request.GET.get("saved") == "1",
        "standards": version.terms.get("standards") or [],
        "evidence": version.terms.get("evidence") or [],
    }
    return render(request, "plans/edit.html", context, status=status)


def _expected(data) -> int:
    try:
        return int(data.get("expected_version", ""))
    except ValueError:
        return 0  # never a real version: answered as a stale edit


@plan_page
@require_POST
def plan_lint(request, pk: int):
    """htmx partial: lint the editor's current (unsaved) state, as the save would."""
    plan = access_plan_by_id(request.user, pk, for_write=True)
    _need(request.user, plan, LEAD_SIDE, "edit")
    version = _pending(plan) or plan.versions.order_by("-number").first()
    terms = TermsEditor.from_post(request.POST).to_terms(version.terms)
    problems = [p.to_dict() for p in lint_terms(rules.PlanTerms.from_dict(terms))]
    return render(request, "plans/partials/lint.html", {"problems": problems, "checked": True})


@plan_page
@require_POST
def plan_submit(request, pk: int):
    plan = access_plan_by_id(request.user, pk, for_write=True)
    return _act(
        request,
        _detail_url(plan),
        lambda: actions.do_submit_plan(
            plan, expected_version=_expected(request.POST), actor=request.user
        ),
        _detail_url(plan),
    )


# --- HR review and acknowledgement ----------------------------------------------------------


@plan_page
@require_http_methods(["GET", "HEAD", "POST"])
def plan_review(request, pk: int):
    plan = access_plan_by_id(request.user, pk, for_write=True)
    _need(request.user, plan, {PlanRole.HR}, "review")
    review_url = reverse("plans:review", args=[plan.pk])
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if not form.is_valid():
            return _refused(request, "Choose approve or return.")
        data = form.cleaned_data

        def decide():
            if data["decision"] == "approve":
                actions.do_approve_plan(
                    plan,
                    expected_version=data["expected_version"],
                    actor=request.user,
                    comment=data["comment"],
                )
            else:
                actions.do_return_plan(
                    plan,
                    expected_version=data["expected_version"],
                    actor=request.user,
                    comment=data["comment"],
                )

        return _act(request, review_url, decide, _detail_url(plan))
    version = _pending(plan)
    in_review = version is not None and version.status == VersionStatus.IN_REVIEW
    terms = rules.PlanTerms.from_dict(version.terms) if version else None
    context = {
        "plan": plan,
        "version": version,
        "in_review": in_review,
        "p": documents.packet(terms, status=version.get_status_display(), version=version.number)
        if terms
        else None,
        "problems": version.problems if version else [],
        "form": ReviewForm(initial={"expected_version": plan.version}),
        "previous": plan.versions.exclude(review_comment="").order_by("-number"),
    }
    return render(request, "plans/review.html", context)


@plan_page
@require_POST
def plan_acknowledge(request, pk: int):
    plan = access_plan_by_id(request.user, pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _refused(request, "The acknowledgement form was incomplete; reload the plan.")
    return _act(
        request,
        _detail_url(plan),
        lambda: actions.do_acknowledge_plan(
            plan,
            expected_version=form.cleaned_data["expected_version"],
            actor=request.user,
            comment=form.cleaned_data["comment"],
        ),
        _detail_url(plan),
    )


# --- downloads ------------------------------------------------------------------------------


@plan_page
@require_safe
def plan_download(request, pk: int, fmt: str):
    """The packet as the user may read it (the agent: the latest version HR approved)."""
    if fmt not in DOWNLOADS:
        raise Http404("No such format.")
    plan = access_plan_by_id(request.user, pk)
    roles = plan_roles(request.user, plan)
    version, terms = queries.latest_terms(plan, agent_view=not roles & STAFF_ROLES)
    if terms is None:
        raise Http404("No terms to download.")
    content_type, render_doc = DOWNLOADS[fmt]
    if render_doc is None:
        body = documents.render_ics(terms, plan_id=plan.pk)
    else:
        body = render_doc(terms, status=version.get_status_display(), version=version.number)
    with transaction.atomic():  # a read of an HR record, audited (ASVS 16.3.2)
        record_event(
            actor=request.user,
            role=_acting_role(roles),
            action="plan.download",
            obj=plan,
            changes={"format": [None, fmt], "version": [None, version.number]},
        )
    response = HttpResponse(body, content_type=content_type)
    name = f"plan-{plan.pk}-{plan.agent.code}-v{version.number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _acting_role(roles) -> str:
    order = (PlanRole.HR, PlanRole.MANAGER, PlanRole.LEAD, PlanRole.ADMIN, PlanRole.AGENT)
    return next((r.value for r in order if r in roles), "")


# --- inbox and reports ----------------------------------------------------------------------


@plan_page
@require_safe
def inbox(request):
    notes = notify.inbox(request.user)
    table = bind_table(request, INBOX_TABLE, notes)
    if response := export_any(request, table):
        return response
    unread = notes.filter(read_at__isnull=True).count()
    return render(request, "plans/inbox.html", {"table": table, "unread": unread})


@plan_page
@require_POST
def inbox_read(request, pk: int):
    notify.mark_read(request.user, pk)
    return redirect("plans:inbox")


@plan_page
@require_safe
def plan_reports(request):
    if not sees_plan_reports(request.user):
        raise Http404("No plan reports here.")
    today = timezone.localdate()
    checkins = bind_table(request, CHECKINS_TABLE, reports.checkins_by_lead(request.user, today))
    missed = list(reports.missed_checkpoints(request.user, today)[:2000])
    missed_table = bind_table(request, MISSED_TABLE, missed)
    if response := export_any(request, checkins, missed_table):
        return response
    context = {
        "stages": reports.plans_by_stage(request.user),
        "checkins": checkins.rows,
        "missed": missed_table.rows,
        "checkins_table": checkins,
        "missed_table": missed_table,
        "outcomes": reports.outcome_analytics(request.user),
        "state_labels": dict(PlanState.choices),
        "today": today,
    }
    return render(request, "plans/reports.html", context)
