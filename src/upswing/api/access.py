"""Doors the API needs beyond the features' own access modules.

Targets are read through `upswing.targets.access` (the targets pages use the same
functions); only the single-record door lives here until that module grows one. Findings,
coaching sessions and plans are read through their features' own doors
(`findings.access`, `coaching.access`, `plans.access`), like their pages.

- imports: admins only.

`access_*_by_id` answers the same 404 for a record that does not exist and for one the user
may not see.
"""

from __future__ import annotations

from django.http import Http404

from upswing.org.access import reach_of
from upswing.performance.models import Target
from upswing.targets.access import visible_targets


def access_target_by_id(user, target_id: int) -> Target:
    found = visible_targets(user).select_related("program", "team").filter(pk=target_id).first()
    if found is None:
        raise Http404("No target with that id.")
    return found


def may_import(user) -> bool:
    return reach_of(user).is_admin
