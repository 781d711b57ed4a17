"""The steps every plan action shares: the audit event, the row lock against a stale edit,
the state check, the pending version and the lint of new terms. Used by `plans.actions` and
`plans.running_actions` only.
"""

from __future__ import annotations

from upswing.audit.actions import record_event
from upswing.audit.concurrency import StaleEdit, save_if_unchanged
from upswing.plans import rules
from upswing.plans.draft import lint_terms
from upswing.plans.models import (
    Plan,
    PlanState,
    PlanVersion,
    VersionStatus,
)


class PlanActionRefused(ValueError):  # noqa: N818 - reads as "the action was refused"
    """The action is not allowed in the plan's current state; nothing was written."""


def _audit(*, actor, role, action: str, obj, changes: dict | None = None, reason: str = ""):
    record_event(
        actor=actor, role=role, action=action, obj=obj, changes=changes or {}, reason=reason
    )


def _locked(plan: Plan, expected_version: int) -> Plan:
    """The plan re-read under a row lock; StaleEdit if it moved past `expected_version`."""
    fresh = Plan.objects.select_for_update().select_related("agent", "team", "program")
    fresh = fresh.get(pk=plan.pk)
    if fresh.version != expected_version:
        raise StaleEdit(Plan, plan.pk, expected_version)
    return fresh


def _move(plan: Plan, expected_version: int, **changes) -> Plan:
    save_if_unchanged(Plan, plan.pk, expected_version, **changes)
    plan.refresh_from_db()
    return plan


def _state(plan: Plan, *allowed: PlanState, doing: str) -> None:
    if plan.state not in allowed:
        names = " or ".join(s.label.lower() for s in allowed)
        raise PlanActionRefused(
            f"Cannot {doing} a plan that is {plan.get_state_display().lower()}; it must be {names}."
        )


def _pending(plan: Plan) -> PlanVersion | None:
    """The latest version not yet acknowledged or superseded (draft, in review, approved)."""
    return (
        plan.versions.exclude(status__in=[VersionStatus.ACKNOWLEDGED, VersionStatus.SUPERSEDED])
        .order_by("-number")
        .first()
    )


def _problems(terms: rules.PlanTerms) -> list[dict]:
    return [p.to_dict() for p in lint_terms(terms)]


def _errors(problems: list[dict]) -> list[str]:
    return [f"{p['rule']}: {p['message']}" for p in problems if p["severity"] == "error"]
