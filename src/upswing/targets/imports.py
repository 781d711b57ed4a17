"""Changes to targets: each version is kept; a re-import of the same version changes nothing.
An import that changes a target re-reads the statuses of its programs' scorecards at once,
whichever way it came in (CLI, API, web)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from upswing.org.models import Program, Team
from upswing.targets.models import Target
from upswing.targets.statuses import refresh_statuses
from upswing.warehouse.store import UpsertCounts

# A target without an effective date applies to all periods.
SINCE_ALWAYS = dt.date(2000, 1, 1)


@transaction.atomic
def do_import_targets(rows: list[dict], source: str) -> UpsertCounts:
    programs = {p.code: p for p in Program.objects.filter(code__in={r["program_id"] for r in rows})}
    teams = {
        t.code: t
        for t in Team.objects.filter(code__in={r["team_id"] for r in rows if r["team_id"]})
    }
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        key = {
            "program": programs[row["program_id"]],
            "team": teams.get(row["team_id"]) if row["team_id"] else None,
            "metric": row["metric"],
            "effective_from": row["effective_from"] or SINCE_ALWAYS,
        }
        values = {
            "sla_floor": row["sla_floor"],
            "kpi_target": row["kpi_target"],
            "source": row["source"] or "",
        }
        target = Target.objects.filter(**key).first()
        if target is None:
            Target.objects.create(**key, **values)
            counts["inserted"] += 1
        elif any(getattr(target, k) != v for k, v in values.items()):
            Target.objects.filter(pk=target.pk).update(**values)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    if counts["inserted"] or counts["updated"]:
        refresh_statuses(sorted(programs))
    return UpsertCounts(**counts)
