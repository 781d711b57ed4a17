"""Every change to a program's governance: do_<verb>_<noun>(…, *, actor). Atomic, checked
against the actor's grants (`access`), audited. The corrective action plans' and reviews'
actions are in `plan_actions`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from upswing.audit.actions import record_event
from upswing.governance.access import (
    ANSWERERS,
    DECIDERS,
    acting_role,
    can_answer,
    can_decide,
)
from upswing.governance.models import EventNotice, Excuse
from upswing.metrics import CATALOG
from upswing.org.models import Program
from upswing.scorecards.models import ContextEvent


def added(**values) -> dict[str, list]:
    """Audit changes for a new record: each field from nothing to its value."""
    return {name: [None, value] for name, value in values.items()}


def _event(program: Program, event_id: str) -> ContextEvent:
    event = ContextEvent.objects.filter(program_code=program.code, event_id=event_id).first()
    if event is None:
        raise ValidationError({"event_id": "no recorded event of this program has that id"})
    return event


def do_accept_excuse(
    program: Program, event_id: str, *, metric: str = "", note: str = "", actor
) -> Excuse:
    """The client's governance lead accepts a recorded event as the excuse for breaches of
    `metric` (blank: every metric) in the windows the event overlaps."""
    if not can_decide(actor, program):
        raise PermissionDenied("only the client's governance lead accepts an excuse")
    if metric and metric not in CATALOG:
        raise ValidationError({"metric": "not a metric of the catalog"})
    event = _event(program, event_id)
    with transaction.atomic():
        excuse, created = Excuse.objects.get_or_create(
            program=program,
            event_id=event.event_id,
            metric=metric,
            defaults={"note": note, "accepted_at": timezone.now(), "accepted_by": actor},
        )
        if created:
            record_event(
                actor=actor,
                role=acting_role(actor, program, DECIDERS),
                action="governance.excuse_accepted",
                obj=excuse,
                changes=added(event_id=event.event_id, metric=metric or "every metric"),
                reason=note,
            )
    return excuse


def do_withdraw_excuse(excuse: Excuse, *, reason: str, actor) -> None:
    """The client's governance lead withdraws an accepted excuse, saying why: the breaches it
    excused count again (and earn their service credits). The excuse is deleted; the audit
    event keeps what it excused, who withdrew it and why."""
    if not can_decide(actor, excuse.program):
        raise PermissionDenied("only the client's governance lead withdraws an excuse")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "say why the excuse is withdrawn"})
    with transaction.atomic():
        locked = Excuse.objects.select_for_update().filter(pk=excuse.pk).first()
        if locked is None:
            raise ValidationError({"excuse": "the excuse was already withdrawn"})
        record_event(
            actor=actor,
            role=acting_role(actor, locked.program, DECIDERS),
            action="governance.excuse_withdrawn",
            obj=locked,
            changes={
                "event_id": [locked.event_id, None],
                "metric": [locked.metric or "every metric", None],
            },
            reason=reason,
        )
        locked.delete()


def do_flag_event(program: Program, event_id: str, *, note: str = "", actor) -> EventNotice:
    """The vendor tells the client about a recorded event; the first notice's time stands."""
    if not can_answer(actor, program):
        raise PermissionDenied("only the vendor's account manager flags an event")
    event = _event(program, event_id)
    with transaction.atomic():
        notice, created = EventNotice.objects.get_or_create(
            program=program,
            event_id=event.event_id,
            defaults={"flagged_at": timezone.now(), "flagged_by": actor, "note": note},
        )
        if created:
            record_event(
                actor=actor,
                role=acting_role(actor, program, ANSWERERS),
                action="governance.event_flagged",
                obj=notice,
                changes=added(event_id=event.event_id, flagged_at=notice.flagged_at.isoformat()),
                reason=note,
            )
    return notice
