"""Which scorecard rows a user may read: the only door to ScorecardSnapshot for pages.

Rows follow the organisation's scope (`upswing.org.access`):

- program rows: programs in `visible_programs` (client viewers see these and nothing else);
- team rows: teams in `visible_teams`;
- agent rows: rows recorded while the agent was on a visible team (`team_code`), so a lead sees
  a transferred agent's weeks on their team and not the weeks on the next one; plus the
  user's own agent rows, all of them. An agent sees the team's value only as the `baseline`
  of their own rows — never a peer's row, never the team's page.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from upswing.org.access import (
    own_agent_q,
    reach_of,
    visible_programs,
    visible_teams,
)
from upswing.org.models import Agent
from upswing.performance.models import Level, ScorecardSnapshot


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
        allowed |= Q(level=Level.AGENT, team_code__in=teams)
    return ScorecardSnapshot.objects.filter(allowed)
