"""Targets page: SLA floors and KPI targets of a program, every version, and a form for a new
one (operations managers of the program and admins)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from upswing.metrics import CATALOG, format_value
from upswing.org.access import access_program_by_id, reach_of, visible_programs
from upswing.tables.web import bind_table, export_any
from upswing.targets.access import (
    can_set_targets,
    target_setting_programs,
    visible_targets,
)
from upswing.targets.actions import do_set_target
from upswing.targets.forms import TargetForm
from upswing.targets.models import Target
from upswing.targets.tables import current_table, versions_table


@dataclass(frozen=True, slots=True)
class VersionRow:
    target: Target
    metric_label: str
    scope: str
    floor_text: str
    target_text: str
    state: str  # "in force", "scheduled", "replaced"


@login_required
@never_cache
@require_safe
def targets_index(request):
    programs = list(visible_programs(request.user).select_related("client").order_by("name"))
    settable = set(target_setting_programs(request.user).values_list("pk", flat=True))
    return render(
        request,
        "targets/index.html",
        {"programs": programs, "settable": settable},
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def program_targets(request, code: str):
    program = access_program_by_id(request.user, code)
    may_set = can_set_targets(request.user, program)
    form = None
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied("You may read this program's targets but not set them.")
        form = TargetForm(request.POST, program=program)
        if form.is_valid() and _set(request, program, form):
            return redirect("performance:targets", code=program.code)
    elif may_set:
        form = TargetForm(program=program)
    rows = _version_rows(request.user, program)
    show_author = reach_of(request.user).sees_people
    current = bind_table(
        request, current_table(program.code), [r for r in rows if r.state == "in force"]
    )
    history = bind_table(request, versions_table(program.code, show_author=show_author), rows)
    if request.method != "POST" and (response := export_any(request, current, history)):
        return response
    return render(
        request,
        "targets/program.html",
        {
            "program": program,
            "form": form,
            "current": current,
            "history": history,
            "show_author": show_author,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _set(request, program, form) -> bool:
    data = form.cleaned_data
    try:
        do_set_target(
            actor=request.user,
            program=program,
            team=data["team"],
            metric=data["metric"],
            sla_floor=data["sla_floor"],
            kpi_target=data["kpi_target"],
            source=data["source"],
            effective_from=data["effective_from"],
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            form.add_error(None if field == "__all__" else field, messages)
        return False
    return True


def _version_rows(user, program) -> list[VersionRow]:
    versions = (
        visible_targets(user)
        .filter(program=program)
        .select_related("team", "created_by")
        .order_by("metric", "team__name", "-effective_from", "-created_at")
    )
    today = timezone.localdate()
    in_force: set[tuple] = set()
    rows = []
    for t in versions:
        key = (t.metric, t.team_id)
        if t.effective_from > today:
            state = "scheduled"
        elif key in in_force:
            state = "replaced"
        else:
            state = "in force"
            in_force.add(key)
        rows.append(
            VersionRow(
                target=t,
                metric_label=CATALOG[t.metric].label if t.metric in CATALOG else t.metric,
                scope=t.team.name if t.team_id else "Whole program",
                floor_text=_number(t.metric, t.sla_floor),
                target_text=_number(t.metric, t.kpi_target),
                state=state,
            )
        )
    return rows


def _number(metric: str, value: float | None) -> str:
    if value is None:
        return "—"
    return format_value(metric, value) if metric in CATALOG else f"{value:g}"
