"""Actions on the warehouse sources from the page."""

from __future__ import annotations

from django.db import transaction

from upswing.audit.actions import record_event


def do_request_source_read(*, actor) -> None:
    """Queue a read of every source now, once this transaction commits (the scheduled job's
    work: a refresh follows when it merged rows). The request is in the audit trail."""
    from upswing.jobs.tasks import read_sources

    with transaction.atomic():
        record_event(actor=actor, action="source.read_request", object_type="warehouse_source")
        transaction.on_commit(read_sources.enqueue)
