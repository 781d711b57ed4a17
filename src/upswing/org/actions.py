"""Changes to the organisation: the roster import (clients, programs, teams, agents,
memberships).

Every record the import creates or changes gets its own audit event with its field diff
(names and emails hidden: `upswing.audit.actions.hide_values`), acted by whoever bound the
import (`upswing.audit.middleware.bind_actor`: the CLI, the API caller, the web uploader).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, models, transaction
from django.utils import timezone

from upswing.audit.actions import diff_fields, hide_values, record_events
from upswing.audit.middleware import current_actor
from upswing.bulk import collector_paused
from upswing.org.models import Agent, Client, Membership, Program, Team
from upswing.warehouse.store import UpsertCounts

# A membership without a start date has been in force since before any data.
SINCE_ALWAYS = dt.date(2000, 1, 1)


@transaction.atomic
def do_import_roster(rows: list[dict], source: str) -> UpsertCounts:
    """Upsert every roster row (one membership of an agent on a team) as one transaction.

    A row for a team the agent is not on yet is a transfer: it opens a membership from its
    start date (today when not given) and closes the agent's open one the day before.
    Rows apply in file order, worked out in memory over the agents and memberships read
    once; what changed is written in bulk (a 20,000-agent roster is a few dozen queries).
    """
    with collector_paused():
        changes = _Changes(rows)
        programs = {c: _upsert_program(row) for c, row in _merged(rows, "program_id").items()}
        teams = _upsert_teams(_merged(rows, "team_id"), programs)
        roster = _Roster.load()
        counts = {"inserted": 0, "updated": 0, "unchanged": 0}
        for row in rows:
            agent, agent_outcome = roster.agent(row)
            outcome = roster.membership(agent, teams[row["team_id"]], row)
            counts[_row_outcome(agent_outcome, outcome)] += 1
        roster.save()
        changes.record(reason=f"roster import from {source}")
    return UpsertCounts(**counts)


def _merged(rows: list[dict], key: str) -> dict[str, dict]:
    """One row per `key` value: its rows' non-empty values, the later row winning (as if
    each row were applied in turn)."""
    merged: dict[str, dict] = {}
    for row in rows:
        target = merged.setdefault(row[key], {})
        target.update({k: v for k, v in row.items() if v not in (None, "")})
    return merged


def _upsert_teams(rows: dict[str, dict], programs: dict[str, Program]) -> dict[str, Team]:
    existing = {t.code: t for t in Team.objects.filter(code__in=list(rows))}
    new, changed = [], []
    for code, row in rows.items():
        fields = {"program": programs[row["program_id"]]}
        if row.get("team_name"):
            fields["name"] = row["team_name"]
        if row.get("team_lead_email"):
            fields["lead_email"] = row["team_lead_email"]
        team = existing.get(code)
        if team is None:
            new.append(Team(code=code, **{"name": code, **fields}))
        elif _differs(team, fields):
            for key, value in fields.items():
                setattr(team, key, value)
            changed.append(team)
    Team.objects.bulk_create(new, batch_size=500)
    Team.objects.bulk_update(changed, ["program", "name", "lead_email"], batch_size=500)
    return {**existing, **{t.code: t for t in Team.objects.filter(code__in=[t.code for t in new])}}


def _differs(team: Team, fields: dict) -> bool:
    """Whether `fields` change the team (its program compared by id: no query per team)."""
    if team.program_id != fields["program"].pk:
        return True
    return any(getattr(team, k) != v for k, v in fields.items() if k != "program")


class _Person:
    """An agent as the roster import sees it (a plain record: 20,000 model instances and
    their bulk insert through the ORM cost seconds)."""

    __slots__ = ("code", "email", "name", "pk", "start_date")

    def __init__(self, pk, code, name, email, start_date):
        self.pk, self.code, self.name, self.email = pk, code, name, email
        self.start_date = start_date


class _Stint:
    """A membership as the roster import sees it."""

    __slots__ = ("agent", "end_date", "pk", "start_date", "team_id")

    def __init__(self, pk, agent, team_id, start_date, end_date):
        self.pk, self.agent, self.team_id = pk, agent, team_id
        self.start_date, self.end_date = start_date, end_date


class _Roster:
    """Agents and memberships in memory: rows are applied here, then saved in bulk."""

    def __init__(self, agents: dict[str, _Person], memberships: dict[int, list[_Stint]]):
        self.agents = agents
        self.memberships = memberships  # by id(agent): the agent's memberships
        self.new_agents: list[_Person] = []
        self.changed_agents: dict[int, _Person] = {}
        self.new_memberships: list[_Stint] = []
        self.changed_memberships: dict[int, _Stint] = {}

    @classmethod
    def load(cls) -> _Roster:
        rows = Agent.objects.values_list("pk", "code", "name", "email", "start_date")
        agents = {
            code: _Person(pk, code, name, email, start) for pk, code, name, email, start in rows
        }
        by_pk = {a.pk: a for a in agents.values()}
        memberships: dict[int, list[_Stint]] = {id(a): [] for a in agents.values()}
        stints = Membership.objects.order_by("start_date", "pk").values_list(
            "pk", "agent_id", "team_id", "start_date", "end_date"
        )
        for pk, agent_id, team_id, start, end in stints:
            agent = by_pk[agent_id]
            memberships[id(agent)].append(_Stint(pk, agent, team_id, start, end))
        return cls(agents, memberships)

    def agent(self, row: dict) -> tuple[_Person, str]:
        """The agent of a roster row, created or brought up to date: (agent, outcome)."""
        fields = {"name": row["name"], "email": row.get("email") or ""}
        agent = self.agents.get(row["agent_id"])
        created = agent is None
        if created:
            agent = _Person(None, row["agent_id"], fields["name"], fields["email"], None)
            self.agents[agent.code] = agent
            self.memberships[id(agent)] = []
            self.new_agents.append(agent)
        start = row.get("start_date")
        if start and (agent.start_date is None or start < agent.start_date):
            fields["start_date"] = start
        changed = {k: v for k, v in fields.items() if getattr(agent, k) != v}
        for key, value in changed.items():
            setattr(agent, key, value)
        if changed and agent.pk is not None:
            self.changed_agents[id(agent)] = agent
        if created:
            return agent, "inserted"
        return agent, "updated" if changed else "unchanged"

    def membership(self, agent: _Person, team: Team, row: dict) -> str:
        start, end = row.get("start_date"), row.get("end_date")
        mine = self.memberships[id(agent)]
        current = [m for m in mine if m.team_id == team.pk]
        if start:
            existing = next((m for m in current if m.start_date == start), None)
        else:
            existing = max(current, key=lambda m: m.start_date, default=None)
        if existing is not None:
            if existing.end_date == end:
                return "unchanged"
            existing.end_date = end
            self._changed(existing)
            return "updated"
        start = start or (timezone.localdate() if mine else SINCE_ALWAYS)
        for open_one in mine:
            if open_one.end_date is None and open_one.start_date < start:
                open_one.end_date = start - dt.timedelta(days=1)
                self._changed(open_one)
        joined = _Stint(None, agent, team.pk, start, end)
        mine.append(joined)
        self.new_memberships.append(joined)
        return "inserted"

    def _changed(self, membership: _Stint) -> None:
        if membership.pk is not None:
            self.changed_memberships[id(membership)] = membership

    def save(self) -> None:
        """Write what changed: plain parameterised statements, many rows each."""
        quote = connection.ops.quote_name
        agents, memberships = quote(Agent._meta.db_table), quote(Membership._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {agents} (code, name, email, start_date) VALUES (%s, %s, %s, %s)",  # noqa: S608 - quoted table names
                [(a.code, a.name, a.email, a.start_date) for a in self.new_agents],
            )
            if self.new_agents:
                ids = dict(Agent.objects.values_list("code", "pk"))
                for agent in self.new_agents:
                    agent.pk = ids[agent.code]
            cursor.executemany(
                f"UPDATE {agents} SET name = %s, email = %s, start_date = %s WHERE id = %s",  # noqa: S608 - quoted table names
                [(a.name, a.email, a.start_date, a.pk) for a in self.changed_agents.values()],
            )
            cursor.executemany(
                f"UPDATE {memberships} SET end_date = %s WHERE id = %s",  # noqa: S608 - quoted table names
                [(m.end_date, m.pk) for m in self.changed_memberships.values()],
            )
            cursor.executemany(
                f"INSERT INTO {memberships} (agent_id, team_id, start_date, end_date) "  # noqa: S608 - quoted table names
                "VALUES (%s, %s, %s, %s)",
                [(m.agent.pk, m.team_id, m.start_date, m.end_date) for m in self.new_memberships],
            )


# Fields whose values the trail hides (personal data): a person's name and emails.
_PERSONAL = {Agent: ("name", "email"), Team: ("lead_email",)}


class _Changes:
    """Snapshots the records a roster can touch before the import; after it, one audit event
    per record created or changed, with its field diff."""

    MODELS = (Client, Program, Team, Agent, Membership)

    def __init__(self, rows: list[dict]) -> None:
        agents = {r["agent_id"] for r in rows}
        # model -> (the code its records are known by, the roster's codes); None: all
        self.scope = {
            Client: None,
            Program: ("code", {r["program_id"] for r in rows}),
            Team: ("code", {r["team_id"] for r in rows}),
            Agent: ("code", agents),
            Membership: ("agent__code", agents),
        }
        self.before = {m: self._snapshot(m) for m in self.MODELS}

    def _snapshot(self, model: type[models.Model]) -> dict:
        """{pk: {field name: value}} as `field_values` gives them (a foreign key: its id),
        read as plain rows: no record is built for a 20,000-agent roster. The roster's
        records are picked out here, not by a query listing 20,000 codes (building that
        query alone takes longer than reading every row)."""
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        names = [f.name for f in fields]
        columns = ["pk", *(f.attname for f in fields)]
        if self.scope[model] is None:
            rows = model.objects.values_list(*columns).iterator()
        else:
            code, wanted = self.scope[model]
            every = model.objects.values_list(*columns, code).iterator()
            rows = (values[:-1] for values in every if values[-1] in wanted)
        return {pk: dict(zip(names, values, strict=True)) for pk, *values in rows}

    def record(self, reason: str) -> None:
        events = []
        for model in self.MODELS:
            after = self._snapshot(model)
            for pk, values in after.items():
                diff = diff_fields(self.before[model].get(pk, {}), values)
                if diff:
                    verb = "update" if pk in self.before[model] else "create"
                    events.append(
                        {
                            "action": f"{model._meta.model_name}.import.{verb}",
                            "object_type": model._meta.label_lower,
                            "object_id": str(pk),
                            "changes": hide_values(diff, _PERSONAL.get(model, ())),
                        }
                    )
        record_events(actor=current_actor(), events=events, reason=reason)


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
