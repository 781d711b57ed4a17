"""Systemic, context, behaviours and the ladder: pure rules, no database."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.findings.builders import AS_OF, LAST, series

from upswing.findings.rules import (
    BehaviourTally,
    Cause,
    CoachingRecord,
    ContextEvent,
    DiagnosisConfig,
    DiagnosisInputs,
    FindingKind,
    MixCell,
    MixProfile,
    Recommendation,
    diagnose,
)
from upswing.findings.rules.causes import compare_on_mix, name_behaviours
from upswing.findings.rules.ladder import LadderInput, climb_ladder

CONFIG = DiagnosisConfig()
GAP = [70, 70, 70, 70]  # FCR below an 80% floor in every week of the window
OK = [88, 88, 88, 88]


def run(*agent_series, **inputs):
    return diagnose(
        DiagnosisInputs(as_of=AS_OF, last_period=LAST, series=tuple(agent_series), **inputs)
    )


def team(gaps: int, healthy: int, team_id: str = "T1", metric: str = "fcr"):
    out = [
        series(metric, GAP, floor=80, agent=f"{team_id}-G{i}", team=team_id) for i in range(gaps)
    ]
    out += [
        series(metric, OK, floor=80, agent=f"{team_id}-H{i}", team=team_id) for i in range(healthy)
    ]
    return out


def only(findings, agent):
    (finding,) = [f for f in findings if f.agent_id == agent]
    return finding


def session(day: dt.date, sid: str = "s", metric: str = "fcr", topic: str = "") -> CoachingRecord:
    return CoachingRecord(f"{sid}{day}", "T1-G0", day, "one_to_one", metric, topic)


# --- systemic -----------------------------------------------------------------------------


def test_one_agent_of_many_below_the_floor_is_individual():
    findings = run(*team(1, 5)).findings
    finding = only(findings, "T1-G0")
    assert finding.cause is Cause.INDIVIDUAL
    assert "1 of 6 agents of the team were below the standard" in finding.reasons[1]


def test_a_gap_shared_by_most_of_the_team_is_systemic_and_never_a_plan():
    coaching = tuple(session(dt.date(2026, 9, d)) for d in (1, 15, 29))
    diagnosis = run(*team(4, 2), coaching=coaching)
    finding = only(diagnosis.findings, "T1-G0")
    assert finding.cause is Cause.SYSTEMIC
    assert finding.recommendation is Recommendation.PROCESS_FIX
    assert any("4 of 6 agents (67%)" in r for r in finding.reasons)
    (group,) = diagnosis.groups
    assert group.teams == ("T1",)
    assert len(group.agents) == 4


def test_a_shared_gap_below_the_systemic_share_stays_individual():
    assert only(run(*team(2, 4)).findings, "T1-G0").cause is Cause.INDIVIDUAL


def test_a_shared_gap_across_the_program_is_systemic_even_when_the_team_is_small():
    agents = team(1, 1, "T1") + team(3, 0, "T2") + team(2, 1, "T3")
    assert only(run(*agents).findings, "T1-G0").cause is Cause.SYSTEMIC


def test_teams_with_similar_gaps_are_grouped_for_operations():
    diagnosis = run(*team(3, 1, "T1"), *team(3, 0, "T2"), *team(0, 4, "T3"))
    (group,) = diagnosis.groups
    assert group.teams == ("T1", "T2")
    assert group.metric == "fcr"
    assert "2 teams (T1, T2) show the same FCR gap" in group.reason


def test_a_group_of_one_team_with_an_event_is_worded_in_the_singular_without_ids():
    outage = ContextEvent(
        "f199fc73287a", "P1", "T1", "outage", dt.date(2026, 9, 28), dt.date(2026, 10, 25), "CRM"
    )
    (group,) = run(*team(4, 1, "T1"), *team(0, 4, "T2"), events=(outage,)).groups
    assert group.events == ("f199fc73287a",)  # for the JSON and the links
    assert group.reason.startswith("1 team (T1) shows the same FCR gap in ")
    assert ", for 4 agents, with 1 recorded event in those weeks: fix the process" in group.reason
    assert "f199fc73287a" not in group.reason


def test_an_event_covering_the_team_and_window_makes_it_systemic():
    outage = ContextEvent(
        "E1", "P1", "T1", "outage", dt.date(2026, 9, 28), dt.date(2026, 10, 25), "CRM down"
    )
    finding = only(run(*team(1, 5), events=(outage,)).findings, "T1-G0")
    assert finding.cause is Cause.SYSTEMIC
    assert finding.recommendation is Recommendation.PROCESS_FIX
    assert finding.evidence.events == ("E1",)
    assert "outage from 2026-09-28 to 2026-10-25 on team T1 (CRM down)" in finding.reasons[2]


def test_an_event_on_another_team_or_touching_one_week_explains_nothing():
    elsewhere = ContextEvent(
        "E2", "P1", "T9", "outage", dt.date(2026, 9, 28), dt.date(2026, 10, 25)
    )
    one_day = ContextEvent(
        "E3", "P1", None, "tool_change", dt.date(2026, 10, 7), dt.date(2026, 10, 7)
    )
    finding = only(run(*team(1, 5), events=(elsewhere, one_day)).findings, "T1-G0")
    assert finding.cause is Cause.INDIVIDUAL
    # a program-wide event over two of the four weeks leaves two: below k=3, so systemic
    two_weeks = ContextEvent(
        "E4", "P1", None, "understaffing", dt.date(2026, 10, 12), dt.date(2026, 10, 25)
    )
    assert only(run(*team(1, 5), events=(two_weeks,)).findings, "T1-G0").cause is Cause.SYSTEMIC


# --- context ------------------------------------------------------------------------------


def _cells(rows):
    return tuple(MixCell(channel, band, topic, n, hits) for channel, band, topic, n, hits in rows)


HARD_MIX = MixProfile(
    "T1-G0",
    "fcr",
    agent_cells=_cells(
        [("email", "180s+", "billing", 360, 250), ("voice", "0-20s", "other", 40, 30)]
    ),
    peer_cells=_cells(
        [("email", "180s+", "billing", 400, 280), ("voice", "0-20s", "other", 3600, 3240)]
    ),
)


def test_the_gap_disappearing_on_the_agent_s_mix_is_context():
    comparison = compare_on_mix(HARD_MIX, CONFIG)
    assert comparison.peer_raw > 85
    assert comparison.peer_standardised == pytest.approx(72.0)  # 360 x 70% + 40 x 90%
    assert comparison.gap_vanishes
    finding = only(run(*team(1, 5), mixes=(HARD_MIX,)).findings, "T1-G0")
    assert finding.cause is Cause.CONTEXT
    assert finding.recommendation is Recommendation.MONITOR
    assert "the gap disappears" in " ".join(finding.reasons)


def test_a_gap_that_remains_on_the_agent_s_mix_is_individual():
    same_mix = MixProfile(
        "T1-G0",
        "fcr",
        agent_cells=_cells([("voice", "0-20s", "other", 400, 280)]),
        peer_cells=_cells([("voice", "0-20s", "other", 4000, 3600)]),
    )
    assert not compare_on_mix(same_mix, CONFIG).gap_vanishes
    finding = only(run(*team(1, 5), mixes=(same_mix,)).findings, "T1-G0")
    assert finding.cause is Cause.INDIVIDUAL
    assert "peers would score 90.0%" in " ".join(finding.reasons)


def test_a_mix_peers_rarely_handle_gives_no_conclusion():
    unmatched = MixProfile(
        "T1-G0",
        "fcr",
        agent_cells=_cells([("social", "0-20s", "x", 400, 280)]),
        peer_cells=_cells([("voice", "0-20s", "other", 4000, 3600)]),
    )
    assert compare_on_mix(unmatched, CONFIG) is None


# --- behaviours ---------------------------------------------------------------------------


def tally(behaviour, evaluations, missed, peer_evaluations=200, peer_missed=40):
    return BehaviourTally(
        "T1-G0",
        behaviour,
        evaluations,
        missed,
        peer_evaluations,
        peer_missed,
        tuple(f"EV{i}" for i in range(missed)),
        tuple(f"I{i}" for i in range(missed)),
    )


def test_behaviours_driving_a_qa_gap_are_named_with_their_counts():
    tallies = (tally("documentation", 20, 17), tally("greeting", 20, 5), tally("empathy", 20, 2))
    named = name_behaviours(tallies, CONFIG)
    assert [b.tally.behaviour for b in named] == ["documentation"]
    assert named[0].reason() == (
        "Documentation was missed in 17 of 20 evaluations (85%), against 20% for the rest of "
        "the program (40 of 200)."
    )
    qa = series("qa", [70, 70, 70, 70], n=20, sd=10, floor=85, agent="T1-G0")
    finding = only(run(qa, behaviours=tallies).findings, "T1-G0")
    assert finding.behaviours == ("documentation",)
    assert len(finding.evidence.evaluations) == 17
    assert any("17 of 20 evaluations" in r for r in finding.reasons)


# --- the ladder ---------------------------------------------------------------------------


def ladder(
    sessions=(),
    cause=Cause.INDIVIDUAL,
    below_floor=True,
    kind=FindingKind.SUSTAINED_GAP,
    metric="fcr",
    behaviours=(),
):
    return climb_ladder(
        LadderInput(
            kind,
            cause,
            metric,
            behaviours,
            below_floor,
            dt.date(2026, 10, 19),
            AS_OF,
            tuple(sessions),
        ),
        CONFIG,
    )


def test_pip_is_refused_without_coaching():
    decision = ladder()
    assert decision.recommendation is Recommendation.COACH
    assert "coach first" in decision.reasons[0]


def test_pip_is_refused_with_one_session():
    decision = ladder([session(dt.date(2026, 9, 1))])
    assert decision.recommendation is Recommendation.COACH
    assert "1 such session so far" in decision.reasons[1]


def test_pip_is_refused_with_two_sessions_inside_three_weeks():
    decision = ladder([session(dt.date(2026, 9, 1)), session(dt.date(2026, 9, 10))])
    assert decision.recommendation is Recommendation.COACH
    assert "over only 9 days" in decision.reasons[1]


def test_pip_is_refused_for_a_systemic_cause():
    sessions = [session(dt.date(2026, 9, 1)), session(dt.date(2026, 9, 29))]
    assert ladder(sessions, cause=Cause.SYSTEMIC).recommendation is Recommendation.PROCESS_FIX


def test_pip_is_allowed_with_two_sessions_over_three_weeks():
    sessions = [session(dt.date(2026, 9, 1)), session(dt.date(2026, 9, 22))]
    decision = ladder(sessions)
    assert decision.recommendation is Recommendation.PIP
    assert "2 coaching sessions on the same subject: 2026-09-01, 2026-09-22." in decision.reasons


def test_an_undocumented_session_is_not_coaching_a_plan_can_rest_on():
    empty = CoachingRecord("e", "T1-G0", dt.date(2026, 9, 22), "one_to_one", "fcr", "", False)
    decision = ladder([session(dt.date(2026, 9, 1)), empty])
    assert decision.recommendation is Recommendation.COACH
    assert "1 such session so far" in decision.reasons[1]


def test_coaching_on_another_subject_or_after_the_gap_does_not_count():
    other = [
        session(dt.date(2026, 9, 1), metric="aht"),
        session(dt.date(2026, 9, 29), metric="aht"),
    ]
    assert ladder(other).recommendation is Recommendation.COACH
    late = [session(dt.date(2026, 9, 1)), session(dt.date(2026, 10, 20))]
    assert ladder(late).recommendation is Recommendation.COACH


def test_coaching_on_a_named_behaviour_counts_for_the_metric():
    sessions = [
        session(dt.date(2026, 9, 1), metric="", topic="Documentation of the case"),
        session(dt.date(2026, 9, 29), metric="", topic="documentation again"),
    ]
    assert ladder(sessions, metric="qa", behaviours=("documentation",)).recommendation is (
        Recommendation.PIP
    )


def test_a_gap_to_the_team_only_goes_to_training_not_a_plan():
    sessions = [session(dt.date(2026, 9, 1)), session(dt.date(2026, 9, 29))]
    decision = ladder(sessions, below_floor=False)
    assert decision.recommendation is Recommendation.TRAIN
    assert "reserved for a sustained gap below the SLA floor" in decision.reasons[-1]


def test_trend_context_and_thin_data_are_monitored():
    assert ladder(kind=FindingKind.TREND).recommendation is Recommendation.MONITOR
    assert ladder(cause=Cause.CONTEXT).recommendation is Recommendation.MONITOR
    assert ladder(cause=Cause.INSUFFICIENT_DATA).recommendation is Recommendation.MONITOR


def test_the_whole_chain_ends_in_a_plan_only_for_an_evidenced_individual_gap():
    coaching = (session(dt.date(2026, 8, 20), "a"), session(dt.date(2026, 9, 24), "b"))
    finding = only(run(*team(1, 5), coaching=coaching).findings, "T1-G0")
    assert finding.recommendation is Recommendation.PIP
    assert finding.evidence.coaching_sessions == ("a2026-08-20", "b2026-09-24")
    assert finding.to_dict()["rules_version"].startswith("diagnosis-")
