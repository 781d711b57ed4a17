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

from upswing.audit.actions import record_event
from upswing.audit.concurrency import StaleEdit, save_if_unchanged
from upswing.org.access import reach_of
from upswing.org.models import Role
from upswing.plans import notify, progress, rules
from upswing.plans.access import PlanRole, require_role
from upswing.plans.draft import draft_plan_terms, lint_terms, local_today, place_agent
from upswing.plans.models import (
    BlockerKind,
    Checkpoint,
    Plan,
    PlanOutcome,
    PlanState,
    PlanVersion,
    VersionReason,
    VersionStatus,
)

__all__ = ["PlanActionRefused", "StaleEdit"]

LEAD_SIDE = {PlanRole.LEAD, PlanRole.MANAGER, PlanRole.ADMIN}
DECIDERS = {PlanRole.HR, PlanRole.MANAGER}


class PlanActionRefused(ValueError):  # noqa: N818 - reads as "the action was refused"
    """The action is not allowed in the plan's current state; nothing was written."""


def _audit(*, actor, role, action: str, obj, changes: dict | None = None, reason: str = ""):
    record_event(
        actor=actor, role=role, action=action, obj=obj, changes=changes or {}, reason=reason
    )


def _locked(plan: Plan, expected_version: int) -> Plan:
    """The plan re-read under a row lock; StaleEdit if it moved past `expected_version`."""
    fresh = Plan.objects.select_for_update().select_related("agent", "team", "program")
    fresh = fresh.get(pk=plan.pk)
    if fresh.version != expected_version:
        raise StaleEdit(Plan, plan.pk, expected_version)
    return fresh


def _move(plan: Plan, expected_version: int, **changes) -> Plan:
    save_if_unchanged(Plan, plan.pk, expected_version, **changes)
    plan.refresh_from_db()
    return plan


def _state(plan: Plan, *allowed: PlanState, doing: str) -> None:
    if plan.state not in allowed:
        names = " or ".join(s.label.lower() for s in allowed)
        raise PlanActionRefused(
            f"Cannot {doing} a plan that is {plan.get_state_display().lower()}; it must be {names}."
        )


def _pending(plan: Plan) -> PlanVersion | None:
    """The latest version not yet acknowledged or superseded (draft, in review, approved)."""
    return (
        plan.versions.exclude(status__in=[VersionStatus.ACKNOWLEDGED, VersionStatus.SUPERSEDED])
        .order_by("-number")
        .first()
    )


def _problems(terms: rules.PlanTerms) -> list[dict]:
    return [p.to_dict() for p in lint_terms(terms)]


def _errors(problems: list[dict]) -> list[str]:
    return [f"{p['rule']}: {p['message']}" for p in problems if p["severity"] == "error"]


# --- drafting -------------------------------------------------------------------------------


def _may_draft(actor, place) -> PlanRole:
    reach = reach_of(actor)
    if reach.is_admin:
        return PlanRole.ADMIN
    for grant in reach.grants:
        covers = (
            grant.team_id == place.team.pk
            or grant.program_id == place.program.pk
            or grant.client_id == place.program.client_id
        )
        if covers and grant.role == Role.TEAM_LEAD:
            return PlanRole.LEAD
        if covers and grant.role == Role.OPERATIONS_MANAGER:
            return PlanRole.MANAGER
    raise PermissionDenied("Only the agent's team lead or operations manager may draft a plan.")


def do_draft_plan(
    *, agent_code: str, actor, as_of: dt.date | None = None, length_days: int = 90
) -> Plan:
    """A plan drafted from the agent's latest finding that recommends one (DraftRefused if none)."""
    place = place_agent(agent_code, as_of)
    role = _may_draft(actor, place)
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


# --- checkpoints ----------------------------------------------------------------------------


def _locked_checkpoint(checkpoint: Checkpoint, expected_version: int) -> Checkpoint:
    fresh = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
    if fresh.version != expected_version:
        raise StaleEdit(Checkpoint, checkpoint.pk, expected_version)
    if fresh.cancelled:
        raise PlanActionRefused("This checkpoint was replaced by a newer version of the plan.")
    return fresh


def do_record_checkpoint(
    checkpoint: Checkpoint,
    *,
    expected_version: int,
    actor,
    coaching_notes: str,
    blockers: list[dict] | None = None,
    adjustments: str = "",
) -> Checkpoint:
    """The lead's check-in: metrics pulled from the latest scorecards, notes, blockers."""
    plan = checkpoint.plan
    role = require_role(actor, plan, LEAD_SIDE, "record a checkpoint of")
    _state(plan, PlanState.ACTIVE, PlanState.FINAL_REVIEW, doing="record a checkpoint of")
    clean = _blockers(blockers or [])
    today = local_today(plan.program)
    terms = progress.terms_in_force(plan)
    metrics = progress.checkpoint_metrics(plan, terms, today) if terms else []
    with transaction.atomic():
        checkpoint = _locked_checkpoint(checkpoint, expected_version)
        first_time = checkpoint.completed_at is None
        fields = {
            "coaching_notes": coaching_notes,
            "blockers": clean,
            "adjustments": adjustments,
            "metrics": metrics,
        }
        if first_time:
            fields |= {
                "completed_at": timezone.now(),
                "completed_by": actor,
                "on_time": today <= checkpoint.due_on,
            }
        save_if_unchanged(Checkpoint, checkpoint.pk, expected_version, **fields)
        checkpoint.refresh_from_db()
        _audit(
            actor=actor,
            role=role,
            action="plan.checkpoint.record",
            obj=checkpoint,
            changes={
                "completed": [not first_time, True],
                "on_time": [None, checkpoint.on_time],
                "blockers": [None, [b["kind"] for b in clean]],
                "coaching_notes": ["<changed>", "<changed>"],
            },
        )
    return checkpoint


