"""Who may read and who may set targets (SLA floors and KPI targets).

Reading follows the organisation's scope (`upswing.org.access`):

- program-level targets: anyone who may read the program's numbers — people roles in scope,
  an agent's own program is not opened (agents see the bounds on their own scorecard rows),
  and client viewers of the program's client. Client viewers do read them: SLA floors are the
  contract they signed, and a client that cannot see the standard cannot read its report.
- team-level targets: only for teams in `visible_teams` (never a client viewer's), so a
  team's name never reaches someone who may not see the team.

Setting a new version: an admin, or an operations manager whose grant covers the program
(a program- or client-scoped grant). A team-scoped operations manager grant, a team lead,
QA, HR, a client viewer or an agent cannot. Everything else answers the same 404 as
`access_program_by_id` for programs out of sight, and 403 for a visible one the user may
only read.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from upswing.org.access import reach_of, visible_programs, visible_teams
from upswing.org.models import Program, Role
from upswing.targets.models import Target


def may_read_targets(user) -> bool:
    """Whether the targets index is worth offering: anyone who reads some program's numbers
    (people roles in scope, client viewers and program reporters) and admins."""
    reach = reach_of(user)
    return reach.is_admin or reach.sees_people or reach.report_clients or reach.report_programs


def visible_targets(user) -> QuerySet[Target]:
    programs = visible_programs(user).values("id")
    teams = visible_teams(user).values("id")
    return Target.objects.filter(
        Q(program_id__in=programs) & (Q(team__isnull=True) | Q(team_id__in=teams))
    )


def target_setting_programs(user) -> QuerySet[Program]:
    """Programs whose targets this user may set (a new version)."""
    reach = reach_of(user)
    if reach.is_admin:
        return Program.objects.all()
    program_ids, client_ids = set(), set()
    for grant in reach.grants:
        if grant.role != Role.OPERATIONS_MANAGER:
            continue
        if grant.program_id:
            program_ids.add(grant.program_id)
        elif grant.client_id:
            client_ids.add(grant.client_id)
    if not (program_ids or client_ids):
        return Program.objects.none()
    return Program.objects.filter(Q(id__in=program_ids) | Q(client_id__in=client_ids))


def can_set_targets(user, program: Program) -> bool:
    return target_setting_programs(user).filter(pk=program.pk).exists()
