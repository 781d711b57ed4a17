"""How the suite empties the append-only audit table between transactional tests.

Django's test flush (after every `transaction=True`/`live_server` test) deletes or truncates
every table; the audit triggers refuse that, and no session may switch them off. So the flush
runs without the audit table: it is dropped first and created again, empty and with its
triggers, afterwards — DDL, what the owner of a test database may do, as recreating the
database would.
"""

from __future__ import annotations

import functools

from django.core.management.commands import flush
from django.db import connections

from upswing.audit.append_only import install_triggers
from upswing.audit.models import AuditEvent


def _drop_audit_table(alias: str) -> bool:
    connection = connections[alias]
    if AuditEvent._meta.db_table not in connection.introspection.table_names():
        return False
    with connection.schema_editor() as editor:
        editor.delete_model(AuditEvent)
    return True


def _create_audit_table(alias: str) -> None:
    with connections[alias].schema_editor() as editor:
        editor.create_model(AuditEvent)
        install_triggers(editor, AuditEvent._meta.db_table)


def patch_flush() -> functools.partial:
    """Make `manage.py flush` (tests only) recreate the audit table instead of emptying it."""
    original = flush.Command.handle

    @functools.wraps(original)
    def handle(self, **options):
        alias = options.get("database") or "default"
        dropped = _drop_audit_table(alias)
        try:
            return original(self, **options)
        finally:
            if dropped:
                _create_audit_table(alias)

    flush.Command.handle = handle
    return functools.partial(setattr, flush.Command, "handle", original)
