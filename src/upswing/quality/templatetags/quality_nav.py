"""The quality loop's links in the main navigation: only what the user may open."""

from __future__ import annotations

from django import template
from django.urls import reverse

from upswing.org.access import own_agent_q, reach_of
from upswing.org.models import Agent, Role
from upswing.quality import access

register = template.Library()


@register.simple_tag
def quality_links(user, nav=None) -> list[tuple[str, str]]:
    """The links; `nav` is the base layout's Navigation, whose own-agent lookup is reused."""
    if user is None or not user.is_authenticated:
        return []
    links = []
    if access.is_evaluator(user):
        links.append(("QA queue", reverse("quality:queue")))
    if access.is_qa_staff(user):
        links.append(("Disputes", reverse("quality:disputes")))
    reach = reach_of(user)
    if reach.is_admin or reach.roles & {
        Role.QA_ANALYST,
        Role.OPERATIONS_MANAGER,
        Role.CLIENT_VIEWER,
    }:
        links.append(("Quality", reverse("quality:home")))
    own = nav.own_agent if nav is not None else Agent.objects.filter(own_agent_q(user)).first()
    if own:
        links.append(("My QA", reverse("quality:agent", args=[own.code])))
    return links


@register.filter
def percent(value) -> str:
    """A QA score as the pages show it: one decimal and a percent sign; — when none."""
    if value is None:
        return "—"
    return f"{float(value):.1f}%"


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return f"{float(value):+.1f}"


@register.filter
def decimals(value, places: int = 2) -> str:
    if value is None:
        return "—"
    return f"{float(value):.{int(places)}f}"


OUTCOME_LABELS = {
    "accepted": "accepted",
    "partly_accepted": "partly accepted",
    "rejected": "rejected",
    "open": "open",
}


@register.filter
def outcome(value: str) -> str:
    return OUTCOME_LABELS.get(value, value)
