"""Who may see and act on which coaching sessions: the only doors to coaching records.

Reading (`visible_sessions`):

- an agent: their own sessions (they read the notes and acknowledge them);
- team lead, QA analyst, operations manager, HR: sessions with agents who were on a team they
  may see on the day of the session, or who are on such a team today (a new lead needs the
  coaching that came before them: a plan needs documented prior coaching);
- admin: all;
- client viewer: none (no individual agent data).

Acting as the coach (`for_write=True`, `can_coach`): recording sessions and completing any
action of a session is for team leads and operations managers within the teams their own
grant of that role covers, and admins. QA analysts and HR read coaching but do not record it.
An action item's owner may complete it even without that role (`may_complete`); only the
coached agent acknowledges (enforced by `do_acknowledge_session`).

`access_session_by_id` raises the same Http404 for a session that does not exist and for one
the user may not see; PermissionDenied only for a visible session the user may not change.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from upswing.coaching.models import ActionItem, CoachingSession
from upswing.org.access import grants_of, own_agent_q, reach_of, visible_teams
from upswing.org.models import Agent, Membership, Role, Team

COACH_ROLES = frozenset({Role.TEAM_LEAD, Role.OPERATIONS_MANAGER})


def visible_sessions(user) -> QuerySet[CoachingSession]:
    reach = reach_of(user)
    if reach.is_admin:
        return CoachingSession.objects.all()
    own = Q(agent__in=Agent.objects.filter(own_agent_q(user)))
    if not reach.sees_people:
        return CoachingSession.objects.filter(own)
    return _sessions_on_teams(visible_teams(user), extra=own)


def coaching_teams(user) -> QuerySet[Team]:
    """Teams whose agents the user coaches: their own team lead / operations manager grants."""
    reach = reach_of(user)
    if reach.is_admin:
        return Team.objects.all()
    q = Q(pk__in=[])
    for grant in grants_of(user):
        if grant.role not in COACH_ROLES:
            continue
        if grant.team_id:
            q |= Q(pk=grant.team_id)
        elif grant.program_id:
            q |= Q(program_id=grant.program_id)
        elif grant.client_id:
            q |= Q(program__client_id=grant.client_id)
    return Team.objects.filter(q)


def can_coach(user) -> bool:
    """Whether the user holds a coaching role at all (pages show the coach's buttons)."""
    reach = reach_of(user)
    return reach.is_admin or bool(reach.roles & COACH_ROLES)


def can_coach_agent(user, agent: Agent) -> bool:
    """May the user record a session with this agent (a member of a team they coach, today)?"""
    if reach_of(user).is_admin:
        return True
    if not can_coach(user):
        return False
    today = timezone.localdate()
    return Membership.objects.on(today).filter(agent=agent, team__in=coaching_teams(user)).exists()


def access_session_by_id(user, pk: int, *, for_write: bool = False) -> CoachingSession:
    session = visible_sessions(user).select_related("agent").filter(pk=pk).first()
    if session is None:
        # Same answer whether it does not exist or is out of the user's scope.
        raise Http404("No coaching session with that id.")
    if for_write and not may_coach_session(user, session):
        raise PermissionDenied("Only the agent's team lead or manager can change this session.")
    return session


def may_coach_session(user, session: CoachingSession) -> bool:
    if reach_of(user).is_admin:
        return True
    if not can_coach(user):
        return False
    return _sessions_on_teams(coaching_teams(user)).filter(pk=session.pk).exists()


def access_action_item_by_id(user, pk: int) -> ActionItem:
    """An action item of a visible session (Http404 otherwise)."""
    item = (
        ActionItem.objects.select_related("session", "session__agent")
        .filter(pk=pk, session__in=visible_sessions(user))
        .first()
    )
    if item is None:
        raise Http404("No action item with that id.")
    return item


def may_complete(user, item: ActionItem) -> bool:
    """The owner of an action, or whoever may coach its session, marks it done."""
    if item.owner_id is not None and item.owner_id == user.pk:
        return True
    return may_coach_session(user, item.session)


def _sessions_on_teams(teams: QuerySet[Team], *, extra: Q | None = None):
    """Sessions with agents on one of `teams` on the session's day, or on one of them today."""
    team_ids = teams.values("pk")
    on_the_day = Membership.objects.filter(
        agent_id=OuterRef("agent_id"),
        team_id__in=team_ids,
        start_date__lte=OuterRef("coached_on"),
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("coached_on")))
    today = Membership.objects.on(timezone.localdate()).filter(
        agent_id=OuterRef("agent_id"), team_id__in=team_ids
    )
    q = Q(Exists(on_the_day)) | Q(Exists(today))
    if extra is not None:
        q |= extra
    return CoachingSession.objects.annotate(coached_on=TruncDate("coached_at")).filter(q)
