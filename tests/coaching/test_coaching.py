"""Coaching: recording sessions and actions, acknowledgement, effectiveness and reports."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from tests.factories import (
    AgentFactory,
    MembershipFactory,
    RoleGrantFactory,
    TeamFactory,
    UserFactory,
)

from upswing.audit.models import AuditEvent
from upswing.coaching import rules
from upswing.coaching.actions import (
    AgreedAction,
    CoachingError,
    do_acknowledge_session,
    do_complete_action_item,
    do_import_coaching,
    do_record_session,
)
from upswing.coaching.effectiveness import session_effects, windows_around
from upswing.coaching.queries import sessions_for_agent
from upswing.coaching.reports import coverage_report, progress_report, similar_gaps_report
from upswing.findings.rules import RULES_VERSION
from upswing.findings.rules.gaps import Pooled
from upswing.org.models import Role
from upswing.performance.models import Finding, ScorecardSnapshot
from upswing.periods import week_of

UTC = dt.UTC
SESSION_AT = dt.datetime(2026, 9, 16, 10, 0, tzinfo=UTC)  # Wednesday of 2026-W38


def pooled(value: float, low: float, high: float, n: int = 200) -> Pooled:
    return Pooled((), n, value * n / 100, value, low, high, ())


# --- pure rules -------------------------------------------------------------------------------


def test_it_says_the_gap_closed_when_the_metric_meets_the_floor_it_missed():
    effect = rules.effect_verdict(
        "fcr", pooled(60, 55, 65), pooled(78, 73, 82), standard=70, min_n=10
    )
    assert effect.verdict is rules.EffectVerdict.CLOSED_GAP
    assert "the gap to the standard (70.0%) closed" in effect.reason


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        (pooled(50, 45, 55), pooled(62, 58, 66), rules.EffectVerdict.IMPROVED),
        # +1 point with +-5-point intervals: a 3-point gain is not ruled out, so not "stuck".
        (pooled(60, 55, 65), pooled(61, 56, 66), rules.EffectVerdict.UNCLEAR),
        (pooled(60, 59, 61), pooled(60.5, 59.5, 61.5), rules.EffectVerdict.NO_CHANGE),
        (pooled(80, 76, 84), pooled(65, 60, 70), rules.EffectVerdict.WORSE),
    ],
)
def test_it_reads_change_only_beyond_the_intervals(before, after, verdict):
    assert rules.effect_verdict("fcr", before, after, standard=70, min_n=10).verdict is verdict


def test_lower_is_better_metrics_improve_downwards():
    effect = rules.effect_verdict(
        "aht", pooled(700, 680, 720), pooled(560, 540, 580), standard=600, min_n=10
    )
    assert effect.verdict is rules.EffectVerdict.CLOSED_GAP


def test_it_will_not_judge_too_early_or_on_too_little():
    early = rules.effect_verdict(
        "fcr", pooled(60, 55, 65), None, standard=70, min_n=10, after_complete=False
    )
    assert early.verdict is rules.EffectVerdict.TOO_EARLY
    thin = rules.effect_verdict(
        "fcr", pooled(60, 0, 100, n=3), pooled(90, 0, 100), standard=70, min_n=10
    )
    assert thin.verdict is rules.EffectVerdict.INSUFFICIENT


def test_session_problems_name_each_missing_piece():
    draft = rules.SessionDraft(
        kind="chat",
        coached_on=dt.date(2026, 9, 16),
        metric="speed",
        behaviours=(" ",),
        follow_up_on=dt.date(2026, 9, 1),
        actions=(rules.ActionDraft("", False, dt.date(2026, 9, 1)),),
    )
    problems = rules.session_problems(draft)
    assert len(problems) == 8  # the seven above, and no topic
    assert "a session needs a topic: what was worked on" in problems
    documented = dataclasses.replace(draft, kind="one_to_one", metric="fcr", behaviours=(),
                                     follow_up_on=None, actions=(), topic="resolution")  # fmt: skip
    assert rules.session_problems(documented) == (
        "a session needs notes or at least one agreed action",
    )
    assert rules.session_problems(dataclasses.replace(documented, notes="Reviewed calls.")) == ()
    assert rules.is_documented("resolution", "", 1)
    assert not rules.is_documented("", "notes", 1)
    assert not rules.is_documented("resolution", " ", 0)


def test_latest_judged_session_decides_progress():
    v = rules.EffectVerdict
    assert rules.progress_after_coaching([v.TOO_EARLY, v.IMPROVED, v.WORSE]) == "improving"
    assert rules.progress_after_coaching([v.NO_CHANGE, v.CLOSED_GAP]) == "stuck"
    assert rules.progress_after_coaching([v.INSUFFICIENT]) == "too_few"
    assert rules.progress_after_coaching([v.TOO_EARLY]) == "too_early"
    assert rules.progress_after_coaching([v.UNCLEAR, v.IMPROVED]) == "unclear"
    assert rules.progress_after_coaching([v.CLOSED_GAP, v.WORSE]) == "closed"


# --- actions ----------------------------------------------------------------------------------


@pytest.fixture
def people(db):
    team = TeamFactory()
    agent_user, lead = UserFactory(username="agent"), UserFactory(username="lead")
    agent = AgentFactory(code="A1", user=agent_user)
    MembershipFactory(agent=agent, team=team, start_date=dt.date(2026, 1, 1))
    RoleGrantFactory(user=lead, role=Role.TEAM_LEAD, team=team)
    return agent, agent_user, lead, team


def finding_for(agent, team, **extra) -> Finding:
    values = {
        "as_of": dt.date(2026, 11, 1),
        "rules_version": RULES_VERSION,
        "program_code": team.program.code,
        "team_code": team.code,
        "agent_code": agent.code,
        "metric": "fcr",
        "kind": "sustained_gap",
        "cause": "individual",
        "recommendation": "coach",
        "periods": ["2026-W41", "2026-W42", "2026-W43"],
        "behaviours": ["documentation"],
        "created_at": timezone.now(),
    }
    return Finding.objects.create(**{**values, **extra})


def test_a_session_from_a_finding_takes_its_subject_and_is_audited(people):
    agent, _agent_user, lead, team = people
    finding = finding_for(agent, team)
    session = do_record_session(
        actor=lead,
        agent=agent,
        kind="one_to_one",
        coached_at=SESSION_AT,
        topic="resolution",
        notes="private words",
        finding=finding,
        actions=[AgreedAction("Shadow a senior", owner=lead, due_on=dt.date(2026, 9, 30))],
        follow_up_on=dt.date(2026, 9, 30),
    )
    assert (session.metric, session.behaviours) == ("fcr", ["documentation"])
    assert session.coach == lead
    assert session.finding == finding
    (item,) = session.actions.all()
    assert item.owner_email == lead.email
    event = AuditEvent.objects.get(action="coaching.record_session")
    assert event.changes["notes"] == [None, "<written>"]
    assert "private words" not in str(event.changes)


def test_an_incomplete_session_writes_nothing(people):
    agent, _, lead, _ = people
    with pytest.raises(CoachingError, match="action 1 has no owner"):
        do_record_session(
            actor=lead,
            agent=agent,
            kind="one_to_one",
            coached_at=SESSION_AT,
            topic="call control",
            actions=[{"description": "Practise"}],
        )
    assert not agent.coaching.exists()
    assert not AuditEvent.objects.exists()


def test_only_someone_who_coaches_the_agent_records_a_session(people):
    agent, agent_user, _, _ = people
    for actor in (agent_user, UserFactory(username="stranger")):
        with pytest.raises(PermissionDenied):
            do_record_session(
                actor=actor, agent=agent, kind="one_to_one", coached_at=SESSION_AT, metric="aht"
            )


def test_an_empty_session_is_refused_it_needs_a_topic_and_notes_or_an_action(people):
    agent, _, lead, _ = people
    with pytest.raises(CoachingError) as refused:
        do_record_session(actor=lead, agent=agent, kind="one_to_one", coached_at=SESSION_AT)
    assert set(refused.value.problems) == {
        "a session needs a topic: what was worked on",
        "a session needs notes or at least one agreed action",
    }
    with pytest.raises(CoachingError, match="needs notes or at least one agreed action"):
        do_record_session(
            actor=lead, agent=agent, kind="one_to_one", coached_at=SESSION_AT, topic="empathy"
        )
    assert not agent.coaching.exists()
    assert not AuditEvent.objects.exists()


def test_only_the_agent_acknowledges_and_only_once(people):
    agent, agent_user, lead, _ = people
    session = do_record_session(
        actor=lead,
        agent=agent,
        kind="side_by_side",
        coached_at=SESSION_AT,
        metric="aht",
        topic="call control",
        notes="Listened to three calls together.",
    )
    with pytest.raises(PermissionDenied):
        do_acknowledge_session(actor=lead, session=session, comment="fine")
    do_acknowledge_session(actor=agent_user, session=session, comment="Agreed, thanks")
    session.refresh_from_db()
    assert session.acknowledged
    assert session.agent_comment == "Agreed, thanks"
    assert session.version == 2
    with pytest.raises(CoachingError, match="already acknowledged"):
        do_acknowledge_session(actor=agent_user, session=session)


def test_an_action_is_completed_once(people):
    agent, agent_user, lead, _ = people
    session = do_record_session(
        actor=lead,
        agent=agent,
        kind="one_to_one",
        coached_at=SESSION_AT,
        topic="documentation",
        actions=[AgreedAction("Use the checklist", owner=agent_user)],
    )
    item = session.actions.get()
    do_complete_action_item(actor=agent_user, item=item)
    item.refresh_from_db()
    assert item.done
    with pytest.raises(CoachingError):
        do_complete_action_item(actor=agent_user, item=item)
    assert AuditEvent.objects.filter(action="coaching.complete_action").count() == 1


def test_import_still_upserts_and_bumps_the_version(people):
    _agent, *_ = people
    row = {
        "agent_id": "A1",
        "coached_at": SESSION_AT,
        "kind": "training",
        "coach_email": None,
        "topic": "policy",
        "metric": "FCR",
        "notes": None,
    }
    assert do_import_coaching([row], "hr").inserted == 1
    assert do_import_coaching([row], "hr").unchanged == 1
    assert do_import_coaching([{**row, "topic": "new policy"}], "hr").updated == 1
    (session,) = sessions_for_agent("A1")
    assert (session.metric, session.topic, session.version) == ("fcr", "new policy", 2)


# --- effectiveness and reports ---------------------------------------------------------------


def add_weeks(agent, team, first: dt.date, rates: list[float], n: int = 100) -> None:
    for offset, rate in enumerate(rates):
        start = first + dt.timedelta(weeks=offset)
        ScorecardSnapshot.objects.create(
            level="agent",
            entity_code=agent.code,
            team_code=team.code,
            program_code=team.program.code,
            period_kind="week",
            period_start=start,
            metric="fcr",
            value=rate,
            numerator=rate * n / 100,
            n=n,
            sla_floor=70.0,
            status="on_target",
            refreshed_at=timezone.now(),
        )


def test_effect_pools_four_weeks_each_side_and_skips_the_session_week(people):
    agent, _, lead, team = people
    windows = windows_around(SESSION_AT.date())
    assert windows.before[-1].next() == week_of(SESSION_AT.date())
    assert windows.after[0].previous() == week_of(SESSION_AT.date())
    add_weeks(agent, team, windows.before[0].start, [60, 62, 58, 60, 10, 80, 78, 82, 80])
    session = do_record_session(
        actor=lead,
        agent=agent,
        kind="one_to_one",
        coached_at=SESSION_AT,
        metric="fcr",
        topic="first-contact resolution",
        notes="Walked through the knowledge base.",
    )
    (effect,) = session_effects([session], as_of=dt.date(2026, 11, 1))
    assert effect.effect.before.n == 400
    assert effect.effect.before.value == pytest.approx(60)
    assert effect.effect.after.value == pytest.approx(80)
    assert effect.effect.verdict is rules.EffectVerdict.CLOSED_GAP
    (line,) = progress_report(since=dt.date(2026, 9, 1), as_of=dt.date(2026, 11, 1))
    assert line.progress is rules.Progress.CLOSED  # the gap to the 70% floor is gone


def test_coverage_lists_open_findings_without_a_recent_session(people):
    agent, _, lead, team = people
    other = AgentFactory(code="A2")
    finding_for(agent, team)
    finding_for(other, team, recommendation="pip")
    finding_for(other, team, metric="aht", recommendation="monitor")
    do_record_session(
        actor=lead,
        agent=agent,
        kind="one_to_one",
        coached_at=dt.datetime(2026, 10, 25, 9, tzinfo=UTC),
        topic="resolution",
        notes="Reviewed two reopened contacts.",
    )
    uncovered = coverage_report(as_of=dt.date(2026, 11, 1))
    assert [(u.finding.agent_code, u.finding.metric) for u in uncovered] == [("A2", "fcr")]
    assert "no session is recorded" in uncovered[0].reason


def test_similar_gaps_group_systemic_findings_across_teams(people):
    agent, _, _, team = people
    second_team = TeamFactory(program=team.program)
    other = AgentFactory(code="B1")
    for who, where in ((agent, team), (other, second_team)):
        finding_for(who, where, cause="systemic", recommendation="process_fix")
    (group,) = similar_gaps_report(as_of=dt.date(2026, 11, 1))
    assert set(group.teams) == {team.code, second_team.code}
