"""The plan links of the main navigation, shown only to those who can open the pages.

Leads, managers, HR and admins: Plans and Inbox (managers, HR and admins: Plan reports too),
decided from the grants the request has read already (no query). An agent: My plan and Inbox
once HR has approved a plan of theirs (one query); never a draft. QA analysts and client
viewers: nothing.
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from upswing.plans.access import has_shared_plan, sees_plan_reports, works_on_plans

register = template.Library()


@register.simple_tag
def plan_links(user, nav=None) -> list[tuple[str, str]]:
    if works_on_plans(user):
        links = [("Plans", reverse("plans:list")), ("Inbox", reverse("plans:inbox"))]
        if sees_plan_reports(user):
            links.append(("Plan reports", reverse("plans:reports")))
        return links
    agent = getattr(nav, "own_agent", None) if nav is not None else None
    if agent is None or not has_shared_plan(agent):
        return []
    return [("My plan", reverse("plans:list")), ("Inbox", reverse("plans:inbox"))]
