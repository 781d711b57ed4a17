"""Changes the table layer makes: only the audit event of an export."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from upswing.audit.actions import record_event


def do_record_export(
    *, actor, table: str, fmt: str, rows: int, filters: Mapping[str, str], path: str
) -> None:
    """An export is a read of people's data leaving the app: who, which table, which
    filters, how many rows."""
    with transaction.atomic():
        record_event(
            actor=actor,
            action="table.export",
            object_type="table",
            object_id=table[:100],
            changes={
                "format": [None, fmt],
                "rows": [None, rows],
                "filters": [None, dict(filters)],
            },
            reason=f"exported {fmt.upper()} of {path[:200]}",
        )
