"""Sign-in through OpenID Connect: users are matched by email, and the provider's groups
become role grants, as the mapping in `UPSWING_OIDC_GROUP_GRANTS` says (data, JSON):

    {"upswing-hr-atlas": [{"role": "hr", "client": "C1"}],
     "upswing-leads-north": [{"role": "team_lead", "team": "T1"}]}

At each sign-in the user's grants that the mapping can produce follow their groups: a grant
of a group they joined is made, one of a group they left is revoked (both audited); grants
made by hand, outside the mapping, are never touched. Local accounts keep working.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from upswing.org.grants import do_grant_role, do_revoke_role
from upswing.org.models import Client, Program, RoleGrant, Team
from upswing.sso.discovery import ENDPOINTS, endpoint

SCOPES = {"client": Client, "program": Program, "team": Team}


def group_grants() -> dict[str, list[dict]]:
    raw = getattr(settings, "UPSWING_OIDC_GROUP_GRANTS", "") or "{}"
    mapping = json.loads(raw) if isinstance(raw, str) else raw
    return {str(group): list(grants) for group, grants in mapping.items()}


def _key(grant: dict) -> tuple:
    return (grant["role"], *(grant.get(scope) or None for scope in SCOPES))


def _existing_key(grant: RoleGrant) -> tuple:
    codes = tuple(getattr(grant, scope).code if getattr(grant, scope) else None for scope in SCOPES)
    return (grant.role, *codes)


class GroupGrantsBackend(OIDCAuthenticationBackend):
    @staticmethod
    def get_settings(attr, *args):
        if attr in ENDPOINTS:
            return endpoint(attr)
        return OIDCAuthenticationBackend.get_settings(attr, *args)

    def create_user(self, claims):
        user = super().create_user(claims)
        self._sync(user, claims)
        return user

    def update_user(self, user, claims):
        self._sync(user, claims)
        return user

    @transaction.atomic
    def _sync(self, user, claims) -> None:
        mapping = group_grants()
        groups = set(claims.get("groups") or [])
        mapped = {_key(g): g for grants in mapping.values() for g in grants}
        wanted = {_key(g) for name in groups & set(mapping) for g in mapping[name]}
        have = {
            _existing_key(g): g for g in RoleGrant.objects.filter(user=user).select_related(*SCOPES)
        }
        for key in wanted - set(have):
            grant = mapped[key]
            scope = {
                name: SCOPES[name].objects.get(code=grant[name])
                for name in SCOPES
                if grant.get(name)
            }
            do_grant_role(user, grant["role"], actor="sso", **scope)
        for key in (set(have) & set(mapped)) - wanted:
            do_revoke_role(have[key], actor="sso")
