"""The plan links of the main navigation, shown only to those who can open the pages.

Leads, managers, HR and admins: Plans and Inbox (managers, HR and admins: Plan reports too),
decided from the grants the request has read already (no query). An agent: My plan and Inbox
once HR has approved a plan of theirs (one query); never a draft. QA analysts and client
viewers: nothing.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from upswing.org.access import reach_of
from upswing.org.models import Role
from upswing.plans.models import Plan

register = template.Library()

STAFF = frozenset({Role.TEAM_LEAD, Role.OPERATIONS_MANAGER, Role.HR})
REPORTS = frozenset({Role.OPERATIONS_MANAGER, Role.HR})


@register.simple_tag
def plan_links(user, nav=None) -> list[tuple[str, str]]:
    reach = reach_of(user)
    if reach.is_admin or reach.roles & STAFF:
        links = [("Plans", reverse("plans:list")), ("Inbox", reverse("plans:inbox"))]
        if reach.is_admin or reach.roles & REPORTS:
            links.append(("Plan reports", reverse("plans:reports")))
        return links
    agent = getattr(nav, "own_agent", None) if nav is not None else None
    if agent is None:
        return []
    if not Plan.objects.filter(agent=agent, shared_at__isnull=False).exists():
        return []
    return [("My plan", reverse("plans:list")), ("Inbox", reverse("plans:inbox"))]
