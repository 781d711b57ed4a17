"""Coaching sessions in the REST API, scoped exactly like the pages (`coaching.access`).

Reading: the coached agent reads their own sessions; team leads, QA, managers and HR the
sessions of agents on teams they may see (on the session's day or today); client viewers none.
Changing: every write goes through a `coaching.actions` action, which authorises its actor
and records the audit event — a session is recorded by someone who coaches the agent, only
the agent acknowledges it, an agreed action is marked done by its owner or the agent's coach.
"""

import datetime as dt
import enum

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import field_validator

from upswing.api_shared import ErrorOut, Page
from upswing.audit.concurrency import StaleEdit
from upswing.coaching import access, queries
from upswing.coaching.actions import (
    AgreedAction,
    CoachingError,
    do_acknowledge_session,
    do_complete_action_item,
    do_record_session,
)
from upswing.coaching.models import ActionItem, CoachingKind, CoachingSession
from upswing.findings.access import access_finding_by_id, visible_findings
from upswing.metrics import CATALOG
from upswing.org.access import access_agent_by_id

router = Router(tags=["coaching"])

MAX_ID = 2**31 - 1
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)
LIST_ERRORS = {401: ErrorOut, 422: ErrorOut}
ONE_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

SessionKind = enum.StrEnum("SessionKind", {k.name: k.value for k in CoachingKind})


class ActionOwner(enum.StrEnum):
    COACH = "coach"
    AGENT = "agent"


class PersonOut(Schema):
    name: str = Field(description="full name, else the e-mail address")
    email: str


class ActionItemOut(Schema):
    id: int
    session_id: int
    description: str
    owner: PersonOut | None
    due_on: dt.date | None
    done_at: dt.datetime | None


class SessionOut(Schema):
    id: int
    agent: str = Field(description="agent code")
    agent_name: str
    coached_at: dt.datetime
    kind: str = Field(description="one_to_one, side_by_side, training or workshop")
    kind_label: str
    coach: PersonOut | None
    topic: str
    metric: str | None = Field(description="metric code, null when no single metric")
    metric_label: str | None
    behaviours: list[str]
    finding_id: int | None = Field(description="the finding it responds to, if you may see it")
    follow_up_on: dt.date | None
    source: str = Field(description='"upswing", or the import source it came from')
    acknowledged_at: dt.datetime | None
    version: int = Field(description="send it back to acknowledge (a stale copy is refused)")


class SessionDetailOut(SessionOut):
    notes: str
    agent_comment: str
    actions: list[ActionItemOut]


class ActionIn(Schema):
    description: str = Field(min_length=1, max_length=500)
    owner: ActionOwner = ActionOwner.COACH
    due_on: dt.date | None = Field(default=None, ge=FIRST_DAY, le=LAST_DAY)


