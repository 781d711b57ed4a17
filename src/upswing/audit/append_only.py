"""Database triggers that make the audit table append-only, and the one escape hatch for tests.

Production is strict: UPDATE and DELETE of an audit row raise "audit log is append-only" from
any client (the ORM, raw SQL, the `sqlite3`/`psql` shells); so does TRUNCATE on PostgreSQL.

The escape hatch exists only because Django's test machinery empties every table after a
`TransactionTestCase`/`transactional_db`/`live_server` test (`manage.py flush`): with DELETE
on SQLite and TRUNCATE on PostgreSQL. It is a flag on one database connection, never stored
in the database, and it is set only when the settings say `UPSWING_AUDIT_ALLOW_PURGE = True`
(settings_test.py; the production settings never define it):

- SQLite: the connection creates the temporary table `upswing_audit_purge`; the DELETE trigger
  fires unless that table exists in the connection's own `temp` schema. (A trigger cannot
  name `temp.sqlite_master`, but it can read the `pragma_table_list` table-valued function,
  SQLite >= 3.37.) UPDATE stays refused even then.
- PostgreSQL: the connection sets the session setting `upswing.audit_purge = 'on'`; the
  TRUNCATE trigger lets the statement through under it. UPDATE and DELETE stay refused.

Any other connection, including a second one in the same test run, stays strict.
"""

from __future__ import annotations

import sqlite3

from django.conf import settings

# The SQLite temp table that flags a connection (PostgreSQL: the setting upswing.audit_purge).
PURGE_FLAG = "upswing_audit_purge"
MESSAGE = "audit log is append-only"

_SQLITE_FLAG_OFF = (
    f"NOT EXISTS (SELECT 1 FROM pragma_table_list WHERE schema = 'temp' AND name = '{PURGE_FLAG}')"
)


def _sqlite(table: str) -> list[str]:
    # pragma_table_list exists from SQLite 3.37; older ones get the strict trigger, no hatch.
    hatch = f"WHEN {_SQLITE_FLAG_OFF} " if sqlite3.sqlite_version_info >= (3, 37) else ""
    return [
        f'CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f'CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}" {hatch}'
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


def _postgres(table: str) -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION upswing_audit_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME "
        "USING ERRCODE = 'insufficient_privilege'; END $$",
        "CREATE OR REPLACE FUNCTION upswing_audit_no_truncate() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "IF current_setting('upswing.audit_purge', true) = 'on' THEN RETURN NULL; END IF; "
        f"RAISE EXCEPTION '{MESSAGE} (TRUNCATE on %)', TG_TABLE_NAME "
        "USING ERRCODE = 'insufficient_privilege'; END $$",
        f'CREATE TRIGGER "{table}_no_update_delete" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION upswing_audit_append_only()",
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION upswing_audit_no_truncate()",
    ]


def _drop(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{table}_no_{op}"' for op in ("update", "delete")]
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_no_update_delete" ON "{table}"',
            f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"',
        ]
    return []


def install_triggers(schema_editor, table: str) -> None:
    """Create the append-only triggers (idempotent: drops them first)."""
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": _sqlite, "postgresql": _postgres}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"no append-only triggers for the {vendor} database")
    for sql in _drop(vendor, table) + statements(table):
        # params=None: the SQL is sent as is (no %-placeholder interpolation).
        schema_editor.execute(sql, params=None)


def remove_triggers(schema_editor, table: str) -> None:
    for sql in _drop(schema_editor.connection.vendor, table):
        schema_editor.execute(sql, params=None)


def allow_purge_on(connection) -> None:
    """Flag one connection as allowed to empty the audit table (tests' flush only)."""
    raw = connection.connection  # the DB-API connection: not logged, not counted as a query
    if connection.vendor == "sqlite":
        raw.execute(f"CREATE TEMP TABLE IF NOT EXISTS {PURGE_FLAG} (allowed INTEGER)")
    elif connection.vendor == "postgresql":
        raw.execute("SELECT set_config('upswing.audit_purge', 'on', false)")


def on_connection_created(sender, connection, **kwargs) -> None:
    if getattr(settings, "UPSWING_AUDIT_ALLOW_PURGE", False):
        allow_purge_on(connection)
