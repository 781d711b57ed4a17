"""Which scorecard rows a user may read: the only door to ScorecardSnapshot for pages.

Rows follow the organisation's scope (`upswing.org.access`):

- program rows: programs in `visible_programs` (client viewers see these and nothing else);
- team rows: teams in `visible_teams`;
- agent rows: rows recorded while the agent was on a visible team (`team_code`), so a lead sees
  a transferred agent's weeks on their team and not the weeks on the next one — and in the
  week or month of the transfer, only the part of the days on their team (`Part.TEAM`); the
  whole of such a period (`Part.TEAMS`) and a blended agent's work for a program
  (`Part.PROGRAM`) are seen by those who see the whole program; plus the user's own agent
  rows, all of them. An agent sees the team's value only as the `baseline` of their own rows
  — never a peer's row, never the team's page.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from upswing.org.access import (
    own_agent_q,
    reach_of,
    visible_programs,
    visible_teams,
)
from upswing.org.models import Agent, Program
from upswing.scorecards.models import Level, Part, ScorecardSnapshot


def visible_snapshots(user) -> QuerySet[ScorecardSnapshot]:
    reach = reach_of(user)
    if reach.is_admin:
        return ScorecardSnapshot.objects.all()
    own = Agent.objects.filter(own_agent_q(user)).values("code")
    allowed = Q(level=Level.AGENT, entity_code__in=own)
    if reach.sees_people or reach.report_clients or reach.report_programs:
        allowed |= Q(level=Level.PROGRAM, program_code__in=visible_programs(user).values("code"))
    if reach.sees_people:
        teams = visible_teams(user).values("code")
        allowed |= Q(level=Level.TEAM, entity_code__in=teams)
        allowed |= Q(level=Level.AGENT, part__in=ON_ONE_TEAM, team_code__in=teams)
        whole_programs = Program.objects.filter(
            Q(client_id__in=reach.people_clients) | Q(id__in=reach.people_programs)
        ).values("code")
        allowed |= Q(level=Level.AGENT, part__in=OVER_TEAMS, program_code__in=whole_programs)
    return ScorecardSnapshot.objects.filter(allowed)


# Agent rows of days on one team (a whole period on one team, or a team's part of it), and
# rows that reach over teams (a period over several teams, work for one program).
ON_ONE_TEAM = (Part.WHOLE.value, Part.TEAM.value)
OVER_TEAMS = (Part.TEAMS.value, Part.PROGRAM.value)
