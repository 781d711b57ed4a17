"""What each role's start page lists: its open work, read through each feature's doors.

Each section comes from the feature that owns the records (its `access` door, its `queries`
selector) and links to the page where the work is done. A section runs a fixed number of
queries whatever the number of records: a count and the first few rows. `work_of(user)`
keeps its answer on the user object for the rest of the request. The navigation's badge is
its own small request (`/today/badge/`, loaded by htmx), so no other page pays for it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from upswing.org.access import reach_of
from upswing.org.models import Role
from upswing.today import sections
from upswing.today.rules import Group, Work

_CACHE_ATTR = "_upswing_today_work"


GROUPS = (
    ("agent", "Your work", sections.agent_sections),
    (Role.TEAM_LEAD, "Your teams", sections.lead_sections),
    (Role.QA_ANALYST, "Quality", sections.qa_sections),
    (Role.HR, "Plans and check-ins", sections.hr_sections),
    (Role.OPERATIONS_MANAGER, "Your programs", sections.manager_sections),
    (Role.CLIENT_VIEWER, "Program reports", sections.client_sections),
    (Role.CLIENT_GOVERNANCE_LEAD, "Client governance", sections.governance_sections),
    (Role.VENDOR_ACCOUNT_MANAGER, "Client governance", sections.governance_sections),
)


def work_of(user, *, today: dt.date | None = None) -> Work:
    """The open work of each role the user holds (an agent: the account has an agent)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and today is None:
        return cached
    day = today or timezone.localdate()
    work = Work()
    roles = reach_of(user).roles
    shown: set[str] = set()  # a section two roles share (overdue check-ins) is shown once
    for role, title, build in GROUPS:
        if role != "agent" and role not in roles:
            continue
        found = [s for s in build(user, day) if s.key not in shown]
        shown.update(s.key for s in found)
        if found:
            work.groups.append(Group(str(role), title, tuple(found)))
    if today is None:
        setattr(user, _CACHE_ATTR, work)
    return work