class SessionIn(Schema):
    agent: str = Field(min_length=1, max_length=100, description="agent code")
    kind: SessionKind
    coached_at: dt.datetime = Field(description="with its time zone offset")
    topic: str = Field(max_length=200, description="what was worked on (required)")
    metric: str = Field(default="", max_length=32, description="default: the finding's")
    behaviours: list[str] = Field(default=[], max_length=20)
    notes: str = Field(default="", max_length=20000)
    finding: int | None = Field(default=None, ge=1, le=MAX_ID, description="finding id")
    follow_up_on: dt.date | None = Field(default=None, ge=FIRST_DAY, le=LAST_DAY)
    actions: list[ActionIn] = Field(default=[], max_length=10)

    @field_validator("coached_at")
    @classmethod
    def _aware_and_plausible(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("give the time zone offset, e.g. 2026-11-02T10:00:00+01:00")
        if not FIRST_DAY.year <= value.year <= LAST_DAY.year:
            raise ValueError(f"sessions are held from {FIRST_DAY.year} to {LAST_DAY.year}")
        return value

    @field_validator("behaviours")
    @classmethod
    def _short_behaviours(cls, value: list[str]) -> list[str]:
        if any(len(b) > 200 for b in value):
            raise ValueError("a behaviour is at most 200 characters")
        return value


class AcknowledgeIn(Schema):
    comment: str = Field(default="", max_length=2000)
    version: int = Field(ge=1, le=MAX_ID, description="the session's version you read")


def _person(user, email: str = "") -> dict | None:
    if user is None:
        return {"name": email, "email": email} if email else None
    address = user.email or email
    return {"name": user.get_full_name() or address or user.get_username(), "email": address}


def _action(item: ActionItem) -> dict:
    return {
        "id": item.pk,
        "session_id": item.session_id,
        "description": item.description,
        "owner": _person(item.owner, item.owner_email),
        "due_on": item.due_on,
        "done_at": item.done_at,
    }


def _session(session: CoachingSession, findings: set[int]) -> dict:
    metric = CATALOG.get(session.metric)
    return {
        "id": session.pk,
        "agent": session.agent.code,
        "agent_name": session.agent.name,
        "coached_at": session.coached_at,
        "kind": session.kind,
        "kind_label": session.get_kind_display(),
        "coach": _person(session.coach, session.coach_email),
        "topic": session.topic,
        "metric": session.metric or None,
        "metric_label": metric.label if metric else None,
        "behaviours": [str(b) for b in session.behaviours or []],
        "finding_id": session.finding_id if session.finding_id in findings else None,
        "follow_up_on": session.follow_up_on,
        "source": session.source,
        "acknowledged_at": session.acknowledged_at,
        "version": session.version,
    }


def _detail(user, session: CoachingSession) -> dict:
    full = queries.session_detail(session.pk, base=access.visible_sessions(user))
    return {
        **_session(full, _visible_findings(user, [full.finding_id])),
        "notes": full.notes,
        "agent_comment": full.agent_comment,
        "actions": [_action(item) for item in full.actions.all()],
    }


def _visible_findings(user, ids) -> set[int]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    return set(visible_findings(user).filter(pk__in=wanted).values_list("pk", flat=True))


class _Mapped:
    """A queryset mapped to dicts a page at a time (for ninja's paginator)."""

    def __init__(self, queryset, fn) -> None:
        self.queryset, self.fn = queryset, fn

    def all(self):
        return self.queryset

    def __getitem__(self, page: slice) -> list[dict]:
        return [self.fn(row) for row in self.queryset[page]]


class _Sessions:
    """A queryset the paginator counts and slices; a page is mapped to dicts at once, with
    one query for which of its findings the user may see."""

    def __init__(self, user, sessions) -> None:
        self.user, self.sessions = user, sessions

    def all(self):
        return self.sessions

    def __getitem__(self, page: slice) -> list[dict]:
        rows = list(self.sessions[page])
        findings = _visible_findings(self.user, [s.finding_id for s in rows])
        return [_session(s, findings) for s in rows]


@router.get(
    "/coaching/sessions",
    response={200: list[SessionOut], **LIST_ERRORS},
    url_name="coaching_sessions",
)
@paginate(Page)
def list_sessions(
    request,
    agent: str | None = None,
    acknowledged: bool | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    """Sessions you may see, newest first: your own (agents), your teams' (leads, QA,
    managers, HR); none for client viewers. `since`/`until` bound the session day."""
    sessions = access.visible_sessions(request.auth)
    if agent:
        sessions = sessions.filter(agent__code=agent)
    if acknowledged is not None:
        sessions = sessions.filter(acknowledged_at__isnull=not acknowledged)
    if since:
        sessions = sessions.filter(coached_at__date__gte=since)
    if until:
        sessions = sessions.filter(coached_at__date__lte=until)
    return _Sessions(request.auth, queries.session_rows(sessions))


@router.get(
    "/coaching/sessions/{session_id}",
    response={200: SessionDetailOut, **ONE_ERRORS},
    url_name="coaching_session",
)
def get_session(request, session_id: int = Path(..., ge=1, le=MAX_ID)):
    """One session with its notes, the agent's comment and the agreed actions."""
    return _detail(request.auth, access.access_session_by_id(request.auth, session_id))


@router.post(
    "/coaching/sessions",
    response={201: SessionDetailOut, **WRITE_ERRORS},
    url_name="coaching_sessions",
)
def record_session(request, payload: SessionIn):
    """Record a session with an agent you coach (team lead or operations manager of the
    agent's team today, admins): 404 for an agent or finding you may not see, 403 for one you
    see but do not coach, 422 with every problem when the record is incomplete (a topic, and
    notes or an agreed action, are needed)."""
    user = request.auth
    agent = access_agent_by_id(user, payload.agent)
    finding = access_finding_by_id(user, payload.finding) if payload.finding else None
    agreed = [_agreed(a, coach=user, agent=agent) for a in payload.actions]
    try:
        session = do_record_session(
            actor=user,
            agent=agent,
            kind=payload.kind.value,
            coached_at=payload.coached_at,
            topic=payload.topic.strip(),
            metric=payload.metric.strip(),
            behaviours=payload.behaviours,
            notes=payload.notes,
            finding=finding,
            actions=agreed,
            follow_up_on=payload.follow_up_on,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except CoachingError as exc:
        raise HttpError(422, _sentence(exc)) from None
    return Status(201, _detail(user, session))


def _agreed(action: ActionIn, *, coach, agent) -> AgreedAction:
    if action.owner is ActionOwner.AGENT:
        return AgreedAction(action.description, agent.user, agent.email, action.due_on)
    return AgreedAction(action.description, coach, "", action.due_on)


@router.post(
    "/coaching/sessions/{session_id}/acknowledge",
    response={200: SessionDetailOut, **WRITE_ERRORS},
    url_name="coaching_acknowledge",
)
def acknowledge_session(
    request, payload: AcknowledgeIn, session_id: int = Path(..., ge=1, le=MAX_ID)
):
    """The coached agent acknowledges the session, with an optional comment (403 for anyone
    else; 409 when it is already acknowledged or changed since `version`)."""
    session = access.access_session_by_id(request.auth, session_id)
    try:
        do_acknowledge_session(
            actor=request.auth,
            session=session,
            comment=payload.comment.strip(),
            expected_version=payload.version,
        )
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except (CoachingError, StaleEdit) as exc:
        raise HttpError(409, _sentence(exc)) from None
    return _detail(request.auth, session)


@router.get(
    "/coaching/follow-ups",
    response={200: list[SessionOut], **LIST_ERRORS},
    url_name="coaching_follow_ups",
)
@paginate(Page)
def list_follow_ups(request, due_by: dt.date | None = None):
    """Sessions you may see whose follow-up date has come by `due_by` (default: today),
    soonest first."""
    day = due_by or timezone.localdate()
    sessions = access.visible_sessions(request.auth)
    due = queries.follow_ups_due(day, base=sessions).order_by("follow_up_on", "pk")
    return _Sessions(request.auth, due)


@router.get(
    "/coaching/actions",
    response={200: list[ActionItemOut], **LIST_ERRORS},
    url_name="coaching_actions",
)
@paginate(Page)
def list_actions(request, mine: bool = False, open_only: bool = True):
    """Agreed actions of sessions you may see, soonest due first; `mine`: only those you own;
    `open_only=false` includes those already done."""
    items = ActionItem.objects.filter(session__in=access.visible_sessions(request.auth))
    if open_only:
        items = queries.open_action_items(owner=request.auth if mine else None, base=items)
    else:
        items = items.filter(owner=request.auth) if mine else items
        items = items.select_related("owner").order_by("due_on", "pk")
    return _Mapped(items, _action)


@router.post(
    "/coaching/actions/{action_id}/done",
    response={200: ActionItemOut, **WRITE_ERRORS},
    url_name="coaching_action_done",
)
def complete_action(request, action_id: int = Path(..., ge=1, le=MAX_ID)):
    """The follow-up of an agreed action: its owner or the agent's coach marks it done (403
    for anyone else who sees it; 409 when it is already done)."""
    item = access.access_action_item_by_id(request.auth, action_id)
    try:
        done = do_complete_action_item(actor=request.auth, item=item)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except CoachingError as exc:
        raise HttpError(409, _sentence(exc)) from None
    return _action(done)


def _sentence(exc: Exception) -> str:
    text = "; ".join(exc.problems) if isinstance(exc, CoachingError) else str(exc)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
