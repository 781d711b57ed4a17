"""The plan's own operations: list, detail, draft, edit the draft's terms, submit, HR review,
the agent's acknowledgement."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Path, Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from upswing.api_shared import Page
from upswing.audit.concurrency import StaleEdit
from upswing.findings.access import visible_findings
from upswing.findings.rules import Recommendation
from upswing.org.access import access_agent_by_id
from upswing.plans import actions, queries, rules
from upswing.plans.access import STAFF_ROLES, access_plan_by_id, plan_abilities, plan_roles
from upswing.plans.action_steps import _pending as pending_version
from upswing.plans.api.schemas import (
    LIST_ERRORS,
    MAX_ID,
    ONE_ERRORS,
    WRITE_ERRORS,
    AcknowledgeIn,
    Decision,
    DraftIn,
    PlanDetailOut,
    PlanOut,
    PlanStateParam,
    ReviewIn,
    TermsIn,
    VersionIn,
)
from upswing.plans.draft import local_today
from upswing.plans.models import Checkpoint, Plan

router = Router(tags=["plans"])


def _plan(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "agent": plan.agent.code,
        "agent_name": plan.agent.name,
        "team": plan.team.code,
        "program": plan.program.code,
        "metric": plan.metric,
        "state": plan.state,
        "state_label": plan.get_state_display(),
        "outcome": plan.outcome or None,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
        "version": plan.version,
        "created_at": plan.created_at,
    }


def checkpoint_out(c: Checkpoint, today: dt.date) -> dict:
    return {
        "number": c.number,
        "due_on": c.due_on,
        "is_final": c.is_final,
        "completed_at": c.completed_at,
        "on_time": c.on_time,
        "overdue": c.completed_at is None and c.due_on < today,
        "metrics": list(c.metrics or []),
        "coaching_notes": c.coaching_notes,
        "blockers": [{k: str(v) for k, v in b.items()} for b in c.blockers or []],
        "adjustments": c.adjustments,
        "agent_reflection": c.agent_reflection,
        "version": c.version,
    }


def _detail(user, plan: Plan) -> dict:
    plan = access_plan_by_id(user, plan.pk)  # re-read after a change, through the door
    roles = plan_roles(user, plan)
    agent_view = not roles & STAFF_ROLES
    version, terms = queries.latest_terms(plan, agent_view=agent_view)
    today = local_today(plan.program)
    return {
        **_plan(plan),
        "terms_version": version.number if version else None,
        "terms": terms.to_dict() if terms else None,
        "problems": list(version.problems) if version and not agent_view else [],
        "outcome_reason": plan.outcome_reason,
        "versions": [
            {
                "number": v.number,
                "reason": v.reason,
                "status": v.status,
                "status_label": v.get_status_display(),
                "submitted_at": v.submitted_at,
                "reviewed_at": v.reviewed_at,
                "acknowledged_at": v.acknowledged_at,
            }
            for v in queries.plan_versions(plan, agent_view=agent_view)
        ],
        "checkpoints": [checkpoint_out(c, today) for c in queries.plan_checkpoints(plan)],
        "can": plan_abilities(plan, roles, pending_version(plan)),
    }


class _Plans:
    def __init__(self, plans) -> None:
        self.plans = plans

    def all(self):
        return self.plans

    def __getitem__(self, page: slice) -> list[dict]:
        return [_plan(p) for p in self.plans[page]]


@router.get("/plans", response={200: list[PlanOut], **LIST_ERRORS}, url_name="plans")
@paginate(Page)
def list_plans(request, state: PlanStateParam | None = None, agent: str | None = None):
    """Plans you may see, newest first (an agent: their own once HR approved them)."""
    plans = queries.visible_plan_rows(request.auth)
    if state:
        plans = plans.filter(state=state.value)
    if agent:
        plans = plans.filter(agent__code=agent)
    return _Plans(plans.order_by("-created_at", "-pk"))


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **ONE_ERRORS}, url_name="plan")
def get_plan(request, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    """A plan with its terms, versions and checkpoints as you may read them: the agent sees
    the newest version HR approved, never a draft's lint problems."""
    return _detail(request.auth, access_plan_by_id(request.auth, plan_id))


