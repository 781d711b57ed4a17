"""Who may upload files and read import runs: admins only (DESIGN.md, Roles: admin "manages
users, imports, settings"). Everyone else gets 403 on the pages and the same 404 for a run
that does not exist and one they may not see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from upswing.imports.models import ImportRun
from upswing.org.access import reach_of


def can_import(user) -> bool:
    return reach_of(user).is_admin


def visible_import_runs(user) -> QuerySet[ImportRun]:
    if not can_import(user):
        return ImportRun.objects.none()
    return ImportRun.objects.all()


def access_import_run_by_id(user, run_id: int) -> ImportRun:
    run = visible_import_runs(user).select_related("created_by").filter(pk=run_id).first()
    if run is None:
        raise Http404("No import with that id.")
    return run
