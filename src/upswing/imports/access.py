"""Who may upload files and read import runs: admins only (DESIGN.md, Roles: admin "manages
users, imports, settings"). Everyone else gets 403 on the pages and the same 404 for a run
that does not exist and one they may not see.

A feature may let some other role import one records kind for the programs its grants reach
(`register_scoped_import`): the client's governance lead uploads its own client's contracts on
the governance page. Such an import reads every other program as unknown."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.http import Http404

from upswing.imports.models import ImportRun
from upswing.org.access import reach_of
from upswing.org.models import Role

# kind -> (user, program codes) -> the role the user imports them as, or None: may not.
ScopedRole = Callable[[object, frozenset[str]], str | None]
_SCOPED: dict[str, ScopedRole] = {}


def register_scoped_import(kind: str, role_for: ScopedRole) -> None:
    _SCOPED[kind] = role_for


def can_import(user) -> bool:
    return reach_of(user).is_admin


def import_role(user, kind: str, programs: Iterable[str] | None = None) -> str | None:
    """The role `user` imports a `kind` file as: admin for any program; the role a feature
    registered for `programs` (the only programs its rows may name); None: may not."""
    if can_import(user):
        return Role.ADMIN
    if programs is None or kind not in _SCOPED:
        return None
    codes = frozenset(programs)
    return _SCOPED[kind](user, codes) if codes else None


def visible_import_runs(user) -> QuerySet[ImportRun]:
    if not can_import(user):
        return ImportRun.objects.none()
    return ImportRun.objects.all()


def access_import_run_by_id(user, run_id: int) -> ImportRun:
    run = visible_import_runs(user).select_related("created_by").filter(pk=run_id).first()
    if run is None:
        raise Http404("No import with that id.")
    return run
