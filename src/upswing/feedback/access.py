"""Who may see and run which feedback cycles, answer which requests, and read which results.

- Cycles: the team leads of the cycle's team, operations managers and HR whose grants cover
  it (team, program or client), admins; and each subject sees the cycles they are in.
- Running a cycle (nominating for anyone, approving, opening, closing): the team's lead,
  operations managers in scope and admins. A subject may propose raters for themselves.
- Answering: the nominated rater of an approved nomination while the cycle is open.
- Results: once the cycle is closed, the subject and those who see the cycle, always through
  the thresholds of `result_rules.summarise`.
- Continuous notes: the agent they are about and the agent's current team lead(s), nobody
  else (not even admins: the notes are between a person and their lead).

Every door raises the same Http404 for a record that does not exist and one out of reach.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from upswing.feedback import rules
from upswing.feedback.models import Cycle, CycleState, Nomination, NominationStatus, Subject
from upswing.org.access import grants_of, own_agent_q, reach_of, visible_agents
from upswing.org.models import Agent, Membership, Role

READ_ROLES = frozenset({Role.TEAM_LEAD, Role.OPERATIONS_MANAGER, Role.HR})
RUN_ROLES = frozenset({Role.TEAM_LEAD, Role.OPERATIONS_MANAGER})


def site_thresholds() -> rules.Thresholds:
    try:
        return rules.site_thresholds(
            settings.UPSWING_FEEDBACK_MIN_RATERS, settings.UPSWING_FEEDBACK_MIN_COMMENTERS
        )
    except rules.FeedbackRuleError as exc:
        raise ImproperlyConfigured(str(exc)) from None


def thresholds_of(cycle: Cycle) -> rules.Thresholds:
    return rules.cycle_thresholds(site_thresholds(), cycle.min_raters, cycle.min_commenters)


def _team_q(user, roles: frozenset[str], prefix: str = "") -> Q:
    q = Q(pk__in=[])
    for grant in grants_of(user):
        if grant.role not in roles:
            continue
        if grant.team_id:
            q |= Q(**{f"{prefix}team_id": grant.team_id})
        elif grant.program_id:
            q |= Q(**{f"{prefix}team__program_id": grant.program_id})
        elif grant.client_id:
            q |= Q(**{f"{prefix}team__program__client_id": grant.client_id})
    return q


def visible_cycles(user) -> QuerySet[Cycle]:
    cycles = Cycle.objects.select_related("team__program", "template")
    if reach_of(user).is_admin:
        return cycles.all()
    own = Agent.objects.filter(own_agent_q(user))
    q = _team_q(user, READ_ROLES) | Q(subjects__agent__in=own)
    return cycles.filter(q).distinct()


def runs_team(user, team) -> bool:
    """Whether the user may start and run cycles on this team (its lead, a manager in scope)."""
    if reach_of(user).is_admin:
        return True
    for grant in grants_of(user):
        if grant.role not in RUN_ROLES:
            continue
        if (
            grant.team_id == team.pk
            or grant.program_id == team.program_id
            or (grant.client_id and grant.client_id == team.program.client_id)
        ):
            return True
    return False


def runs_cycle(user, cycle: Cycle) -> bool:
    if reach_of(user).is_admin:
        return True
    return Cycle.objects.filter(pk=cycle.pk).filter(_team_q(user, RUN_ROLES)).exists()


def staff_sees_cycle(user, cycle: Cycle) -> bool:
    if reach_of(user).is_admin:
        return True
    return Cycle.objects.filter(pk=cycle.pk).filter(_team_q(user, READ_ROLES)).exists()


def access_cycle_by_id(user, pk: int, *, for_write: bool = False) -> Cycle:
    cycle = visible_cycles(user).filter(pk=pk).first()
    if cycle is None:
        raise Http404("No feedback cycle with that id.")
    if for_write and not runs_cycle(user, cycle):
        raise PermissionDenied("Only the team's lead or operations manager may run this cycle.")
    return cycle


def is_subject(user, subject: Subject) -> bool:
    return subject.agent.user_id is not None and subject.agent.user_id == getattr(user, "pk", None)


def access_results(user, cycle_pk: int, agent_code: str) -> Subject:
    """The subject whose results the user may read now: the cycle is closed and the user is the
    subject or sees the cycle as staff (Http404 otherwise, also while it is open)."""
    cycle = access_cycle_by_id(user, cycle_pk)
    subject = cycle.subjects.select_related("agent").filter(agent__code=agent_code).first()
    if subject is None or cycle.state != CycleState.CLOSED:
        raise Http404("No feedback results to show.")
    if not (is_subject(user, subject) or staff_sees_cycle(user, cycle)):
        raise Http404("No feedback results to show.")
    return subject


def visible_results(user) -> QuerySet[Subject]:
    """Closed-cycle subjects whose results the user may read."""
    subjects = Subject.objects.filter(cycle__state=CycleState.CLOSED).select_related(
        "cycle", "agent"
    )
    if reach_of(user).is_admin:
        return subjects
    own = Agent.objects.filter(own_agent_q(user))
    return subjects.filter(_team_q(user, READ_ROLES, "cycle__") | Q(agent__in=own)).distinct()


def access_request_by_id(user, pk: int) -> Nomination:
    """An approved nomination of this user in an open cycle (their request to answer)."""
    nomination = (
        Nomination.objects.select_related("subject__cycle", "subject__agent")
        .filter(pk=pk, rater_id=getattr(user, "pk", None), status=NominationStatus.APPROVED)
        .filter(subject__cycle__state=CycleState.OPEN)
        .first()
    )
    if nomination is None:
        raise Http404("No feedback request with that id.")
    return nomination


def open_requests(user) -> QuerySet[Nomination]:
    """Approved, unanswered requests to this user in open cycles."""
    if not getattr(user, "is_authenticated", False):
        return Nomination.objects.none()
    answered = Subject.objects.filter(completions__rater=user)
    return (
        Nomination.objects.filter(
            rater=user,
            status=NominationStatus.APPROVED,
            subject__cycle__state=CycleState.OPEN,
        )
        .exclude(subject__in=answered)
        .select_related("subject__cycle", "subject__agent")
        .order_by("subject__cycle__due_on", "pk")
    )


# --- continuous notes -----------------------------------------------------------------------


def lead_team_ids(user) -> list[int]:
    return [g.team_id for g in grants_of(user) if g.role == Role.TEAM_LEAD and g.team_id]


def reads_notes_of(user, agent: Agent) -> bool:
    """The agent themself, or a team lead of a team the agent is on today."""
    if agent.user_id is not None and agent.user_id == getattr(user, "pk", None):
        return True
    teams = lead_team_ids(user)
    if not teams:
        return False
    return Membership.objects.filter(agent=agent, team_id__in=teams, end_date__isnull=True).exists()


def recipients_for(user) -> QuerySet[Agent]:
    """Whom the user may send continuous feedback to: agents they see, and current teammates."""
    own = Agent.objects.filter(own_agent_q(user))
    teams = Membership.objects.filter(agent__in=own, end_date__isnull=True).values("team_id")
    mates = Membership.objects.filter(team_id__in=teams, end_date__isnull=True).values("agent_id")
    agents = visible_agents(user) | Agent.objects.filter(id__in=mates)
    return agents.exclude(own_agent_q(user)).distinct().order_by("name")


def access_note_agent(user, code: str) -> Agent:
    agent = visible_agents(user).filter(code=code).first()
    if agent is None or not reads_notes_of(user, agent):
        raise Http404("No agent with that code.")
    return agent
