"""The changes to a running plan: weekly checkpoints and the agent's reflection, the final
review, extending and closing it. Atomic, permission-checked and audited like every action in
`plans.actions` (which re-exports them).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from upswing.audit.concurrency import StaleEdit, save_if_unchanged
from upswing.plans import notify, progress, rules
from upswing.plans.access import DECIDERS, LEAD_SIDE, PlanRole, require_role
from upswing.plans.action_steps import (
    PlanActionRefused,
    _audit,
    _locked,
    _move,
    _problems,
    _state,
)
from upswing.plans.draft import local_today
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
