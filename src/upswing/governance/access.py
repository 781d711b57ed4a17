"""Who may read and act on a program's governance: the only doors.

Readers: the client's viewers and governance leads, the vendor's account managers and
operations managers, and admins, each on the programs their grants reach. Everything here is
program level: no door of this feature opens a team or an agent.

Contract uploads: admins (any program) and the client governance lead, for the programs of
its own client its grants cover (`contract_upload_scope`).

Deciders (accept an event as an excuse, decide a corrective plan's outcome, decide a
partnership review): the client governance lead whose grant covers the program, or an admin.
Answerers (flag an event, draft and run a corrective action plan): the vendor account manager
or operations manager whose grant covers the program, or an admin.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from upswing.org.access import reach_of, visible_programs
from upswing.org.models import Program, Role

READERS = frozenset(
    {
        Role.CLIENT_VIEWER,
        Role.CLIENT_GOVERNANCE_LEAD,
        Role.VENDOR_ACCOUNT_MANAGER,
        Role.OPERATIONS_MANAGER,
    }
)
DECIDERS = frozenset({Role.CLIENT_GOVERNANCE_LEAD})
# A grant on a whole client opens all its programs, except a vendor account manager's: a client
# may buy from several vendors, and a vendor's account manager sees the programs it runs
# (program grants), never another vendor's.
CLIENT_WIDE = READERS - {Role.VENDOR_ACCOUNT_MANAGER}
ANSWERERS = frozenset({Role.VENDOR_ACCOUNT_MANAGER, Role.OPERATIONS_MANAGER})


def visible_governed_programs(user) -> QuerySet[Program]:
    """Programs whose governance (contract, breaches, plans, reports) the user may read."""
    reach = reach_of(user)
    if reach.is_admin:
        return Program.objects.all()
    if not reach.roles & READERS:
        return Program.objects.none()
    covered = {p for g in reach.grants if g.role in READERS for p in _grant_programs(g)}
    clients = {g.client_id for g in reach.grants if g.role in CLIENT_WIDE and g.client_id}
    return visible_programs(user).filter(Q(id__in=covered) | Q(client_id__in=clients))


def _grant_programs(grant) -> tuple[int, ...]:
    return (grant.program_id,) if grant.program_id else ()


def access_governed_program(user, code: str) -> Program:
    """One program's governance, or the same 404 for a missing and a forbidden program."""
    program = visible_governed_programs(user).select_related("client").filter(code=code).first()
    if program is None:
        raise Http404("No program with that code.")
    return program


def _holds(user, program: Program, roles: frozenset[str]) -> bool:
    reach = reach_of(user)
    return reach.is_admin or _granted(reach, program, roles)


def _granted(reach, program: Program, roles: frozenset[str]) -> bool:
    """One of `roles` is granted on `program` (admin or not)."""
    return any(g.role in roles and _covers(g, program) for g in reach.grants)


def _covers(grant, program: Program) -> bool:
    if grant.program_id == program.id:
        return True
    return grant.role in CLIENT_WIDE and grant.client_id == program.client_id


def can_decide(user, program: Program) -> bool:
    """May accept excuses and decide plans' outcomes and partnership reviews."""
    return _holds(user, program, DECIDERS)


def can_answer(user, program: Program) -> bool:
    """May flag events and draft and run corrective action plans (the vendor's side)."""
    return _holds(user, program, ANSWERERS)


def contract_upload_scope(user, program: Program) -> frozenset[str] | None:
    """The programs whose contracts `user` may upload from `program`'s page: None for an
    admin (any program); for the client's governance lead, the programs of this program's
    client that its grants cover; empty: may not upload."""
    reach = reach_of(user)
    if reach.is_admin:
        return None
    if not _holds(user, program, DECIDERS):
        return frozenset()
    same_client = Program.objects.filter(client_id=program.client_id)
    return frozenset(p.code for p in same_client if _granted(reach, p, DECIDERS))


def contracts_import_role(user, programs: frozenset[str]) -> str | None:
    """Registered with the imports: a contracts file limited to `programs` is the client
    governance lead's to upload when its grants cover every one of them (one client's)."""
    reach = reach_of(user)
    rows = list(Program.objects.filter(code__in=programs))
    if len(rows) != len(programs) or len({p.client_id for p in rows}) != 1:
        return None
    covered = all(_granted(reach, p, DECIDERS) for p in rows)
    return Role.CLIENT_GOVERNANCE_LEAD if covered else None


def acting_role(user, program: Program, roles: frozenset[str]) -> str:
    """The role the audit event records for an action on `program`."""
    reach = reach_of(user)
    for grant in reach.grants:
        if grant.role in roles and _covers(grant, program):
            return grant.role
    return Role.ADMIN
