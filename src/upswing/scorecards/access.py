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

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Value

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
    doors = _doors(user)
    allowed = Q(level=Level.AGENT, entity_code__in=doors["own"])
    if "programs" in doors:
        allowed |= Q(level=Level.PROGRAM, program_code__in=doors["programs"])
    if "teams" in doors:
        allowed |= Q(level=Level.TEAM, entity_code__in=doors["teams"])
        allowed |= Q(level=Level.AGENT, part__in=ON_ONE_TEAM, team_code__in=doors["teams"])
        whole = doors["whole_programs"]
        allowed |= Q(level=Level.AGENT, part__in=OVER_TEAMS, program_code__in=whole)
    return ScorecardSnapshot.objects.filter(allowed)


def sees_whole_program(user, program: Program) -> bool:
    """People roles whose scope covers every team of the program (and admins)."""
    reach = reach_of(user)
    return (
        reach.is_admin
        or program.id in reach.people_programs
        or program.client_id in reach.people_clients
    )


def team_snapshots(user, program: Program, codes: list[str]) -> QuerySet[ScorecardSnapshot]:
    """The team rows of the program's teams `codes` the user may read (`visible_snapshots`),
    by the quickest filter that holds them: one who sees every team of the program (an
    administrator, a grant on its client or on it) reads the team rows recorded under the
    program, through its index; others, the rows of the listed teams they may see, narrowed to
    a plain list first (one query). A program page reads the rows of hundreds of teams, and
    the whole scope's subqueries were checked on every one of them."""
    rows = ScorecardSnapshot.objects.filter(level=Level.TEAM)
    if sees_whole_program(user, program):
        return rows.filter(program_code=program.code)
    visible = visible_teams(user).filter(code__in=codes).values_list("code", flat=True)
    return rows.filter(entity_code__in=list(visible))


def agent_snapshots(user, code: str) -> QuerySet[ScorecardSnapshot]:
    """`visible_snapshots(user)` of one agent's rows, its doors first resolved (one query) to
    the few teams and programs those rows were recorded under: the same rows, but a query that
    filters them compiles plain lists, not the whole scope's subqueries (an agent page's
    queries each hold these rows three times; compiling them was most of the page)."""
    rows = ScorecardSnapshot.objects.filter(level=Level.AGENT, entity_code=code)
    if reach_of(user).is_admin:
        return rows
    doors = _doors(user)

    def labelled(codes: QuerySet, door: str) -> QuerySet:  # a part of a UNION: no ORDER BY
        return codes.order_by().annotate(door=Value(door)).values_list("code", "door")

    opened = labelled(doors["own"].filter(code=code), "own")
    if "teams" in doors:
        recorded_teams = doors["teams"].filter(code__in=rows.values("team_code"))
        recorded_programs = doors["whole_programs"].filter(code__in=rows.values("program_code"))
        opened = opened.union(
            labelled(recorded_teams, "team"),
            labelled(recorded_programs, "program"),
            all=True,
        )
    by_door: dict[str, list[str]] = {"own": [], "team": [], "program": []}
    for door_code, door in opened:
        by_door[door].append(door_code)
    if by_door["own"]:
        return rows
    return rows.filter(
        Q(part__in=ON_ONE_TEAM, team_code__in=by_door["team"])
        | Q(part__in=OVER_TEAMS, program_code__in=by_door["program"])
    )


def _doors(user) -> dict[str, QuerySet]:
    """The codes each kind of row is read through (querysets of codes, not yet run)."""
    reach = reach_of(user)
    doors = {"own": Agent.objects.filter(own_agent_q(user)).values("code")}
    if reach.sees_people or reach.report_clients or reach.report_programs:
        doors["programs"] = visible_programs(user).values("code")
    if reach.sees_people:
        doors["teams"] = visible_teams(user).values("code")
        doors["whole_programs"] = Program.objects.filter(
            Q(client_id__in=reach.people_clients) | Q(id__in=reach.people_programs)
        ).values("code")
    return doors


@dataclass(frozen=True, slots=True)
class SnapshotReach:
    """`visible_snapshots` for rows that are not stored (a quarter or custom days computed
    live, `scorecards.live`): the same doors, resolved to codes once."""

    admin: bool
    own: frozenset[str]
    programs: frozenset[str]
    teams: frozenset[str]
    whole_programs: frozenset[str]

    def allows(self, row) -> bool:
        """Whether `row` (level, entity_code, team_code, program_code, part) may be read."""
        if self.admin or (row.level == Level.AGENT and row.entity_code in self.own):
            return True
        if row.level == Level.PROGRAM:
            return row.program_code in self.programs
        if row.level == Level.TEAM:
            return row.entity_code in self.teams
        if row.part in ON_ONE_TEAM:
            return row.team_code in self.teams
        return row.part in OVER_TEAMS and row.program_code in self.whole_programs


def snapshot_reach(user) -> SnapshotReach:
    """The doors of `visible_snapshots`, as codes (one query a door)."""
    if reach_of(user).is_admin:
        return SnapshotReach(True, frozenset(), frozenset(), frozenset(), frozenset())
    codes = {k: frozenset(v.values_list("code", flat=True)) for k, v in _doors(user).items()}
    empty: frozenset[str] = frozenset()
    return SnapshotReach(
        False,
        codes["own"],
        codes.get("programs", empty),
        codes.get("teams", empty),
        codes.get("whole_programs", empty),
    )


# Agent rows of days on one team (a whole period on one team, or a team's part of it), and
# rows that reach over teams (a period over several teams, work for one program).
ON_ONE_TEAM = (Part.WHOLE.value, Part.TEAM.value)
OVER_TEAMS = (Part.TEAMS.value, Part.PROGRAM.value)
