"""Corrective action plans and partnership reviews: opened when breaches exhaust the
contract's allowance, run by the vendor, decided by the client's governance lead. Each
action is atomic, checked against the actor's grants, and audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from upswing.audit.actions import record_event
from upswing.governance import queries
from upswing.governance.access import (
    ANSWERERS,
    DECIDERS,
    acting_role,
    can_answer,
    can_decide,
)
from upswing.governance.actions import added
from upswing.governance.models import (
    CapAction,
    CapCheckpoint,
    CapGoal,
    CapStatus,
    CorrectiveActionPlan,
)
from upswing.governance.rules import caps as cap_rules
from upswing.governance.rules.breaches import Escalation
from upswing.metrics import CATALOG
from upswing.performance.models import Finding
from upswing.periods import next_month_start

PLAN_DAYS = 120


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _either(user, program) -> bool:
    return can_answer(user, program) or can_decide(user, program)


def _role(user, program) -> str:
    return acting_role(user, program, ANSWERERS | DECIDERS)


def triggering_breaches(
    program, as_of: dt.date | None = None, level=Escalation.CORRECTIVE_ACTION, report=None
):
    """The breaches that reached `level` (or beyond), latest last."""
    report = report or queries.breach_report_for(program, as_of)
    order = list(Escalation)
    return [
        b
        for b in report.breaches
        if b.escalation is not None and order.index(b.escalation) >= order.index(level)
    ]


def cap_due(program, as_of: dt.date | None = None, report=None) -> list:
    """Breaches calling for a corrective action plan that no plan has answered yet: those
    after the last plan's opening window."""
    breaches = triggering_breaches(program, as_of, report=report)
    last = CorrectiveActionPlan.objects.filter(program=program).order_by("-opened_on").first()
    if last is None:
        return breaches
    return [b for b in breaches if b.result.end >= last.opened_on]


def systemic_root_cause(program, since: dt.date) -> tuple[str, list[int]]:
    """A root-cause draft from the diagnosis' systemic findings since `since`: per metric, how
    many findings and their dates; never an agent's name or number."""
    rows = list(
        Finding.objects.filter(program_code=program.code, cause="systemic", as_of__gte=since)
        .values_list("id", "metric")
        .order_by("metric")
    )
    if not rows:
        return "", []
    counts: dict[str, int] = {}
    for _, metric in rows:
        counts[metric] = counts.get(metric, 0) + 1
    parts = [f"{n} systemic finding(s) on {CATALOG[m].label}" for m, n in counts.items()]
    text = "The diagnosis found a program-wide cause: " + "; ".join(parts) + "."
    return text, [pk for pk, _ in rows]


def _monthly_checkpoints(opened: dt.date, due: dt.date) -> list[dt.date]:
    out, day = [], next_month_start(opened)
    while day <= due:
        out.append(day)
        day = next_month_start(day)
    return out


def do_open_cap(program, *, actor, as_of: dt.date | None = None) -> CorrectiveActionPlan:
    """Open the plan the breaches call for, its trigger and root cause drafted from the
    record, its checkpoints on the first of each month until it is due."""
    _require(
        _either(actor, program), "only the vendor or the client's governance lead opens a plan"
    )
    if CorrectiveActionPlan.objects.filter(program=program, status=CapStatus.OPEN).exists():
        raise ValidationError("A corrective action plan is already open for this program.")
    due = cap_due(program, as_of)
    if not due:
        raise ValidationError("No breach beyond the allowance calls for a corrective action plan.")
    return _create_plan(program, due, actor)


def do_open_due_plans() -> list[CorrectiveActionPlan]:
    """The scheduled job's side: open the plan for every governed program whose breaches call
    for one and that has none open (audited as the system). The vendor then fills it in."""
    from upswing.governance.models import Contract

    opened = []
    for contract in Contract.objects.select_related("program__client"):
        program = contract.program
        if CorrectiveActionPlan.objects.filter(program=program, status=CapStatus.OPEN).exists():
            continue
        due = cap_due(program)
        if due:
            opened.append(_create_plan(program, due, None))
    return opened


