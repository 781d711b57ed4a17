"""The corrective action plan page, the partnership review page and vendors side by side."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from upswing.governance import forms, plan_actions, queries, review_actions
from upswing.governance.access import (
    access_governed_program,
    can_answer,
    can_decide,
    visible_governed_programs,
)
from upswing.governance.compare import vendor_comparison
from upswing.governance.models import PartnershipReview
from upswing.governance.pages import cap_dict
from upswing.governance.rules.caps import lint_cap

PLAN_FORMS = {
    "root_cause": forms.RootCauseForm,
    "goal": forms.GoalForm,
    "action": forms.ActionForm,
    "done": forms.DoneForm,
    "checkpoint": forms.CheckpointForm,
    "close": forms.CloseForm,
}


def _plan(user, code: str, pk: int):
    program = access_governed_program(user, code)
    plan = queries.plans_of(program).filter(pk=pk).first()
    if plan is None:
        raise Http404("No corrective action plan with that id.")
    return program, plan


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_page(request, code: str, pk: int):
    program, plan = _plan(request.user, code, pk)
    error = None
    if request.method == "POST":
        error = _plan_post(request, plan)
        if error is None:
            return redirect("governance:plan", code=program.code, pk=plan.pk)
        plan = queries.plans_of(program).get(pk=plan.pk)
    reading = queries.cap_reading(plan)
    context = {
        "program": program,
        "plan": plan,
        "summary": cap_dict(plan, plan.due_on),
        "problems": lint_cap(queries.cap_terms(plan)),
        "reading": reading,
        "error": error,
        "may_answer": can_answer(request.user, program) and plan.status == "open",
        "may_decide": can_decide(request.user, program) and plan.status == "open",
        "forms": {
            name: form(auto_id=f"{name}-%s", initial={"root_cause": plan.root_cause})
            for name, form in PLAN_FORMS.items()
        },
    }
    return render(request, "governance/plan.html", context, status=400 if error else 200)


def _plan_post(request, plan) -> str | None:
    op = request.POST.get("op", "")
    form_class = PLAN_FORMS.get(op)
    if form_class is None:
        return "Unknown change."
    form = form_class(request.POST)
    if not form.is_valid():
        return "; ".join(f"{k.replace('_', ' ')}: {' '.join(v)}" for k, v in form.errors.items())
    try:
        _apply(op, plan, form.cleaned_data, request.user)
    except PermissionDenied as exc:
        return str(exc) or "You may not change this plan."
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def _apply(op: str, plan, data: dict, actor) -> None:
    if op == "root_cause":
        plan_actions.do_set_root_cause(plan, data["root_cause"], actor=actor)
    elif op == "goal":
        plan_actions.do_add_cap_goal(plan, actor=actor, **data)
    elif op == "action":
        plan_actions.do_add_cap_action(plan, actor=actor, **data)
    elif op == "done":
        action = plan.actions.filter(pk=data["action_id"]).first()
        if action is None:
            raise ValidationError("No such action in this plan.")
        plan_actions.do_complete_cap_action(action, done_on=data["done_on"], actor=actor)
    elif op == "checkpoint":
        checkpoint = plan.checkpoints.filter(pk=data["checkpoint_id"]).first()
        if checkpoint is None:
            raise ValidationError("No such checkpoint in this plan.")
        plan_actions.do_hold_cap_checkpoint(
            checkpoint, held_on=data["held_on"], note=data["note"], actor=actor
        )
    else:
        review_actions.do_close_cap(plan, outcome=data["outcome"], note=data["note"], actor=actor)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_page(request, code: str):
    program = access_governed_program(request.user, code)
    error = None
    if request.method == "POST":
        error = _review_post(request, program)
        if error is None:
            return redirect("governance:review", code=program.code)
    context = queries.review_facts(program) | {
        "program": program,
        "error": error,
        "may_decide": can_decide(request.user, program),
        "decision_form": forms.DecisionForm(),
    }
    return render(request, "governance/review.html", context, status=400 if error else 200)


def _review_post(request, program) -> str | None:
    try:
        if request.POST.get("op") == "open":
            review_actions.do_open_review(program, actor=request.user)
            return None
        form = forms.DecisionForm(request.POST)
        review = PartnershipReview.objects.filter(program=program, decision="").first()
        if review is None:
            return "No partnership review is open."
        if not form.is_valid():
            return "Choose a decision and say why."
        review_actions.do_decide_review(review, actor=request.user, **form.cleaned_data)
    except PermissionDenied:
        return "Only the client's governance lead opens and decides a partnership review."
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


@login_required
@require_safe
def vendors_page(request):
    programs = visible_governed_programs(request.user)
    return render(request, "governance/vendors.html", vendor_comparison(programs))
