"""A running plan's operations: its weekly checkpoints (the lead's check-in, the agent's
reflection), the final review, extending and closing it."""

from django.core.exceptions import PermissionDenied
from ninja import Path, Router
from ninja.errors import HttpError

from upswing.audit.concurrency import StaleEdit
from upswing.plans import actions, queries
from upswing.plans.access import access_plan_by_id
from upswing.plans.api.plans import act_on_plan, checkpoint_out, sentence
from upswing.plans.api.schemas import (
    MAX_ID,
    ONE_ERRORS,
    WRITE_ERRORS,
    CheckpointIn,
    CheckpointOut,
    CloseIn,
    ExtendIn,
    FinalReviewIn,
    PlanDetailOut,
    ReflectionIn,
)
from upswing.plans.draft import local_today
from upswing.plans.models import Checkpoint

router = Router(tags=["plans"])


@router.get(
    "/plans/{plan_id}/checkpoints",
    response={200: list[CheckpointOut], **ONE_ERRORS},
    url_name="plan_checkpoints",
)
def list_checkpoints(request, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    """The plan's weekly checkpoints in order (those replaced by a newer version left out)."""
    plan = access_plan_by_id(request.auth, plan_id)
    today = local_today(plan.program)
    return [checkpoint_out(c, today) for c in queries.plan_checkpoints(plan)]


def _checkpoint_of(request, plan_id: int, number: int) -> Checkpoint:
    plan = access_plan_by_id(request.auth, plan_id)
    found = plan.checkpoints.filter(number=number, cancelled=False).first()
    if found is None:
        raise HttpError(404, "Not Found")
    found.plan = plan
    return found


@router.post(
    "/plans/{plan_id}/checkpoints/{number}",
    response={200: CheckpointOut, **WRITE_ERRORS},
    url_name="plan_checkpoint",
)
def record_checkpoint(
    request,
    payload: CheckpointIn,
    plan_id: int = Path(..., ge=1, le=MAX_ID),
    number: int = Path(..., ge=1, le=999),
):
    """The lead's check-in: the goal metrics are pulled from the latest scorecards; notes,
    blockers and adjustments are yours. Recording it again updates it."""
    checkpoint = _checkpoint_of(request, plan_id, number)
    blockers = [{"kind": b.kind.value, "description": b.description} for b in payload.blockers]
    done = _checkpoint_action(
        lambda: actions.do_record_checkpoint(
            checkpoint,
            expected_version=payload.version,
            actor=request.auth,
            coaching_notes=payload.coaching_notes,
            blockers=blockers,
            adjustments=payload.adjustments,
        )
    )
    return checkpoint_out(done, local_today(checkpoint.plan.program))


@router.post(
    "/plans/{plan_id}/checkpoints/{number}/reflection",
    response={200: CheckpointOut, **WRITE_ERRORS},
    url_name="plan_checkpoint_reflection",
)
def reflect_on_checkpoint(
    request,
    payload: ReflectionIn,
    plan_id: int = Path(..., ge=1, le=MAX_ID),
    number: int = Path(..., ge=1, le=999),
):
    """The agent's own reflection on the week."""
    checkpoint = _checkpoint_of(request, plan_id, number)
    done = _checkpoint_action(
        lambda: actions.do_reflect_on_checkpoint(
            checkpoint,
            expected_version=payload.version,
            actor=request.auth,
            reflection=payload.reflection,
        )
    )
    return checkpoint_out(done, local_today(checkpoint.plan.program))


def _checkpoint_action(do) -> Checkpoint:
    try:
        return do()
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except (actions.PlanActionRefused, StaleEdit) as exc:
        raise HttpError(409, sentence(exc)) from None


@router.post(
    "/plans/{plan_id}/final-review",
    response={200: PlanDetailOut, **WRITE_ERRORS},
    url_name="plan_final_review",
)
def start_final_review(request, payload: FinalReviewIn, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    """Store the outcome rules' verdict on an active plan, from its last week on (lead side,
    managers and HR); people then close or extend it. The verdict is in `review`."""
    return act_on_plan(
        request,
        plan_id,
        lambda plan: actions.do_start_final_review(
            plan, expected_version=payload.version, actor=request.auth
        ),
    )


@router.post(
    "/plans/{plan_id}/extend", response={200: PlanDetailOut, **WRITE_ERRORS}, url_name="plan_extend"
)
def extend_plan(request, payload: ExtendIn, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    """Partial progress: a new version 30 days longer, for the agent to acknowledge (managers
    and HR, when the review's verdict calls for it)."""
    return act_on_plan(
        request,
        plan_id,
        lambda plan: actions.do_extend_plan(
            plan, expected_version=payload.version, actor=request.auth, reason=payload.reason
        ),
    )


@router.post(
    "/plans/{plan_id}/close", response={200: PlanDetailOut, **WRITE_ERRORS}, url_name="plan_close"
)
def close_plan(request, payload: CloseIn, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    """Close with an outcome the review supports (managers and HR), or withdraw the plan at any
    stage; the reason is recorded."""
    return act_on_plan(
        request,
        plan_id,
        lambda plan: actions.do_close_plan(
            plan,
            outcome=payload.outcome.value,
            reason=payload.reason,
            expected_version=payload.version,
            actor=request.auth,
        ),
    )
