"""The plan workflow end to end: every action audited, permissions, versions, stale edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from tests.plans.conftest import AS_OF

from upswing.audit.concurrency import StaleEdit
from upswing.audit.models import AuditEvent
from upswing.plans import actions
from upswing.plans.access import access_plan_by_id, visible_plans
from upswing.plans.models import Plan, PlanState, VersionStatus
from upswing.plans.rules import PlanTerms, lint_plan

pytestmark = pytest.mark.django_db


def draft(world):
    return actions.do_draft_plan(agent_code="A1", actor=world.user("lead"), as_of=AS_OF)


def fresh(plan):
    return Plan.objects.get(pk=plan.pk)


def to_active(world, at):
    plan = draft(world)
    with at(AS_OF):
        plan = actions.do_submit_plan(plan, expected_version=plan.version, actor=world.user("lead"))
        plan = actions.do_approve_plan(plan, expected_version=plan.version, actor=world.user("hr"))
        plan = actions.do_acknowledge_plan(
            plan, expected_version=plan.version, actor=world.user("agent"), comment="Understood."
        )
    return plan


def actions_of(plan):
    return list(
        AuditEvent.objects.filter(object_type="plans.plan", object_id=str(plan.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_draft_is_specific_and_passes_its_own_lint(world):
    plan = draft(world)
    version = plan.versions.get()
    terms = PlanTerms.from_dict(version.terms)
    assert plan.state == PlanState.DRAFT
    assert plan.metric == "qa"
    assert "70.0%" in terms.problem_statement
    assert "2026-W44" in terms.problem_statement
    assert "QA criteria v3" in terms.problem_statement
    assert terms.start_date == dt.date(2026, 11, 16)
    assert terms.length_days == 90
    assert [g.metric for g in terms.goals] == ["qa"]
    assert terms.goals[0].target == 85.0
    assert all(any(s.goal == i for s in terms.support) for i in range(len(terms.goals)))
    assert not [p for p in version.problems if p["severity"] == "error"]
    assert not [p for p in lint_plan(terms) if p.severity == "error"]


def test_the_whole_workflow_with_every_step_audited(world, at):
    lead, hr, agent, manager = (world.user(n) for n in ("lead", "hr", "agent", "manager"))
    plan = draft(world)
    plan = actions.do_submit_plan(plan, expected_version=plan.version, actor=lead)
    plan = actions.do_return_plan(
        plan, expected_version=plan.version, actor=hr, comment="Name the coaching dates."
    )
    assert plan.state == PlanState.DRAFT
    terms = plan.versions.get().terms
    actions.do_edit_plan_terms(plan, terms=terms, expected_version=plan.version, actor=lead)
    plan = fresh(plan)
    plan = actions.do_submit_plan(plan, expected_version=plan.version, actor=lead)
    plan = actions.do_approve_plan(plan, expected_version=plan.version, actor=hr)
    assert plan.state == PlanState.SHARED
    assert plan.shared_at is not None
    with at(AS_OF):
        plan = actions.do_acknowledge_plan(plan, expected_version=plan.version, actor=agent)
    assert plan.state == PlanState.ACTIVE
    checkpoints = list(plan.checkpoints.order_by("due_on"))
    assert len(checkpoints) == 13
    assert checkpoints[-1].is_final
    first = checkpoints[0]
    with at(first.due_on):
        first = actions.do_record_checkpoint(
            first,
            expected_version=first.version,
            actor=lead,
            coaching_notes="Went through 3 calls.",
            blockers=[{"kind": "system_issue", "description": "CRM slow on Tuesday"}],
        )
    assert first.on_time
    assert first.metrics[0]["metric"] == "qa"
    first = actions.do_reflect_on_checkpoint(
        first, expected_version=first.version, actor=agent, reflection="The checklist helps."
    )
    revised = {**terms, "problem_statement": terms["problem_statement"] + " Revised after W48."}
    with at(first.due_on):
        actions.do_revise_plan(
            plan, terms=revised, note="Clarify", expected_version=plan.version, actor=lead
        )
        plan = fresh(plan)
        plan = actions.do_approve_plan(plan, expected_version=plan.version, actor=hr)
        plan = actions.do_acknowledge_plan(plan, expected_version=plan.version, actor=agent)
    assert plan.state == PlanState.ACTIVE
    assert list(plan.versions.values_list("status", flat=True)) == [
        VersionStatus.SUPERSEDED,
        VersionStatus.ACKNOWLEDGED,
    ]
    with at(plan.end_date):
        plan = actions.do_start_final_review(plan, expected_version=plan.version, actor=manager)
    assert plan.state == PlanState.FINAL_REVIEW
    assert plan.review["verdict"] in ("extend", "decide")
    plan = actions.do_extend_plan(
        plan, expected_version=plan.version, actor=hr, reason="Two weeks lost to the CRM migration."
    )
    assert plan.state == PlanState.SHARED
    assert plan.versions.count() == 3
    plan = actions.do_close_plan(
        plan,
        outcome="withdrawn",
        reason="Agent moved to another role.",
        expected_version=plan.version,
        actor=hr,
    )
    assert plan.state == PlanState.CLOSED
    assert actions_of(plan) == [
        "plan.draft",
        "plan.submit",
        "plan.return",
        "plan.edit",
        "plan.submit",
        "plan.approve",
        "plan.acknowledge",
        "plan.revise",
        "plan.approve",
        "plan.acknowledge",
        "plan.final_review",
        "plan.extend",
        "plan.close",
    ]
    checkpoint_events = AuditEvent.objects.filter(object_type="plans.checkpoint")
    assert set(checkpoint_events.values_list("action", flat=True)) == {
        "plan.checkpoint.record",
        "plan.checkpoint.reflect",
    }
    assert not AuditEvent.objects.filter(changes__icontains="Went through").exists()


def test_the_agent_never_sees_a_draft_hr_has_not_approved(world):
    agent, lead, hr = world.user("agent"), world.user("lead"), world.user("hr")
    plan = draft(world)
    assert not visible_plans(agent).exists()
    plan = actions.do_submit_plan(plan, expected_version=plan.version, actor=lead)
    with pytest.raises(Http404):
        access_plan_by_id(agent, plan.pk)
    actions.do_approve_plan(plan, expected_version=plan.version, actor=hr)
    assert access_plan_by_id(agent, plan.pk) == plan


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("lead", True),
        ("manager", True),
        ("hr", True),
        ("admin", True),
        ("other_lead", False),
        ("peer", False),
        ("qa", False),
        ("client_viewer", False),
        ("outsider", False),
    ],
)
def test_who_sees_a_plan(world, persona, sees):
    plan = draft(world)
    assert visible_plans(world.user(persona)).filter(pk=plan.pk).exists() is sees


STEPS = {  # action -> (personas refused, the allowed one)
    "submit": (lambda p, u: actions.do_submit_plan(p, expected_version=p.version, actor=u)),
    "approve": (lambda p, u: actions.do_approve_plan(p, expected_version=p.version, actor=u)),
    "return": (
        lambda p, u: actions.do_return_plan(p, expected_version=p.version, actor=u, comment="no")
    ),
    "acknowledge": (
        lambda p, u: actions.do_acknowledge_plan(p, expected_version=p.version, actor=u)
    ),
    "close": (
        lambda p, u: actions.do_close_plan(
            p, outcome="withdrawn", reason="r", expected_version=p.version, actor=u
        )
    ),
}


@pytest.mark.parametrize(
    ("step", "persona", "error"),
    [
        ("submit", "agent", Http404),
        ("submit", "hr", PermissionDenied),
        ("submit", "other_lead", Http404),
        ("approve", "lead", PermissionDenied),
        ("approve", "manager", PermissionDenied),
        ("return", "agent", Http404),
        ("acknowledge", "lead", PermissionDenied),
        ("acknowledge", "peer", Http404),
        ("close", "lead", PermissionDenied),
        ("close", "client_viewer", Http404),
        ("close", "qa", Http404),
    ],
)
def test_each_action_refuses_who_may_not_take_it(world, step, persona, error):
    plan = draft(world)
    if step in ("approve", "return", "acknowledge"):
        plan = actions.do_submit_plan(plan, expected_version=plan.version, actor=world.user("lead"))
    if step == "acknowledge":
        plan = actions.do_approve_plan(plan, expected_version=plan.version, actor=world.user("hr"))
    before = actions_of(plan)
    with pytest.raises(error):
        STEPS[step](fresh(plan), world.user(persona))
    assert actions_of(plan) == before


def test_a_stale_edit_is_refused(world):
    lead = world.user("lead")
    plan = draft(world)
    opened = plan.version
    terms = plan.versions.get().terms
    actions.do_edit_plan_terms(plan, terms=terms, expected_version=opened, actor=lead)
    with pytest.raises(StaleEdit, match="changed by someone else"):
        actions.do_edit_plan_terms(plan, terms=terms, expected_version=opened, actor=lead)
    assert actions_of(plan).count("plan.edit") == 1


def test_terms_lock_when_the_plan_is_active(world, at):
    plan = to_active(world, at)
    with pytest.raises(actions.PlanActionRefused, match="locked"):
        actions.do_edit_plan_terms(
            plan,
            terms=plan.versions.get().terms,
            expected_version=plan.version,
            actor=world.user("lead"),
        )


def test_a_plan_with_lint_errors_is_not_submitted(world):
    lead = world.user("lead")
    plan = draft(world)
    terms = {**plan.versions.get().terms, "problem_statement": "Bad attitude."}
    actions.do_edit_plan_terms(plan, terms=terms, expected_version=plan.version, actor=lead)
    plan = fresh(plan)
    with pytest.raises(actions.PlanActionRefused, match="vague-problem"):
        actions.do_submit_plan(plan, expected_version=plan.version, actor=lead)
    assert fresh(plan).state == PlanState.DRAFT


def test_role_change_or_exit_only_on_a_no_progress_verdict_with_a_reason(world, at):
    plan = to_active(world, at)
    with at(plan.end_date):
        plan = actions.do_start_final_review(
            plan, expected_version=plan.version, actor=world.user("lead")
        )
    hr = world.user("hr")
    with pytest.raises(actions.PlanActionRefused, match="reason"):
        actions.do_close_plan(
            plan, outcome="exit", reason=" ", expected_version=plan.version, actor=hr
        )
    with pytest.raises(actions.PlanActionRefused, match="does not support"):
        actions.do_close_plan(
            plan, outcome="success", reason="Looks better", expected_version=plan.version, actor=hr
        )


def test_drafting_is_refused_without_a_pip_recommendation(world):
    from upswing.performance.models import Finding
    from upswing.plans.rules import DraftRefused

    Finding.objects.update(recommendation="coach")
    with pytest.raises(DraftRefused, match="recommends no plan"):
        draft(world)
    with pytest.raises(PermissionDenied):
        actions.do_draft_plan(agent_code="A1", actor=world.user("other_lead"), as_of=AS_OF)
