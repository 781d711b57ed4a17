"""How the suite empties the append-only audit table between transactional tests.

Django's test flush (after every `transaction=True`/`live_server` test) deletes or truncates
every table; the audit triggers refuse that, and no session may switch them off. So the flush
runs without the audit table: it is dropped first and created again, empty and with its
triggers, afterwards — DDL, what the owner of a test database may do, as recreating the
database would. The rows the data migrations seed (the default retention schedule, the
core 360 template) are seeded again after it, as a fresh test database has them: a test that
reads them passes whichever transactional test ran before it on the same worker.
"""

from __future__ import annotations

import functools
import importlib

from django.apps import apps
from django.core.management.commands import flush
from django.db import connections

from upswing.audit.append_only import install_triggers
from upswing.audit.models import AuditEvent

# (migration module, its forward function) of every data migration that seeds rows.
SEEDING_MIGRATIONS = (
    ("upswing.privacy.migrations.0002_default_schedule", "forwards"),
    ("upswing.feedback.migrations.0002_core_template", "create"),
)


def _seed_again(alias: str) -> None:
    with connections[alias].schema_editor() as editor:
        for module, function in SEEDING_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, editor)


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
    """Make `manage.py flush` (tests only) recreate the audit table instead of emptying it,
    and seed again what the data migrations seed."""
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
            _seed_again(alias)

    flush.Command.handle = handle
    return functools.partial(setattr, flush.Command, "handle", original)
