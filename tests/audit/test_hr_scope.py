"""HR reads the audit events of the records their grants open, and no others.

Found: HR granted one client read another client's coaching events in the audit trail.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import (
    AgentFactory,
    ClientFactory,
    MembershipFactory,
    ProgramFactory,
    RoleGrantFactory,
    TeamFactory,
    UserFactory,
    build_persona_org,
)
from upswing.audit.actions import record_event
from upswing.audit_page.access import visible_audit_events
from upswing.coaching.access import visible_sessions
from upswing.coaching.models import CoachingSession
from upswing.org.models import Role

TODAY = dt.date(2026, 11, 16)


def _session(agent, day: dt.date) -> CoachingSession:
    session = CoachingSession.objects.create(
        agent=agent,
        coached_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
        kind="one_to_one",
        notes="private",
    )
    with transaction.atomic():
        record_event(actor="cli", action="coaching.record", obj=session)
    return session


def _coaching_ids(user) -> set[str]:
    events = visible_audit_events(user).filter(object_type="coaching.coachingsession")
    return set(events.values_list("object_id", flat=True))


@pytest.mark.django_db
def test_hr_of_one_client_never_reads_another_clients_coaching_events(client):
    org = build_persona_org(snapshots=False)
    ours = _session(org.agents["A1"], dt.date(2026, 10, 1))  # T1, client C1 (HR's)
    theirs = _session(org.agents["A4"], dt.date(2026, 10, 1))  # T3, client C2
    hr = org.user("hr")
    assert _coaching_ids(hr) == {str(ours.pk)}
    assert _coaching_ids(org.user("admin")) == {str(ours.pk), str(theirs.pk)}
    client.force_login(hr)
    page = client.get("/audit/", {"object_type": "coaching.coachingsession"})
    assert page.status_code == 200
    shown = {e.object_id for e in page.context["table"].rows}
    assert shown == {str(ours.pk)}


def _expected_visible(session, hr_teams: set[int], today: dt.date) -> bool:
    """The scope rule, written out independently: the agent was on one of HR's teams on the
    session's day, or is on one today."""
    day = session.coached_at.date()
    for m in session.agent.memberships.all():
        covers = lambda d, m=m: m.start_date <= d and (m.end_date is None or m.end_date >= d)  # noqa: E731
        if m.team_id in hr_teams and (covers(day) or covers(today)):
            return True
    return False


DAYS = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@st.composite
def rosters(draw):
    """Agents with one to three memberships (transfers on drawn days), and sessions."""
    agents = []
    for _ in range(draw(st.integers(2, 6))):
        teams = draw(st.lists(st.integers(0, 7), min_size=1, max_size=3))
        cuts = sorted(
            draw(st.lists(DAYS, min_size=len(teams) - 1, max_size=len(teams) - 1, unique=True))
        )
        sessions = draw(st.lists(DAYS, min_size=1, max_size=3, unique=True))
        agents.append((teams, cuts, sessions))
    return agents


# A grant: ("client", 0..1) | ("program", 0..3) | ("team", 0..7)
GRANTS = st.lists(
    st.one_of(
        st.tuples(st.just("client"), st.integers(0, 1)),
        st.tuples(st.just("program"), st.integers(0, 3)),
        st.tuples(st.just("team"), st.integers(0, 7)),
    ),
    min_size=1,
    max_size=3,
)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(roster=rosters(), grants=GRANTS)
def test_hr_sees_exactly_the_coaching_events_their_grants_open(roster, grants, time_machine):
    time_machine.move_to(dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    with transaction.atomic():  # each example rolled back
        clients = [ClientFactory() for _ in range(2)]
        programs = [ProgramFactory(client=clients[i // 2]) for i in range(4)]
        teams = [TeamFactory(program=programs[i // 2]) for i in range(8)]
        sessions = []
        for teams_of_agent, cuts, days in roster:
            agent = AgentFactory()
            starts = [dt.date(2025, 1, 1), *cuts]
            ends = [c - dt.timedelta(days=1) for c in cuts] + [None]
            for team, start, end in zip(teams_of_agent, starts, ends, strict=True):
                MembershipFactory(agent=agent, team=teams[team], start_date=start, end_date=end)
            sessions += [_session(agent, day) for day in days]
        hr = UserFactory()
        hr_teams: set[int] = set()
        for kind, index in grants:
            scope = {"client": clients, "program": programs, "team": teams}[kind][index]
            RoleGrantFactory(user=hr, role=Role.HR, **{kind: scope})
            hr_teams |= {
                t.pk
                for t in teams
                if (kind == "team" and t == scope)
                or (kind == "program" and t.program == scope)
                or (kind == "client" and t.program.client == scope)
            }
        expected = {str(s.pk) for s in sessions if _expected_visible(s, hr_teams, TODAY)}
        assert _coaching_ids(hr) == expected
        # …and the same as the coaching pages' own door.
        assert expected == {str(pk) for pk in visible_sessions(hr).values_list("pk", flat=True)}
        transaction.set_rollback(True)
