"""The coaching links of the main navigation, shown only to those who can open the pages."""

from __future__ import annotations

from django import template

from upswing.org.access import reach_of

register = template.Library()


@register.simple_tag
def sees_findings(user) -> bool:
    """Leads, QA, managers, HR and admins open the coaching queue and the systemic issues;
    agents and client viewers do not (upswing.findings.access)."""
    return reach_of(user).sees_people