@router.post("/plans", response={201: PlanDetailOut, **WRITE_ERRORS}, url_name="plans")
def draft_plan(request, payload: DraftIn):
    """Draft a plan from an agent's latest finding that recommends one (`agent`), or from one
    such finding (`finding`): the agent's team lead or operations manager, or an admin.
    404 for an agent or finding you may not see; 409 when the evidence does not support a
    plan (the reason says why)."""
    user = request.auth
    finding = None
    if payload.finding is not None:
        finding = visible_findings(user).filter(pk=payload.finding).first()
        if finding is None:
            raise HttpError(404, "Not Found")
        if finding.recommendation != Recommendation.PIP:
            raise HttpError(409, "This finding does not recommend a plan.")
    code = finding.agent_code if finding else (payload.agent or "").strip()
    if not code:
        raise HttpError(422, "agent: give the agent's code or a finding")
    access_agent_by_id(user, code)
    try:
        plan = actions.do_draft_plan(
            agent_code=code,
            actor=user,
            as_of=finding.as_of if finding else None,
            length_days=payload.length_days,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except (rules.DraftRefused, ValueError) as exc:
        raise HttpError(409, sentence(exc)) from None
    return Status(201, _detail(user, plan))


def act_on_plan(request, plan_id: int, do) -> dict:
    """Run a plan action on a plan the user may see: 403 for a missing capacity, 409 for a
    refused step or a stale version; the plan as it now stands."""
    plan = access_plan_by_id(request.auth, plan_id)
    try:
        do(plan)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except (actions.PlanActionRefused, StaleEdit) as exc:
        raise HttpError(409, sentence(exc)) from None
    return _detail(request.auth, plan)


@router.put(
    "/plans/{plan_id}/terms", response={200: PlanDetailOut, **WRITE_ERRORS}, url_name="plan_terms"
)
def edit_terms(request, payload: TermsIn, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    """Replace a draft's (or returned revision's) terms; lint problems come back in
    `problems`. Lead side only; an active plan changes through a new version instead."""
    return act_on_plan(
        request,
        plan_id,
        lambda plan: actions.do_edit_plan_terms(
            plan, terms=payload.terms, expected_version=payload.version, actor=request.auth
        ),
    )


@router.post(
    "/plans/{plan_id}/submit", response={200: PlanDetailOut, **WRITE_ERRORS}, url_name="plan_submit"
)
def submit_plan(request, payload: VersionIn, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    """Send the draft to HR review (409 while lint reports an error)."""
    return act_on_plan(
        request,
        plan_id,
        lambda plan: actions.do_submit_plan(
            plan, expected_version=payload.version, actor=request.auth
        ),
    )


@router.post(
    "/plans/{plan_id}/review", response={200: PlanDetailOut, **WRITE_ERRORS}, url_name="plan_review"
)
def review_plan(request, payload: ReviewIn, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    """HR approves the version in review (it is then shared with the agent) or returns it
    with a comment saying what to change; never the version's own author."""
    do = actions.do_approve_plan if payload.decision is Decision.APPROVE else actions.do_return_plan
    return act_on_plan(
        request,
        plan_id,
        lambda plan: do(
            plan, expected_version=payload.version, actor=request.auth, comment=payload.comment
        ),
    )


@router.post(
    "/plans/{plan_id}/acknowledge",
    response={200: PlanDetailOut, **WRITE_ERRORS},
    url_name="plan_acknowledge",
)
def acknowledge_plan(request, payload: AcknowledgeIn, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    """The agent acknowledges the approved version: it comes into force."""
    return act_on_plan(
        request,
        plan_id,
        lambda plan: actions.do_acknowledge_plan(
            plan, expected_version=payload.version, actor=request.auth, comment=payload.comment
        ),
    )


def sentence(exc: Exception) -> str:
    text = str(exc).strip()
    return text[:1].upper() + text[1:]
