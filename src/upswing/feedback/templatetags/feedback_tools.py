"""Small template helpers of the feedback pages, and the evidence block that coaching and plan
pages include (`{% feedback_evidence user agent %}`), under the same thresholds."""

from __future__ import annotations

from django import template

from upswing.feedback import queries

register = template.Library()


@register.filter
def get_item(mapping, key):
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def scale_label(scale, point) -> str:
    return scale.label(point)


@register.filter
def bar_height(count, cell) -> int:
    """Pixels of one distribution bar (28 px for the most common answer)."""
    top = max(cell.distribution or (0,))
    return round(28 * count / top) if top else 0


@register.inclusion_tag("feedback/partials/evidence.html")
def feedback_evidence(user, agent):
    return {"evidence": queries.evidence_for(user, agent), "agent": agent}
