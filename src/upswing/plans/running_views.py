"""Plan pages of a running plan: its weekly checkpoints, the final review, closing and
extending it. Thin like `plans.views`, whose helpers they share: every plan through
`plans.access`, every change through `plans.actions`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from upswing.plans import actions, progress
from upswing.plans.access import (
    DECIDERS,
    LEAD_SIDE,
    STAFF_ROLES,
    PlanRole,
    access_plan_by_id,
    plan_roles,
)
from upswing.plans.draft import local_today
from upswing.plans.forms import (
    CheckpointForm,
    CloseForm,
    ExtendForm,
    FinalReviewForm,
    ReflectionForm,
)
from upswing.plans.models import Checkpoint, PlanState
from upswing.plans.views import (
    _act,
    _checkpoint_row,
    _detail_url,
    _need,
    _refused,
    plan_page,
)

# --- checkpoints ----------------------------------------------------------------------------


@plan_page
@require_http_methods(["GET", "HEAD", "POST"])
def checkpoint_page(request, pk: int, number: int):
    plan = access_plan_by_id(request.user, pk)
    checkpoint = plan.checkpoints.filter(number=number, cancelled=False).first()
    if checkpoint is None:
        raise Http404("No checkpoint with that number.")
    roles = plan_roles(request.user, plan)
    url = reverse("plans:checkpoint", args=[plan.pk, number])
    if request.method == "POST":
        return _checkpoint_post(request, checkpoint, roles, url)
    today = local_today(plan.program)
    metrics = checkpoint.metrics
    preview = False
    if not checkpoint.completed_at and roles & STAFF_ROLES:
        terms = progress.terms_in_force(plan)
        metrics = progress.checkpoint_metrics(plan, terms, today) if terms else []
        preview = True
    can_record = bool(roles & LEAD_SIDE) and plan.state in (
        PlanState.ACTIVE,
        PlanState.FINAL_REVIEW,
    )
    initial = {
        "expected_version": checkpoint.version,
        "coaching_notes": checkpoint.coaching_notes,
        "adjustments": checkpoint.adjustments,
    }
    for i, b in enumerate(checkpoint.blockers[:2]):
        initial |= {f"blocker_{i}_kind": b["kind"], f"blocker_{i}_description": b["description"]}
    context = {
        "plan": plan,
        "c": checkpoint,
        "row": _checkpoint_row(checkpoint, today),
        "metrics": metrics,
        "preview": preview,
        "can_record": can_record,
        "can_reflect": PlanRole.AGENT in roles and checkpoint.completed_at is not None,
        "form": CheckpointForm(initial=initial),
        "reflection_form": ReflectionForm(
            initial={
                "expected_version": checkpoint.version,
                "reflection": checkpoint.agent_reflection,
            }
        ),
        "today": today,
    }
    return render(request, "plans/checkpoint.html", context)


def _checkpoint_post(request, checkpoint: Checkpoint, roles, url: str):
    if request.POST.get("action") == "reflect":
        form = ReflectionForm(request.POST)
        if not form.is_valid():
            return _refused(request, "Write your reflection before saving it.")
        return _act(
            request,
            url,
            lambda: actions.do_reflect_on_checkpoint(
                checkpoint,
                expected_version=form.cleaned_data["expected_version"],
                actor=request.user,
                reflection=form.cleaned_data["reflection"],
            ),
            url,
        )
    if not roles & LEAD_SIDE:
        raise PermissionDenied("Only the team lead or manager records a checkpoint.")
    form = CheckpointForm(request.POST)
    if not form.is_valid():
        return _refused(request, "The checkpoint form was incomplete; reload the page.")
    data = form.cleaned_data
    return _act(
        request,
        url,
        lambda: actions.do_record_checkpoint(
            checkpoint,
            expected_version=data["expected_version"],
            actor=request.user,
            coaching_notes=data["coaching_notes"],
            blockers=form.blockers(),
            adjustments=data["adjustments"],
        ),
        url,
    )


# --- the end of a plan ----------------------------------------------------------------------


@plan_page
@require_http_methods(["GET", "HEAD", "POST"])
def final_review(request, pk: int):
    plan = access_plan_by_id(request.user, pk, for_write=True)
    roles = _need(request.user, plan, LEAD_SIDE | DECIDERS, "review")
    url = reverse("plans:final_review", args=[plan.pk])
    if request.method == "POST":
        form = FinalReviewForm(request.POST)
        if not form.is_valid():
            return _refused(request, "The form was incomplete; reload the page.")
        return _act(
            request,
            url,
            lambda: actions.do_start_final_review(
                plan, expected_version=form.cleaned_data["expected_version"], actor=request.user
            ),
            url,
        )
    version = {"expected_version": plan.version}
    context = {
        "plan": plan,
        "review": plan.review,
        "decides": bool(roles & DECIDERS),
        "start_form": FinalReviewForm(initial=version),
        "close_form": CloseForm(initial=version),
        "extend_form": ExtendForm(initial=version),
    }
    return render(request, "plans/final_review.html", context)


@plan_page
@require_POST
def plan_close(request, pk: int):
    plan = access_plan_by_id(request.user, pk, for_write=True)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _refused(request, "Choose an outcome and record the reason.")
    data = form.cleaned_data
    return _act(
        request,
        reverse("plans:final_review", args=[plan.pk]),
        lambda: actions.do_close_plan(
            plan,
            outcome=data["outcome"],
            reason=data["reason"],
            expected_version=data["expected_version"],
            actor=request.user,
        ),
        _detail_url(plan),
    )


@plan_page
@require_POST
def plan_extend(request, pk: int):
    plan = access_plan_by_id(request.user, pk, for_write=True)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return _refused(request, "Record the reason for the extension.")
    data = form.cleaned_data
    return _act(
        request,
        reverse("plans:final_review", args=[plan.pk]),
        lambda: actions.do_extend_plan(
            plan,
            expected_version=data["expected_version"],
            actor=request.user,
            reason=data["reason"],
        ),
        _detail_url(plan),
    )
