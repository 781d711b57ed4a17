"""Every change to a plan: do_<verb>_plan(…, *, actor). Atomic, permission-checked, audited.

Workflow (DESIGN.md principles 2-6):

    draft ──submit──▶ hr_review ──approve──▶ shared ──acknowledge──▶ active ──▶ final_review
      ▲                  │return                                      │ checkpoints   │
      └──────────────────┘                                 revise (new version)  extend │ close
                                                                                  ▼      ▼
                                                                        shared (v n+1)  closed

Terms are edited in place only while the plan is a draft. Once active, a change is a new
version (HR approves it, the agent acknowledges it). Every plan-level action takes the
`expected_version` the actor saw and raises StaleEdit when someone saved in between.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from upswing.audit.concurrency import StaleEdit
from upswing.plans import notify, progress, rules
from upswing.plans.access import DECIDERS, LEAD_SIDE, PlanRole, drafting_role, require_role
from upswing.plans.action_steps import (
    PlanActionRefused,
    _audit,
    _errors,
    _locked,
    _move,
    _pending,
    _problems,
    _state,
)
from upswing.plans.draft import draft_plan_terms, local_today, place_agent
from upswing.plans.models import (
    Plan,
    PlanState,
    PlanVersion,
    VersionReason,
    VersionStatus,
)
from upswing.plans.running_actions import (
    do_close_plan,
    do_extend_plan,
    do_record_checkpoint,
    do_reflect_on_checkpoint,
    do_start_final_review,
)

__all__ = [
    "PlanActionRefused",
    "StaleEdit",
    "do_close_plan",
    "do_extend_plan",
    "do_record_checkpoint",
    "do_reflect_on_checkpoint",
    "do_start_final_review",
]


# --- drafting -------------------------------------------------------------------------------


def do_draft_plan(
    *, agent_code: str, actor, as_of: dt.date | None = None, length_days: int = 90
) -> Plan:
    """A plan drafted from the agent's latest finding that recommends one (DraftRefused if none)."""
    place = place_agent(agent_code, as_of)
    role = drafting_role(actor, place)
    result = draft_plan_terms(agent_code, as_of, length_days=length_days)
    with transaction.atomic():
        plan = Plan.objects.create(
            agent=place.agent,
            team=place.team,
            program=place.program,
            finding=result.finding,
            metric=result.finding.metric,
            created_by=actor,
        )
        version = PlanVersion.objects.create(
            plan=plan,
            number=1,
            reason=VersionReason.DRAFTED,
            terms=result.terms.to_dict(),
            problems=[p.to_dict() for p in result.problems],
            created_by=actor,
        )
        _audit(
            actor=actor,
            role=role,
            action="plan.draft",
            obj=plan,
            changes={
                "state": [None, plan.state],
                "finding": [None, result.finding.pk],
                "version": [None, version.number],
            },
        )
    return plan


def do_edit_plan_terms(plan: Plan, *, terms: dict, expected_version: int, actor) -> PlanVersion:
    """Replace the draft's terms (only while the plan, or a revision, is a draft)."""
    role = require_role(actor, plan, LEAD_SIDE, "edit")
    parsed = rules.PlanTerms.from_dict(terms)
    if parsed.agent_id != plan.agent.code:
        raise PlanActionRefused("The terms are for another agent.")
    with transaction.atomic():
        plan = _locked(plan, expected_version)
        version = _pending(plan)
        if version is None or version.status not in (VersionStatus.DRAFT, VersionStatus.RETURNED):
            raise PlanActionRefused(
                "The terms are locked: only a draft is edited in place; an active plan changes "
                "through a new version (revise)."
            )
        version.terms = parsed.to_dict()
        version.problems = _problems(parsed)
        version.status = VersionStatus.DRAFT
        version.version += 1
        version.save()
        _move(plan, expected_version)
        _audit(
            actor=actor,
            role=role,
            action="plan.edit",
            obj=plan,
            changes={"terms": ["<changed>", f"version {version.number}"]},
        )
    return version


def do_submit_plan(plan: Plan, *, expected_version: int, actor) -> Plan:
    """Send the draft (or a revision) to HR; refused while lint reports any error."""
    role = require_role(actor, plan, LEAD_SIDE, "submit")
    with transaction.atomic():
        plan = _locked(plan, expected_version)
        version = _pending(plan)
        if version is None or version.status not in (VersionStatus.DRAFT, VersionStatus.RETURNED):
            raise PlanActionRefused("There is no draft to submit.")
        version.problems = _problems(rules.PlanTerms.from_dict(version.terms))
        errors = _errors(version.problems)
        if errors:
            raise PlanActionRefused("Fix the plan before review: " + " ".join(errors))
        version.status, version.submitted_at = VersionStatus.IN_REVIEW, timezone.now()
        version.save()
        new_state = PlanState.HR_REVIEW if plan.state == PlanState.DRAFT else plan.state
        plan = _move(plan, expected_version, state=new_state)
        _audit(
            actor=actor,
            role=role,
            action="plan.submit",
            obj=plan,
            changes={"state": [PlanState.DRAFT, plan.state], "version": [None, version.number]},
        )
        notify.plan_event(plan, "plan_to_review", notify.hr_users(plan))
    return plan


