"""Granting and revoking roles, with Django's staff flags kept in step with the admin role.

Only the admin role opens the Django admin (/admin/): a user holding an admin grant is
`is_staff` and `is_superuser`; revoking their last admin grant clears both. The admin site's
own permission check also asks for the admin role (`upswing.org.admin`), so a staff flag set
by hand opens nothing.
"""

from __future__ import annotations

from django.db import transaction

from upswing.audit.actions import record_event
from upswing.org.access import forget_reach, reach_of
from upswing.org.models import Role, RoleGrant


def sync_staff_flags(user) -> bool:
    """Make is_staff/is_superuser follow the user's admin grants; True when they changed."""
    is_admin = RoleGrant.objects.filter(user_id=user.pk, role=Role.ADMIN).exists()
    if is_admin and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
    elif not is_admin and (user.is_staff or user.is_superuser):
        user.is_staff = user.is_superuser = False
    else:
        return False
    user.save(update_fields=["is_staff", "is_superuser"])
    forget_reach(user)
    return True


def do_grant_role(user, role: str, *, actor, client=None, program=None, team=None) -> RoleGrant:
    with transaction.atomic():
        grant = RoleGrant.objects.create(
            user=user, role=role, client=client, program=program, team=team
        )
        record_grant_change(grant, actor=actor, granted=True)
    return grant


def do_revoke_role(grant: RoleGrant, *, actor) -> None:
    with transaction.atomic():
        record_grant_change(grant, actor=actor, granted=False)
        grant.delete()
        sync_staff_flags(grant.user)


def record_grant_change(grant: RoleGrant, *, actor, granted: bool) -> None:
    """The audit event of a grant made or removed (inside the caller's transaction)."""
    scope = {"client_id": grant.client_id, "program_id": grant.program_id, "team_id": grant.team_id}
    values = {"user_id": grant.user_id, "role": grant.role, **scope}
    changes = {k: [None, v] if granted else [v, None] for k, v in values.items()}
    if granted:
        sync_staff_flags(grant.user)
    record_event(
        actor=actor,
        role=Role.ADMIN if _is_admin(actor) else "",
        action="role.grant" if granted else "role.revoke",
        obj=grant,
        changes=changes,
    )


def _is_admin(actor) -> bool:
    """A user acting as admin; a label ("cli", "demo") or None is not a user."""
    return hasattr(actor, "is_authenticated") and reach_of(actor).is_admin
