"""Canonical warehouse tables. Timestamps are stored in UTC; `local_date` is the day in the
program's time zone, fixed at import, from which ISO weeks and months are derived."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt

UTC = dt.Timestamp(timezone="UTC")

INTERACTIONS = ibis.schema(
    {
        "source": "string",
        "interaction_id": "string",
        "agent_id": "string",
        "program_id": "string",
        "started_at": UTC,
        "local_date": "date",
        "handle_seconds": "float64",
        "channel": "string",
        "answered": "boolean",
        "wait_seconds": "float64",
        "hold_seconds": "float64",
        "resolved": "boolean",
        "reopened": "boolean",
        "escalated": "boolean",
        "transferred": "boolean",
        "topic": "string",
        "batch_id": "string",
    }
)

SURVEYS = ibis.schema(
    {
        "source": "string",
        "interaction_id": "string",
        "kind": "string",
        "score": "float64",
        "responded_at": UTC,
        "comment": "string",
        "batch_id": "string",
    }
)

QA_SCORES = ibis.schema(
    {
        "source": "string",
        "evaluation_id": "string",
        "criterion": "string",
        "interaction_id": "string",
        "agent_id": "string",
        "program_id": "string",
        "evaluated_at": UTC,
        "local_date": "date",
        "points": "float64",
        "max_points": "float64",
        "evaluator": "string",
        "category": "string",
        "critical": "boolean",
        "batch_id": "string",
    }
)

CONTEXT_EVENTS = ibis.schema(
    {
        "source": "string",
        "event_id": "string",
        "program_id": "string",
        "team_id": "string",
        "starts_at": UTC,
        "ends_at": UTC,
        "kind": "string",
        "description": "string",
        "batch_id": "string",
    }
)

# Dimensions copied from the operational DB before each refresh.
MEMBERSHIPS = ibis.schema(
    {
        "agent_id": "string",
        "team_id": "string",
        "program_id": "string",
        "start_date": "date",
        "end_date": "date",  # NULL: still on the team
    }
)

PROGRAMS = ibis.schema(
    {
        "program_id": "string",
        "client_id": "string",
        "time_zone": "string",
        "service_level_seconds": "float64",
    }
)

# What each import touched, written in the same transaction as the facts: the refresh
# recomputes only these periods, for these programs and agents (a changed row's old agent and
# program too). `agent_id` came later: a warehouse made before has it added by `ensure_tables`.
DIRTY_DAYS = ibis.schema(
    {"program_id": "string", "local_date": "date", "batch_id": "string", "agent_id": "string"}
)

IMPORT_LOG = ibis.schema(
    {
        "batch_id": "string",
        "kind": "string",
        "source": "string",
        "file_name": "string",
        "file_sha256": "string",
        "rows_read": "int64",
        "rows_inserted": "int64",
        "rows_updated": "int64",
        "rows_unchanged": "int64",
        "imported_at": UTC,
    }
)

FACT_TABLES = {
    "interactions": (INTERACTIONS, ("source", "interaction_id")),
    "surveys": (SURVEYS, ("source", "interaction_id", "kind")),
    "qa_scores": (QA_SCORES, ("source", "evaluation_id", "criterion")),
    "context_events": (CONTEXT_EVENTS, ("source", "event_id")),
}

# Besides these, a DuckDB warehouse keeps `zone_offsets`: each program zone's UTC offsets by
# day, computed by the import (`upswing.ingest.validate.cache_zone_offsets`) for local days.
TABLES = {
    **{name: schema for name, (schema, _) in FACT_TABLES.items()},
    "memberships": MEMBERSHIPS,
    "programs": PROGRAMS,
    "dirty_days": DIRTY_DAYS,
    "import_log": IMPORT_LOG,
}
