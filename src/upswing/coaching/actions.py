"""Coaching records: sessions recorded from a finding or freely, their agreed actions, the
agent's acknowledgement, and imported history. Each action is atomic and writes its audit
event in the same transaction (through `_audit`).

Each action authorises its actor itself through `upswing.coaching.access`: a session is
recorded only by someone who coaches the agent, and only the agent acknowledges it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from upswing.audit.concurrency import save_if_unchanged
from upswing.coaching import rules
from upswing.coaching.access import can_coach_agent, may_complete
from upswing.coaching.models import ActionItem, CoachingSession
from upswing.org.models import Agent
from upswing.warehouse.store import UpsertCounts

WRITTEN = "<written>"  # what the audit trail records instead of a confidential text


class CoachingError(ValueError):
    """The session (or action) cannot be recorded as it stands; nothing was written."""

    def __init__(self, problems: Sequence[str]):
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True, slots=True)
class AgreedAction:
    """An action agreed in a session: an owner (a user, or an email) and a due date."""

    description: str
    owner: object | None = None  # a user
    owner_email: str = ""
    due_on: dt.date | None = None


def _audit(*, actor, action: str, obj=None, changes=None, reason: str = "", **extra) -> None:
    """Every audit event of this module goes through here."""
    from upswing.audit.actions import record_event

    record_event(actor=actor, action=action, obj=obj, changes=changes, reason=reason, **extra)


def _as_action(item: AgreedAction | Mapping) -> AgreedAction:
    return item if isinstance(item, AgreedAction) else AgreedAction(**item)


@transaction.atomic
def do_record_session(
    *,
    actor,
    agent: Agent,
    kind: str,
    coached_at: dt.datetime,
    topic: str = "",
    metric: str = "",
    behaviours: Iterable[str] = (),
    notes: str = "",
    finding=None,
    actions: Iterable[AgreedAction | Mapping] = (),
    follow_up_on: dt.date | None = None,
) -> CoachingSession:
    """Record a session with `agent`, optionally in response to `finding` (whose metric and
    behaviours are the default subject). Raises CoachingError listing every problem, and
    PermissionDenied when `actor` does not coach the agent."""
    if not can_coach_agent(actor, agent):
        raise PermissionDenied("Only someone who coaches this agent may record a session.")
    if timezone.is_naive(coached_at):
        raise CoachingError(["coached_at must carry a time zone"])
    agreed = [_as_action(a) for a in actions]
    behaviours = [b.strip() for b in behaviours]
    if finding is not None:
        if finding.agent_code != agent.code:
            raise CoachingError([f"finding {finding.pk} is about another agent"])
        metric = metric or finding.metric
        behaviours = behaviours or list(finding.behaviours)
    metric = (metric or "").lower()
    _check(kind, coached_at, metric, behaviours, follow_up_on, agreed, topic, notes)
    if CoachingSession.objects.filter(agent=agent, coached_at=coached_at, kind=kind).exists():
        raise CoachingError(["a session of this kind is already recorded at that time"])
    session = CoachingSession.objects.create(
        agent=agent,
        coached_at=coached_at,
        kind=kind,
        coach=actor if getattr(actor, "is_authenticated", False) else None,
        coach_email=getattr(actor, "email", "") or "",
        topic=topic,
        metric=metric,
        behaviours=behaviours,
        notes=notes,
        finding=finding,
        follow_up_on=follow_up_on,
        source="upswing",
    )
    items = ActionItem.objects.bulk_create(
        ActionItem(
            session=session,
            description=a.description.strip(),
            owner=a.owner,
            owner_email=a.owner_email or getattr(a.owner, "email", "") or "",
            due_on=a.due_on,
        )
        for a in agreed
    )
    _audit(
        actor=actor,
        action="coaching.record_session",
        obj=session,
        changes={
            "agent": [None, agent.code],
            "kind": [None, kind],
            "coached_at": [None, coached_at],
            "topic": [None, topic],
            "metric": [None, metric],
            "behaviours": [None, behaviours],
            "finding": [None, finding.pk if finding is not None else None],
            "follow_up_on": [None, follow_up_on],
            "notes": [None, WRITTEN if notes else ""],
            "actions": [None, len(items)],
        },
    )
    return session


def _check(kind, coached_at, metric, behaviours, follow_up_on, agreed, topic, notes) -> None:
    draft = rules.SessionDraft(
        kind=kind,
        coached_on=timezone.localdate(coached_at),
        metric=metric,
        behaviours=tuple(behaviours),
        follow_up_on=follow_up_on,
        actions=tuple(
            rules.ActionDraft(a.description, a.owner is not None or bool(a.owner_email), a.due_on)
            for a in agreed
        ),
        topic=topic,
        notes=notes,
    )
    problems = rules.session_problems(draft)
    if problems:
        raise CoachingError(problems)


@transaction.atomic
def do_acknowledge_session(
    *, actor, session: CoachingSession, comment: str = "", expected_version: int | None = None
) -> CoachingSession:
    """The agent acknowledges the session, with an optional comment. Only the agent may;
    a session is acknowledged once. `expected_version` refuses a stale copy (StaleEdit)."""
    agent_user = session.agent.user_id
    if agent_user is None or getattr(actor, "pk", None) != agent_user:
        raise PermissionDenied("Only the coached agent can acknowledge a session.")
    current = CoachingSession.objects.select_for_update().get(pk=session.pk)
    if current.acknowledged_at is not None:
        raise CoachingError(["the session is already acknowledged"])
    now = timezone.now()
    version = save_if_unchanged(
        CoachingSession,
        session.pk,
        session.version if expected_version is None else expected_version,
        acknowledged_at=now,
        agent_comment=comment,
    )
    _audit(
        actor=actor,
        action="coaching.acknowledge_session",
        obj=current,
        changes={
            "acknowledged_at": [None, now],
            "agent_comment": ["", WRITTEN if comment else ""],
        },
        role="agent",
    )
    session.acknowledged_at, session.agent_comment, session.version = now, comment, version
    return session


@transaction.atomic
def do_complete_action_item(
    *, actor, item: ActionItem, done_at: dt.datetime | None = None
) -> ActionItem:
    """Mark an agreed action done (now, or at `done_at`): its owner, or whoever may coach
    its session (PermissionDenied otherwise)."""
    if not may_complete(actor, item):
        raise PermissionDenied("Only the action's owner or the agent's lead marks it done.")
    current = ActionItem.objects.select_for_update().get(pk=item.pk)
    if current.done_at is not None:
        raise CoachingError(["the action is already done"])
    done_at = done_at or timezone.now()
    if timezone.is_naive(done_at):
        raise CoachingError(["done_at must carry a time zone"])
    ActionItem.objects.filter(pk=item.pk).update(done_at=done_at)
    _audit(
        actor=actor,
        action="coaching.complete_action",
        obj=current,
        changes={"done_at": [None, done_at]},
        reason=f"session {current.session_id}",
    )
    item.done_at = done_at
    return item


@transaction.atomic
def do_import_coaching(rows: list[dict], source: str) -> UpsertCounts:
    """Imported coaching history, upserted by (agent, coached_at, kind).

    One audit event per session created or changed, acted by whoever bound the import
    (`upswing.audit.middleware.bind_actor`); the notes' words are never in it.
    """
    from upswing.audit.actions import diff_fields, record_events
    from upswing.audit.middleware import current_actor

    agents = {a.code: a for a in Agent.objects.filter(code__in={r["agent_id"] for r in rows})}
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    events = []
    for row in rows:
        key = {
            "agent": agents[row["agent_id"]],
            "coached_at": row["coached_at"],
            "kind": row["kind"],
        }
        values = {
            "coach_email": row["coach_email"] or "",
            "topic": row["topic"] or "",
            "metric": (row["metric"] or "").lower(),
            "notes": row["notes"] or "",
            "source": source,
        }
        session = CoachingSession.objects.filter(**key).first()
        if session is None:
            session = CoachingSession.objects.create(**key, **values)
            before, verb = {}, "create"
            values = {**values, "agent": key["agent"].pk, "coached_at": row["coached_at"]}
            values["kind"] = row["kind"]
            counts["inserted"] += 1
        elif any(getattr(session, k) != v for k, v in values.items()):
            before, verb = {k: getattr(session, k) for k in values}, "update"
            CoachingSession.objects.filter(pk=session.pk).update(**values, version=F("version") + 1)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
            continue
        changes = diff_fields(before, values)
        if "notes" in changes:
            changes["notes"] = [before.get("notes") and WRITTEN, values["notes"] and WRITTEN]
        events.append({"action": f"coaching.import.{verb}", "obj": session, "changes": changes})
    record_events(actor=current_actor(), events=events, reason=f"coaching import from {source}")
    return UpsertCounts(**counts)
