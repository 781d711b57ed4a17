"""Who may see which programs, teams and agents: the only doors to the organisation's people.

Every list goes through `visible_*(user)`, every single record through
`access_*_by_id(user, code)`, which raises the same Http404 for a record that does not exist
and for one the user may not see (an outsider cannot tell them apart).

What a role grant opens (DESIGN.md, Roles):

- admin (a grant without scope, or a Django superuser): everything.
- team lead, QA analyst, operations manager, HR: the teams in the grant's scope (a team, every
  team of a program, every team of a client's programs) and the agents who were ever members
  of those teams. A team-scoped grant also opens its program's program-level numbers, for
  context; not the program's other teams.
- client viewer, client governance lead, vendor account manager: program-level numbers of
  the client's (or the one program's) programs only;
  no team, no agent.
- an agent (a user linked from `Agent.user`): their own agent record, nothing else.

Grants are read once per request (cached on the user object), so a page's query count does
not grow with the number of checks it makes, and a revoked grant takes effect on the next request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from upswing.org.models import Agent, Membership, Program, Role, RoleGrant, Team

# Roles that see people inside their scope (teams and their agents).
PEOPLE_ROLES = frozenset({Role.TEAM_LEAD, Role.QA_ANALYST, Role.OPERATIONS_MANAGER, Role.HR})
# Roles that read program-level numbers only (the client's side of a contract, and the vendor's
# account manager who answers to it): no team, no agent.
REPORT_ROLES = frozenset(
    {Role.CLIENT_VIEWER, Role.CLIENT_GOVERNANCE_LEAD, Role.VENDOR_ACCOUNT_MANAGER}
)

_CACHE_ATTR = "_upswing_reach"


@dataclass(frozen=True, slots=True)
class Reach:
    """What one user's grants open, as ids (resolved into querysets by the functions below)."""

    is_admin: bool = False
    roles: frozenset[str] = frozenset()
    people_clients: frozenset[int] = frozenset()
    people_programs: frozenset[int] = frozenset()
    people_teams: frozenset[int] = frozenset()
    report_clients: frozenset[int] = frozenset()
    report_programs: frozenset[int] = frozenset()
    grants: tuple[RoleGrant, ...] = field(default=(), compare=False)

    @property
    def sees_people(self) -> bool:
        return self.is_admin or bool(
            self.people_clients or self.people_programs or self.people_teams
        )


def grants_of(user) -> tuple[RoleGrant, ...]:
    """The user's role grants (none for an anonymous or inactive user)."""
    return reach_of(user).grants


