"""The client's governance pages: thin — parse, ask the doors, call an action, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from upswing.governance import actions, forms, plan_actions, queries
from upswing.governance import report as documents
from upswing.governance.access import (
    access_governed_program,
    can_answer,
    can_decide,
    contract_upload_scope,
    visible_governed_programs,
)
from upswing.governance.pages import breaches_payload
from upswing.governance.rules.breaches import Escalation
from upswing.imports import jobs as import_jobs
from upswing.imports.actions import do_start_import
from upswing.periods import PeriodKind, month_of, parse_period


def _back(code: str, anchor: str = ""):
    response = redirect("governance:program", code=code)
    response["Location"] += anchor
    return response


def _refused(request, program, message: str, status: int = 400):
    return render(
        request, "governance/refused.html", {"program": program, "message": message}, status=status
    )


@login_required
@require_safe
def index(request):
    programs = visible_governed_programs(request.user).select_related(
        "client", "governance_contract__vendor"
    )
    return render(request, "governance/index.html", {"programs": programs.order_by("name")})


@login_required
@require_safe
def program_page(request, code: str):
    program = access_governed_program(request.user, code)
    report = queries.breach_report_for(program)
    payload = breaches_payload(program, report)
    plans = list(queries.plans_of(program))
    scope = contract_upload_scope(request.user, program)
    may_upload = scope is None or bool(scope)
    context = {
        "program": program,
        "contract": queries.contract_of(program),
        "versions": queries.versions_of(program),
        "b": payload,
        "events": [documents.event_row(e, report) for e in report.events],
        "plans": plans,
        "cap_due": bool(plan_actions.cap_due(program, report=report))
        and not any(p.status == "open" for p in plans),
        "review_due": report.escalation is Escalation.PARTNERSHIP_REVIEW,
        "may_decide": can_decide(request.user, program),
        "may_answer": can_answer(request.user, program),
        "may_upload": may_upload,
        "upload_scoped": scope is not None,
        "my_uploads": queries.contract_uploads_by(request.user) if may_upload else [],
        "months": _recent_months(report.as_of),
        "excuse_form": forms.ExcuseForm(),
        "excuses": queries.accepted_excuses(program, report.events),
        "upload_form": forms.ContractUploadForm(),
    }
    return render(request, "governance/program.html", context)


def _recent_months(as_of) -> list[str]:
    month = month_of(as_of)
    out = []
    for _ in range(6):
        out.append(month.label)
        month = month.previous()
    return out


@login_required
@require_POST
def accept_excuse(request, code: str):
    program = access_governed_program(request.user, code)
    form = forms.ExcuseForm(request.POST)
    if not form.is_valid():
        return _refused(request, program, "The excuse form was incomplete.")
    data = form.cleaned_data
    try:
        actions.do_accept_excuse(
            program, data["event_id"], metric=data["metric"], note=data["note"], actor=request.user
        )
    except PermissionDenied:
        return _refused(
            request, program, "Only the client's governance lead accepts an excuse.", 403
        )
    except ValidationError as exc:
        return _refused(request, program, " ".join(exc.messages))
    return _back(program.code, "#breaches")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_excuse(request, code: str, pk: int):
    """GET: the excuse and the reason to give; POST: withdraw it (the governance lead)."""
    program = access_governed_program(request.user, code)
    excuse = queries.excuse_of(program, pk)
    if excuse is None:
        raise Http404("No such excuse.")
    refusal = "Only the client's governance lead withdraws an excuse."
    if not can_decide(request.user, program):
        return _refused(request, program, refusal, 403)
    form = forms.WithdrawExcuseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            reason = form.cleaned_data["reason"]
            actions.do_withdraw_excuse(excuse, reason=reason, actor=request.user)
        except PermissionDenied:
            return _refused(request, program, refusal, 403)
        except ValidationError as exc:
            return _refused(request, program, " ".join(exc.messages))
        return _back(program.code, "#excuses")
    status = 400 if request.method == "POST" else 200
    context = {"program": program, "excuse": excuse, "form": form}
    return render(request, "governance/withdraw_excuse.html", context, status=status)


@login_required
@require_POST
def flag_event(request, code: str):
    program = access_governed_program(request.user, code)
    form = forms.NoticeForm(request.POST)
    if not form.is_valid():
        return _refused(request, program, "The notice form was incomplete.")
    try:
        actions.do_flag_event(
            program,
            form.cleaned_data["event_id"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except PermissionDenied:
        return _refused(request, program, "Only the vendor's account manager flags an event.", 403)
    except ValidationError as exc:
        return _refused(request, program, " ".join(exc.messages))
    return _back(program.code, "#events")


@login_required
@require_POST
def upload_contract(request, code: str):
    program = access_governed_program(request.user, code)
    refusal = "Only administrators and the client's governance lead upload contract files."
    scope = contract_upload_scope(request.user, program)
    if scope is not None and not scope:
        return _refused(request, program, refusal, 403)
    form = forms.ContractUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, program, "Choose a contracts file to upload.")
    try:
        with transaction.atomic():
            run = do_start_import(
                actor=request.user,
                upload=form.cleaned_data["file"],
                kind="contracts",
                reader="canonical",
                programs=scope,
            )
            transaction.on_commit(lambda: import_jobs.launch(run.pk))
    except PermissionDenied:
        return _refused(request, program, refusal, 403)
    except ValidationError as exc:
        return _refused(request, program, " ".join(exc.messages))
    if scope is None:
        return redirect("imports:run", run_id=run.pk)
    return _back(program.code, "#contract")


@login_required
@require_POST
def open_plan(request, code: str):
    program = access_governed_program(request.user, code)
    try:
        plan = plan_actions.do_open_cap(program, actor=request.user)
    except PermissionDenied:
        return _refused(
            request, program, "Only the vendor or the client's governance lead opens a plan.", 403
        )
    except ValidationError as exc:
        return _refused(request, program, " ".join(exc.messages))
    return redirect("governance:plan", code=program.code, pk=plan.pk)


@login_required
@require_safe
def report_page(request, code: str, period: str):
    program = access_governed_program(request.user, code)
    month = _month_or_404(period)
    data = documents.monthly_report(program, month)
    return render(request, "governance/report.html", {"program": program, "r": data})


@login_required
@require_safe
def report_download(request, code: str, period: str, fmt: str):
    program = access_governed_program(request.user, code)
    month = _month_or_404(period)
    data = documents.monthly_report(program, month)
    name = f"{program.code}-{month.label}"
    if fmt == "json":
        return JsonResponse(data)
    if fmt == "pdf":
        response = HttpResponse(documents.render_pdf(data), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            documents.render_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("No such format.")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _month_or_404(text: str):
    try:
        period = parse_period(text)
    except ValueError:
        raise Http404("No such month.") from None
    if period.kind is not PeriodKind.MONTH:
        raise Http404("No such month.")
    return period
