"""Evaluations, disputes and calibration sessions in the REST API, scoped exactly like the
pages (`upswing.quality.access`): an agent reads their own evaluations and disputes a
criterion; QA staff read their programs' and decide disputes on evaluations they did not
score; client viewers read their programs' calibration sessions, never an evaluation."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Path, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status

from upswing.api_shared import ErrorOut, Page
from upswing.audit.concurrency import StaleEdit
from upswing.quality import access, queries
from upswing.quality.actions import QualityActionRefused, do_decide_dispute, do_raise_dispute
from upswing.quality.models import Dispute
from upswing.quality.reports import calibration_report, evaluation_dict

router = Router(tags=["quality"])

MAX_ID = 2**31 - 1
LIST_ERRORS = {401: ErrorOut, 422: ErrorOut}
ONE_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class MarkOut(Schema):
    criterion: str
    points: float | None
    comment: str


class EvaluationOut(Schema):
    id: int
    agent_id: str
    program_id: str
    team_id: str | None
    interaction_id: str
    interaction_day: dt.date
    template_version: str
    evaluator: str | None
    score: float | None
    first_score: float | None
    failed_critical: list[str]
    status: str
    evaluated_at: dt.datetime
    recording_url: str
    criteria: list[MarkOut]


class DisputeOut(Schema):
    id: int
    evaluation_id: int
    criterion: str
    reason: str
    raised_at: dt.datetime
    outcome: str | None
    decision_note: str
    points_before: float | None
    points_after: float | None
    score_before: float | None
    score_after: float | None
    decided_at: dt.datetime | None


class DisputeIn(Schema):
    criterion: str
    reason: str
    version: int


class OutcomeParam(enum.StrEnum):
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    REJECTED = "rejected"


class DecisionIn(Schema):
    outcome: OutcomeParam
    note: str
    partial_points: float | None = None


class CalibrationOut(Schema):
    id: int
    title: str
    program_id: str
    template_version: str
    status: str
    items: int
    evaluators: int
    submitted: int
    results: dict[str, Any] | None


def _dispute(d: Dispute) -> dict:
    return {
        "id": d.pk,
        "evaluation_id": d.evaluation_id,
        "criterion": d.criterion,
        "reason": d.reason,
        "raised_at": d.raised_at,
        "outcome": d.outcome or None,
        "decision_note": d.decision_note,
        "points_before": d.points_before,
        "points_after": d.points_after,
        "score_before": d.score_before,
        "score_after": d.score_after,
        "decided_at": d.decided_at,
    }


class _Mapped:
    """A queryset mapped to dicts a page at a time (for ninja's paginator)."""

    def __init__(self, queryset, fn) -> None:
        self.queryset, self.fn = queryset, fn

    def all(self):
        return self.queryset

    def __getitem__(self, page: slice) -> list[dict]:
        return [self.fn(row) for row in self.queryset[page]]


@router.get(
    "/quality/evaluations",
    response={200: list[EvaluationOut], **LIST_ERRORS},
    url_name="quality_evaluations",
)
@paginate(Page)
def list_evaluations(request, agent: str | None = None, program: str | None = None):
    """Evaluations scored in Upswing that you may see, newest first."""
    found = access.visible_evaluations(request.auth)
    if agent:
        found = found.filter(agent__code=agent)
    if program:
        found = found.filter(program__code=program)
    found = queries.evaluations_with_marks(found.order_by("-evaluated_at", "-id"))
    return _Mapped(found, evaluation_dict)


@router.get(
    "/quality/evaluations/{evaluation_id}",
    response={200: EvaluationOut, **ONE_ERRORS},
    url_name="quality_evaluation",
)
def get_evaluation(request, evaluation_id: int = Path(..., ge=1, le=MAX_ID)):
    evaluation = access.access_evaluation_by_id(request.auth, evaluation_id)
    return evaluation_dict(evaluation)


@router.post(
    "/quality/evaluations/{evaluation_id}/disputes",
    response={201: DisputeOut, **WRITE_ERRORS},
    url_name="quality_dispute_create",
)
def create_dispute(request, payload: DisputeIn, evaluation_id: int = Path(..., ge=1, le=MAX_ID)):
    """The evaluated agent disputes one criterion (403 for anyone else; 409 when refused)."""
    evaluation = access.access_evaluation_by_id(request.auth, evaluation_id)
    try:
        dispute = do_raise_dispute(
            evaluation,
            criterion=payload.criterion,
            reason=payload.reason,
            expected_version=payload.version,
            actor=request.auth,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except (QualityActionRefused, StaleEdit) as exc:
        raise HttpError(409, str(exc)) from None
    return Status(201, _dispute(dispute))


@router.get(
    "/quality/disputes",
    response={200: list[DisputeOut], **LIST_ERRORS},
    url_name="quality_disputes",
)
@paginate(Page)
def list_disputes(request, open_only: bool = False):
    """Disputes on evaluations you may see, newest first."""
    found = access.visible_disputes(request.auth)
    if open_only:
        found = found.filter(outcome="")
    return _Mapped(found.order_by("-raised_at", "-id"), _dispute)


@router.post(
    "/quality/disputes/{dispute_id}/decision",
    response={200: DisputeOut, **WRITE_ERRORS},
    url_name="quality_dispute_decide",
)
def decide_dispute(request, payload: DecisionIn, dispute_id: int = Path(..., ge=1, le=MAX_ID)):
    """An arbitrator who did not score the evaluation decides (403 otherwise)."""
    dispute = access.access_dispute_by_id(request.auth, dispute_id)
    try:
        decided = do_decide_dispute(
            dispute,
            outcome=payload.outcome.value,
            note=payload.note,
            partial_points=payload.partial_points,
            actor=request.auth,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except QualityActionRefused as exc:
        raise HttpError(409, str(exc)) from None
    return _dispute(decided)


@router.get(
    "/quality/calibrations",
    response={200: list[CalibrationOut], **LIST_ERRORS},
    url_name="quality_calibrations",
)
@paginate(Page)
def list_calibrations(request, program: str | None = None):
    """Calibration sessions you may see; `results` is null while a session is blind."""
    found = access.visible_calibrations(request.auth)
    if program:
        found = found.filter(program__code=program)
    return _Mapped(found.order_by("-created_at", "-id"), calibration_report)


@router.get(
    "/quality/calibrations/{session_id}",
    response={200: CalibrationOut, **ONE_ERRORS},
    url_name="quality_calibration",
)
def get_calibration(request, session_id: int = Path(..., ge=1, le=MAX_ID)):
    return calibration_report(access.access_calibration_by_id(request.auth, session_id))
