"""Factories for the organisation and scorecards, and the persona org used by permission tests.

The persona org (`build_persona_org`):

    client C1 "Atlas Insurance"            client C2 "Borealis Telecom"
      program P1 "Claims"                    program P2 "Telco care"
        team T1 "Claims North" (lead)          team T3 "Care East"
          A1 Alice Anders (agent persona)        A4 Dora Dunmore
          A2 Peter Pike   (peer persona)
          A5 Erin Evans   (on T1 until 2026-10-11, then T2: a transfer)
        team T2 "Claims South" (other_lead)
          A3 Carl Crane

Personas: agent, peer, lead (T1), other_lead (T2), qa (P1), manager (P1), hr (client C1),
client_viewer (C1), other_client_viewer (C2), admin (superuser + admin grant), outsider
(signed in, no grant, no agent record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from upswing.org.models import Agent, Client, Membership, Program, Role, RoleGrant, Team
from upswing.performance.models import Level, ScorecardSnapshot
from upswing.periods import Period, PeriodKind, week_of

PASSWORD = "correct horse battery staple"
FIRST_WEEK = dt.date(2026, 9, 7)  # 2026-W37
WEEKS = 10  # 2026-W37 .. 2026-W46
TRANSFER_DAY = dt.date(2026, 10, 12)  # A5 moves from T1 to T2 (first day of 2026-W42)

PERSONAS = (
    "anonymous",
    "agent",
    "peer",
    "lead",
    "other_lead",
    "qa",
    "manager",
    "hr",
    "client_viewer",
    "other_client_viewer",
    "admin",
    "outsider",
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.LazyAttribute(lambda c: f"Client {c.code}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.LazyAttribute(lambda p: f"Program {p.code}")
    client = factory.SubFactory(ClientFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.LazyAttribute(lambda t: f"Team {t.code}")
    program = factory.SubFactory(ProgramFactory)


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    code = factory.Sequence(lambda n: f"A{n}")
    name = factory.LazyAttribute(lambda a: f"Agent {a.code}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    agent = factory.SubFactory(AgentFactory)
    team = factory.SubFactory(TeamFactory)
    start_date = dt.date(2025, 1, 1)
    end_date = None


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = Role.TEAM_LEAD


@dataclass
class PersonaOrg:
    clients: dict[str, Client] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)

    def user(self, persona: str):
        return self.users.get(persona)

    @property
    def last_week(self) -> Period:
        return Period(PeriodKind.WEEK, FIRST_WEEK + dt.timedelta(weeks=WEEKS - 1))


def build_persona_org(*, snapshots: bool = True) -> PersonaOrg:
    org = PersonaOrg()
    c1 = ClientFactory(code="C1", name="Atlas Insurance")
    c2 = ClientFactory(code="C2", name="Borealis Telecom")
    p1 = ProgramFactory(code="P1", name="Claims", client=c1)
    p2 = ProgramFactory(code="P2", name="Telco care", client=c2)
    t1 = TeamFactory(code="T1", name="Claims North", program=p1)
    t2 = TeamFactory(code="T2", name="Claims South", program=p1)
    t3 = TeamFactory(code="T3", name="Care East", program=p2)
    org.clients = {"C1": c1, "C2": c2}
    org.programs = {"P1": p1, "P2": p2}
    org.teams = {"T1": t1, "T2": t2, "T3": t3}

    # Signing in is tested with a password elsewhere; here users need none (faster to build).
    users = {
        name: UserFactory(username=name, password=None)
        for name in PERSONAS
        if name not in {"anonymous", "admin"}
    }
    users["admin"] = UserFactory(username="admin", password=None, is_staff=True, is_superuser=True)
    org.users = users

    people = [
        ("A1", "Alice Anders", t1, users["agent"]),
        ("A2", "Peter Pike", t1, users["peer"]),
        ("A3", "Carl Crane", t2, None),
        ("A4", "Dora Dunmore", t3, None),
    ]
    for code, name, team, user in people:
        agent = AgentFactory(code=code, name=name, user=user)
        MembershipFactory(agent=agent, team=team)
        org.agents[code] = agent
    erin = AgentFactory(code="A5", name="Erin Evans")
    MembershipFactory(agent=erin, team=t1, end_date=TRANSFER_DAY - dt.timedelta(days=1))
    MembershipFactory(agent=erin, team=t2, start_date=TRANSFER_DAY)
    org.agents["A5"] = erin

    grants = [
        ("lead", Role.TEAM_LEAD, {"team": t1}),
        ("other_lead", Role.TEAM_LEAD, {"team": t2}),
        ("qa", Role.QA_ANALYST, {"program": p1}),
        ("manager", Role.OPERATIONS_MANAGER, {"program": p1}),
        ("hr", Role.HR, {"client": c1}),
        ("client_viewer", Role.CLIENT_VIEWER, {"client": c1}),
        ("other_client_viewer", Role.CLIENT_VIEWER, {"client": c2}),
        ("admin", Role.ADMIN, {}),
    ]
    for persona, role, scope in grants:
        RoleGrantFactory(user=users[persona], role=role, **scope)
    # Agents hold an agent grant on their team too; it must not open anything beyond themselves.
    RoleGrantFactory(user=users["agent"], role=Role.AGENT, team=t1)

    if snapshots:
        make_org_snapshots(org)
    return org


HOME_TEAM = {"A1": "T1", "A2": "T1", "A3": "T2", "A4": "T3"}


def team_of(org: PersonaOrg, agent_code: str, day: dt.date) -> Team:
    if agent_code == "A5":
        return org.teams["T1"] if day < TRANSFER_DAY else org.teams["T2"]
    return org.teams[HOME_TEAM[agent_code]]


def make_org_snapshots(org: PersonaOrg, metrics: tuple[str, ...] = ("aht", "fcr")) -> None:
    rows = []
    for week in range(WEEKS):
        start = FIRST_WEEK + dt.timedelta(weeks=week)
        for program in org.programs.values():
            rows += snapshot_rows(Level.PROGRAM, program.code, "", program.code, start, metrics)
        for team in org.teams.values():
            code = team.program.code
            rows += snapshot_rows(Level.TEAM, team.code, team.code, code, start, metrics)
        for agent in org.agents.values():
            team = team_of(org, agent.code, start)
            rows += snapshot_rows(
                Level.AGENT, agent.code, team.code, team.program.code, start, metrics
            )
    ScorecardSnapshot.objects.bulk_create(rows)


def snapshot_rows(
    level: str,
    entity: str,
    team_code: str,
    program_code: str,
    start: dt.date,
    metrics: tuple[str, ...] = ("aht", "fcr"),
    kind: PeriodKind = PeriodKind.WEEK,
) -> list[ScorecardSnapshot]:
    now = timezone.now()
    values = {
        "aht": (420.0 + (start.toordinal() % 7) * 10, None, None, 450.0, 600.0, 420.0),
        "fcr": (74.0, 70.0, 78.0, 76.0, 70.0, 80.0),
        "csat": (81.0, 75.0, 86.0, 80.0, 75.0, 85.0),
        "wait": (30.0, 27.0, 33.0, 31.0, 45.0, 30.0),
    }
    out = []
    for metric in metrics:
        value, low, high, baseline, floor, target = values[metric]
        if metric == "aht":
            status = "on_target" if value <= target else "below_target"
        else:
            status = "below_target" if value < target else "on_target"
        out.append(
            ScorecardSnapshot(
                level=level,
                entity_code=entity,
                team_code=team_code,
                program_code=program_code,
                period_kind=kind.value,
                period_start=week_of(start).start if kind is PeriodKind.WEEK else start,
                metric=metric,
                value=value,
                numerator=value * 100 if metric == "aht" else value,
                n=100,
                ci_low=low,
                ci_high=high,
                baseline=baseline,
                sla_floor=floor,
                kpi_target=target,
                status=status,
                refreshed_at=now,
            )
        )
    return out
