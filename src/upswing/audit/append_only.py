"""Database triggers that make the audit table append-only, with no escape hatch.

UPDATE and DELETE of an audit row, and an INSERT that would overwrite one (SQLite's
`INSERT OR REPLACE`/`REPLACE INTO`, an UPSERT on either engine), raise "audit log is
append-only" from any client: the ORM, raw SQL, the `sqlite3`/`psql` shells. TRUNCATE raises
on PostgreSQL. Nothing a session can set (a temporary table, a setting) turns them off.

What remains is DDL, which only the table's owner may run: on PostgreSQL the application
connects as a role that is not the owner (docs/deploy.md, `upswing audit grants`), so it can
neither drop nor disable the triggers. On SQLite whoever can write the file can do anything;
the hash chain (`upswing.audit.chain`, `upswing audit verify`) is what detects that.

The test suite empties its databases between transactional tests by dropping and recreating
the audit table (tests/audit_reset.py), as the owner would, never through a flag.
"""

from __future__ import annotations

from collections.abc import Sequence

MESSAGE = "audit log is append-only"
# Old triggers by name, dropped before the current ones are made (idempotent install).
_SQLITE_TRIGGERS = ("no_insert_over", "no_update", "no_delete")
_OLD_FUNCTIONS = ("upswing_audit_no_truncate",)


def _sqlite(table: str, unique_columns: Sequence[str]) -> list[str]:
    # REPLACE deletes the conflicting row without firing DELETE triggers (unless
    # recursive_triggers is on), so an INSERT that would meet an existing row is refused first.
    clash = " OR ".join(f'"{c}" = NEW."{c}"' for c in unique_columns)
    raise_ = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    return [
        f'CREATE TRIGGER "{table}_no_insert_over" BEFORE INSERT ON "{table}" '
        f'WHEN EXISTS (SELECT 1 FROM "{table}" WHERE {clash}) {raise_}',
        f'CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}" {raise_}',
        f'CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}" {raise_}',
    ]


def _postgres(table: str, unique_columns: Sequence[str]) -> list[str]:
    # An UPSERT's DO UPDATE fires the UPDATE trigger; PostgreSQL has no REPLACE.
    return [
        "CREATE OR REPLACE FUNCTION upswing_audit_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME "
        "USING ERRCODE = 'insufficient_privilege'; END $$",
        f'CREATE TRIGGER "{table}_no_update_delete" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION upswing_audit_append_only()",
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION upswing_audit_append_only()",
    ]


def _drop(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [f'DROP TRIGGER IF EXISTS "{table}_{name}"' for name in _SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_no_update_delete" ON "{table}"',
            f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"',
            *(f"DROP FUNCTION IF EXISTS {name}()" for name in _OLD_FUNCTIONS),
        ]
    return []


def install_triggers(
    schema_editor, table: str, unique_columns: Sequence[str] = ("id", "seq")
) -> None:
    """Create the append-only triggers (idempotent: drops them first).

    unique_columns: every column with a unique constraint, whose clash an INSERT OR REPLACE
    would resolve by deleting the stored row.
    """
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": _sqlite, "postgresql": _postgres}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"no append-only triggers for the {vendor} database")
    for sql in _drop(vendor, table) + statements(table, unique_columns):
        # params=None: the SQL is sent as is (no %-placeholder interpolation).
        schema_editor.execute(sql, params=None)


def remove_triggers(schema_editor, table: str) -> None:
    for sql in _drop(schema_editor.connection.vendor, table):
        schema_editor.execute(sql, params=None)
