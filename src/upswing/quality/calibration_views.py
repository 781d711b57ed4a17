"""Scorecard templates and blind calibration pages.

A calibration session is blind while it is scoring: the page shows each evaluator only their
own form (or that they submitted), never anyone's scores or how many agree. Once revealed, it
shows every evaluator's scores, the agreement (Krippendorff's alpha and ICC) per criterion and
overall, and, after the facilitator records the agreed reference, each evaluator's deviation.
Client viewers see sessions of their programs without agent names.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render

from upswing.audit.concurrency import StaleEdit
from upswing.org.models import Role
from upswing.quality import access, queries
from upswing.quality.actions import do_create_template, do_edit_template
from upswing.quality.calibration_actions import (
    CalibrationRefused,
    do_open_calibration,
    do_record_reference,
    do_reveal_calibration,
    do_submit_calibration,
)
from upswing.quality.forms import CalibrationForm, EditTemplateForm, MarksForm, TemplateForm
from upswing.quality.models import CalibrationStatus, ScorecardTemplate, TemplateVersion
from upswing.quality.rules.calibration import describe
from upswing.quality.rules.scorecard import TemplateInvalid
from upswing.quality.tables import calibrations_table
from upswing.quality.views import _refused, form_view, page_view, post_view
from upswing.tables.web import bind_table, export_any

# --- templates -----------------------------------------------------------------------------------


@form_view
def templates_page(request, code: str):
    program = access.access_qa_program_by_id(request.user, code)
    form = TemplateForm(request.POST or None)
    if request.method == "POST":
        if not access.may_facilitate(request.user, program):
            raise PermissionDenied("Only the program's QA analysts or managers may add one.")
        if form.is_valid():
            try:
                template = do_create_template(
                    program=program,
                    name=form.cleaned_data["name"],
                    channel=form.cleaned_data["channel"] or "",
                    definition=form.cleaned_data["definition"],
                    actor=request.user,
                )
            except TemplateInvalid as exc:
                for problem in exc.problems:
                    form.add_error("definition", str(problem))
            else:
                messages.success(request, f"{template.name} v1 created.")
                return redirect("quality:template", template.pk)
    templates = ScorecardTemplate.objects.filter(program=program).prefetch_related("versions")
    return render(
        request,
        "quality/templates.html",
        {"program": program, "templates": templates, "form": form},
    )


@form_view
def template_page(request, pk: int):
    template = access.access_template_by_id(request.user, pk)
    current = template.current()
    initial = {"definition": json.dumps(current.definition, indent=2), "number": current.number}
    form = EditTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not access.may_facilitate(request.user, template.program):
            raise PermissionDenied("Only the program's QA analysts or managers may edit it.")
        if form.is_valid():
            try:
                version = do_edit_template(
                    template,
                    definition=form.cleaned_data["definition"],
                    change_note=form.cleaned_data["change_note"],
                    expected_number=form.cleaned_data["number"],
                    actor=request.user,
                )
            except TemplateInvalid as exc:
                for problem in exc.problems:
                    form.add_error("definition", str(problem))
            except StaleEdit as exc:
                _refused(request, exc)
            else:
                messages.success(request, f"Saved as version {version.number}.")
                return redirect("quality:template", template.pk)
    return render(
        request,
        "quality/template.html",
        {
            "template": template,
            "current": current,
            "parsed": current.parsed(),
            "versions": template.versions.order_by("-number"),
            "form": form,
            "may_edit": access.may_facilitate(request.user, template.program),
        },
    )


# --- calibration ---------------------------------------------------------------------------------


def eligible_evaluators(program):
    """QA analysts and managers of the program and the client's viewers (the client's QA)."""
    scope = Q(program=program) | Q(client_id=program.client_id)
    roles = [Role.QA_ANALYST, Role.OPERATIONS_MANAGER, Role.CLIENT_VIEWER]
    users = (
        get_user_model()
        .objects.filter(
            Q(role_grants__role__in=roles)
            & (Q(role_grants__program=program) | Q(role_grants__client_id=program.client_id))
        )
        .distinct()
        .order_by("username")
    )
    labels = dict(Role.choices)
    out = []
    for user in users:
        grant = user.role_grants.filter(scope, role__in=roles).first()
        user.role_label = labels.get(grant.role, "") if grant else ""
        out.append(user)
    return out


@form_view
def calibrations_page(request, code: str):
    program = access.access_report_program_by_id(request.user, code)
    may_open = access.may_facilitate(request.user, program)
    users = eligible_evaluators(program) if may_open else []
    form = CalibrationForm(request.POST or None, users=users)
    if request.method == "POST":
        if not may_open:
            raise PermissionDenied("Only the program's QA analysts or managers may open one.")
        version = queries_current_version(program)
        if version is None:
            form.add_error(None, "Create a scorecard template for the program first.")
        elif form.is_valid():
            try:
                session = do_open_calibration(
                    program=program,
                    version=version,
                    title=form.cleaned_data["title"],
                    interactions=form.cleaned_data["interactions"],
                    participants=form.chosen_users(),
                    actor=request.user,
                )
            except CalibrationRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Session opened; each evaluator scores blind.")
                return redirect("quality:calibration", session.pk)
    sessions = (
        access.visible_calibrations(request.user)
        .filter(program=program)
        .select_related("template_version__template")
    )
    table = bind_table(request, calibrations_table(program.code), list(sessions))
    if request.method != "POST" and (response := export_any(request, table)):
        return response
    return render(
        request,
        "quality/calibrations.html",
        {"program": program, "table": table, "form": form, "may_open": may_open},
    )


def queries_current_version(program) -> TemplateVersion | None:
    from upswing.quality.actions import current_version_for

    return current_version_for(program, "")


@page_view
def calibration_page(request, pk: int):
    session = access.access_calibration_by_id(request.user, pk)
    user = request.user
    participant = session.participants.filter(user_id=user.pk).first()
    template = session.template_version.parsed()
    items = list(session.items.select_related("agent"))
    results = queries.calibration_results(session)
    context = {
        "session": session,
        "template": template,
        "items": items,
        "participant": participant,
        "participants": session.participants.select_related("user"),
        "submitted": session.participants.filter(submitted_at__isnull=False).count(),
        "may_facilitate": access.may_facilitate(user, session.program),
        "shows_agents": access.sees_people_in(user, session.program),
        "results": results,
    }
    if session.status == CalibrationStatus.SCORING and participant and not participant.submitted_at:
        context["item_forms"] = [
            (item, MarksForm(template, prefix=f"i{item.pk}-").fields()) for item in items
        ]
    if results is not None:
        context["sentences"] = [describe(a) for _, a in results.criteria] + [
            describe(results.overall)
        ]
        context["score_table"] = _score_table(results, items)
        if session.status == CalibrationStatus.REVEALED and context["may_facilitate"]:
            context["reference_forms"] = [
                (item, MarksForm(template, prefix=f"r{item.pk}-").fields()) for item in items
            ]
    return render(request, "quality/calibration.html", context)


def _score_table(results, items) -> list[dict]:
    return [
        {
            "evaluator": evaluator,
            "scores": [results.scores[evaluator].get(str(item.pk)) for item in items],
        }
        for evaluator in sorted(results.scores)
    ]


def _marks_from_post(request, session, prefix_letter: str):
    template = session.template_version.parsed()
    out, errors = {}, []
    for item in session.items.all():
        form = MarksForm(template, prefix=f"{prefix_letter}{item.pk}-", data=request.POST)
        if form.is_valid():
            out[item.pk] = {k: m.points for k, m in form.marks.items()}
        else:
            errors += [f"{item.interaction_id}: {e}" for e in form.errors.values()]
    return out, errors


@post_view
def calibration_submit(request, pk: int):
    session = access.access_calibration_by_id(request.user, pk)
    marks, errors = _marks_from_post(request, session, "i")
    if errors:
        messages.error(request, " ".join(errors[:5]))
        return redirect("quality:calibration", pk)
    try:
        do_submit_calibration(session, marks=marks, actor=request.user)
    except CalibrationRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Your scores are in. They stay hidden until the reveal.")
    return redirect("quality:calibration", pk)


@post_view
def calibration_reveal(request, pk: int):
    session = access.access_calibration_by_id(request.user, pk)
    try:
        do_reveal_calibration(session, actor=request.user)
    except CalibrationRefused as exc:
        _refused(request, exc)
    return redirect("quality:calibration", pk)


@post_view
def calibration_reference(request, pk: int):
    session = access.access_calibration_by_id(request.user, pk)
    marks, errors = _marks_from_post(request, session, "r")
    if errors:
        messages.error(request, " ".join(errors[:5]))
        return redirect("quality:calibration", pk)
    try:
        do_record_reference(session, marks=marks, actor=request.user)
    except CalibrationRefused as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Reference recorded: each evaluator's deviation is below.")
    return redirect("quality:calibration", pk)
