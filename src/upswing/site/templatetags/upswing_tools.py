"""`{% tool_links user as links %}`: the role tools the base layout's navigation offers
(targets, imports, warehouse sources, audit trail), each only to users who may open it."""

from __future__ import annotations

from django import template
from django.urls import reverse

from upswing.audit_page.access import can_browse_audit
from upswing.imports.access import can_import
from upswing.targets.access import may_read_targets

register = template.Library()


@register.simple_tag
def tool_links(user) -> list[tuple[str, str]]:
    if user is None or not user.is_authenticated:
        return []
    links = []
    if may_read_targets(user):
        links.append(("Targets", reverse("performance:targets_index")))
    if can_import(user):
        links.append(("Imports", reverse("imports:index")))
        links.append(("Warehouse sources", reverse("sources:index")))
    if can_browse_audit(user):
        links.append(("Audit trail", reverse("audit:events")))
    return links
