"""Coaching records: imported history (recording from a finding comes with diagnosis)."""

from __future__ import annotations

from django.db import transaction

from upswing.coaching.models import CoachingSession
from upswing.org.models import Agent
from upswing.warehouse.store import UpsertCounts


@transaction.atomic
def do_import_coaching(rows: list[dict], source: str) -> UpsertCounts:
    agents = {a.code: a for a in Agent.objects.filter(code__in={r["agent_id"] for r in rows})}
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        key = {
            "agent": agents[row["agent_id"]],
            "coached_at": row["coached_at"],
            "kind": row["kind"],
        }
        values = {
            "coach_email": row["coach_email"] or "",
            "topic": row["topic"] or "",
            "metric": (row["metric"] or "").lower(),
            "notes": row["notes"] or "",
            "source": source,
        }
        session = CoachingSession.objects.filter(**key).first()
        if session is None:
            CoachingSession.objects.create(**key, **values)
            counts["inserted"] += 1
        elif any(getattr(session, k) != v for k, v in values.items()):
            CoachingSession.objects.filter(pk=session.pk).update(**values)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return UpsertCounts(**counts)
