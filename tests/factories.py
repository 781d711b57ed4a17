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

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import factory
from django.contrib.auth import get_user_model
from django.db import transaction
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


@contextlib.contextmanager
def rolled_back_at_module_end(django_db_blocker) -> Iterator[None]:
    """For a module-scoped fixture: what is built inside is kept for the module's tests (each
    runs in its own savepoint on top, pytest-django's `db`) and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


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


# --- findings and coaching records with fixed ids (coaching and finding pages) ---------------

FINDINGS_AS_OF = dt.date(2026, 11, 15)  # the Sunday that ends 2026-W46
FINDING_WEEKS = ["2026-W44", "2026-W45", "2026-W46"]


def build_coaching_records(org: PersonaOrg) -> PersonaOrg:
    """Findings, sessions and action items with fixed primary keys on the persona org, so the
    permission matrix can name their pages (tests/site/routes_coaching.py):

    findings (latest run 2026-11-15 unless said): 9101 A1/T1 fcr coach · 9102 A3/T2 aht pip ·
      9103 A4/T3 fcr coach · 9104 A2/T1 aht monitor · 9105 A2/T1 fcr systemic ·
      9106 A3/T2 fcr systemic · 9107 A5/T1 fcr coach, an older run (2026-10-04, before A5
      moved to T2)
    sessions: 9201 A1 (coach lead; actions 9301 owned by the agent, 9302 by the lead) ·
      9202 A3 · 9203 A4 · 9204 A5 on 2026-10-01, while on T1
    """
    from upswing.coaching.models import ActionItem, CoachingSession
    from upswing.findings.rules import RULES_VERSION
    from upswing.performance.models import Finding

    now = timezone.now()
    ids = {
        (s.entity_code, s.metric, s.period_start): str(s.pk)
        for s in ScorecardSnapshot.objects.filter(level=Level.AGENT, metric__in=("aht", "fcr"))
    }

    def finding(
        pk,
        agent,
        team,
        program,
        metric,
        kind,
        cause,
        rec,
        *,
        as_of=FINDINGS_AS_OF,
        weeks=FINDING_WEEKS,
        reasons=None,
        events=(),
        behaviours=(),
        sessions=(),
        facts=None,
    ):
        starts = [dt.date.fromisocalendar(int(w[:4]), int(w[6:]), 1) for w in weeks]
        Finding.objects.create(
            pk=pk,
            as_of=as_of,
            rules_version=RULES_VERSION,
            program_code=program,
            team_code=team,
            agent_code=agent,
            metric=metric,
            kind=kind,
            cause=cause,
            recommendation=rec,
            periods=list(weeks),
            behaviours=list(behaviours),
            reasons=reasons
            or [
                f"{metric.upper()} was below the SLA floor in 3 of the last 4 weeks "
                f"({', '.join(weeks)}), at 61.0% over those weeks (n=300 interactions). "
                "Weeks with few observations were pooled with the weeks before them.",
                f"For comparison, team {team}'s value was 76.0% in the same weeks.",
            ],
            evidence={
                "periods": list(weeks),
                "snapshots": [ids[k] for s in starts if (k := (agent, metric, s)) in ids],
                "interactions": [f"I-{agent}-1", f"I-{agent}-2"],
                "evaluations": [f"E-{agent}-1"],
                "events": list(events),
                "coaching_sessions": [str(s) for s in sessions],
            },
            facts=facts or {},
            created_at=now,
        )

    systemic = [
        "In team {t}, 2 of 3 agents (67%) were below the standard on FCR in at least 3 of the "
        "same 4 periods (2026-W43 to 2026-W46). The same gap for so many is a process problem.",
        "Recorded events cover 3 of the weeks below the standard: tool change from 2026-10-26 "
        "to 2026-11-15 across the program (new CRM release). Without those weeks fewer than 3 "
        "remain, so the gap is not the agent's own.",
        "The cause is systemic, so the fix is in the process: no individual coaching plan or "
        "performance plan is appropriate.",
    ]
    finding(
        9101,
        "A1",
        "T1",
        "P1",
        "fcr",
        "sustained_gap",
        "individual",
        "coach",
        behaviours=["Ownership"],
        sessions=[9201],
    )
    finding(9102, "A3", "T2", "P1", "aht", "sustained_gap", "individual", "pip")
    finding(9103, "A4", "T3", "P2", "fcr", "sustained_gap", "individual", "coach")
    finding(9104, "A2", "T1", "P1", "aht", "trend", "individual", "monitor")
    for pk, agent, team in ((9105, "A2", "T1"), (9106, "A3", "T2")):
        finding(
            pk,
            agent,
            team,
            "P1",
            "fcr",
            "sustained_gap",
            "systemic",
            "process_fix",
            reasons=[r.format(t=team) for r in systemic],
            events=["EV-CRM"],
            facts={
                "basis": "event",
                "events": [
                    {
                        "event_id": "EV-CRM",
                        "kind": "tool_change",
                        "starts_on": "2026-10-26",
                        "ends_on": "2026-11-15",
                        "team_id": None,
                        "description": "new CRM release",
                    }
                ],
                "pooled_n": 300,
            },
        )
    finding(
        9107,
        "A5",
        "T1",
        "P1",
        "fcr",
        "sustained_gap",
        "individual",
        "coach",
        as_of=dt.date(2026, 10, 4),
        weeks=["2026-W38", "2026-W39", "2026-W40"],
    )

    def session(pk, agent, day, coach):
        return CoachingSession.objects.create(
            pk=pk,
            agent=org.agents[agent],
            kind="one_to_one",
            metric="fcr",
            coached_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
            coach=org.user(coach),
            coach_email=f"{coach}@example.com",
            topic="Resolving first time",
            notes="Talked through three calls.",
            behaviours=["Ownership"],
        )

    s1 = session(9201, "A1", dt.date(2026, 10, 28), "lead")
    session(9202, "A3", dt.date(2026, 10, 20), "other_lead")
    session(9203, "A4", dt.date(2026, 10, 21), "admin")
    session(9204, "A5", dt.date(2026, 10, 1), "lead")
    ActionItem.objects.create(
        pk=9301, session=s1, description="Listen to two calls", owner=org.user("agent")
    )
    ActionItem.objects.create(
        pk=9302, session=s1, description="Share the checklist", owner=org.user("lead")
    )
    return org


# --- plans for the permission matrix ---------------------------------------------------------

PLAN_START = dt.date(2026, 11, 2)  # a Monday; the plans below are built directly, not drafted
PERSONA_PLANS = {  # pk -> (agent, team, state); every plan in the matrix has a fixed id
    9101: ("A1", "T1", "draft"),
    9102: ("A1", "T1", "hr_review"),
    9103: ("A1", "T1", "active"),
    9104: ("A3", "T2", "active"),
    9105: ("A4", "T3", "active"),
}


def persona_plan_terms(org: PersonaOrg, agent_code: str, team_code: str) -> dict:
    """A complete plan JSON (FCR, one goal with support, weekly checkpoints) for an agent."""
    team = org.teams[team_code]
    days = [PLAN_START + dt.timedelta(weeks=w, days=4) for w in range(13)]
    return {
        "agent_id": agent_code,
        "problem_statement": (
            "First contact resolution was 62.0% (n=120 contacts) in 4 of the last 4 weeks "
            "(2026-W41 to 2026-W44), below the SLA floor of 70.0% (contract §4.2)."
        ),
        "standards": [
            {
                "metric": "fcr",
                "sla_floor": 70.0,
                "kpi_target": 80.0,
                "source": "contract §4.2, effective 2026-01-01",
                "measurement": "share resolved and not reopened, per ISO week",
            }
        ],
        "evidence": [{"kind": "scorecard", "summary": "FCR weekly scorecards", "refs": []}],
        "goals": [
            {
                "behavior": "Resolve the customer's issue on the first contact",
                "metric": "fcr",
                "baseline": 62.0,
                "target": 75.0,
                "due_day": 60,
                "kind": "improve",
            }
        ],
        "support": [
            {
                "goal": 0,
                "kind": "side_by_side",
                "cadence": "weekly, 30 minutes",
                "owner": "team lead",
                "description": "Listen live to three contacts.",
            }
        ],
        "start_date": PLAN_START.isoformat(),
        "length_days": 90,
        "checkpoints": [d.isoformat() for d in days],
        "outcomes": {
            "success": "FCR at or above 75% in 3 of the last 4 weeks.",
            "partial": "Extended by 30 days with updated goals.",
            "none": "Role change or exit, decided by people.",
        },
        "meta": {
            "agent_name": org.agents[agent_code].name,
            "team_id": team_code,
            "program_id": team.program.code,
            "time_zone": "UTC",
            "drafted_as_of": "2026-11-01",
        },
    }


def build_plan_records(org: PersonaOrg) -> PersonaOrg:
    """Plans 9101-9105 (PERSONA_PLANS); active ones with checkpoints 1 (recorded on time) and
    2 (due, not recorded); one inbox notification (9121) for the agent persona."""
    from upswing.plans.models import Checkpoint, Notification, Plan, PlanVersion

    now = timezone.now()
    status = {"draft": "draft", "hr_review": "in_review", "active": "acknowledged"}
    for pk, (agent_code, team_code, state) in PERSONA_PLANS.items():
        team = org.teams[team_code]
        active = state == "active"
        plan = Plan.objects.create(
            pk=pk,
            agent=org.agents[agent_code],
            team=team,
            program=team.program,
            metric="fcr",
            state=state,
            shared_at=now if active else None,
            start_date=PLAN_START if active else None,
            end_date=PLAN_START + dt.timedelta(days=89) if active else None,
            created_by=org.user("lead"),
        )
        terms = persona_plan_terms(org, agent_code, team_code)
        version = PlanVersion.objects.create(
            plan=plan, number=1, reason="drafted", status=status[state], terms=terms
        )
        if active:
            for number, due in enumerate(terms["checkpoints"][:2], start=1):
                Checkpoint.objects.create(
                    pk=pk * 10 + number,
                    plan=plan,
                    plan_version=version,
                    number=number,
                    due_on=dt.date.fromisoformat(due),
                    completed_at=now if number == 1 else None,
                    on_time=True if number == 1 else None,
                    coaching_notes="Listened to three calls." if number == 1 else "",
                )
    Notification.objects.create(
        pk=9121,
        recipient=org.user("agent"),
        kind="plan_shared",
        plan_id=9103,
        key="matrix:9121",
        subject="Your performance plan is ready to read and acknowledge",
        body="Open Upswing to see the plan.",
    )
    return org
