"""Contract terms, breaches against the allowance and service credits, as pure functions.

Every expected number below is worked out by hand in the comment beside it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upswing.governance.rules.breaches import (
    Escalation,
    EventFact,
    Excuse,
    Verdict,
    WindowValue,
    add_months,
    breach_report,
    closed_windows,
)
from upswing.governance.rules.contracts import (
    Allowance,
    ContractTerms,
    ServiceCredit,
    SlaLine,
    TermsError,
    Window,
    check_terms,
    terms_for,
)
from upswing.governance.rules.credits import service_credit

D = dt.date
FCR = SlaLine("fcr", floor=80.0, target=85.0, source="Schedule 2 §4.1")
V1 = ContractTerms("1", D(2026, 1, 1), (FCR,), Allowance(2, 3, 6))


def month(metric: str, start: dt.date, value: float, n: int = 200, **kw) -> WindowValue:
    return WindowValue(metric, Window.MONTH, start, value, n, **kw)


def fcr_months(values: dict[int, float]) -> list[WindowValue]:
    return [month("fcr", D(2026, m, 1), v) for m, v in values.items()]


def test_a_window_closes_on_its_last_day_not_before():
    assert closed_windows(Window.MONTH, D(2026, 1, 1), D(2026, 1, 30)) == []
    assert [p.label for p in closed_windows(Window.MONTH, D(2026, 1, 1), D(2026, 1, 31))] == [
        "2026-01"
    ]


def test_a_value_on_the_floor_is_met_and_just_under_it_is_a_breach():
    report = breach_report([V1], fcr_months({1: 80.0, 2: 79.99}), [], [], D(2026, 2, 28))
    assert [w.verdict for w in report.windows] == [Verdict.MET, Verdict.BREACH]


def test_lower_is_better_metrics_breach_above_the_floor():
    aht = ContractTerms("1", D(2026, 1, 1), (SlaLine("aht", floor=300.0),))
    report = breach_report([aht], [month("aht", D(2026, 1, 1), 301.0)], [], [], D(2026, 1, 31))
    assert report.windows[0].verdict is Verdict.BREACH


def test_a_small_sample_is_never_a_breach_and_a_partial_window_is_open():
    values = [month("fcr", D(2026, 1, 1), 10.0, n=9), month("fcr", D(2026, 2, 1), 10, partial=True)]
    report = breach_report([V1], values, [], [], D(2026, 2, 28))
    assert [w.verdict for w in report.windows] == [Verdict.TOO_FEW, Verdict.OPEN]
    assert report.breaches == ()


def test_the_second_breach_in_six_months_calls_for_a_plan_and_the_third_for_a_review():
    report = breach_report([V1], fcr_months({1: 70, 2: 90, 3: 75, 4: 72}), [], [], D(2026, 4, 30))
    assert [(b.count, b.escalation) for b in report.breaches] == [
        (1, Escalation.WITHIN_ALLOWANCE),
        (2, Escalation.CORRECTIVE_ACTION),
        (3, Escalation.PARTNERSHIP_REVIEW),
    ]


def test_the_rolling_window_drops_a_breach_exactly_six_months_back():
    # Six months ending with July: February to July; January is out.
    report = breach_report([V1], fcr_months({1: 70, 7: 70}), [], [], D(2026, 7, 31))
    assert [b.count for b in report.breaches] == [1, 1]
    # Six months ending with June: January to June; January still counts.
    report = breach_report([V1], fcr_months({1: 70, 6: 70}), [], [], D(2026, 6, 30))
    assert [b.count for b in report.breaches] == [1, 2]


def test_a_version_changed_mid_month_governs_from_the_next_window():
    v2 = ContractTerms("2", D(2026, 2, 15), (SlaLine("fcr", floor=75.0),), Allowance(2, 3, 6))
    report = breach_report([V1, v2], fcr_months({2: 78, 3: 78}), [], [], D(2026, 3, 31))
    feb, mar = report.windows[1:]
    assert (feb.version, feb.verdict) == ("1", Verdict.BREACH)  # 78 < 80 under version 1
    assert (mar.version, mar.verdict) == ("2", Verdict.MET)  # 78 >= 75 under version 2


def test_a_line_dropped_by_a_new_version_is_no_longer_judged():
    v2 = ContractTerms("2", D(2026, 2, 1), (SlaLine("aht", floor=300.0),))
    report = breach_report([V1, v2], fcr_months({1: 70, 2: 70}), [], [], D(2026, 2, 28))
    assert [(w.metric, w.label) for w in report.windows] == [
        ("fcr", "2026-01"),
        ("aht", "2026-02"),
    ]
    assert report.windows[1].verdict is Verdict.NO_DATA


def outage(event_id="E1", first=None, last=None, **kw) -> EventFact:
    return EventFact(event_id, "outage", first or D(2026, 3, 30), last or D(2026, 4, 2), **kw)


def test_an_accepted_excuse_takes_the_breach_out_of_the_count():
    values = fcr_months({3: 70, 5: 70})
    events = [outage()]
    plain = breach_report([V1], values, events, [], D(2026, 5, 31))
    assert [b.count for b in plain.breaches] == [1, 2]
    excused = breach_report([V1], values, events, [Excuse("E1")], D(2026, 5, 31))
    assert [b.count for b in excused.breaches] == [None, 1]
    assert excused.breaches[0].result.excused_by == ("E1",)
    assert excused.escalation is Escalation.WITHIN_ALLOWANCE


def test_an_excuse_for_another_metric_or_a_non_overlapping_event_does_not_excuse():
    values = fcr_months({3: 70})
    report = breach_report([V1], values, [outage()], [Excuse("E1", "aht")], D(2026, 3, 31))
    assert not report.breaches[0].result.excused
    late = outage("E2", D(2026, 4, 1), D(2026, 4, 3))
    report = breach_report([V1], values, [late], [Excuse("E2")], D(2026, 3, 31))
    assert report.windows[0].events == ()
    assert not report.breaches[0].result.excused


def test_an_event_flagged_before_it_started_is_flagged_in_advance():
    start = dt.datetime(2026, 3, 30, 8, tzinfo=dt.UTC)
    early = outage(starts_at=start, flagged_at=start - dt.timedelta(days=2))
    late = outage(starts_at=start, flagged_at=start + dt.timedelta(hours=1))
    assert early.flagged_in_advance
    assert not late.flagged_in_advance
    assert not outage(starts_at=start).flagged_in_advance


def test_service_credit_worked_by_hand():
    credit = ServiceCredit(percent_per_point=1.5, cap_percent=10.0)
    # FCR floor 80, value 76.5: 3.5 points below x 1.5 % = 5.25 % of 100,000 = 5,250.00
    due = service_credit(credit, "fcr", 76.5, 80.0, 100_000.0)
    assert (due.steps_below, due.percent, due.amount, due.capped) == (3.5, 5.25, 5250.0, False)
    # FCR 60: 20 points x 1.5 % = 30 %, capped at 10 % = 10,000.00
    due = service_credit(credit, "fcr", 60.0, 80.0, 100_000.0)
    assert (due.percent, due.amount, due.capped) == (10.0, 10000.0, True)


def test_service_credit_for_a_lower_is_better_metric_in_steps_of_ten_seconds():
    credit = ServiceCredit(percent_per_point=2.0, cap_percent=8.0, points_per_step=10.0)
    # AHT floor 300 s, value 325 s: 25 s = 2.5 steps x 2 % = 5 % of 40,000 = 2,000.00
    due = service_credit(credit, "aht", 325.0, 300.0, 40_000.0)
    assert (due.steps_below, due.percent, due.amount) == (2.5, 5.0, 2000.0)
    assert service_credit(credit, "aht", 325.0, 300.0, None).amount is None


def test_a_breach_earns_its_credit_unless_excused():
    line = SlaLine("fcr", 80.0, credit=ServiceCredit(1.0, 5.0))
    terms = ContractTerms("1", D(2026, 1, 1), (line,), monthly_fee=10_000.0)
    report = breach_report([terms], fcr_months({3: 78}), [outage()], [], D(2026, 3, 31))
    assert report.breaches[0].result.credit.amount == 200.0  # 2 points x 1 % x 10,000
    report = breach_report([terms], fcr_months({3: 78}), [outage()], [Excuse("E1")], D(2026, 3, 31))
    assert report.breaches[0].result.credit is None


def test_terms_that_cannot_stand_say_which_field():
    with pytest.raises(TermsError, match=r"^target"):
        check_terms(ContractTerms("1", D(2026, 1, 1), (SlaLine("fcr", 80.0, target=70.0),)))
    with pytest.raises(TermsError, match=r"^metric"):
        check_terms(ContractTerms("1", D(2026, 1, 1), (SlaLine("volume", 10.0),)))
    with pytest.raises(TermsError, match=r"^review_after"):
        check_terms(ContractTerms("1", D(2026, 1, 1), (), Allowance(3, 3, 6)))
    with pytest.raises(TermsError, match=r"^credit_cap_percent"):
        check_terms(
            ContractTerms("1", D(2026, 1, 1), (SlaLine("fcr", 80, credit=ServiceCredit(1, 0)),))
        )


def test_no_version_in_force_before_the_first():
    assert terms_for([V1], D(2025, 12, 31)) is None
    assert terms_for([V1], D(2026, 1, 1)) is V1


@given(st.dates(D(2000, 1, 1), D(2090, 12, 31)), st.integers(1, 36))
def test_add_months_lands_in_the_right_month_never_past_its_end(day, months):
    moved = add_months(day, -months)
    assert (day.year * 12 + day.month) - (moved.year * 12 + moved.month) == months
    assert moved.day <= day.day


@given(st.lists(st.floats(0, 100), min_size=1, max_size=12), st.integers(1, 5))
def test_counts_never_exceed_the_breaches_in_the_report(values, corrective):
    allowance = Allowance(corrective, corrective + 1, 6)
    terms = ContractTerms("1", D(2026, 1, 1), (FCR,), allowance)
    months = {i + 1: v for i, v in enumerate(values)}
    report = breach_report([terms], fcr_months(months), [], [], D(2026, 12, 31))
    for b in report.breaches:
        assert 1 <= b.count <= min(len(report.breaches), 6)
        assert (b.escalation is Escalation.WITHIN_ALLOWANCE) == (b.count < corrective)


# --- corrective action plans -----------------------------------------------------------------

from upswing.governance.rules.caps import (  # noqa: E402
    Action,
    CapTerms,
    Goal,
    Reading,
    lint_cap,
    read_goal,
    read_outcome,
)

OPEN = D(2026, 3, 5)
DUE = D(2026, 8, 31)


def cap(**kw) -> CapTerms:
    base = {
        "opened_on": OPEN,
        "due_on": DUE,
        "root_cause": "Understaffed evening shifts after the March hiring freeze.",
        "findings": (11, 12),
        "goals": (Goal("fcr", 74.0, 80.0, D(2026, 7, 31)),),
        "actions": (Action("Hire 6 evening agents", "Site director", D(2026, 4, 30)),),
        "checkpoints": (D(2026, 4, 30), D(2026, 5, 31)),
        "floors": (("fcr", 78.0),),
    }
    return CapTerms(**(base | kw))


def rules_of(terms: CapTerms) -> set[str]:
    return {p.rule for p in lint_cap(terms)}


def test_a_complete_plan_passes_the_lint():
    assert lint_cap(cap()) == []


def test_the_lint_names_each_missing_piece():
    assert rules_of(cap(goals=())) == {"no-goals"}
    four = tuple(
        Goal(m, None, t, D(2026, 7, 31))
        for m, t in (("fcr", 80), ("csat", 80), ("qa", 90), ("reopen", 5))
    )
    assert rules_of(cap(goals=four)) == {"too-many-goals"}
    assert rules_of(cap(actions=(Action("Hire", " ", None),))) == {
        "action-without-owner",
        "action-without-date",
    }
    assert rules_of(cap(checkpoints=())) == {"no-checkpoints"}
    assert rules_of(cap(checkpoints=(D(2026, 9, 30),))) == {"checkpoint-outside-plan"}
    assert rules_of(cap(root_cause="staffing")) == {"vague-root-cause"}
    assert rules_of(cap(findings=())) == {"unsupported-root-cause"}


def test_a_goal_must_improve_on_its_baseline_and_reach_the_floor():
    assert rules_of(cap(goals=(Goal("fcr", 74.0, 72.0, D(2026, 7, 31)),))) == {
        "goal-not-an-improvement",
        "goal-below-floor",
    }
    # AHT: lower is better; 320 s from 340 s is an improvement
    assert rules_of(cap(goals=(Goal("aht", 340.0, 320.0, D(2026, 7, 31)),))) == set()
    assert rules_of(cap(goals=(Goal("volume", None, 10, D(2026, 7, 31)),))) == {
        "goal-not-measurable"
    }


GOAL = Goal("fcr", 74.0, 80.0, D(2026, 7, 31))


def months(values: dict[int, float], n: int = 200) -> list[WindowValue]:
    return [WindowValue("fcr", Window.MONTH, D(2026, m, 1), v, n) for m, v in values.items()]


def test_recovery_needs_the_last_two_judged_months_at_target():
    assert read_goal(GOAL, months({4: 81, 5: 80}), OPEN).reading is Reading.SUSTAINED
    burst = read_goal(GOAL, months({4: 75, 5: 76, 6: 82}), OPEN)
    assert burst.reading is Reading.LATE_BURST
    assert "late burst" in burst.sentence
    assert read_goal(GOAL, months({4: 81, 5: 79}), OPEN).reading is Reading.NOT_MET


def test_months_before_the_plan_or_too_small_do_not_count():
    # March holds the plan's opening day: only April on counts; May has too few surveys
    early = read_goal(GOAL, months({3: 90, 4: 90}) + months({5: 90}, n=3), OPEN)
    assert early.reading is Reading.TOO_EARLY
    assert "1 judged month" in early.sentence


def test_the_plan_is_sustained_only_when_every_goal_is():
    ok = read_goal(GOAL, months({4: 81, 5: 80}), OPEN)
    bad = read_goal(GOAL, months({4: 81, 5: 70}), OPEN)
    assert read_outcome([ok, ok]) is Reading.SUSTAINED
    assert read_outcome([ok, bad]) is Reading.NOT_MET
    assert read_outcome([]) is Reading.TOO_EARLY


def test_the_worked_example_of_the_docs():
    # docs/governance.md: January and March count 1 and 2; September counts 1
    report = breach_report([V1], fcr_months({1: 70, 3: 70, 9: 70}), [], [], D(2026, 9, 30))
    assert [b.count for b in report.breaches] == [1, 2, 1]


def test_weekly_windows_close_on_sunday_and_count_in_the_rolling_months():
    weekly = ContractTerms("1", D(2026, 1, 1), (SlaLine("fcr", 80.0, window=Window.WEEK),))
    values = [WindowValue("fcr", Window.WEEK, D(2026, 1, 5), 70.0, 50)]  # ISO week 2
    assert breach_report([weekly], values, [], [], D(2026, 1, 10)).breaches == ()
    report = breach_report([weekly], values, [], [], D(2026, 1, 11))
    assert [(b.result.label, b.count) for b in report.breaches] == [("2026-W02", 1)]
