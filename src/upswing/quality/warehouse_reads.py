"""The quality pages' warehouse reads, opened read-only (None when nothing was imported; a
busy warehouse reads as empty so a page never fails on an import holding the lock)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from upswing.warehouse import quality as wq
from upswing.warehouse.evidence import WarehouseBusyError, read_only_warehouse

# What a page says when a writer holds the warehouse (WarehouseBusyError).
BUSY_MESSAGE = "The warehouse is being updated; try again in a minute."
__all__ = ["BUSY_MESSAGE", "WarehouseBusyError"]


def _read(fn, *args, **kwargs):
    with read_only_warehouse(settings.UPSWING_WAREHOUSE_URL) as con:
        return fn(con, *args, **kwargs)


def sample_candidates(program_code: str, first: dt.date, last: dt.date) -> list[dict]:
    return _read(wq.qa_sample_candidates, program_code, first, last)


def interaction(source: str, interaction_id: str) -> dict | None:
    try:
        return _read(wq.interaction_facts, source, interaction_id)
    except WarehouseBusyError:
        return None


def imported_for_agent(agent_code: str, limit: int = 20) -> list[dict]:
    try:
        return _read(wq.imported_evaluations, agent_ids=[agent_code], limit=limit)
    except WarehouseBusyError:
        return []


def imported_evaluator_scores(program_code: str, first: dt.date, last: dt.date) -> list[dict]:
    """Imported evaluations with their evaluator (app exports left out: they are counted from
    the operational database)."""
    from upswing.quality.export import SOURCE

    try:
        return _read(wq.evaluator_scores, program_code, first, last, exclude_source=SOURCE)
    except WarehouseBusyError:
        return []
