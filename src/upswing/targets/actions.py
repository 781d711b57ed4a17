"""Setting a target: every change is a new version (never an edit in place), audited, and
followed by a refresh of the statuses of the program's existing scorecards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from upswing.audit.actions import record_event
from upswing.metrics import CATALOG
from upswing.org.access import reach_of
from upswing.org.models import Program, Role, Team
from upswing.targets import statuses as targets
from upswing.targets.access import can_set_targets
from upswing.targets.models import Target
from upswing.targets.rules import check_target_bounds


@dataclass(frozen=True, slots=True)
class TargetChange:
    target: Target
    previous: Target | None  # the version in force the day before, for the same scope


def do_set_target(
    *,
    actor,
    program: Program,
    team: Team | None,
    metric: str,
    sla_floor: float | None,
    kpi_target: float | None,
    source: str,
    effective_from: dt.date,
) -> TargetChange:
    """Add a version of `metric`'s bounds for the program (or one of its teams).

    Raises PermissionDenied for a user who may not set the program's targets, and
    ValidationError (with field names) for bounds that do not make sense or a version that
    already exists for that day (a same-day correction is a new version on a later day).
    """
    if not can_set_targets(actor, program):
        raise PermissionDenied("You may not set this program's targets.")
    _validate(program, team, metric, sla_floor, kpi_target, effective_from)
    with transaction.atomic():
        scope = Target.objects.filter(program=program, team=team, metric=metric)
        if scope.filter(effective_from=effective_from).exists():
            raise ValidationError(
                {"effective_from": "a version starting on that day exists already; "
                 "choose another day"}
            )  # fmt: skip
        previous = (
            scope.filter(effective_from__lt=effective_from).order_by("-effective_from").first()
        )
        target = Target.objects.create(
            program=program,
            team=team,
            metric=metric,
            sla_floor=sla_floor,
            kpi_target=kpi_target,
            source=source.strip(),
            effective_from=effective_from,
            created_by=actor,
        )
        record_event(
            actor=actor,
            role=Role.ADMIN if reach_of(actor).is_admin else Role.OPERATIONS_MANAGER,
            action="target.set",
            obj=target,
            changes=_changes(previous, target),
        )
        code = program.code
        transaction.on_commit(lambda: targets.refresh_statuses([code]))
    return TargetChange(target, previous)


def _validate(program, team, metric, sla_floor, kpi_target, effective_from) -> None:
    if metric not in CATALOG:
        raise ValidationError({"metric": "unknown metric"})
    if team is not None and team.program_id != program.pk:
        raise ValidationError({"team": "that team is not in this program"})
    if not isinstance(effective_from, dt.date):
        raise ValidationError({"effective_from": "give the day the version applies from"})
    problems = check_target_bounds(CATALOG[metric].better, sla_floor, kpi_target)
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field or "__all__", []).append(problem.message)
        raise ValidationError(errors)


def _changes(previous: Target | None, target: Target) -> dict[str, list]:
    fields = ("metric", "team_id", "sla_floor", "kpi_target", "source", "effective_from")
    return {
        name: [getattr(previous, name) if previous else None, getattr(target, name)]
        for name in fields
    }
