"""Imports page (admins): upload a file, follow its import, read why a file was rejected."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from upswing.imports import jobs, options
from upswing.imports.access import access_import_run_by_id, can_import, visible_import_runs
from upswing.imports.actions import do_fail_abandoned_runs, do_start_import
from upswing.imports.forms import UploadForm

RUNS_PER_PAGE = 25


def _admin_only(request) -> None:
    if not can_import(request.user):
        raise PermissionDenied("Only administrators import files.")


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def imports_page(request):
    _admin_only(request)
    do_fail_abandoned_runs()
    status, refused = 200, ""
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if getattr(request, "upload_too_large", False):
            form, status = UploadForm(initial=request.POST.dict()), 413
            refused = f"The file is larger than the {_max_mb()} MB upload limit; nothing was saved."
        elif form.is_valid() and (run := _start(request, form)) is not None:
            return redirect("imports:run", run_id=run.pk)
        else:
            status = 400
    else:
        form = UploadForm()
    runs = Paginator(visible_import_runs(request.user).select_related("created_by"), RUNS_PER_PAGE)
    return render(
        request,
        "imports/index.html",
        {
            "form": form,
            "refused": refused,
            "runs": runs.get_page(request.GET.get("page")),
            "max_mb": _max_mb(),
        },
        status=status,
    )


def _max_mb() -> int:
    return options.max_upload_bytes() // (1024 * 1024)


def _start(request, form):
    data = form.cleaned_data
    try:
        with transaction.atomic():
            run = do_start_import(
                actor=request.user,
                upload=data["file"],
                kind=data["kind"],
                reader=data["reader"],
                source=data["source"],
            )
            transaction.on_commit(lambda: jobs.launch(run.pk))
    except ValidationError as exc:
        form.add_error("file", exc.messages)
        return None
    return run


@login_required
@never_cache
@require_safe
def run_page(request, run_id: int):
    _admin_only(request)
    do_fail_abandoned_runs()
    run = access_import_run_by_id(request.user, run_id)
    htmx = getattr(request, "htmx", None)
    template = "imports/partials/run_status.html" if htmx else "imports/run.html"
    response = render(request, template, {"run": run})
    patch_vary_headers(response, ("HX-Request",))
    return response
