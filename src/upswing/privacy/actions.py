"""Erasure by pseudonymisation in place, legal holds, and the retention sweep.

Erasing a person keeps every row and every number (scorecards, findings, plan states and
dates, audit events, warehouse facts keyed by the agent's id) and blanks what identifies or
describes them in words: the agent's name ("Erased person #N") and email, their user's
names, email and sign-in, coaching notes and comments, agreed actions, plan narratives and
check-in notes. A legal hold blocks it. Each erasure, hold and sweep is audited.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from upswing.audit.actions import HIDDEN, record_event, record_events
from upswing.coaching.models import ActionItem, CoachingSession
from upswing.org.access import reach_of
from upswing.org.models import Agent, Role
from upswing.plans.models import Checkpoint, Plan, PlanVersion
from upswing.privacy.models import Erasure, LegalHold, RecordClass, RetentionRule

ERASED = "Erased person #{n}"
# An agreed action must say something (a check constraint): this, once its words are gone.
REMOVED = "(removed)"
# Plan JSON keys whose values are words about the person (upswing plan lint's shape).
PLAN_TEXT_KEYS = frozenset(
    {"problem_statement", "behavior", "description", "summary", "success", "partial", "none"}
)


class ErasureBlocked(Exception):  # noqa: N818 - what callers and messages call it
    """The person is under a legal hold (or already erased): nothing was changed."""


def may_manage_privacy(user) -> bool:
    if user in ("cli", None):
        return True
    reach = reach_of(user)
    return reach.is_admin or Role.HR in reach.roles


def _authorise(actor) -> None:
    if not may_manage_privacy(actor):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Erasure and legal holds are for HR partners and admins.")


def active_hold(agent: Agent) -> LegalHold | None:
    return agent.legal_holds.filter(lifted_at__isnull=True).first()


@transaction.atomic
def do_place_legal_hold(agent: Agent, reason: str, *, actor) -> LegalHold:
    _authorise(actor)
    if not reason.strip():
        raise ValueError("a legal hold needs a reason")
    user = actor if not isinstance(actor, str) else None
    hold = LegalHold.objects.create(agent=agent, reason=reason.strip(), placed_by=user)
    record_event(
        actor=actor,
        action="privacy.hold.place",
        obj=hold,
        reason=reason,
        changes={"agent": [None, agent.pk]},
    )
    return hold


@transaction.atomic
def do_lift_legal_hold(hold: LegalHold, *, actor, reason: str = "") -> LegalHold:
    _authorise(actor)
    hold.lifted_at = timezone.now()
    hold.save(update_fields=["lifted_at"])
    record_event(
        actor=actor,
        action="privacy.hold.lift",
        obj=hold,
        reason=reason,
        changes={"lifted_at": [None, hold.lifted_at]},
    )
    return hold


@transaction.atomic
def do_erase_person(agent: Agent, *, actor, reason: str) -> Erasure:
    _authorise(actor)
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    if active_hold(agent) is not None:
        raise ErasureBlocked(f"{agent.code} is under a legal hold: nothing was erased.")
    if Erasure.objects.filter(agent=agent).exists():
        raise ErasureBlocked(f"{agent.code} was erased already.")
    if not reason.strip():
        raise ValueError("an erasure needs a reason (the request it answers)")
    counts = _blank_free_text(
        CoachingSession.objects.filter(agent=agent),
        ActionItem.objects.filter(session__agent=agent),
        Plan.objects.filter(agent=agent),
    )
    label = ERASED.format(n=agent.pk)
    Agent.objects.filter(pk=agent.pk).update(name=label, email="")
    if agent.user_id:
        user = get_user_model().objects.get(pk=agent.user_id)
        user.username, user.first_name, user.last_name = f"erased-{agent.pk}", "", ""
        user.email, user.is_active = "", False
        user.set_unusable_password()
        user.save()
        counts["users"] = 1
    erasure = Erasure.objects.create(agent=agent, reason=reason.strip())
    record_event(
        actor=actor,
        action="privacy.erase",
        obj=agent,
        reason=reason,
        changes={
            "name": [HIDDEN, label],
            "email": [HIDDEN, ""],
            **{k: [None, v] for k, v in counts.items()},
        },
    )
    return erasure


def _blank_free_text(sessions, actions, plans) -> dict[str, int]:
    counts = {
        "coaching_sessions": sessions.update(notes="", agent_comment=""),
        "action_items": actions.update(description=REMOVED),
        "plans": plans.update(outcome_reason=""),
        "checkpoints": Checkpoint.objects.filter(plan__in=plans).update(
            coaching_notes="", agent_reflection="", adjustments="", blockers=[]
        ),
    }
    versions = PlanVersion.objects.filter(plan__in=plans)
    for version in versions:
        PlanVersion.objects.filter(pk=version.pk).update(
            terms=blank_plan_text(version.terms),
            note="",
            review_comment="",
            acknowledgement_comment="",
        )
    counts["plan_versions"] = versions.count()
    return counts


def blank_plan_text(value, key: str = ""):
    """The plan JSON with every narrative string blanked (numbers, dates, metrics kept)."""
    if isinstance(value, dict):
        out = {k: blank_plan_text(v, k) for k, v in value.items()}
        if "agent_name" in out:
            out["agent_name"] = ""
        return out
    if isinstance(value, list):
        return [blank_plan_text(v, key) for v in value]
    if isinstance(value, str) and key in PLAN_TEXT_KEYS:
        return ""
    return value


# --- retention -----------------------------------------------------------------------------


@transaction.atomic
def do_apply_retention(today: dt.date, *, actor) -> dict[str, int]:
    """Blank the free text of records past their class's keep_days; held people skipped."""
    _authorise(actor)
    held = LegalHold.objects.filter(lifted_at__isnull=True).values("agent_id")
    done: dict[str, int] = {}
    events = []
    for rule in RetentionRule.objects.all():
        cutoff = today - dt.timedelta(days=rule.keep_days)
        ids = _expired(rule.record_class, cutoff, held)
        done[rule.record_class] = len(ids)
        events += [
            {
                "action": "privacy.retention.blank",
                "object_type": t,
                "object_id": str(pk),
                "changes": {"free_text": [HIDDEN, ""]},
            }
            for t, pk in ids
        ]
    record_events(actor=actor, events=events, reason="retention schedule")
    return done


def _expired(record_class: str, cutoff: dt.date, held) -> list[tuple[str, int]]:
    if record_class == RecordClass.COACHING_NOTES:
        rows = (
            CoachingSession.objects.filter(coached_at__date__lt=cutoff)
            .exclude(agent_id__in=held)
            .exclude(notes="", agent_comment="")
        )
        ids = list(rows.values_list("pk", flat=True))
        CoachingSession.objects.filter(pk__in=ids).update(notes="", agent_comment="")
        return [("coaching.coachingsession", pk) for pk in ids]
    if record_class == RecordClass.ACTION_ITEMS:
        rows = (
            ActionItem.objects.filter(session__coached_at__date__lt=cutoff)
            .exclude(session__agent_id__in=held)
            .exclude(description=REMOVED)
        )
        ids = list(rows.values_list("pk", flat=True))
        ActionItem.objects.filter(pk__in=ids).update(description=REMOVED)
        return [("coaching.actionitem", pk) for pk in ids]
    plans = Plan.objects.filter(closed_at__date__lt=cutoff).exclude(agent_id__in=held)
    ids = list(plans.values_list("pk", flat=True))
    _blank_free_text(
        CoachingSession.objects.none(), ActionItem.objects.none(), Plan.objects.filter(pk__in=ids)
    )
    return [("plans.plan", pk) for pk in ids]
