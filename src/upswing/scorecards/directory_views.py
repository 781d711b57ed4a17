"""The directory: every program and team the user may open, for when the navigation's short
lists (NAV_LIMIT each) are not enough."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from upswing.org.access import visible_programs, visible_teams
from upswing.scorecards.tables import DIRECTORY_TABLE
from upswing.tables.web import bind_table, export_any


@login_required
@never_cache
@require_safe
def directory(request):
    programs = list(
        visible_programs(request.user).select_related("client").order_by("client__name", "name")
    )
    teams_of = defaultdict(list)
    for team in visible_teams(request.user).only("code", "name", "program_id").order_by("name"):
        teams_of[team.program_id].append(team)
    rows = [(program, teams_of.get(program.pk, [])) for program in programs]
    table = bind_table(request, DIRECTORY_TABLE, rows)
    if response := export_any(request, table):
        return response
    return render(request, "scorecards/directory.html", {"rows": table.rows, "table": table})
