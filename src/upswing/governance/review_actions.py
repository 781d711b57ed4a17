"""Closing a corrective action plan on sustained data, and partnership reviews."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from upswing.audit.actions import record_event
from upswing.governance.access import DECIDERS, acting_role, can_decide
from upswing.governance.actions import added
from upswing.governance.models import (
    CapOutcome,
    CapStatus,
    PartnershipReview,
    ReviewDecision,
)
from upswing.governance.plan_actions import _require, triggering_breaches
from upswing.governance.queries import cap_reading
from upswing.governance.rules.breaches import Escalation
from upswing.governance.rules.caps import Reading
from upswing.metrics import CATALOG


def do_close_cap(plan, *, outcome: str, note: str, actor) -> None:
    """The client's governance lead closes the plan. "Recovered" stands only on sustained
    data (the reading of every goal); "not recovered" may be decided at any time."""
    _require(can_decide(actor, plan.program), "only the client's governance lead closes a plan")
    if plan.status != CapStatus.OPEN:
        raise ValidationError("The plan is already closed.")
    if outcome not in (CapOutcome.SUSTAINED, CapOutcome.NOT_SUSTAINED):
        raise ValidationError({"outcome": "choose recovered or not recovered"})
    reading = cap_reading(plan)
    if outcome == CapOutcome.SUSTAINED and reading.outcome is not Reading.SUSTAINED:
        raise ValidationError(
            {"outcome": "the data does not show sustained recovery: " + reading.summary}
        )
    with transaction.atomic():
        plan.status, plan.outcome, plan.outcome_note = CapStatus.CLOSED, outcome, note
        plan.closed_on = timezone.localdate()
        plan.save(update_fields=["status", "outcome", "outcome_note", "closed_on"])
        record_event(
            actor=actor,
            role=acting_role(actor, plan.program, DECIDERS),
            action="governance.cap_closed",
            obj=plan,
            changes={"status": ["open", "closed"], "outcome": ["", outcome]},
            reason=note,
        )


def do_open_review(program, *, actor, as_of=None) -> PartnershipReview:
    _require(can_decide(actor, program), "only the client's governance lead opens a review")
    due = triggering_breaches(program, as_of, Escalation.PARTNERSHIP_REVIEW)
    if not due:
        raise ValidationError("No breach has reached the contract's partnership review count.")
    if PartnershipReview.objects.filter(program=program, decision="").exists():
        raise ValidationError("A partnership review is already open for this program.")
    last = due[-1]
    with transaction.atomic():
        review = PartnershipReview.objects.create(
            program=program,
            opened_on=timezone.localdate(),
            trigger=f"{CATALOG[last.result.metric].label} {last.result.label}: breach {last.count} "
            f"in the rolling window",
        )
        record_event(
            actor=actor,
            role=acting_role(actor, program, DECIDERS),
            action="governance.review_opened",
            obj=review,
            changes=added(trigger=review.trigger),
        )
    return review


def do_decide_review(review: PartnershipReview, *, decision: str, rationale: str, actor) -> None:
    _require(can_decide(actor, review.program), "only the client's governance lead decides")
    if review.decision:
        raise ValidationError("The review is already decided.")
    if decision not in (ReviewDecision.STAY, ReviewDecision.EXTEND, ReviewDecision.EXIT):
        raise ValidationError({"decision": "choose stay, extend the plan, or exit"})
    if len(rationale.split()) < 3:
        raise ValidationError({"rationale": "say why, in a sentence"})
    with transaction.atomic():
        review.decision, review.rationale = decision, rationale
        review.decided_at, review.decided_by = timezone.now(), actor
        review.save(update_fields=["decision", "rationale", "decided_at", "decided_by"])
        record_event(
            actor=actor,
            role=acting_role(actor, review.program, DECIDERS),
            action="governance.review_decided",
            obj=review,
            changes={"decision": ["", decision]},
            reason=rationale,
        )
