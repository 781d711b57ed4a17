"""Changes to the organisation: the roster import (clients, programs, teams, agents,
memberships)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from upswing.org.models import Agent, Client, Membership, Program, Team
from upswing.warehouse.store import UpsertCounts

# A membership without a start date has been in force since before any data.
SINCE_ALWAYS = dt.date(2000, 1, 1)


@transaction.atomic
def do_import_roster(rows: list[dict], source: str) -> UpsertCounts:
    """Upsert every roster row (one membership of an agent on a team) as one transaction.

    A row for a team the agent is not on yet is a transfer: it opens a membership from its
    start date (today when not given) and closes the agent's open one the day before.
    """
    programs = {r["program_id"]: _upsert_program(r) for r in rows}
    teams = {r["team_id"]: _upsert_team(r, programs[r["program_id"]]) for r in rows}
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        agent, agent_outcome = _upsert_agent(row)
        outcome = _apply_membership(agent, teams[row["team_id"]], row)
        counts[_row_outcome(agent_outcome, outcome)] += 1
    return UpsertCounts(**counts)


def _row_outcome(agent: str, membership: str) -> str:
    """A row is new when its agent or membership is; updated when either changed."""
    if "inserted" in (agent, membership):
        return "inserted"
    return "updated" if "updated" in (agent, membership) else "unchanged"


def _upsert_program(row: dict) -> Program:
    program = Program.objects.filter(code=row["program_id"]).first()
    client_name = row.get("client_name")
    if program is None:
        client = _client(client_name or row.get("program_name") or row["program_id"])
        return Program.objects.create(
            code=row["program_id"],
            name=row.get("program_name") or row["program_id"],
            client=client,
            time_zone=row.get("time_zone") or "UTC",
        )
    changed = False
    if row.get("program_name") and program.name != row["program_name"]:
        program.name, changed = row["program_name"], True
    if row.get("time_zone") and program.time_zone != row["time_zone"]:
        program.time_zone, changed = row["time_zone"], True
    if client_name and program.client.name != client_name:
        program.client, changed = _client(client_name), True
    if changed:
        program.save()
    return program


def _client(name: str) -> Client:
    client, _ = Client.objects.get_or_create(code=_slug(name), defaults={"name": name})
    return client


def _slug(name: str) -> str:
    return "-".join(name.lower().split())[:100]


def _upsert_team(row: dict, program: Program) -> Team:
    defaults = {"program": program}
    if row.get("team_name"):
        defaults["name"] = row["team_name"]
    if row.get("team_lead_email"):
        defaults["lead_email"] = row["team_lead_email"]
    team, created = Team.objects.get_or_create(
        code=row["team_id"], defaults={"name": row["team_id"], **defaults}
    )
    if not created and any(getattr(team, k) != v for k, v in defaults.items()):
        for key, value in defaults.items():
            setattr(team, key, value)
        team.save()
    return team


def _upsert_agent(row: dict) -> tuple[Agent, str]:
    """The agent of a roster row, created or brought up to date: (agent, outcome)."""
    fields = {"name": row["name"], "email": row.get("email") or ""}
    agent, created = Agent.objects.get_or_create(code=row["agent_id"], defaults=fields)
    start = row.get("start_date")
    if start and (agent.start_date is None or start < agent.start_date):
        fields["start_date"] = start
    changed = {k: v for k, v in fields.items() if getattr(agent, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(agent, key, value)
        agent.save(update_fields=list(changed))
    if created:
        return agent, "inserted"
    return agent, "updated" if changed else "unchanged"


def _apply_membership(agent: Agent, team: Team, row: dict) -> str:
    start, end = row.get("start_date"), row.get("end_date")
    current = agent.memberships.filter(team=team)
    existing = (
        current.filter(start_date=start).first()
        if start
        else current.order_by("-start_date").first()
    )
    if existing is not None:
        if existing.end_date == end:
            return "unchanged"
        existing.end_date = end
        existing.save(update_fields=["end_date"])
        return "updated"
    has_other = agent.memberships.exists()
    start = start or (timezone.localdate() if has_other else SINCE_ALWAYS)
    for open_one in agent.memberships.filter(end_date__isnull=True, start_date__lt=start):
        open_one.end_date = start - dt.timedelta(days=1)
        open_one.save(update_fields=["end_date"])
    Membership.objects.create(agent=agent, team=team, start_date=start, end_date=end)
    return "inserted"
