"""Imports page (admins): upload a file, follow its import, read why a file was rejected."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from upswing.imports import jobs, options
from upswing.imports.access import access_import_run_by_id, can_import, visible_import_runs
from upswing.imports.actions import do_fail_abandoned_runs, do_start_import
from upswing.imports.forms import MappingForm, UploadForm
from upswing.imports.tables import RUNS_TABLE
from upswing.tables.web import bind_table, export_any


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
    runs = bind_table(
        request, RUNS_TABLE, visible_import_runs(request.user).select_related("created_by")
    )
    if request.method != "POST" and (response := export_any(request, runs)):
        return response
    return render(
        request,
        "imports/index.html",
        {
            "form": form,
            "refused": refused,
            "table": runs,
            "max_mb": _max_mb(),
            **_queue_context(),
        },
        status=status,
    )


def _queue_context() -> dict:
    """The job queue's state for the page: workers alive, jobs waiting, the latest jobs."""
    from upswing.jobs.queries import queue_summary, recent_tasks

    queue = queue_summary()
    return {"queue": queue, "tasks": recent_tasks(10) if queue["uses_queue"] else []}


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
                time_zone=data.get("time_zone") or "",
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
    waiting = not run.is_finished and not run.stage
    context = {"run": run, **(_queue_context() if waiting else {})}
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def mapping_page(request):
    """The mapping editor: propose a mapping for a sample export, edit it, and see the first
    rows as it maps them (htmx swaps in the preview; the page works without it too)."""
    _admin_only(request)
    status, preview, proposed = 200, None, ""
    form = MappingForm()
    if request.method == "POST":
        form = MappingForm(request.POST, request.FILES)
        if getattr(request, "upload_too_large", False):
            form, status = MappingForm(initial=request.POST.dict()), 413
        elif form.is_valid():
            preview, proposed = _try_mapping(form.cleaned_data)
            if proposed:
                form = MappingForm(initial={**request.POST.dict(), "mapping": proposed})
        else:
            status = 400
    context = {"form": form, "preview": preview, "proposed": proposed, "max_mb": _max_mb()}
    htmx = getattr(request, "htmx", None)
    template = "imports/partials/mapping_preview.html" if htmx else "imports/mapping.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _try_mapping(data: dict):
    from upswing.ingest.inspect import propose
    from upswing.ingest.preview import preview_mapping
    from upswing.ingest.readers import ReadError

    upload, kind = data["file"], data["kind"]
    with tempfile.TemporaryDirectory(prefix="upswing-sample-") as folder:
        path = Path(folder) / f"sample{Path(upload.name).suffix.lower()}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        proposed = ""
        text = data["mapping"]
        if not text.strip():
            try:
                proposed = text = propose(path, kind).replace(path.name, Path(upload.name).name)
            except ReadError as exc:
                message = str(exc).replace(path.name, Path(upload.name).name)
                return preview_error(message), ""
        preview = preview_mapping(path, kind, text)
    if preview.error:
        preview = preview_error(preview.error.replace(path.name, Path(upload.name).name), preview)
    return preview, proposed


def preview_error(message: str, preview=None):
    from dataclasses import replace

    from upswing.ingest.preview import Preview

    return replace(preview or Preview(), error=message)
