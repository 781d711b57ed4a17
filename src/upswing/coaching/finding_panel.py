"""Coaching's panel on a finding's page (registered with the findings in apps.py).

The section: the coaching on the finding and what followed, each session with its effect,
only the sessions the user may see. The header's links, for whoever coaches the agent: the
ladder's next steps, record a session (not for a systemic cause) and, when the ladder
recommends one, draft a plan.
"""

from __future__ import annotations

from django.urls import reverse

from upswing.coaching.access import can_coach_agent, visible_sessions
from upswing.coaching.effectiveness import finding_effects, session_effects
from upswing.coaching.rules import EFFECT_LABELS
from upswing.findings.registry import Link, Panel
from upswing.findings.rules import Cause, Recommendation

TEMPLATE = "coaching/partials/finding_panel.html"


def coaching_panel(user, finding, agent) -> Panel:
    effects = coaching_history(user, finding)
    can_record = agent is not None and can_coach_agent(user, agent)
    links = []
    if can_record and finding.cause != Cause.SYSTEMIC:
        url = reverse("coaching:record_for_finding", args=[finding.pk])
        links.append(Link("Record a coaching session", url, primary=True))
    if can_record and finding.recommendation == Recommendation.PIP:
        links.append(Link("Draft a plan", f"{reverse('plans:new')}?finding={finding.pk}"))
    return Panel(
        links=tuple(links),
        template=TEMPLATE,
        context={
            "effects": [(e, EFFECT_LABELS[e.effect.verdict]) for e in effects],
            "read_by_rules": set(sessions_read(finding)),
        },
    )


def coaching_history(user, finding) -> list:
    """The coaching on the finding (finding_effects) and the sessions the rules read for it,
    each with its effect, oldest first; only the sessions the user may see."""
    effects = finding_effects(finding)
    read = set(sessions_read(finding)) - {e.session.pk for e in effects}
    if read:
        extra = visible_sessions(user).filter(pk__in=read).select_related("agent", "finding")
        effects += session_effects(extra)
    shown = set(
        visible_sessions(user)
        .filter(pk__in=[e.session.pk for e in effects])
        .values_list("pk", flat=True)
    )
    return sorted((e for e in effects if e.session.pk in shown), key=lambda e: e.session.coached_at)


def sessions_read(finding) -> list[int]:
    """The ids of the sessions the diagnosis read for the finding (its evidence)."""
    values = (finding.evidence or {}).get("coaching_sessions", [])
    return [int(v) for v in values if str(v).isdigit()]
