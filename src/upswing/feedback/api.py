"""Feedback in the REST API: cycles, requests to answer, answers, results and released notes.

Scoped through `upswing.feedback.access` exactly like the pages; results through the same
`queries.results_payload` as the page, the CSV and the CLI, so the thresholds hold here too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from upswing.api_shared import ErrorOut, Page
from upswing.feedback import access, actions, queries, rules

router = Router(tags=["feedback"])

LIST_ERRORS = {401: ErrorOut, 422: ErrorOut}
ONE_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class CycleOut(Schema):
    id: int
    name: str
    team: str = Field(..., description="team code")
    state: str = Field(..., description="nominating, open or closed")
    due_on: dt.date
    closed_on: dt.date | None
    subjects: list[str] = Field(..., description="agent codes the user may see in this cycle")
    min_raters: int = Field(..., description="anonymous groups show numbers from this many")
    min_commenters: int = Field(..., description="anonymous comments show from this many")


class RequestOut(Schema):
    id: int
    cycle: int
    subject: str = Field(..., description="agent code of the person to give feedback to")
    subject_name: str
    group: str
    privacy: str = Field(..., description="attributed, confidential or anonymous")
    due_on: dt.date
    questions: list[dict[str, Any]]


class AnswersIn(Schema):
    answers: dict[str, int | str] = Field(
        ..., description="question key -> a point on its scale (rating) or text"
    )


class AnsweredOut(Schema):
    detail: str


class CellOut(Schema):
    group: str
    label: str
    privacy: str
    shown: bool
    n: int | None
    mean: float | None
    distribution: list[int] | None


class CommentsOut(Schema):
    group: str
    label: str
    privacy: str
    shown: bool
    comments: list[str]


class QuestionOut(Schema):
    key: str
    text: str
    kind: str
    scale: list[int] | None = None
    groups: list[CellOut] | None = None
    comments: list[CommentsOut] | None = None


class ResultsOut(Schema):
    cycle: dict[str, Any]
    subject: dict[str, str]
    responses: dict[str, int]
    thresholds: dict[str, int]
    questions: list[QuestionOut]


class NoteBatchOut(Schema):
    released: str
    size: int
    notes: list[dict[str, str]]


def _cycle_out(user, cycle) -> dict:
    limits = access.thresholds_of(cycle)
    staff = access.staff_sees_cycle(user, cycle)
    subjects = [s for s in cycle.subjects.all() if staff or access.is_subject(user, s)]
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "team": cycle.team.code,
        "state": cycle.state,
        "due_on": cycle.due_on,
        "closed_on": cycle.closed_on,
        "subjects": [s.agent.code for s in subjects],
        "min_raters": limits.raters,
        "min_commenters": limits.comments,
    }


@router.get(
    "/feedback/cycles", response={200: list[CycleOut], **LIST_ERRORS}, url_name="feedback_cycles"
)
@paginate(Page)
def list_cycles(request):
    """Feedback cycles you may see (team leads, managers and HR in scope; subjects their own)."""
    cycles = access.visible_cycles(request.auth).prefetch_related("subjects__agent")
    return [_cycle_out(request.auth, c) for c in cycles.order_by("-due_on", "-pk")]


@router.get(
    "/feedback/cycles/{cycle_id}", response={200: CycleOut, **ONE_ERRORS}, url_name="feedback_cycle"
)
def get_cycle(request, cycle_id: int):
    return _cycle_out(request.auth, access.access_cycle_by_id(request.auth, cycle_id))


@router.get(
    "/feedback/cycles/{cycle_id}/results/{agent}",
    response={200: ResultsOut, **ONE_ERRORS},
    url_name="feedback_results",
)
def get_results(request, cycle_id: int, agent: str, group: Query[list[str] | None] = None):
    """Results of a closed cycle for one subject, per question and group. Anonymous groups
    below the threshold show nothing; `group` picks among the released cells."""
    subject = access.access_results(request.auth, cycle_id, agent)
    return queries.results_payload(subject, groups=queries.parse_groups(group))


def _request_out(nomination) -> dict:
    group = rules.RaterGroup(nomination.group)
    cycle = nomination.subject.cycle
    return {
        "id": nomination.pk,
        "cycle": cycle.pk,
        "subject": nomination.subject.agent.code,
        "subject_name": nomination.subject.agent.name,
        "group": group.value,
        "privacy": rules.GROUP_PRIVACY[group].value,
        "due_on": cycle.due_on,
        "questions": cycle.questions,
    }


@router.get(
    "/feedback/requests",
    response={200: list[RequestOut], **LIST_ERRORS},
    url_name="feedback_requests",
)
@paginate(Page)
def list_requests(request):
    """Your requests to answer in open cycles, not answered yet."""
    return [_request_out(n) for n in access.open_requests(request.auth)]


@router.post(
    "/feedback/requests/{request_id}/answers",
    response={201: AnsweredOut, 400: ErrorOut, 403: ErrorOut, **ONE_ERRORS},
    url_name="feedback_answers",
)
def post_answers(request, request_id: int, body: AnswersIn):
    """Answer a request (once). Anonymous groups' answers are stored with no link to you."""
    nomination = access.access_request_by_id(request.auth, request_id)
    try:
        actions.do_submit_answers(nomination, answers=body.answers, actor=request.auth)
    except (actions.FeedbackRefused, rules.FeedbackRuleError) as exc:
        raise HttpError(400, str(exc)) from None
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    return Status(201, {"detail": "Your answers are in."})


@router.get(
    "/feedback/agents/{agent}/notes",
    response={200: list[NoteBatchOut], **ONE_ERRORS},
    url_name="feedback_notes",
)
def list_notes(request, agent: str):
    """Released batches of anonymous continuous notes (the agent and their team lead only)."""
    found = access.access_note_agent(request.auth, agent)
    return queries.released_notes(found)