def _blockers(items: list[dict]) -> list[dict]:
    kinds = {k.value for k in BlockerKind}
    out = []
    for item in items:
        kind = item.get("kind", "other")
        if kind not in kinds:
            raise PlanActionRefused(f"A blocker is one of {', '.join(sorted(kinds))}.")
        out.append({"kind": kind, "description": str(item.get("description", ""))[:500]})
    return out


def do_reflect_on_checkpoint(
    checkpoint: Checkpoint, *, expected_version: int, actor, reflection: str
) -> Checkpoint:
    """The agent's own reflection on the week."""
    role = require_role(actor, checkpoint.plan, {PlanRole.AGENT}, "reflect on")
    with transaction.atomic():
        checkpoint = _locked_checkpoint(checkpoint, expected_version)
        save_if_unchanged(
            Checkpoint,
            checkpoint.pk,
            expected_version,
            agent_reflection=reflection,
            reflected_at=timezone.now(),
        )
        checkpoint.refresh_from_db()
        _audit(
            actor=actor,
            role=role,
            action="plan.checkpoint.reflect",
            obj=checkpoint,
            changes={"agent_reflection": ["<changed>", "<changed>"]},
        )
    return checkpoint


# --- the end of a plan ----------------------------------------------------------------------


def do_start_final_review(
    plan: Plan, *, expected_version: int, actor, as_of: dt.date | None = None
) -> Plan:
    """Stores the outcome rules' verdict; people then close or extend."""
    role = require_role(actor, plan, LEAD_SIDE | DECIDERS, "review")
    as_of = as_of or local_today(plan.program)
    if plan.end_date and as_of < plan.end_date - dt.timedelta(days=7):
        raise PlanActionRefused(
            f"The final review is due from the plan's last week ({plan.end_date})."
        )
    verdict = progress.review(plan, as_of)
    with transaction.atomic():
        plan = _locked(plan, expected_version)
        _state(plan, PlanState.ACTIVE, doing="start the final review of")
        plan = _move(plan, expected_version, state=PlanState.FINAL_REVIEW, review=verdict.to_dict())
        _audit(
            actor=actor,
            role=role,
            action="plan.final_review",
            obj=plan,
            changes={
                "state": [PlanState.ACTIVE, plan.state],
                "verdict": [None, verdict.verdict.value],
            },
        )
    return plan


def do_extend_plan(plan: Plan, *, expected_version: int, actor, reason: str) -> Plan:
    """Partial progress: a new version, 30 days longer with updated goals, for the agent to sign."""
    role = require_role(actor, plan, DECIDERS, "extend")
    if not reason.strip():
        raise PlanActionRefused("Record the reason for the extension.")
    with transaction.atomic():
        plan = _locked(plan, expected_version)
        _state(plan, PlanState.FINAL_REVIEW, doing="extend")
        extension = (plan.review or {}).get("extension")
        if plan.review is None or plan.review.get("verdict") == "success" or not extension:
            raise PlanActionRefused("The review verdict does not call for an extension.")
        version = PlanVersion.objects.create(
            plan=plan,
            number=plan.versions.count() + 1,
            reason=VersionReason.EXTENSION,
            status=VersionStatus.APPROVED,
            terms=extension,
            note=reason,
            created_by=actor,
            reviewed_by=actor,
            reviewed_at=timezone.now(),
            submitted_at=timezone.now(),
            problems=_problems(rules.PlanTerms.from_dict(extension)),
        )
        plan = _move(plan, expected_version, state=PlanState.SHARED, review=None)
        _audit(
            actor=actor,
            role=role,
            action="plan.extend",
            obj=plan,
            changes={
                "state": [PlanState.FINAL_REVIEW, plan.state],
                "version": [version.number - 1, version.number],
            },
            reason=reason,
        )
        notify.plan_event(plan, "plan_shared", notify.agent_users(plan))
    return plan


CLOSING = {
    PlanOutcome.SUCCESS: ("success",),
    PlanOutcome.ROLE_CHANGE: ("decide",),
    PlanOutcome.EXIT: ("decide",),
}


def do_close_plan(
    plan: Plan, *, outcome: PlanOutcome | str, reason: str, expected_version: int, actor
) -> Plan:
    """Close with an outcome the review supports; people record why (always for role change,
    exit and withdrawal)."""
    outcome = PlanOutcome(outcome)
    role = require_role(actor, plan, DECIDERS, "close")
    if not reason.strip():
        raise PlanActionRefused("Record the reason for the outcome.")
    with transaction.atomic():
        plan = _locked(plan, expected_version)
        if outcome == PlanOutcome.WITHDRAWN:
            _state(plan, *(s for s in PlanState if s != PlanState.CLOSED), doing="withdraw")
        else:
            _state(plan, PlanState.FINAL_REVIEW, doing="close")
            verdict = (plan.review or {}).get("verdict")
            if verdict not in CLOSING[outcome]:
                raise PlanActionRefused(
                    f"The review verdict is {verdict}: it does not support closing as "
                    f"{outcome.label.lower()}."
                )
        before = plan.state
        plan = _move(
            plan,
            expected_version,
            state=PlanState.CLOSED,
            outcome=outcome,
            outcome_reason=reason,
            closed_at=timezone.now(),
        )
        plan.checkpoints.filter(completed_at__isnull=True, cancelled=False).update(cancelled=True)
        _audit(
            actor=actor,
            role=role,
            action="plan.close",
            obj=plan,
            changes={"state": [before, plan.state], "outcome": [None, outcome.value]},
            reason=reason,
        )
        notify.plan_event(plan, "plan_closed", notify.agent_users(plan) + notify.lead_users(plan))
    return plan