def do_return_plan(plan: Plan, *, expected_version: int, actor, comment: str) -> Plan:
    role = require_role(actor, plan, {PlanRole.HR}, "return")
    if not comment.strip():
        raise PlanActionRefused("Say what to change when returning a plan.")
    with transaction.atomic():
        plan = _locked(plan, expected_version)
        version = _pending(plan)
        if version is None or version.status != VersionStatus.IN_REVIEW:
            raise PlanActionRefused("There is no version in HR review.")
        version.status, version.review_comment = VersionStatus.RETURNED, comment
        version.reviewed_by, version.reviewed_at = actor, timezone.now()
        version.save()
        new_state = PlanState.DRAFT if plan.state == PlanState.HR_REVIEW else plan.state
        before = plan.state
        plan = _move(plan, expected_version, state=new_state)
        _audit(
            actor=actor,
            role=role,
            action="plan.return",
            obj=plan,
            changes={"state": [before, plan.state]},
            reason=comment,
        )
        notify.plan_event(plan, "plan_returned", notify.lead_users(plan))
    return plan


def do_approve_plan(plan: Plan, *, expected_version: int, actor, comment: str = "") -> Plan:
    """HR approves the version in review; from here the agent sees it and is asked to sign."""
    role = require_role(actor, plan, {PlanRole.HR}, "approve")
    with transaction.atomic():
        plan = _locked(plan, expected_version)
        version = _pending(plan)
        if version is None or version.status != VersionStatus.IN_REVIEW:
            raise PlanActionRefused("There is no version in HR review.")
        if version.created_by_id == actor.pk:
            raise PermissionDenied("HR approval must come from someone other than the author.")
        version.status, version.review_comment = VersionStatus.APPROVED, comment
        version.reviewed_by, version.reviewed_at = actor, timezone.now()
        version.save()
        before = plan.state
        changes = {"state": PlanState.SHARED if before == PlanState.HR_REVIEW else before}
        if plan.shared_at is None:
            changes["shared_at"] = timezone.now()
        plan = _move(plan, expected_version, **changes)
        _audit(
            actor=actor,
            role=role,
            action="plan.approve",
            obj=plan,
            changes={"state": [before, plan.state], "version": [None, version.number]},
            reason=comment,
        )
        notify.plan_event(plan, "plan_shared", notify.agent_users(plan))
    return plan


def do_acknowledge_plan(plan: Plan, *, expected_version: int, actor, comment: str = "") -> Plan:
    """The agent acknowledges the approved version: it comes into force, the plan is active."""
    role = require_role(actor, plan, {PlanRole.AGENT}, "acknowledge")
    with transaction.atomic():
        plan = _locked(plan, expected_version)
        version = _pending(plan)
        if version is None or version.status != VersionStatus.APPROVED:
            raise PlanActionRefused("There is no approved version waiting for acknowledgement.")
        today = local_today(plan.program)
        previous = plan.versions.filter(status=VersionStatus.ACKNOWLEDGED)
        first = not previous.exists()
        previous.update(status=VersionStatus.SUPERSEDED)
        version.status, version.acknowledged_at = VersionStatus.ACKNOWLEDGED, timezone.now()
        version.acknowledgement_comment = comment
        version.save()
        terms = rules.PlanTerms.from_dict(version.terms)
        progress.schedule_checkpoints(plan, version, None if first else today)
        before = plan.state
        plan = _move(
            plan,
            expected_version,
            state=PlanState.ACTIVE,
            start_date=terms.start_date,
            end_date=terms.end_date,
        )
        _audit(
            actor=actor,
            role=role,
            action="plan.acknowledge",
            obj=plan,
            changes={"state": [before, plan.state], "version": [None, version.number]},
            reason=comment,
        )
        notify.plan_event(plan, "plan_active", notify.lead_users(plan) + notify.hr_users(plan))
    return plan


def do_revise_plan(
    plan: Plan, *, terms: dict, note: str, expected_version: int, actor
) -> PlanVersion:
    """A change to an active plan's terms: a new version, to HR review, then acknowledgement."""
    role = require_role(actor, plan, LEAD_SIDE | DECIDERS, "revise")
    if not note.strip():
        raise PlanActionRefused("Say why the plan changes.")
    parsed = rules.PlanTerms.from_dict(terms)
    with transaction.atomic():
        plan = _locked(plan, expected_version)
        _state(plan, PlanState.ACTIVE, doing="revise")
        if _pending(plan) is not None:
            raise PlanActionRefused("A revision is already waiting; finish or return it first.")
        problems = _problems(parsed)
        if _errors(problems):
            raise PlanActionRefused("Fix the revision first: " + " ".join(_errors(problems)))
        version = PlanVersion.objects.create(
            plan=plan,
            number=plan.versions.count() + 1,
            reason=VersionReason.REVISION,
            status=VersionStatus.IN_REVIEW,
            terms=parsed.to_dict(),
            problems=problems,
            note=note,
            created_by=actor,
            submitted_at=timezone.now(),
        )
        _move(plan, expected_version)
        _audit(
            actor=actor,
            role=role,
            action="plan.revise",
            obj=plan,
            changes={"version": [version.number - 1, version.number]},
            reason=note,
        )
        notify.plan_event(plan, "plan_to_review", notify.hr_users(plan))
    return version
