"""Which diagnosis findings a user may read: the only door to Finding for pages.

A finding names one agent, a gap, its cause and a recommendation that may be "pip". It is a
manager's working material, so it follows the people scope of `upswing.org.access`:

- team lead, QA analyst, operations manager, HR: findings recorded on a team they may see
  (`Finding.team_code`: the agent's team when the finding was made, so a lead sees a
  transferred agent's findings from their time on the team, not the next team's); findings
  without a team, in the programs or clients their grants cover whole;
- admin: all findings;
- an agent: none, not even their own. The agent sees their scorecard, their coaching sessions
  and their plan (DESIGN.md, Roles). A finding is the input to the conversation, not its
  record: its reasons compare the agent with peers and its recommendation may name a plan
  before any plan is fair (principle 2), so the agent hears it in the session, from a person;
- client viewer: none (program-level numbers only; a finding is individual agent data).

`access_finding_by_id` raises the same Http404 for a finding that does not exist and for one
the user may not see.
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from upswing.findings.models import Finding
from upswing.findings.rules import RULES_VERSION
from upswing.org.access import reach_of, visible_teams
from upswing.org.models import Program


def visible_findings(user) -> QuerySet[Finding]:
    reach = reach_of(user)
    if reach.is_admin:
        return Finding.objects.all()
    if not reach.sees_people:
        return Finding.objects.none()
    whole_programs = Program.objects.filter(
        Q(client_id__in=reach.people_clients) | Q(id__in=reach.people_programs)
    ).values("code")
    return Finding.objects.filter(
        Q(team_code__in=visible_teams(user).values("code"))
        | Q(team_code="", program_code__in=whole_programs)
    )


def access_finding_by_id(user, pk: int) -> Finding:
    found = visible_findings(user).filter(pk=pk).first()
    if found is None:
        # Same answer whether it does not exist or is out of the user's scope.
        raise Http404("No finding with that id.")
    return found


def visible_open_findings(user, *, as_of: dt.date | None = None) -> QuerySet[Finding]:
    """The visible findings of each program's latest diagnosis run on or before `as_of` (the
    same reading of "open" as coaching.reports.open_findings), in two queries.

    The latest run is found over all of the program's findings, so a team without findings
    in the latest run shows nothing rather than an older run's findings."""
    as_of = as_of or timezone.localdate()
    visible = visible_findings(user).filter(rules_version=RULES_VERSION, as_of__lte=as_of)
    latest = (
        Finding.objects.filter(
            rules_version=RULES_VERSION,
            as_of__lte=as_of,
            program_code__in=visible.values("program_code"),
        )
        .values("program_code")
        .annotate(day=Max("as_of"))
        .values_list("program_code", "day")
    )
    runs = [Q(program_code=program, as_of=day) for program, day in latest]
    if not runs:
        return Finding.objects.none()
    return visible.filter(reduce(or_, runs))