def reach_of(user) -> Reach:
    if user is None or not user.is_authenticated or not user.is_active:
        return Reach()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _compute_reach(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_reach(user) -> None:
    """Drop the cached grants (after granting or revoking a role within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _compute_reach(user) -> Reach:
    grants = tuple(RoleGrant.objects.filter(user_id=user.pk))
    sets: dict[str, set[int]] = {
        "people_clients": set(),
        "people_programs": set(),
        "people_teams": set(),
        "report_clients": set(),
        "report_programs": set(),
    }
    is_admin = user.is_superuser
    for grant in grants:
        if grant.role == Role.ADMIN:
            is_admin = True
        elif grant.role in PEOPLE_ROLES:
            _add_scope(sets, "people", grant)
        elif grant.role in REPORT_ROLES and not grant.team_id:
            _add_scope(sets, "report", grant)
    return Reach(
        is_admin=is_admin,
        roles=frozenset(g.role for g in grants),
        grants=grants,
        **{name: frozenset(ids) for name, ids in sets.items()},
    )


def _add_scope(sets: dict[str, set[int]], kind: str, grant: RoleGrant) -> None:
    if grant.team_id:
        sets[f"{kind}_teams"].add(grant.team_id)
    elif grant.program_id:
        sets[f"{kind}_programs"].add(grant.program_id)
    elif grant.client_id:
        sets[f"{kind}_clients"].add(grant.client_id)


def own_agent_q(user) -> Q:
    """Matches the Agent linked to this user (nothing for anonymous users)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return Q(user_id=user.pk)


def visible_programs(user) -> QuerySet[Program]:
    """Programs whose program-level numbers the user may read."""
    reach = reach_of(user)
    if reach.is_admin:
        return Program.objects.all()
    return Program.objects.filter(
        Q(client_id__in=reach.people_clients | reach.report_clients)
        | Q(id__in=reach.people_programs | reach.report_programs)
        | Q(teams__id__in=reach.people_teams)
    ).distinct()


def visible_teams(user) -> QuerySet[Team]:
    """Teams whose numbers and agent lists the user may read (never a client viewer's)."""
    reach = reach_of(user)
    if reach.is_admin:
        return Team.objects.all()
    if not reach.sees_people:
        return Team.objects.none()
    return Team.objects.filter(
        Q(program__client_id__in=reach.people_clients)
        | Q(program_id__in=reach.people_programs)
        | Q(id__in=reach.people_teams)
    )


def visible_agents(user) -> QuerySet[Agent]:
    """Agents the user may see: members (past or present) of visible teams, and oneself."""
    reach = reach_of(user)
    if reach.is_admin:
        return Agent.objects.all()
    if not reach.sees_people:
        return Agent.objects.filter(own_agent_q(user))
    # EXISTS per agent, not IN (every member's id): opening one agent reads that agent's
    # memberships, not all 20,000 (PostgreSQL hashed the whole IN list, 25 ms a page).
    member = Membership.objects.filter(agent=OuterRef("pk"), team__in=visible_teams(user))
    return Agent.objects.filter(Exists(member) | own_agent_q(user))


def access_program_by_id(user, code: str) -> Program:
    return _one(visible_programs(user).select_related("client"), code, "program")


def access_team_by_id(user, code: str) -> Team:
    return _one(visible_teams(user).select_related("program__client"), code, "team")


def access_agent_by_id(user, code: str) -> Agent:
    return _one(visible_agents(user), code, "agent")


def _one(queryset: QuerySet, code: str, noun: str):
    found = queryset.filter(code=code).first()
    if found is None:
        # Same answer whether it does not exist or is out of the user's scope.
        raise Http404(f"No {noun} with that code.")
    return found


def landing_of(user) -> tuple[str, str] | None:
    """Where the user starts: ("agent"|"team"|"program", code), or None when nowhere."""
    agent = Agent.objects.filter(own_agent_q(user)).values_list("code", flat=True).first()
    reach = reach_of(user)
    if agent and not reach.sees_people:
        return "agent", agent
    if reach.people_teams and not (reach.people_programs or reach.people_clients):
        team = visible_teams(user).values_list("code", flat=True).order_by("name").first()
        if team:
            return "team", team
    program = visible_programs(user).values_list("code", flat=True).order_by("name").first()
    if program:
        return "program", program
    if agent:
        return "agent", agent
    return None


def _granted_as_q(user, role: str, *, programs: bool = False) -> Q:
    """What one role's grants name, as a filter on teams (or on programs): a team, a program,
    or a client's programs. A team grant names no program."""
    q = Q(pk__in=[])
    program_field, client_field = (
        ("pk", "client_id") if programs else ("program_id", "program__client_id")
    )
    for grant in grants_of(user):
        if grant.role != role:
            continue
        if grant.team_id:
            q |= Q(pk__in=[] if programs else [grant.team_id])
        elif grant.program_id:
            q |= Q(**{program_field: grant.program_id})
        elif grant.client_id:
            q |= Q(**{client_field: grant.client_id})
    return q


def teams_granted_as(user, role: str):
    """The visible teams one role's grants name (a team, or every team of a program/client)."""
    return visible_teams(user).filter(_granted_as_q(user, role)).order_by("name")


def programs_granted_as(user, role: str):
    """The visible programs one role's grants name (a program, or a client's programs)."""
    return visible_programs(user).filter(_granted_as_q(user, role, programs=True)).order_by("name")