def _create_plan(program, due: list, actor) -> CorrectiveActionPlan:
    opened = timezone.localdate()
    root_cause, findings = systemic_root_cause(program, due[0].result.start)
    with transaction.atomic():
        plan = CorrectiveActionPlan.objects.create(
            program=program,
            opened_on=opened,
            due_on=opened + dt.timedelta(days=PLAN_DAYS),
            trigger="; ".join(
                f"{CATALOG[b.result.metric].label} {b.result.label}: breach {b.count} "
                "in the rolling window"
                for b in due
            ),
            trigger_windows=[[b.result.metric, b.result.label] for b in due],
            root_cause=root_cause,
            findings=findings,
            created_by=actor,
        )
        CapCheckpoint.objects.bulk_create(
            CapCheckpoint(plan=plan, due_on=d) for d in _monthly_checkpoints(opened, plan.due_on)
        )
        record_event(
            actor=actor,
            role=_role(actor, program) if actor is not None else "",
            action="governance.cap_opened",
            obj=plan,
            changes=added(trigger=plan.trigger),
        )
    return plan


def _editable(plan: CorrectiveActionPlan, actor) -> None:
    _require(can_answer(actor, plan.program), "only the vendor edits its corrective action plan")
    if plan.status != CapStatus.OPEN:
        raise ValidationError("The plan is closed.")


def do_set_root_cause(plan, root_cause: str, *, actor) -> None:
    _editable(plan, actor)
    with transaction.atomic():
        before = plan.root_cause
        plan.root_cause = root_cause.strip()
        plan.save(update_fields=["root_cause"])
        record_event(
            actor=actor,
            role=_role(actor, plan.program),
            action="governance.cap_root_cause_set",
            obj=plan,
            changes={"root_cause": [before, plan.root_cause]},
        )


def do_add_cap_goal(plan, *, metric: str, baseline, target: float, due_on, actor) -> CapGoal:
    _editable(plan, actor)
    if plan.goals.count() >= cap_rules.MAX_GOALS:
        raise ValidationError(f"At most {cap_rules.MAX_GOALS} goals in a corrective action plan.")
    with transaction.atomic():
        goal = CapGoal.objects.create(
            plan=plan, metric=metric, baseline=baseline, target=target, due_on=due_on
        )
        record_event(
            actor=actor,
            role=_role(actor, plan.program),
            action="governance.cap_goal_added",
            obj=goal,
            changes=added(metric=metric, baseline=baseline, target=target, due_on=str(due_on)),
        )
    return goal


def do_add_cap_action(plan, *, description: str, owner: str, due_on, actor) -> CapAction:
    _editable(plan, actor)
    with transaction.atomic():
        action = CapAction.objects.create(
            plan=plan, description=description, owner=owner, due_on=due_on
        )
        record_event(
            actor=actor,
            role=_role(actor, plan.program),
            action="governance.cap_action_added",
            obj=action,
            changes=added(description=description, owner=owner, due_on=str(due_on)),
        )
    return action


def do_complete_cap_action(action: CapAction, *, done_on: dt.date, actor) -> None:
    _editable(action.plan, actor)
    with transaction.atomic():
        before = action.done_on
        action.done_on = done_on
        action.save(update_fields=["done_on"])
        record_event(
            actor=actor,
            role=_role(actor, action.plan.program),
            action="governance.cap_action_done",
            obj=action,
            changes={"done_on": [str(before) if before else None, str(done_on)]},
        )


def do_hold_cap_checkpoint(checkpoint: CapCheckpoint, *, held_on, note: str, actor) -> None:
    plan = checkpoint.plan
    _require(_either(actor, plan.program), "only the vendor or the client holds a checkpoint")
    if plan.status != CapStatus.OPEN:
        raise ValidationError("The plan is closed.")
    with transaction.atomic():
        checkpoint.held_on, checkpoint.note = held_on, note
        checkpoint.save(update_fields=["held_on", "note"])
        record_event(
            actor=actor,
            role=_role(actor, plan.program),
            action="governance.cap_checkpoint_held",
            obj=checkpoint,
            changes=added(held_on=str(held_on), note=note),
        )
