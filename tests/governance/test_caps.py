"""Corrective action plans and partnership reviews: opened by the breaches, run by the
vendor, closed and decided by the client's governance lead on sustained data, audited."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from governance.conftest import month_value
from upswing.audit.models import AuditEvent
from upswing.governance import plan_actions as caps
from upswing.governance import review_actions as reviews
from upswing.governance.models import CapStatus, PartnershipReview
from upswing.governance.queries import cap_terms
from upswing.governance.rules.caps import lint_cap
from upswing.scorecards.models import ScorecardSnapshot

D = dt.date


def fcr(world, by_month: dict[int, float]) -> None:
    ScorecardSnapshot.objects.bulk_create(
        month_value(world.program, "fcr", D(2026, m, 1), v) for m, v in by_month.items()
    )


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC), tick=False)


def test_one_breach_calls_for_no_plan_and_the_second_does(world):
    fcr(world, {1: 70})
    assert caps.cap_due(world.program, D(2026, 1, 31)) == []
    with pytest.raises(ValidationError, match="No breach beyond the allowance"):
        caps.do_open_cap(world.program, actor=world.users["vendor"], as_of=D(2026, 1, 31))
    fcr(world, {3: 70})
    [due] = caps.cap_due(world.program, D(2026, 3, 31))
    assert (due.result.label, due.count) == ("2026-03", 2)


def open_plan(world):
    fcr(world, {1: 70, 3: 70})
    with at(D(2026, 4, 3)):
        return caps.do_open_cap(world.program, actor=world.users["vendor"], as_of=D(2026, 3, 31))


def test_the_vendor_opens_the_plan_with_monthly_checkpoints_and_it_is_audited(world):
    plan = open_plan(world)
    assert plan.trigger == "First-contact resolution 2026-03: breach 2 in the rolling window"
    assert plan.due_on == D(2026, 8, 1)
    assert [c.due_on for c in plan.checkpoints.all()] == [
        D(2026, 5, 1),
        D(2026, 6, 1),
        D(2026, 7, 1),
        D(2026, 8, 1),
    ]
    assert AuditEvent.objects.get(action="governance.cap_opened").role == "vendor_account_manager"
    with pytest.raises(ValidationError, match="already open"):
        caps.do_open_cap(world.program, actor=world.users["lead"], as_of=D(2026, 3, 31))


@pytest.mark.parametrize("who", ["viewer", "other_lead", "team_lead"])
def test_readers_and_other_clients_open_no_plan(world, who):
    fcr(world, {1: 70, 3: 70})
    with pytest.raises(PermissionDenied):
        caps.do_open_cap(world.program, actor=world.users[who], as_of=D(2026, 3, 31))


def run_plan(world, plan):
    vendor = world.users["vendor"]
    caps.do_set_root_cause(
        plan, "Evening shifts were understaffed after the hiring freeze.", actor=vendor
    )
    caps.do_add_cap_goal(
        plan, metric="fcr", baseline=70.0, target=80.0, due_on=D(2026, 7, 31), actor=vendor
    )
    action = caps.do_add_cap_action(
        plan,
        description="Hire six evening agents",
        owner="Site director",
        due_on=D(2026, 5, 15),
        actor=vendor,
    )
    caps.do_complete_cap_action(action, done_on=D(2026, 5, 10), actor=vendor)
    for checkpoint in plan.checkpoints.all():
        caps.do_hold_cap_checkpoint(
            checkpoint, held_on=checkpoint.due_on, note="on track", actor=vendor
        )


def test_a_run_plan_passes_the_lint_but_for_the_missing_finding(world):
    plan = open_plan(world)
    run_plan(world, plan)
    assert {p.rule for p in lint_cap(cap_terms(plan))} == {"unsupported-root-cause"}
    vendor = world.users["vendor"]
    for metric in ("csat", "qa"):
        caps.do_add_cap_goal(
            plan, metric=metric, baseline=None, target=90, due_on=D(2026, 7, 1), actor=vendor
        )
    with pytest.raises(ValidationError, match="At most 3"):
        caps.do_add_cap_goal(
            plan, metric="reopen", baseline=None, target=5, due_on=D(2026, 7, 1), actor=vendor
        )


def test_recovered_stands_only_on_sustained_months_and_the_lead_closes(world):
    plan = open_plan(world)
    run_plan(world, plan)
    fcr(world, {5: 75, 6: 82})  # one good month after a bad one: a late burst
    lead = world.users["lead"]
    with pytest.raises(ValidationError, match="late burst"):
        reviews.do_close_cap(plan, outcome="sustained", note="better", actor=lead)
    with pytest.raises(PermissionDenied):
        reviews.do_close_cap(plan, outcome="not_sustained", note="", actor=world.users["vendor"])
    fcr(world, {7: 81})
    reviews.do_close_cap(plan, outcome="sustained", note="two good months", actor=lead)
    plan.refresh_from_db()
    assert (plan.status, plan.outcome) == (CapStatus.CLOSED, "sustained")
    assert AuditEvent.objects.get(action="governance.cap_closed").role == "client_governance_lead"


def test_the_third_breach_opens_a_review_the_lead_decides(world):
    fcr(world, {1: 70, 2: 70})
    lead = world.users["lead"]
    with pytest.raises(ValidationError, match="partnership review count"):
        reviews.do_open_review(world.program, actor=lead, as_of=D(2026, 2, 28))
    fcr(world, {3: 70})
    review = reviews.do_open_review(world.program, actor=lead, as_of=D(2026, 3, 31))
    with pytest.raises(PermissionDenied):
        reviews.do_decide_review(
            review,
            decision="exit",
            rationale="three breaches in a row",
            actor=world.users["viewer"],
        )
    with pytest.raises(ValidationError):
        reviews.do_decide_review(
            review, decision="maybe", rationale="three breaches in a row", actor=lead
        )
    reviews.do_decide_review(
        review, decision="extend", rationale="the plan shows progress since May", actor=lead
    )
    review = PartnershipReview.objects.get()
    assert (review.decision, review.decided_by) == ("extend", lead)
    assert AuditEvent.objects.filter(action__startswith="governance.review_").count() == 2


def test_the_root_cause_is_drafted_from_systemic_findings_without_naming_agents(world):
    from django.utils import timezone

    from upswing.performance.models import Finding

    for agent, cause in (("A-1", "systemic"), ("A-2", "systemic"), ("A-3", "individual")):
        Finding.objects.create(
            as_of=D(2026, 3, 20), rules_version="t", program_code="P-NY", agent_code=agent,
            metric="fcr", kind="sustained_gap", cause=cause, recommendation="process_fix",
            created_at=timezone.now(),
        )  # fmt: skip
    text, ids = caps.systemic_root_cause(world.program, D(2026, 3, 1))
    assert text == (
        "The diagnosis found a program-wide cause: "
        "2 systemic finding(s) on First-contact resolution."
    )
    assert len(ids) == 2
    assert "A-1" not in text


def test_the_daily_job_opens_the_plan_a_second_breach_calls_for_once(world):
    fcr(world, {9: 70})
    with at(D(2026, 10, 2)):
        assert caps.do_open_due_plans() == []
    fcr(world, {10: 70})
    with at(D(2026, 11, 2)):
        [plan] = caps.do_open_due_plans()
        assert caps.do_open_due_plans() == []
    assert plan.trigger == "First-contact resolution 2026-10: breach 2 in the rolling window"
    event = AuditEvent.objects.get(action="governance.cap_opened")
    assert event.actor is None
