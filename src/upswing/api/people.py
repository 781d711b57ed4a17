"""Programs, teams and agents, each through `upswing.org.access` exactly like the pages."""

from django.db.models import Prefetch
from ninja import Router
from ninja.pagination import paginate

from upswing.api.schemas import AgentOut, ErrorOut, ProgramDetailOut, ProgramOut, TeamOut
from upswing.api_shared import Page
from upswing.org.access import (
    access_agent_by_id,
    access_program_by_id,
    access_team_by_id,
    reach_of,
    visible_agents,
    visible_programs,
    visible_teams,
)
from upswing.org.models import Agent, Membership

router = Router(tags=["organisation"])

LIST_ERRORS = {401: ErrorOut, 422: ErrorOut}
ONE_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/programs", response={200: list[ProgramOut], **LIST_ERRORS}, url_name="programs")
@paginate(Page)
def list_programs(request):
    """Programs whose program-level numbers you may read."""
    return visible_programs(request.auth).select_related("client").order_by("code")


@router.get("/programs/{code}", response={200: ProgramDetailOut, **ONE_ERRORS}, url_name="program")
def get_program(request, code: str):
    program = access_program_by_id(request.auth, code)
    teams = visible_teams(request.auth).filter(program=program).order_by("code")
    return {
        "code": program.code,
        "name": program.name,
        "client": program.client,
        "time_zone": program.time_zone,
        "service_level_seconds": program.service_level_seconds,
        "teams": list(teams),
    }


@router.get("/teams", response={200: list[TeamOut], **LIST_ERRORS}, url_name="teams")
@paginate(Page)
def list_teams(request, program: str | None = None):
    """Teams you may see (none for client viewers and agents); `program` narrows by code."""
    teams = visible_teams(request.auth).select_related("program").order_by("code")
    if program:
        teams = teams.filter(program__code=program)
    return teams


@router.get("/teams/{code}", response={200: TeamOut, **ONE_ERRORS}, url_name="team")
def get_team(request, code: str):
    return access_team_by_id(request.auth, code)


def _agent_out(agent: Agent, team_ids: set[int] | None, own: bool) -> dict:
    spells = [
        {"team": m.team.code, "start_date": m.start_date, "end_date": m.end_date}
        for m in agent.memberships.all()
        if own or team_ids is None or m.team_id in team_ids
    ]
    return {
        "code": agent.code,
        "name": agent.name,
        "start_date": agent.start_date,
        "end_date": agent.end_date,
        "memberships": spells,
    }


def _agents_out(user, agents) -> list[dict]:
    """Memberships are listed only on teams the user may see (all of them on one's own
    record): a lead learns that a transferred agent left, not where to."""
    team_ids = (
        None if reach_of(user).is_admin else set(visible_teams(user).values_list("id", flat=True))
    )
    spells = Prefetch(
        "memberships", queryset=Membership.objects.select_related("team").order_by("start_date")
    )
    return [
        _agent_out(a, team_ids, a.user_id is not None and a.user_id == user.pk)
        for a in agents.prefetch_related(spells)
    ]


@router.get("/agents", response={200: list[AgentOut], **LIST_ERRORS}, url_name="agents")
@paginate(Page)
def list_agents(request, team: str | None = None):
    """Agents you may see: members (past or present) of your teams, or yourself; `team`
    narrows to that team's members (a team you may see)."""
    agents = visible_agents(request.auth).order_by("code")
    if team:
        members = Membership.objects.filter(
            team__in=visible_teams(request.auth).filter(code=team)
        ).values("agent_id")
        agents = agents.filter(id__in=members)
    return _LazyAgents(request.auth, agents)


@router.get("/agents/{code}", response={200: AgentOut, **ONE_ERRORS}, url_name="agent")
def get_agent(request, code: str):
    agent = access_agent_by_id(request.auth, code)
    return _agents_out(request.auth, Agent.objects.filter(pk=agent.pk))[0]


class _LazyAgents:
    """Counted and sliced like a queryset by the paginator; only the page is serialised."""

    def __init__(self, user, agents) -> None:
        self.user, self.agents = user, agents

    def all(self):
        return self.agents

    def __getitem__(self, page: slice) -> list[dict]:
        return _agents_out(self.user, self.agents[page])
